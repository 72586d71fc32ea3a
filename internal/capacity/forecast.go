// Package capacity turns ticket volume into a staffing plan: Holt-Winters
// forecasts of weekly volume per region (backtested, MAPE reported),
// required engineers by the workload formula, Erlang C for interruptive
// emergency coverage, supply from the roster and vacancies with a ramp-up
// curve, the gap per region and month, and proposed vacancies. Pure maths,
// no database (../shared/reference/kpi-capacity.md).
package capacity

import (
	"math"
)

// Kind of Holt-Winters seasonality.
type Kind string

const (
	Additive       Kind = "additive"
	Multiplicative Kind = "multiplicative"
	NoSeason       Kind = "none" // Holt's linear trend
)

// Model is a Holt-Winters model: smoothing factors and season length.
type Model struct {
	Kind   Kind    `json:"kind"`
	Season int     `json:"season"` // m: 52 for weekly buckets with a yearly season
	Alpha  float64 `json:"alpha"`
	Beta   float64 `json:"beta"`
	Gamma  float64 `json:"gamma"`
	// Phi damps the trend (Gardner's damped trend; 0 or 1 = undamped), so
	// a year ahead does not extrapolate a short history's slope.
	Phi float64 `json:"phi"`
}

// Fit runs the model over ys and returns the h-step forecast after the
// last observation and the one-step-ahead fitted values (nil for the first
// season, which initialises the state). ys must hold a season and a
// quarter more (two points with NoSeason).
func (m Model) Fit(ys []float64, h int) (forecast []float64, ok bool) {
	s := m.Season
	if m.Kind == NoSeason {
		s = 0
	}
	if (s > 0 && len(ys) < s+s/4+1) || len(ys) < 2 {
		return nil, false
	}
	var L, T float64
	S := make([]float64, len(ys)+h+s+1)
	start := 0
	if s == 0 {
		L, T = ys[0], ys[1]-ys[0]
		start = 1
	} else {
		// Initial level: first season's mean; trend: mean season-over-season
		// change; season: first season's deviations.
		// (no trend when less than two seasons are known).
		var m1, m2 float64
		for i := 0; i < s; i++ {
			m1 += ys[i]
		}
		m1 /= float64(s)
		L = m1
		if len(ys) >= 2*s {
			for i := 0; i < s; i++ {
				m2 += ys[s+i]
			}
			m2 /= float64(s)
			T = (m2 - m1) / float64(s)
		}
		// Seasonal indexes against the detrended first season; the level
		// is the trend line at the end of the first season.
		mid := float64(s-1) / 2
		for i := 0; i < s; i++ {
			base := m1 + (float64(i)-mid)*T
			if m.Kind == Multiplicative {
				if base == 0 {
					S[i] = 1
				} else {
					S[i] = ys[i] / base
				}
			} else {
				S[i] = ys[i] - base
			}
		}
		L = m1 + mid*T
		start = s
	}
	a, b, g := m.Alpha, m.Beta, m.Gamma
	phi := m.Phi
	if phi <= 0 {
		phi = 1
	}
	for t := start; t < len(ys); t++ {
		y := ys[t]
		prevL := L
		switch {
		case s == 0:
			L = a*y + (1-a)*(L+phi*T)
		case m.Kind == Multiplicative:
			si := S[t-s]
			if si == 0 {
				si = 1e-9
			}
			L = a*(y/si) + (1-a)*(L+phi*T)
		default:
			L = a*(y-S[t-s]) + (1-a)*(L+phi*T)
		}
		T = b*(L-prevL) + (1-b)*phi*T
		if s > 0 {
			if m.Kind == Multiplicative {
				if L != 0 {
					S[t] = g*(y/L) + (1-g)*S[t-s]
				} else {
					S[t] = S[t-s]
				}
			} else {
				S[t] = g*(y-L) + (1-g)*S[t-s]
			}
		}
	}
	n := len(ys)
	forecast = make([]float64, h)
	damp := 0.0 // phi + phi^2 + ... + phi^k
	for k := 1; k <= h; k++ {
		damp += math.Pow(phi, float64(k))
		f := L + damp*T
		if s > 0 {
			// S_{t+h-m}, wrapping to the last full season for h > m.
			idx := n - 1 + k - s*((k-1)/s+1)
			if m.Kind == Multiplicative {
				f *= S[idx]
			} else {
				f += S[idx]
			}
		}
		forecast[k-1] = math.Max(f, 0)
	}
	return forecast, true
}

// MAPE is the mean absolute percentage error over the points with a
// non-zero actual; nil-safe: NaN when none.
func MAPE(actual, forecast []float64) float64 {
	var sum float64
	n := 0
	for i := range actual {
		if i >= len(forecast) || actual[i] == 0 {
			continue
		}
		sum += math.Abs((actual[i] - forecast[i]) / actual[i])
		n++
	}
	if n == 0 {
		return math.NaN()
	}
	return sum / float64(n)
}

// Backtest fits the model on ys without its last hold points and returns
// the MAPE of the forecast against them.
func (m Model) Backtest(ys []float64, hold int) (float64, bool) {
	if hold <= 0 || hold >= len(ys) {
		return 0, false
	}
	f, ok := m.Fit(ys[:len(ys)-hold], hold)
	if !ok {
		return 0, false
	}
	e := MAPE(ys[len(ys)-hold:], f)
	return e, !math.IsNaN(e)
}

// Forecast is a chosen model's forecast with its backtest error.
type Forecast struct {
	Model  Model     `json:"model"`
	MAPE   float64   `json:"mape"`
	Hold   int       `json:"backtest_weeks"`
	Values []float64 `json:"values"`
}

// Best picks, by backtest MAPE over the last hold points, the best model
// among additive and multiplicative Holt-Winters with a yearly season (52
// weekly buckets, when the history holds two years), a 4-week season and
// Holt's linear trend, each undamped and damped (phi 0.9), over a grid of
// smoothing factors; then refits
// it on the whole history and forecasts h points.
func Best(ys []float64, h int) (Forecast, bool) {
	hold := min(13, len(ys)/4)
	if hold < 1 {
		return Forecast{}, false
	}
	grid := []float64{0.05, 0.2, 0.4, 0.6, 0.8}
	best := Forecast{MAPE: math.Inf(1)}
	try := func(m Model) {
		e, ok := m.Backtest(ys, hold)
		if ok && e < best.MAPE {
			best.Model, best.MAPE = m, e
		}
	}
	for _, season := range []int{52, 4} {
		if len(ys)-hold < season+season/4+1 {
			continue
		}
		for _, k := range []Kind{Additive, Multiplicative} {
			for _, a := range grid {
				for _, b := range grid[:3] {
					for _, g := range grid[:4] {
						for _, phi := range []float64{1, 0.9} {
							try(Model{Kind: k, Season: season, Alpha: a, Beta: b, Gamma: g, Phi: phi})
						}
					}
				}
			}
		}
	}
	for _, a := range grid {
		for _, b := range grid {
			for _, phi := range []float64{1, 0.9} {
				try(Model{Kind: NoSeason, Alpha: a, Beta: b, Phi: phi})
			}
		}
	}
	if math.IsInf(best.MAPE, 1) {
		return Forecast{}, false
	}
	f, ok := best.Model.Fit(ys, h)
	if !ok {
		return Forecast{}, false
	}
	best.Values, best.Hold = f, hold
	return best, true
}
