package web

// The KPI and capacity API (/api/v2/kpis, /api/v2/capacity/...): the
// department's indicators from the rollups (package kpi) and the capacity
// plan (package capacity). Reading indicators needs reports.read; people
// managers, Support Operations (team.manage) and admins see any slice, an
// engineer without reports sees only their own (member_id is forced to
// them). The capacity plan (department aggregates: volume, headcount,
// proposed vacancies) is read with reports.read; saving and deleting
// what-if scenarios needs team.manage (Support Operations) or an admin.

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"time"

	"github.com/frontline/frontline/internal/access"
	"github.com/frontline/frontline/internal/capacity"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/kpi"
	"github.com/prometheus/client_golang/prometheus"
)

var kpiQueryParams = []string{"period", "date", "periods", "region", "group_id", "manager_id", "member_id", "plan", "tier", "brand_id"}

func (s *Server) openKPI() {
	if s.KPI == nil && s.DB != nil {
		s.KPI = kpi.NewStore(s.DB)
	}
	if s.KPI != nil && s.KPI.Deflection == nil {
		s.openKB()
		if s.KB != nil {
			s.KPI.Deflection = s.KB // the deflection indicators read the knowledge base's events
		}
	}
	if s.KPI != nil && s.MetricsToken != "" { // department figures only behind the token
		s.registry.MustRegister(&kpiCollector{s: s})
	}
}

func (s *Server) registerKPIAPI() {
	rd := access.ReportsRead
	s.handleNeeds("GET /api/v2/kpis", Staff, rd, s.apiKPIs)
	s.handleNeeds("GET /api/v2/kpis/{name}/series", Staff, rd, s.apiKPISeries)
	s.handleNeeds("GET /api/v2/capacity/forecast", Staff, rd, s.apiCapacityForecast)
	s.handleNeeds("GET /api/v2/capacity/plan", Staff, rd, s.apiCapacityPlan)
	s.handleNeeds("GET /api/v2/capacity/scenarios", Staff, rd, s.apiListScenarios)
	s.handleNeeds("POST /api/v2/capacity/scenarios", Staff, access.TeamManage, s.apiCreateScenario)
	s.handleNeeds("DELETE /api/v2/capacity/scenarios/{id}", Staff, access.TeamManage, s.apiDeleteScenario)
	s.handleNeeds("POST /api/v2/capacity/plan/approve", Staff, access.TeamManage, s.apiApproveProposals)
}

func kpiAPIDocs() map[string]apiDoc {
	t := "KPIs and capacity"
	return map[string]apiDoc{
		"GET /api/v2/kpis":                       {summary: "Every indicator (name, value, target, status, trend) for the period (month|week) containing date, filtered by region, group_id, manager_id (their team), member_id, plan, tier, brand_id; engineers see their own; restricted brands the caller is not cleared for are left out of every number (brand_id of one is 404)", tag: t, result: "kpis", query: kpiQueryParams},
		"GET /api/v2/kpis/{name}/series":         {summary: "One indicator's series by month or week (periods, default 12)", tag: t, result: "series", query: kpiQueryParams},
		"GET /api/v2/capacity/forecast":          {summary: "Weekly ticket volume per region for the next 12 months (Holt-Winters, best model by backtest, MAPE)", tag: t, result: "forecast", query: []string{"region"}},
		"GET /api/v2/capacity/plan":              {summary: "Required vs available engineers per region and month, the gap, proposed_vacancies and the plan's cost; scenario_id applies a saved what-if", tag: t, result: "plan", query: []string{"scenario_id", "region"}},
		"GET /api/v2/capacity/scenarios":         {summary: "Saved what-if scenarios with each plan's totals side by side", tag: t, result: "scenarios"},
		"POST /api/v2/capacity/scenarios":        {summary: "Save a what-if (volume_change, deflection_points, attrition, handle_hours, shrinkage)", tag: t, body: "scenario", result: "scenario"},
		"DELETE /api/v2/capacity/scenarios/{id}": {summary: "Delete a saved what-if", tag: t},
		"POST /api/v2/capacity/plan/approve":     {summary: "Approve the plan's proposed vacancies into the hiring module's plan in one step (422 until the hiring module is installed)", tag: t, result: "approval"},
	}
}

func kpiEnvelopes() map[string]envelope {
	return map[string]envelope{
		"kpis":      {reflect.TypeOf([]kpi.Indicator{}), nil},
		"series":    {reflect.TypeOf([]kpi.Point{}), nil},
		"forecast":  {reflect.TypeOf([]capacity.RegionPlan{}), nil},
		"plan":      {reflect.TypeOf(capacity.Plan{}), nil},
		"scenarios": {reflect.TypeOf([]scenarioJSON{}), nil},
		"scenario":  {reflect.TypeOf(scenarioJSON{}), reflect.TypeOf(scenarioInput{})},
		"approval":  {reflect.TypeOf(approvalJSON{}), nil},
	}
}

