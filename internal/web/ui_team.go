package web

// The team pages: the roster with filters and counts, the org chart, a
// member's page (profile, manager chain, reports, trainings, time off,
// assigned accounts, open tickets, recent satisfaction, 1:1s), "my team"
// for managers (span, ratio, overdue 1:1s, who is away this week) and a
// region's time-off calendar. Everything is server-rendered; the org chart
// is nested lists (collapsible below the second level) so that it reads at
// hundreds of people and on a phone.

import (
	"fmt"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/access"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/team"
	"github.com/frontline/frontline/internal/ticket"
)

func (s *Server) registerTeamUI() {
	read := access.TeamRead
	s.handleNeeds("GET /team", Staff, read, s.teamRoster)
	s.handleNeeds("GET /team/org", Staff, read, s.teamOrgChart)
	s.handleNeeds("GET /team/mine", Staff, read, s.teamMine)
	s.handleNeeds("GET /team/time-off", Staff, read, s.teamCalendar)
	s.handleNeeds("GET /team/members/{id}", Staff, read, s.teamMember)
	s.handleNeeds("POST /team/members/{id}", Staff, read, s.teamEditMember)          // admin, team.manage or the chain
	s.handleNeeds("POST /team/members/{id}/time-off", Staff, read, s.teamAddTimeOff) // the member, the chain or team.manage
	s.handleNeeds("POST /team/time-off/{id}/delete", Staff, read, s.teamDeleteTimeOff)
	s.handleNeeds("POST /team/members/{id}/one-on-ones", Staff, read, s.teamAddOneOnOne) // the member's managers
}

// teamFuncs are the template helpers of the team pages.
func teamFuncs() template.FuncMap {
	return template.FuncMap{
		"ratio": func(p *float64) string {
			if p == nil {
				return "no managers"
			}
			return strconv.FormatFloat(*p, 'f', -1, 64) + ":1"
		},
		"specName": team.SpecialtyName,
		"num":      func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) },
		"human":    func(s string) string { return strings.ReplaceAll(s, "_", " ") },
		"hasStr":   func(list []string, v string) bool { return slices.Contains(list, v) },
		"percent": func(p *float64) string {
			if p == nil {
				return "—"
			}
			return strconv.FormatFloat(*p*100, 'f', 0, 64) + "%"
		},
	}
}

// teamPage adds what every team page shares.
func (s *Server) teamPage(r *http.Request, section string, data map[string]any) map[string]any {
	data["Section"] = section
	manage, _ := s.managesTeam(r)
	data["CanManage"] = manage
	return data
}

// --- roster ------------------------------------------------------------------------

type rosterRow struct {
	team.Member
	ManagerName string
}

func (s *Server) teamRoster(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f, err := memberFilter(r)
	if err != nil {
		return err
	}
	page, err := pageOf(r)
	if err != nil {
		return err
	}
	total, err := s.Team.CountMembers(ctx, f)
	if err != nil {
		return err
	}
	f.ByName, f.Page = true, people.Page{Offset: (page - 1) * uiPerPage, Limit: uiPerPage}
	ms, err := s.Team.ListMembers(ctx, f)
	if err != nil {
		return err
	}
	nodes, err := s.Team.Nodes(ctx)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	var managers []team.Node
	for _, n := range nodes {
		names[n.ID] = n.Name
		if n.IsManager() && (n.EndDate == nil || *n.EndDate >= s.Team.Today()) {
			managers = append(managers, n)
		}
	}
	slices.SortFunc(managers, func(a, b team.Node) int { return strings.Compare(a.Name, b.Name) })
	rows := make([]rosterRow, len(ms))
	for i, m := range ms {
		rows[i] = rosterRow{Member: m}
		if m.ManagerID != nil {
			rows[i].ManagerName = names[*m.ManagerID]
		}
	}
	sum, err := s.Team.Summary(ctx)
	if err != nil {
		return err
	}
	levels, err := s.Team.Levels(ctx)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "team_roster.html", s.teamPage(r, "roster", map[string]any{
		"Title": "Team", "Rows": rows, "Filter": f, "Total": total, "Pager": newPager(r, page, total), "Summary": sum,
		"Regions": team.Regions(), "Levels": levels, "Specialties": team.Specialties(), "Managers": managers,
		"Flash": flashOf(w, r), "Wide": true,
	}))
	return nil
}

