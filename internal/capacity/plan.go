package capacity

import (
	"math"
	"sort"
	"time"
)

// Params are a plan's inputs (a saved what-if changes some of them).
type Params struct {
	Staffing
	VolumeChange float64 `json:"volume_change"` // +0.2 = volume +20%
	Attrition    float64 `json:"attrition"`     // yearly share of engineers leaving
	LeadMonths   int     `json:"lead_months"`   // vacancies start this many months before they are needed
	Threshold    float64 `json:"threshold"`     // smallest gap (engineers) worth a vacancy
	Ramp         Ramp    `json:"ramp"`          // new-hire productivity by month
	EngineerCost float64 `json:"engineer_cost"` // yearly, for the plan's cost
	ManagerCost  float64 `json:"manager_cost"`  // yearly
}

// DefaultParams are the reference's middle values.
func DefaultParams() Params {
	return Params{
		Staffing:   Staffing{Deflection: 0, HandleHours: 1.5, HoursPerMonth: 160, Shrinkage: 0.3, Utilisation: 0.75, ICPerManager: 10},
		LeadMonths: 2, Threshold: 0.5, Ramp: DefaultRamp(), EngineerCost: 140000, ManagerCost: 190000,
	}
}

// Month is one region's month of the plan.
type Month struct {
	Month              string  `json:"month"`
	Volume             float64 `json:"volume"`
	RequiredEngineers  int     `json:"required_engineers"`
	RequiredManagers   int     `json:"required_managers"`
	AvailableEngineers float64 `json:"available_engineers"`
	Gap                float64 `json:"gap"`
	WithProposals      float64 `json:"available_with_proposals"`
}

// RegionPlan is one region's forecast and months.
type RegionPlan struct {
	Region   string    `json:"region"`
	Forecast Forecast  `json:"forecast"`
	History  []float64 `json:"history"`
	Months   []Month   `json:"months"`
}

// Plan is the capacity plan.
type Plan struct {
	Start      string        `json:"start"`
	Params     Params        `json:"params"`
	Regions    []RegionPlan  `json:"regions"`
	Proposals  []ProposalOut `json:"proposed_vacancies"`
	YearlyCost float64       `json:"yearly_cost"`
}

// ProposalOut is a proposal with dates.
type ProposalOut struct {
	Proposal
	TargetStart string  `json:"target_start_date"`
	NeededBy    string  `json:"needed_by"`
	YearlyCost  float64 `json:"yearly_cost"`
}

// Member is a supply line from the roster.
type Member struct {
	Region  string
	Manager bool
	Leaves  *time.Time // end date
	OffDays []time.Time
}

// Input is what Build plans from.
type Input struct {
	Start   time.Time            // first month of the plan (a month start)
	Weekly  map[string][]float64 // weekly created tickets per region, oldest first, the last week ending before Start
	Members []Member
	Months  int // 12
}