// kpiScope is what the caller may see.
type kpiScope struct {
	all      bool  // admin, team.manage, or a people manager
	self     int64 // the caller
	managers map[int64]bool
	reports  map[int64][]int64 // manager → direct reports
}

func (s *Server) kpiScope(r *http.Request) (kpiScope, error) {
	p := PrincipalFrom(r.Context())
	sc := kpiScope{self: p.UserID, managers: map[int64]bool{}, reports: map[int64][]int64{}}
	roster, err := s.KPI.Roster(r.Context())
	if err != nil {
		return sc, err
	}
	for _, e := range roster {
		if e.ManagerID != 0 {
			sc.managers[e.ManagerID] = true
			sc.reports[e.ManagerID] = append(sc.reports[e.ManagerID], e.ID)
		}
	}
	if p.IsAdmin() || sc.managers[p.UserID] {
		sc.all = true
		return sc, nil
	}
	sc.all, err = s.can(r, access.TeamManage)
	return sc, err
}

// team is manager m's whole organisation below them.
func (sc kpiScope) team(m int64) []int64 {
	out := []int64{}
	seen := map[int64]bool{m: true}
	queue := []int64{m}
	for len(queue) > 0 {
		x := queue[0]
		queue = queue[1:]
		for _, c := range sc.reports[x] {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
				queue = append(queue, c)
			}
		}
	}
	return out
}

func queryInt(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, errs.BadRequest("%s: must be a positive integer, not %q", name, v)
	}
	return n, nil
}

// kpiQuery parses the period and filters, applying the caller's scope.
func (s *Server) kpiQuery(r *http.Request) (kpi.Query, error) {
	qv := r.URL.Query()
	q := kpi.Query{Period: kpi.Month, At: s.now(), Periods: 12}
	switch v := qv.Get("period"); v {
	case "", "month":
	case "week":
		q.Period = kpi.Week
	default:
		return q, errs.BadRequest("period: must be month or week, not %q", v)
	}
	if v := qv.Get("date"); v != "" {
		t, err := time.Parse("2006-01-02", v)
		if err != nil {
			return q, errs.BadRequest("date: must be YYYY-MM-DD, not %q", v)
		}
		q.At = t
	}
	if v := qv.Get("periods"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 36 {
			return q, errs.BadRequest("periods: must be 1 to 36, not %q", v)
		}
		q.Periods = n
	}
	switch v := qv.Get("region"); v {
	case "", "AMER", "EMEA", "APAC":
		q.Filter.Region = v
	default:
		return q, errs.BadRequest("region: must be AMER, EMEA or APAC, not %q", v)
	}
	switch v := qv.Get("plan"); v {
	case "", "self_managed", "saas":
		q.Filter.Plan = v
	default:
		return q, errs.BadRequest("plan: must be self_managed or saas, not %q", v)
	}
	q.Filter.Tier = qv.Get("tier")
	var err error
	if q.Filter.GroupID, err = queryInt(r, "group_id"); err != nil {
		return q, err
	}
	// The numbers leave out the restricted brands hidden from the caller
	// (ADR 0019): a brand_id of one of them is not found, like the brand's
	// tickets.
	if q.Filter.HiddenBrands, err = s.hiddenBrands(r); err != nil {
		return q, err
	}
	if q.Filter.BrandID, err = queryInt(r, "brand_id"); err != nil {
		return q, err
	}
	if q.Filter.BrandID != 0 && slices.Contains(q.Filter.HiddenBrands, q.Filter.BrandID) {
		return q, errs.NotFound("brand")
	}
	mgr, err := queryInt(r, "manager_id")
	if err != nil {
		return q, err
	}
	member, err := queryInt(r, "member_id")
	if err != nil {
		return q, err
	}
	sc, err := s.kpiScope(r)
	if err != nil {
		return q, err
	}
	if !sc.all {
		if (member != 0 && member != sc.self) || mgr != 0 {
			return q, errs.Forbidden("engineers see their own indicators only")
		}
		member = sc.self
	}
	if mgr != 0 {
		q.Filter.Assignees = append(sc.team(mgr), mgr)
	}
	if member != 0 {
		if q.Filter.Assignees != nil && !containsID(q.Filter.Assignees, member) {
			q.Filter.Assignees = []int64{}
		} else {
			q.Filter.Assignees = []int64{member}
		}
	}
	return q, nil
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func (s *Server) apiKPIs(w http.ResponseWriter, r *http.Request) error {
	q, err := s.kpiQuery(r)
	if err != nil {
		return err
	}
	inds, loads, err := s.KPI.Overview(r.Context(), q)
	if err != nil {
		return err
	}
	spans := q.Spans()
	last := spans[len(spans)-1]
	if loads == nil {
		loads = []kpi.EngineerLoad{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"kpis": inds, "count": len(inds), "period": map[string]any{
		"granularity": q.Period, "label": last.Label, "start": dayDate(last.Start), "end": dayDate(last.End)},
		"engineers": loads})
	return nil
}

func dayDate(d int) string { return time.Unix(int64(d)*86400, 0).UTC().Format("2006-01-02") }

func (s *Server) apiKPISeries(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	q, err := s.kpiQuery(r)
	if err != nil {
		return err
	}
	pts, ok, err := s.KPI.Series(r.Context(), name, q)
	if err != nil {
		return err
	}
	if !ok {
		if _, known := kpi.DefOf(name); known {
			return errs.BadRequest("%s: has no series (it is a current value of the roster or another module)", name)
		}
		return errs.NotFound("indicator")
	}
	writeJSON(w, http.StatusOK, map[string]any{"name": name, "series": pts, "count": len(pts), "granularity": q.Period})
	return nil
}

// plan builds the capacity plan, optionally with a saved what-if.
func (s *Server) capacityPlan(ctx context.Context, scenarioID int64) (capacity.Plan, error) {
	p, err := s.KPI.CapacityParams(ctx)
	if err != nil {
		return capacity.Plan{}, err
	}
	if scenarioID != 0 {
		scs, err := s.KPI.Scenarios(ctx)
		if err != nil {
			return capacity.Plan{}, err
		}
		found := false
		for _, sc := range scs {
			if sc.ID == scenarioID {
				if p, err = sc.Changes.Apply(p); err != nil {
					return capacity.Plan{}, err
				}
				found = true
			}
		}
		if !found {
			return capacity.Plan{}, errs.NotFound("scenario")
		}
	}
	sc, err := s.scopeOfCtx(ctx) // the volumes leave out hidden restricted brands
	if err != nil {
		return capacity.Plan{}, err
	}
	in, err := s.KPI.CapacityInput(ctx, s.now(), sc.Hidden)
	if err != nil {
		return capacity.Plan{}, err
	}
	return capacity.Build(in, p), nil
}

func regionParam(r *http.Request) (string, error) {
	switch v := r.URL.Query().Get("region"); v {
	case "", "AMER", "EMEA", "APAC":
		return v, nil
	default:
		return "", errs.BadRequest("region: must be AMER, EMEA or APAC, not %q", v)
	}
}

func onlyRegion(p *capacity.Plan, region string) {
	if region == "" {
		return
	}
	var rs []capacity.RegionPlan
	for _, x := range p.Regions {
		if x.Region == region {
			rs = append(rs, x)
		}
	}
	ps := []capacity.ProposalOut{}
	for _, x := range p.Proposals {
		if x.Region == region {
			ps = append(ps, x)
		}
	}
	p.Regions, p.Proposals = rs, ps
}

func (s *Server) apiCapacityForecast(w http.ResponseWriter, r *http.Request) error {
	region, err := regionParam(r)
	if err != nil {
		return err
	}
	p, err := s.capacityPlan(r.Context(), 0)
	if err != nil {
		return err
	}
	onlyRegion(&p, region)
	type fc struct {
		Region  string         `json:"region"`
		Start   string         `json:"start"`
		Model   capacity.Model `json:"model"`
		MAPE    float64        `json:"mape"`
		Weeks   []float64      `json:"weekly_volume"`
		History []float64      `json:"history"`
	}
	out := []fc{}
	for _, x := range p.Regions {
		out = append(out, fc{Region: x.Region, Start: p.Start, Model: x.Forecast.Model, MAPE: x.Forecast.MAPE, Weeks: x.Forecast.Values, History: x.History})
	}
	writeJSON(w, http.StatusOK, map[string]any{"forecast": out, "count": len(out)})
	return nil
}

func (s *Server) apiCapacityPlan(w http.ResponseWriter, r *http.Request) error {
	region, err := regionParam(r)
	if err != nil {
		return err
	}
	sid, err := queryInt(r, "scenario_id")
	if err != nil {
		return err
	}
	p, err := s.capacityPlan(r.Context(), sid)
	if err != nil {
		return err
	}
	onlyRegion(&p, region)
	return writeRecord(w, http.StatusOK, "plan", p)
}

type scenarioInput struct {
	Name    string     `json:"name"`
	Changes kpi.WhatIf `json:"changes"`
}

type scenarioJSON struct {
	kpi.Scenario
	RequiredPeak int     `json:"required_engineers_peak"`
	Proposed     int     `json:"proposed_vacancies"`
	YearlyCost   float64 `json:"yearly_cost"`
}

func (s *Server) scenarioView(ctx context.Context, sc kpi.Scenario) (scenarioJSON, error) {
	p, err := s.capacityPlan(ctx, sc.ID)
	if err != nil {
		return scenarioJSON{}, err
	}
	out := scenarioJSON{Scenario: sc, YearlyCost: p.YearlyCost}
	for _, rp := range p.Regions {
		peak := 0
		for _, m := range rp.Months {
			peak = max(peak, m.RequiredEngineers)
		}
		out.RequiredPeak += peak
	}
	for _, pr := range p.Proposals {
		out.Proposed += pr.Count
	}
	return out, nil
}

func (s *Server) apiListScenarios(w http.ResponseWriter, r *http.Request) error {
	scs, err := s.KPI.Scenarios(r.Context())
	if err != nil {
		return err
	}
	out := make([]scenarioJSON, 0, len(scs))
	for _, sc := range scs {
		v, err := s.scenarioView(r.Context(), sc)
		if err != nil {
			return err
		}
		out = append(out, v)
	}
	return writeAll(w, "scenarios", out)
}

func (s *Server) apiCreateScenario(w http.ResponseWriter, r *http.Request) error {
	var in scenarioInput
	if err := decodeBody(r, "scenario", &in); err != nil {
		return err
	}
	sc, err := s.KPI.SaveScenario(r.Context(), in.Name, in.Changes, PrincipalFrom(r.Context()).UserID)
	if err != nil {
		return err
	}
	v, err := s.scenarioView(r.Context(), sc)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusCreated, "scenario", v)
}

func (s *Server) apiDeleteScenario(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "scenario")
	if err != nil {
		return err
	}
	if err := s.KPI.DeleteScenario(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// writeKPICSV writes indicators as CSV.
func writeKPICSV(w http.ResponseWriter, inds []kpi.Indicator) error {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="kpis.csv"`)
	cw := csv.NewWriter(w)
	header := []string{"name", "title", "value", "target", "status"}
	if len(inds) > 0 {
		for _, p := range inds[0].Trend {
			header = append(header, p.Period)
		}
	}
	_ = cw.Write(header)
	num := func(v *float64) string {
		if v == nil {
			return ""
		}
		return strconv.FormatFloat(*v, 'f', 4, 64)
	}
	for _, i := range inds {
		row := []string{i.Name, i.Title, num(i.Value), num(i.Target), string(i.Status)}
		for _, p := range i.Trend {
			row = append(row, num(p.Value))
		}
		_ = cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}

// kpiCollector exposes the department-wide indicators of the current month
// as Prometheus gauges (frontline_kpi{name=...}).
type kpiCollector struct{ s *Server }

var kpiDesc = prometheus.NewDesc("frontline_kpi", "Support performance indicators for the current month (ratios as 0..1, hours, people).", []string{"name"}, nil)

func (c *kpiCollector) Describe(ch chan<- *prometheus.Desc) { ch <- kpiDesc }

func (c *kpiCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// The scraper is outside every partition: restricted brands are left out.
	sc, err := c.s.scopeOfCtx(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(kpiDesc, fmt.Errorf("kpi: %w", err))
		return
	}
	inds, _, err := c.s.KPI.Overview(ctx, kpi.Query{Period: kpi.Month, At: c.s.now(), Periods: 1, Filter: kpi.Filter{HiddenBrands: sc.Hidden}})
	if err != nil {
		ch <- prometheus.NewInvalidMetric(kpiDesc, fmt.Errorf("kpi: %w", err))
		return
	}
	for _, i := range inds {
		if i.Value != nil {
			ch <- prometheus.MustNewConstMetric(kpiDesc, prometheus.GaugeValue, *i.Value, i.Name)
		}
	}
}

type approvalJSON struct {
	Created   int           `json:"created"`
	Vacancies []kpi.Vacancy `json:"vacancies"`
}

// apiApproveProposals hands the current plan's proposals to the hiring
// module (kpi.VacancySink) in one step.
func (s *Server) apiApproveProposals(w http.ResponseWriter, r *http.Request) error {
	if s.KPI.Vacancies == nil {
		return errs.Invalid("hiring", "Hiring module rule: the hiring module is not installed, so proposals cannot be approved into a hiring plan yet")
	}
	p, err := s.capacityPlan(r.Context(), 0)
	if err != nil {
		return err
	}
	vs := make([]kpi.Vacancy, 0, len(p.Proposals))
	for _, pr := range p.Proposals {
		vs = append(vs, kpi.Vacancy{Region: pr.Region, Count: pr.Count, Role: pr.Role, TargetStart: pr.TargetStart, Reason: pr.Reason})
	}
	n, err := s.KPI.Vacancies.ApproveVacancies(r.Context(), PrincipalFrom(r.Context()).UserID, vs)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusCreated, "approval", approvalJSON{Created: n, Vacancies: vs})
}