// --- org chart -----------------------------------------------------------------------

// orgChartHTML renders the tree as nested lists. Built in Go (every text
// escaped) rather than by template recursion: at 5,000 members it is the
// difference between a few and many tens of milliseconds.
func orgChartHTML(t team.Tree, openDepth int) template.HTML {
	var b strings.Builder
	b.Grow(len(t.ByID) * 220)
	var node func(n *team.TreeNode, depth int)
	node = func(n *team.TreeNode, depth int) {
		b.WriteString(`<li`)
		if n.IsManager() {
			b.WriteString(` class="mgr"`)
		}
		b.WriteString(`>`)
		label := func() {
			fmt.Fprintf(&b, `<a href="/team/members/%d">%s</a> <span class="muted">%s</span> <span class="region">%s</span>`,
				n.ID, html.EscapeString(n.Name), html.EscapeString(orDash(n.Level)), html.EscapeString(orDash(n.Region)))
			if n.InCycle {
				b.WriteString(` <span class="flag">reporting line loops</span>`)
			}
		}
		if len(n.Reports) == 0 {
			label()
			b.WriteString(`</li>`)
			return
		}
		b.WriteString(`<details`)
		if depth < openDepth {
			b.WriteString(` open`)
		}
		b.WriteString(`><summary>`)
		label()
		fmt.Fprintf(&b, ` <span class="count">%d reports · %d in all</span></summary><ul>`, len(n.Reports), n.Size-1)
		for _, r := range n.Reports {
			node(r, depth+1)
		}
		b.WriteString(`</ul></details></li>`)
	}
	b.WriteString(`<ul class="orgchart" id="orgchart">`)
	for _, r := range t.Roots {
		node(r, 0)
	}
	b.WriteString(`</ul>`)
	return template.HTML(b.String()) // #nosec G203 -- every text is escaped above
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func (s *Server) teamOrgChart(w http.ResponseWriter, r *http.Request) error {
	t, err := s.Team.OrgChart(r.Context())
	if err != nil {
		return err
	}
	open := 2
	if r.URL.Query().Get("expand") == "all" {
		open = 1 << 20
	}
	s.render(w, r, http.StatusOK, "team_org.html", s.teamPage(r, "org", map[string]any{
		"Title": "Org chart", "Chart": orgChartHTML(t, open), "Count": len(t.ByID), "Roots": len(t.Roots), "Wide": true,
	}))
	return nil
}

// --- a member's page ---------------------------------------------------------------

type memberAccess struct {
	Edit, TimeOff, OneOnOne, Private bool
}

func (s *Server) memberAccess(r *http.Request, m *team.Member, chain []int64) (memberAccess, error) {
	me := PrincipalFrom(r.Context()).UserID
	manage, err := s.managesTeam(r)
	if err != nil {
		return memberAccess{}, err
	}
	inChain := team.InChain(chain, me)
	return memberAccess{Edit: manage || inChain, TimeOff: manage || inChain || me == m.ID, OneOnOne: inChain,
		Private: team.CanSeePrivate(me, m.ID, chain)}, nil
}

type chainLink struct {
	ID   int64
	Name string
}

func (s *Server) teamMember(w http.ResponseWriter, r *http.Request) error {
	return s.renderMember(w, r, http.StatusOK, "", nil)
}

func (s *Server) renderMember(w http.ResponseWriter, r *http.Request, status int, problem string, form url.Values) error {
	ctx := r.Context()
	id, err := pathID(r, "id", "team member")
	if err != nil {
		return err
	}
	m, err := s.Team.GetMember(ctx, id)
	if err != nil {
		return err
	}
	ix, err := s.orgIndex(ctx)
	if err != nil {
		return err
	}
	chain := ix.chain(id)
	acc, err := s.memberAccess(r, m, chain)
	if err != nil {
		return err
	}
	nodes, err := s.Team.Nodes(ctx)
	if err != nil {
		return err
	}
	byID := map[int64]team.Node{}
	for _, n := range nodes {
		byID[n.ID] = n
	}
	var links []chainLink
	for i := len(chain) - 1; i >= 0; i-- {
		links = append(links, chainLink{chain[i], byID[chain[i]].Name})
	}
	var reports []team.Node
	today := s.Team.Today()
	for _, n := range nodes {
		if n.ManagerID != nil && *n.ManagerID == id && (n.EndDate == nil || *n.EndDate >= today) {
			reports = append(reports, n)
		}
	}
	slices.SortFunc(reports, func(a, b team.Node) int { return strings.Compare(a.Name, b.Name) })
	from := s.now().AddDate(0, 0, -60).Format(team.DateLayout)
	offs, err := s.Team.ListTimeOff(ctx, team.TimeOffFilter{MemberID: id, From: from, Page: people.Page{Limit: 50}})
	if err != nil {
		return err
	}
	if !acc.Private {
		for i := range offs {
			offs[i].Reason = nil
		}
	}
	accounts, err := s.Team.AssignedAccounts(ctx, id)
	if err != nil {
		return err
	}
	var open []ticket.Ticket
	openCount := 0
	if ok, _ := s.can(r, access.TicketsRead); ok && s.Tickets != nil {
		tf := ticket.Filter{AssigneeID: id, Statuses: []string{"new", "open", "pending", "hold"}, SortBy: "updated_at", Desc: true, Limit: 10}
		if open, err = s.Tickets.List(ctx, tf); err != nil {
			return err
		}
		tf.Limit = 0
		if openCount, err = s.Tickets.Count(ctx, tf); err != nil {
			return err
		}
	}
	var ratings []team.Rating
	good, bad := 0, 0
	if ok, _ := s.can(r, access.ReportsRead); ok {
		if ratings, err = s.Team.RecentRatings(ctx, id, s.now().AddDate(0, 0, -90)); err != nil {
			return err
		}
		for _, x := range ratings {
			if x.Score == "good" {
				good++
			} else {
				bad++
			}
		}
		if len(ratings) > 5 {
			ratings = ratings[:5]
		}
	}
	var ones []team.OneOnOne
	if acc.Private {
		if ones, err = s.Team.ListOneOnOnes(ctx, team.OneOnOneFilter{MemberID: id, Page: people.Page{Limit: 200}}); err != nil {
			return err
		}
		slices.Reverse(ones)
		if len(ones) > 8 {
			ones = ones[:8]
		}
	}
	avail, err := s.Team.Available(ctx, id, s.now())
	if err != nil {
		return err
	}
	data := map[string]any{
		"Title": m.Name, "M": m, "Chain": links, "Reports": reports, "TimeOff": offs, "Accounts": accounts,
		"Open": open, "OpenCount": openCount, "Ratings": ratings, "Good": good, "Bad": bad, "OneOnOnes": ones,
		"Avail": avail, "Acc": acc, "Error": problem, "Flash": flashOf(w, r), "Kinds": team.TimeOffKinds(),
		"Today": s.Team.Today(), "HoursText": m.WorkingHours.Summary(), "Form": form,
		"IsMe": PrincipalFrom(ctx).UserID == id, "ManagerName": "",
	}
	if m.ManagerID != nil {
		data["ManagerName"] = byID[*m.ManagerID].Name
	}
	if acc.Edit {
		levels, err := s.Team.Levels(ctx)
		if err != nil {
			return err
		}
		var managers []team.Node
		for _, n := range nodes {
			if n.ID != id && n.IsManager() && (n.EndDate == nil || *n.EndDate >= today) {
				managers = append(managers, n)
			}
		}
		slices.SortFunc(managers, func(a, b team.Node) int { return strings.Compare(a.Name, b.Name) })
		data["Levels"], data["Managers"], data["Regions"], data["Specialties"] = levels, managers, team.Regions(), team.Specialties()
	}
	s.render(w, r, status, "team_member.html", s.teamPage(r, "member", data))
	return nil
}

// formProblem renders the member page again with a fixable problem.
func (s *Server) formProblem(w http.ResponseWriter, r *http.Request, err error) error {
	msg, status, ok := problemText(err)
	if !ok {
		return err
	}
	return s.renderMember(w, r, status, msg, r.PostForm)
}

func (s *Server) teamEditMember(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "team member")
	if err != nil {
		return err
	}
	f := r.PostForm
	in := team.MemberInput{}
	if v := f.Get("level_id"); f.Has("level_id") {
		n, _ := strconv.ParseInt(v, 10, 64)
		in.LevelID = &n
	}
	if f.Has("region") {
		v := f.Get("region")
		in.Region = &v
	}
	if f.Has("time_zone") {
		v := strings.TrimSpace(f.Get("time_zone"))
		in.TimeZone = &v
	}
	if f.Has("manager_id") {
		n, _ := strconv.ParseInt(f.Get("manager_id"), 10, 64)
		in.ManagerID = &n
	}
	if f.Has("specialties_given") {
		specs := f["specialties"]
		if specs == nil {
			specs = []string{}
		}
		in.Specialties = &specs
	}
	if f.Has("skills") {
		skills := strings.Split(f.Get("skills"), ",")
		in.Skills = &skills
	}
	for _, d := range []struct {
		name string
		dst  **string
	}{{"start_date", &in.StartDate}, {"end_date", &in.EndDate}} {
		if f.Has(d.name) {
			v := f.Get(d.name)
			*d.dst = &v
		}
	}
	if _, err := s.Team.GetMember(r.Context(), id); err != nil {
		return err
	}
	if err := s.checkMemberWrite(r, id, &in); err != nil {
		return err
	}
	if _, err := s.Team.UpdateMember(r.Context(), actor(r), id, in); err != nil {
		return s.formProblem(w, r, err)
	}
	seeOther(w, r, fmt.Sprintf("/team/members/%d", id), "Profile saved.")
	return nil
}

func (s *Server) teamAddTimeOff(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "team member")
	if err != nil {
		return err
	}
	if _, err := s.Team.GetMember(r.Context(), id); err != nil {
		return err
	}
	if err := s.checkTimeOffWrite(r, id); err != nil {
		return err
	}
	f := r.PostForm
	str := func(k string) *string { v := strings.TrimSpace(f.Get(k)); return &v }
	yes := func(k string) *bool { v := f.Get(k) != ""; return &v }
	in := team.TimeOffInput{MemberID: &id, Type: str("type"), StartDate: str("start_date"), EndDate: str("end_date"),
		StartHalfDay: yes("start_half_day"), EndHalfDay: yes("end_half_day"), Reason: str("reason")}
	if *in.EndDate == "" {
		in.EndDate = in.StartDate
	}
	if _, err := s.Team.CreateTimeOff(r.Context(), actor(r), in); err != nil {
		return s.formProblem(w, r, err)
	}
	seeOther(w, r, fmt.Sprintf("/team/members/%d", id), "Time off recorded.")
	return nil
}

func (s *Server) teamDeleteTimeOff(w http.ResponseWriter, r *http.Request) error {
	t, err := s.timeOffToWrite(r)
	if err != nil {
		return err
	}
	if err := s.Team.DeleteTimeOff(r.Context(), actor(r), t.ID); err != nil {
		return err
	}
	seeOther(w, r, fmt.Sprintf("/team/members/%d", t.MemberID), "Time off removed.")
	return nil
}

func (s *Server) teamAddOneOnOne(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "team member")
	if err != nil {
		return err
	}
	f := r.PostForm
	kind, held, notes := f.Get("type"), f.Get("held_on"), f.Get("notes")
	in := team.OneOnOneInput{MemberID: &id, Type: &kind, HeldOn: &held, Notes: &notes}
	if _, err := s.Team.RecordOneOnOne(r.Context(), actor(r), PrincipalFrom(r.Context()).UserID, in); err != nil {
		return s.formProblem(w, r, err)
	}
	seeOther(w, r, fmt.Sprintf("/team/members/%d", id), "1:1 recorded.")
	return nil
}

// --- my team ------------------------------------------------------------------------

type reportRow struct {
	team.Node
	Avail team.Availability
}

type awayRow struct {
	Name, What, From, To string
	MemberID             int64
	Region               string
}

func (s *Server) teamMine(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	me := PrincipalFrom(ctx).UserID
	t, err := s.Team.OrgChart(ctx)
	if err != nil {
		return err
	}
	data := s.teamPage(r, "mine", map[string]any{"Title": "My team"})
	node, ok := t.ByID[me]
	if !ok || len(node.Reports) == 0 {
		data["Empty"] = true
		s.render(w, r, http.StatusOK, "team_mine.html", data)
		return nil
	}
	now := s.now()
	var reports []reportRow
	for _, rep := range node.Reports {
		a, err := s.Team.Available(ctx, rep.ID, now)
		if err != nil {
			return err
		}
		reports = append(reports, reportRow{Node: rep.Node, Avail: a})
	}
	var warnings []team.SpanWarning
	for _, sw := range team.SpanWarnings(team.Tree{Roots: []*team.TreeNode{node}, ByID: t.ByID}) {
		if sw.ManagerID == me {
			warnings = append(warnings, sw)
		}
	}
	var mine team.ManagerCounts
	for _, mc := range team.ManagerRatios(team.Tree{Roots: []*team.TreeNode{node}}) {
		if mc.ManagerID == me {
			mine = mc
		}
	}
	today := s.Team.Today()
	cad, err := s.Team.Cadences(ctx, me, today)
	if err != nil {
		return err
	}
	var overdue []team.Cadence
	for _, c := range cad {
		if c.Overdue {
			overdue = append(overdue, c)
		}
	}
	// Who is away this week (Monday to Sunday): time off and the public
	// holidays of the regions the team works in.
	off := int(now.Weekday()+6) % 7
	monday := now.AddDate(0, 0, -off).Format(team.DateLayout)
	sunday := now.AddDate(0, 0, 6-off).Format(team.DateLayout)
	below := map[int64]bool{}
	regions := map[string]bool{}
	var walk func(n *team.TreeNode)
	walk = func(n *team.TreeNode) {
		for _, x := range n.Reports {
			below[x.ID] = true
			regions[x.Region] = true
			walk(x)
		}
	}
	walk(node)
	entries, err := s.Team.ListTimeOff(ctx, team.TimeOffFilter{From: monday, To: sunday, Page: people.Page{Limit: 1000}})
	if err != nil {
		return err
	}
	var away []awayRow
	for _, e := range entries {
		if below[e.MemberID] {
			what := strings.ReplaceAll(e.Type, "_", " ")
			if e.StartHalfDay || e.EndHalfDay {
				what += " (half day)"
			}
			away = append(away, awayRow{Name: e.MemberName, What: what, From: e.StartDate, To: e.EndDate, MemberID: e.MemberID, Region: e.Region})
		}
	}
	hol, err := s.Team.Holidays(ctx)
	if err != nil {
		return err
	}
	for _, rg := range team.Regions() {
		if !regions[rg] {
			continue
		}
		for _, h := range hol[rg] {
			if h.StartDate <= sunday && h.EndDate >= monday {
				away = append(away, awayRow{Name: rg + " region", What: "public holiday: " + h.Name, From: h.StartDate, To: h.EndDate, Region: rg})
			}
		}
	}
	data["Node"], data["Reports"], data["Warnings"], data["Mine"], data["Overdue"], data["Cadences"] = node, reports, warnings, mine, overdue, len(cad)
	data["Away"], data["Monday"], data["Sunday"], data["Below"] = away, monday, sunday, len(below)
	s.render(w, r, http.StatusOK, "team_mine.html", data)
	return nil
}

// --- the time-off calendar of a region ---------------------------------------------------

type calDay struct {
	Date    string
	Day     int
	Weekend bool
	Today   bool
}

type calCell struct {
	Class, Title string
}

type calRow struct {
	ID    int64
	Name  string
	Cells []calCell
	Days  float64
}

func (s *Server) teamCalendar(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	region := strings.ToUpper(q.Get("region"))
	if region == "" {
		region = "AMER"
		if m, err := s.Team.GetMember(ctx, PrincipalFrom(ctx).UserID); err == nil && team.ValidRegion(m.Region) {
			region = m.Region
		}
	}
	if !team.ValidRegion(region) {
		return errs.BadRequest("region: must be AMER, EMEA or APAC")
	}
	month := s.now()
	if v := q.Get("month"); v != "" {
		t, err := time.Parse("2006-01", v)
		if err != nil {
			return errs.BadRequest("month: must be YYYY-MM")
		}
		month = t
	}
	first := time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1)
	today := s.Team.Today()
	var days []calDay
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		ds := d.Format(team.DateLayout)
		days = append(days, calDay{Date: ds, Day: d.Day(), Weekend: d.Weekday() == time.Saturday || d.Weekday() == time.Sunday, Today: ds == today})
	}
	members, err := s.Team.AllMembers(ctx, team.MemberFilter{Region: region, Status: "current", ByName: true})
	if err != nil {
		return err
	}
	entries, err := s.Team.ListTimeOff(ctx, team.TimeOffFilter{Region: region, From: days[0].Date, To: days[len(days)-1].Date, Page: people.Page{Limit: 5000}})
	if err != nil {
		return err
	}
	byMember := map[int64][]team.TimeOff{}
	for _, e := range entries {
		byMember[e.MemberID] = append(byMember[e.MemberID], e)
	}
	hol, err := s.Team.Holidays(ctx)
	if err != nil {
		return err
	}
	var holidays []team.Holiday
	for _, h := range hol[region] {
		if h.StartDate <= days[len(days)-1].Date && h.EndDate >= days[0].Date {
			holidays = append(holidays, h)
		}
	}
	rows := make([]calRow, 0, len(members))
	for _, m := range members {
		row := calRow{ID: m.ID, Name: m.Name}
		for _, d := range days {
			c := calCell{}
			if d.Weekend {
				c.Class = "weekend"
			}
			for _, h := range holidays {
				if h.StartDate <= d.Date && d.Date <= h.EndDate {
					c = calCell{"holiday", h.Name}
				}
			}
			for _, e := range byMember[m.ID] {
				if e.StartDate <= d.Date && d.Date <= e.EndDate {
					half := (d.Date == e.StartDate && e.StartHalfDay) || (d.Date == e.EndDate && e.EndHalfDay)
					c = calCell{"off", strings.ReplaceAll(e.Type, "_", " ")}
					if half {
						c.Class, c.Title = "half", c.Title+" (half day)"
					}
					if !d.Weekend {
						if half {
							row.Days += 0.5
						} else {
							row.Days++
						}
					}
				}
			}
			row.Cells = append(row.Cells, c)
		}
		rows = append(rows, row)
	}
	s.render(w, r, http.StatusOK, "team_calendar.html", s.teamPage(r, "calendar", map[string]any{
		"Title": "Time off · " + region, "Region": region, "Regions": team.Regions(), "Days": days, "Rows": rows,
		"Month": first.Format("January 2006"), "Prev": first.AddDate(0, -1, 0).Format("2006-01"), "Next": first.AddDate(0, 1, 0).Format("2006-01"),
		"Holidays": holidays, "Entries": entries, "Wide": true,
	}))
	return nil
}
