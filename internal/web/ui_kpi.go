package web

// The KPI and capacity pages: the overview (each indicator's value, target,
// red/green and a 12-period sparkline), a page per indicator (trend chart,
// the periods as a table, the tickets behind the value), the monthly Key
// Review (print), CSV export, and the capacity plan (forecast chart, plan,
// proposed vacancies). Charts are SVG rendered on the server. Scope as in
// api_kpi.go: engineers see their own indicators.

import (
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/frontline/frontline/internal/access"
	"github.com/frontline/frontline/internal/capacity"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/kpi"
)

func (s *Server) registerKPIUI() {
	rd := access.ReportsRead
	s.handleNeeds("GET /kpis", Staff, rd, s.uiKPIs)
	s.handleNeeds("GET /kpis/review", Staff, rd, s.uiKPIReview)
	s.handleNeeds("GET /kpis/export.csv", Staff, rd, s.uiKPICSV)
	s.handleNeeds("GET /kpis/{name}", Staff, rd, s.uiKPI)
	s.handleNeeds("GET /capacity", Staff, rd, s.uiCapacity)
	s.handleNeeds("GET /capacity/plan.csv", Staff, rd, s.uiCapacityCSV)
}

// kpiRow is an indicator formatted for a page.
type kpiRow struct {
	kpi.Indicator
	Shown, TargetShown string
	Spark              template.HTML
}

func fmtValue(v *float64, unit string) string {
	if v == nil {
		return "n/a"
	}
	switch unit {
	case "ratio":
		return strconv.FormatFloat(*v*100, 'f', 1, 64) + "%"
	case "hours":
		return strconv.FormatFloat(*v, 'f', 1, 64) + " h"
	case "days":
		return strconv.FormatFloat(*v, 'f', 0, 64) + " d"
	}
	return strconv.FormatFloat(*v, 'f', 1, 64)
}

func fmtTarget(i kpi.Indicator) string {
	if i.Target == nil {
		return "tracked"
	}
	t := fmtValue(i.Target, i.Unit)
	switch i.Direction {
	case kpi.AtLeast:
		return "≥ " + t
	case kpi.AtMost:
		if i.Name == "ic_manager_ratio" {
			return "≤ " + strconv.FormatFloat(*i.Target, 'f', 0, 64) + ":1"
		}
		return "≤ " + t
	case kpi.Within:
		return "within ±" + fmtValue(&i.Tolerance, i.Unit)
	}
	return t
}

// svgLine renders series (nil values break the line) as an SVG chart of
// w x h; labels, when given, go under the x axis.
func svgLine(series [][]*float64, w, h int, labels []string, title string) template.HTML {
	lo, hi := math.Inf(1), math.Inf(-1)
	n := 0
	for _, s := range series {
		n = max(n, len(s))
		for _, v := range s {
			if v != nil {
				lo, hi = math.Min(lo, *v), math.Max(hi, *v)
			}
		}
	}
	var b strings.Builder
	padB := 0
	if labels != nil {
		padB = 14
	}
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`, w, h, w, h, template.HTMLEscapeString(title))
	if math.IsInf(lo, 1) || n == 0 {
		fmt.Fprintf(&b, `<text x="4" y="%d" font-size="10" fill="#666">no data</text></svg>`, h/2)
		return template.HTML(b.String()) // #nosec G203 -- built from numbers and an escaped title
	}
	if hi == lo {
		hi, lo = hi+1, lo-1
	}
	x := func(i int) float64 {
		if n == 1 {
			return float64(w) / 2
		}
		return 2 + float64(i)*float64(w-4)/float64(n-1)
	}
	y := func(v float64) float64 { return 2 + (hi-v)*float64(h-4-padB)/(hi-lo) }
	colors := []string{"#1f5fa8", "#c05a00", "#2e7d32", "#7b1fa2"}
	for si, s := range series {
		var pts []string
		flush := func() {
			if len(pts) == 1 {
				p := strings.Split(pts[0], ",")
				fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="1.8" fill="%s"/>`, p[0], p[1], colors[si%len(colors)])
			} else if len(pts) > 1 {
				fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="1.6" points="%s"/>`, colors[si%len(colors)], strings.Join(pts, " "))
			}
			pts = nil
		}
		for i, v := range s {
			if v == nil {
				flush()
				continue
			}
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(*v)))
		}
		flush()
	}
	for i, l := range labels {
		if l == "" {
			continue
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="9" text-anchor="middle" fill="#444">%s</text>`, x(i), h-2, template.HTMLEscapeString(l))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // #nosec G203 -- built from numbers and escaped labels
}

func trendValues(ps []kpi.Point) []*float64 {
	out := make([]*float64, len(ps))
	for i, p := range ps {
		out[i] = p.Value
	}
	return out
}

func (s *Server) kpiRows(inds []kpi.Indicator) []kpiRow {
	rows := make([]kpiRow, 0, len(inds))
	for _, i := range inds {
		row := kpiRow{Indicator: i, Shown: fmtValue(i.Value, i.Unit), TargetShown: fmtTarget(i)}
		if len(i.Trend) > 0 {
			row.Spark = svgLine([][]*float64{trendValues(i.Trend)}, 120, 28, nil, i.Title+" trend")
		}
		rows = append(rows, row)
	}
	return rows
}

func (s *Server) kpiPage(w http.ResponseWriter, r *http.Request, page string, data map[string]any) error {
	q, err := s.kpiQuery(r)
	if err != nil {
		return err
	}
	inds, loads, err := s.KPI.Overview(r.Context(), q)
	if err != nil {
		return err
	}
	sc, err := s.kpiScope(r)
	if err != nil {
		return err
	}
	spans := q.Spans()
	data["Rows"] = s.kpiRows(inds)
	data["Loads"] = loads
	data["Period"] = spans[len(spans)-1].Label
	data["Suffix"] = suffix(r)
	data["Form"] = r.URL.Query()
	data["All"] = sc.all
	data["Week"] = q.Period == kpi.Week
	s.render(w, r, http.StatusOK, page, data)
	return nil
}

func (s *Server) uiKPIs(w http.ResponseWriter, r *http.Request) error {
	return s.kpiPage(w, r, "kpi_overview.html", map[string]any{"Title": "KPIs"})
}

func (s *Server) uiKPIReview(w http.ResponseWriter, r *http.Request) error {
	return s.kpiPage(w, r, "kpi_review.html", map[string]any{"Title": "Key Review"})
}

func (s *Server) uiKPICSV(w http.ResponseWriter, r *http.Request) error {
	q, err := s.kpiQuery(r)
	if err != nil {
		return err
	}
	inds, _, err := s.KPI.Overview(r.Context(), q)
	if err != nil {
		return err
	}
	return writeKPICSV(w, inds)
}

func (s *Server) uiKPI(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	def, ok := kpi.DefOf(name)
	if !ok {
		return errs.NotFound("indicator")
	}
	q, err := s.kpiQuery(r)
	if err != nil {
		return err
	}
	pts, hasSeries, inds, err := s.KPI.Page(r.Context(), name, q)
	if err != nil {
		return err
	}
	var ind kpi.Indicator
	for _, i := range inds {
		if i.Name == name {
			ind = i
		}
	}
	spans := q.Spans()
	labels := make([]string, len(pts))
	type periodRow struct{ Period, Shown string }
	var periods []periodRow
	for i, p := range pts {
		if i%2 == len(pts)%2 || len(pts) <= 6 {
			labels[i] = p.Period
		}
		periods = append(periods, periodRow{p.Period, fmtValue(p.Value, def.Unit)})
	}
	tickets, err := s.KPI.Tickets(r.Context(), spans[len(spans)-1], q.Filter, 100)
	if err != nil {
		return err
	}
	if tickets, err = visibleRecords(s, r, "ticket", tickets, func(t kpi.TicketRow) int64 { return t.ID }); err != nil {
		return err
	}
	data := map[string]any{"Title": def.Title, "Def": def, "Ind": kpiRow{Indicator: ind, Shown: fmtValue(ind.Value, ind.Unit), TargetShown: fmtTarget(ind)},
		"HasSeries": hasSeries, "Periods": periods, "Tickets": tickets, "Period": spans[len(spans)-1].Label, "Suffix": suffix(r)}
	if hasSeries {
		data["Chart"] = svgLine([][]*float64{trendValues(pts)}, 640, 200, labels, def.Title)
	}
	s.render(w, r, http.StatusOK, "kpi_indicator.html", data)
	return nil
}

func (s *Server) uiCapacity(w http.ResponseWriter, r *http.Request) error {
	sid := int64(0)
	if v := r.URL.Query().Get("scenario_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return errs.BadRequest("scenario_id: must be a number, not %q", v)
		}
		sid = n
	}
	p, err := s.capacityPlan(r.Context(), sid)
	if err != nil {
		return err
	}
	type regionView struct {
		capacity.RegionPlan
		Chart template.HTML
		MAPE  string
	}
	var regions []regionView
	for _, rp := range p.Regions {
		hist := make([]*float64, 0, len(rp.History)+len(rp.Forecast.Values))
		fc := make([]*float64, 0, cap(hist))
		for _, v := range rp.History {
			hist = append(hist, ptr(v))
			fc = append(fc, nil)
		}
		if len(hist) > 0 {
			fc[len(fc)-1] = hist[len(hist)-1]
		}
		for _, v := range rp.Forecast.Values {
			hist = append(hist, nil)
			fc = append(fc, ptr(v))
		}
		mape := "n/a"
		if rp.Forecast.MAPE >= 0 {
			mape = strconv.FormatFloat(rp.Forecast.MAPE*100, 'f', 1, 64) + "%"
		}
		regions = append(regions, regionView{RegionPlan: rp, MAPE: mape,
			Chart: svgLine([][]*float64{hist, fc}, 640, 160, nil, rp.Region+" weekly volume: history and forecast")})
	}
	scs, err := s.KPI.Scenarios(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "kpi_capacity.html", map[string]any{"Title": "Capacity plan", "Plan": p, "Regions": regions,
		"Scenarios": scs, "ScenarioID": sid})
	return nil
}

func ptr(v float64) *float64 { return &v }

func (s *Server) uiCapacityCSV(w http.ResponseWriter, r *http.Request) error {
	p, err := s.capacityPlan(r.Context(), 0)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="capacity-plan.csv"`)
	var b strings.Builder
	b.WriteString("region,month,volume,required_engineers,required_managers,available_engineers,gap,available_with_proposals\n")
	for _, rp := range p.Regions {
		for _, m := range rp.Months {
			fmt.Fprintf(&b, "%s,%s,%.0f,%d,%d,%.2f,%.2f,%.2f\n", rp.Region, m.Month, m.Volume, m.RequiredEngineers, m.RequiredManagers, m.AvailableEngineers, m.Gap, m.WithProposals)
		}
	}
	_, err = w.Write([]byte(b.String()))
	return err
}

// suffix is the request's query, kept on links between KPI pages.
func suffix(r *http.Request) string {
	if r.URL.RawQuery == "" {
		return ""
	}
	return "?" + r.URL.Query().Encode()
}

// kpiFuncs are the KPI templates' helpers.
func kpiFuncs() template.FuncMap {
	return template.FuncMap{
		"list3": func(a, b, c string) []string { return []string{a, b, c} },
		"hours": func(secs int64) float64 { return float64(secs) / 3600 },
		"pct":   func(v float64) float64 { return v * 100 },
	}
}