// Build forecasts each region, computes required engineers and supply per
// month, the gap, and proposes vacancies.
func Build(in Input, p Params) Plan {
	months := in.Months
	if months <= 0 {
		months = 12
	}
	start := time.Date(in.Start.Year(), in.Start.Month(), 1, 0, 0, 0, 0, time.UTC)
	plan := Plan{Start: start.Format("2006-01-02"), Params: p}
	regions := make([]string, 0, len(in.Weekly))
	for r := range in.Weekly {
		regions = append(regions, r)
	}
	for _, m := range in.Members {
		if _, ok := in.Weekly[m.Region]; !ok && m.Region != "" {
			in.Weekly[m.Region] = nil
			regions = append(regions, m.Region)
		}
	}
	sort.Strings(regions)
	monthIdx := func(t time.Time) int {
		return (t.Year()-start.Year())*12 + int(t.Month()-start.Month())
	}
	// Supply: engineers (not managers) with leavers, time off and attrition.
	var people []Person
	for _, m := range in.Members {
		if m.Manager {
			continue
		}
		pp := Person{Region: m.Region, Start: -1, Leave: -1, OffFrac: make([]float64, months)}
		if m.Leaves != nil {
			pp.Leave = max(monthIdx(*m.Leaves)+1, 0)
		}
		for _, d := range m.OffDays {
			if i := monthIdx(d); i >= 0 && i < months {
				pp.OffFrac[i] += 1.0 / 21
			}
		}
		for i := range pp.OffFrac {
			pp.OffFrac[i] = math.Min(pp.OffFrac[i], 1)
			// Attrition: the expected share gone by month i.
			pp.OffFrac[i] = 1 - (1-pp.OffFrac[i])*math.Pow(1-p.Attrition, float64(i+1)/12)
		}
		people = append(people, pp)
	}
	supply := Supply(people, months, p.Ramp)
	required := map[string][]float64{}
	for _, r := range regions {
		rp := RegionPlan{Region: r, History: in.Weekly[r]}
		weeks := int(math.Ceil(float64(months) * 52 / 12))
		f, ok := Best(in.Weekly[r], weeks+1)
		if !ok {
			// Too little history: the mean of what there is.
			mean := 0.0
			for _, v := range in.Weekly[r] {
				mean += v
			}
			if n := len(in.Weekly[r]); n > 0 {
				mean /= float64(n)
			}
			f = Forecast{Model: Model{Kind: NoSeason}, MAPE: math.NaN(), Values: make([]float64, weeks+1)}
			for i := range f.Values {
				f.Values[i] = mean
			}
		}
		if math.IsNaN(f.MAPE) || math.IsInf(f.MAPE, 0) {
			f.MAPE = -1
		}
		rp.Forecast = f
		// Monthly volume: each forecast week's tickets spread by day.
		vol := make([]float64, months)
		for w, v := range f.Values {
			for d := 0; d < 7; d++ {
				day := start.AddDate(0, 0, 7*w+d)
				if i := monthIdx(day); i >= 0 && i < months {
					vol[i] += v * (1 + p.VolumeChange) / 7
				}
			}
		}
		req := make([]float64, months)
		sup := supply[r]
		if sup == nil {
			sup = make([]float64, months)
		}
		for i := 0; i < months; i++ {
			e, mg := p.Required(vol[i])
			req[i] = float64(e)
			rp.Months = append(rp.Months, Month{Month: start.AddDate(0, i, 0).Format("2006-01"), Volume: math.Round(vol[i]),
				RequiredEngineers: e, RequiredManagers: mg, AvailableEngineers: round2(sup[i]), Gap: round2(float64(e) - sup[i])})
		}
		required[r] = req
		plan.Regions = append(plan.Regions, rp)
	}
	props := Propose(required, supply, p.Ramp, p.LeadMonths, p.Threshold)
	added := map[string][]float64{}
	for _, pr := range props {
		row := added[pr.Region]
		if row == nil {
			row = make([]float64, months)
			added[pr.Region] = row
		}
		for k := pr.StartMonth; k < months; k++ {
			row[k] += float64(pr.Count) * p.Ramp.At(k-pr.StartMonth)
		}
		plan.Proposals = append(plan.Proposals, ProposalOut{Proposal: pr,
			TargetStart: start.AddDate(0, pr.StartMonth, 0).Format("2006-01-02"),
			NeededBy:    start.AddDate(0, pr.NeededMonth, 0).Format("2006-01"),
			YearlyCost:  float64(pr.Count) * p.EngineerCost})
	}
	if plan.Proposals == nil {
		plan.Proposals = []ProposalOut{}
	}
	for i := range plan.Regions {
		rp := &plan.Regions[i]
		maxE, maxM := 0, 0
		for k := range rp.Months {
			a := 0.0
			if row := added[rp.Region]; row != nil {
				a = row[k]
			}
			rp.Months[k].WithProposals = round2(rp.Months[k].AvailableEngineers + a)
			maxE = max(maxE, rp.Months[k].RequiredEngineers)
			maxM = max(maxM, rp.Months[k].RequiredManagers)
		}
		plan.YearlyCost += float64(maxE)*p.EngineerCost + float64(maxM)*p.ManagerCost
	}
	return plan
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }
