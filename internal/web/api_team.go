package web

// The team API (/api/v2/team/...): the roster, job families and levels,
// the training catalog, time off, 1:1s, the summary and org chart, and the
// roster CSV. Staff with team.read read; writes need an admin or team.manage
// (Support Operations), except where the relationship rules of package team
// let a member's manager chain (and, for time off, the member) write.
// Private fields (time-off reasons, 1:1 notes) are null for anyone outside
// the pair and the manager chain.

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/access"
	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/team"
)

// openTeam builds the permission and team stores when the app gave none.
func (s *Server) openTeam() {
	if s.DB == nil {
		return
	}
	if s.Audit == nil {
		s.Audit = audit.New(s.DB)
	}
	if s.Access == nil {
		s.Access = access.NewStore(s.DB, s.Audit)
	}
	if s.Team == nil {
		opt := team.Options{}
		if s.SLAService != nil {
			opt.Holidays = team.HolidaysFromSLA(s.SLAService.Store)
		}
		s.Team = team.NewStore(s.DB, s.Audit, opt)
		if s.People != nil {
			s.Team.Attach(s.People)
		}
	}
}

func (s *Server) registerTeamAPI() {
	read, manage := access.TeamRead, access.TeamManage
	s.handleNeeds("GET /api/v2/team/members", Staff, read, s.apiListMembers)
	s.handleNeeds("GET /api/v2/team/members/{id}", Staff, read, s.apiShowMember)
	s.handleNeeds("POST /api/v2/team/members", Admin, manage, s.apiCreateMember)
	s.handleNeeds("PUT /api/v2/team/members/{id}", Staff, read, s.apiUpdateMember) // admin, team.manage or the manager chain
	s.handleNeeds("GET /api/v2/team/members/{id}/availability", Staff, read, s.apiAvailability)
	s.handleNeeds("GET /api/v2/team/summary", Staff, read, s.apiTeamSummary)
	s.handleNeeds("GET /api/v2/team/org_chart", Staff, read, s.apiOrgChart)
	s.handleNeeds("GET /api/v2/team/roster", Admin, manage, s.apiExportRoster)
	s.handleNeeds("POST /api/v2/team/roster", Admin, manage, s.apiImportRoster)

	s.handleNeeds("GET /api/v2/team/job_families", Staff, read, s.apiListFamilies)
	s.handleNeeds("GET /api/v2/team/job_families/{id}", Staff, read, s.apiShowFamily)
	s.handleNeeds("POST /api/v2/team/job_families", Admin, manage, s.apiCreateFamily)
	s.handleNeeds("PUT /api/v2/team/job_families/{id}", Admin, manage, s.apiUpdateFamily)
	s.handleNeeds("POST /api/v2/team/job_families/{id}/levels", Admin, manage, s.apiCreateLevel)
	s.handleNeeds("GET /api/v2/team/levels", Staff, read, s.apiListLevels)
	s.handleNeeds("PUT /api/v2/team/levels/{id}", Admin, manage, s.apiUpdateLevel)
	s.handleNeeds("DELETE /api/v2/team/levels/{id}", Admin, manage, s.apiDeleteLevel)

	trainings := recordAPI[team.TrainingInput, team.Training, team.Training]{key: "training",
		get: s.Team.GetTraining, create: s.Team.CreateTraining, update: s.Team.UpdateTraining, del: s.Team.DeleteTraining, view: asStored[team.Training]}
	s.handleNeeds("GET /api/v2/team/trainings", Staff, read, func(w http.ResponseWriter, r *http.Request) error {
		ts, err := s.Team.Trainings(r.Context())
		if err != nil {
			return err
		}
		return writeAll(w, "trainings", ts)
	})
	s.handleNeeds("GET /api/v2/team/trainings/{id}", Staff, read, trainings.show)
	s.handleNeeds("POST /api/v2/team/trainings", Admin, manage, trainings.createOne)
	s.handleNeeds("PUT /api/v2/team/trainings/{id}", Admin, manage, trainings.updateOne)
	s.handleNeeds("DELETE /api/v2/team/trainings/{id}", Admin, manage, trainings.deleteOne)

	s.handleNeeds("GET /api/v2/team/time_off", Staff, read, s.apiListTimeOff)
	s.handleNeeds("GET /api/v2/team/time_off/{id}", Staff, read, s.apiShowTimeOff)
	s.handleNeeds("POST /api/v2/team/time_off", Staff, read, s.apiCreateTimeOff) // the member, their chain, or team.manage
	s.handleNeeds("PUT /api/v2/team/time_off/{id}", Staff, read, s.apiUpdateTimeOff)
	s.handleNeeds("DELETE /api/v2/team/time_off/{id}", Staff, read, s.apiDeleteTimeOff)

	s.handleNeeds("GET /api/v2/team/one_on_ones", Staff, read, s.apiListOneOnOnes)
	s.handleNeeds("GET /api/v2/team/one_on_ones/{id}", Staff, read, s.apiShowOneOnOne)
	s.handleNeeds("POST /api/v2/team/one_on_ones", Staff, read, s.apiRecordOneOnOne) // by the member's manager (chain)
	s.handleNeeds("DELETE /api/v2/team/one_on_ones/{id}", Staff, read, s.apiDeleteOneOnOne)
}

// --- relationship rules ----------------------------------------------------------------

// orgIndex answers manager chains from one read of the reporting lines.
type orgIndex struct{ mgr map[int64]*int64 }

func (s *Server) orgIndex(ctx context.Context) (orgIndex, error) {
	nodes, err := s.Team.Nodes(ctx)
	if err != nil {
		return orgIndex{}, err
	}
	ix := orgIndex{mgr: make(map[int64]*int64, len(nodes))}
	for _, n := range nodes {
		ix.mgr[n.ID] = n.ManagerID
	}
	return ix, nil
}

func (ix orgIndex) chain(id int64) []int64 {
	return team.Chain(func(x int64) (*int64, bool) { m, ok := ix.mgr[x]; return m, ok }, id)
}

// managesTeam reports whether the caller may change anyone on the roster.
func (s *Server) managesTeam(r *http.Request) (bool, error) {
	return s.can(r, access.TeamManage)
}

// inChain reports whether the caller manages member (directly or not).
func (s *Server) inChain(r *http.Request, member int64) (bool, error) {
	chain, err := s.Team.Chain(r.Context(), member)
	if err != nil {
		return false, err
	}
	return team.InChain(chain, PrincipalFrom(r.Context()).UserID), nil
}

// --- members ----------------------------------------------------------------------

type memberJSON struct {
	team.Member
	URL string `json:"url"`
}

func (s *Server) memberView(r *http.Request, m team.Member) memberJSON {
	return memberJSON{Member: m, URL: s.baseURL(r) + "/api/v2/team/members/" + strconv.FormatInt(m.ID, 10) + ".json"}
}

// memberFilter reads the roster filters; a bad value is a 400 naming it.
func memberFilter(r *http.Request) (team.MemberFilter, error) {
	q := r.URL.Query()
	f := team.MemberFilter{Region: strings.ToUpper(q.Get("region")), Specialty: q.Get("specialty"), Status: q.Get("status"), Query: q.Get("query")}
	for _, p := range []struct {
		name string
		dst  *int64
	}{{"level_id", &f.LevelID}, {"manager_id", &f.ManagerID}} {
		if v := q.Get(p.name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				return f, errs.BadRequest("%s: must be an id", p.name)
			}
			*p.dst = n
		}
	}
	return f, nil
}

func (s *Server) apiListMembers(w http.ResponseWriter, r *http.Request) error {
	f, err := memberFilter(r)
	if err != nil {
		return err
	}
	return listPaged(s, w, r, "members", &f, &f.Page, s.Team.ListMembers, s.Team.CountMembers,
		func(r *http.Request, ms []team.Member) []memberJSON { return viewAll(r, ms, s.memberView) },
		func(m memberJSON) int64 { return m.ID }, nil)
}

func (s *Server) apiShowMember(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "team member")
	if err != nil {
		return err
	}
	m, err := s.Team.GetMember(r.Context(), id)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "member", s.memberView(r, *m))
}

func (s *Server) apiCreateMember(w http.ResponseWriter, r *http.Request) error {
	var in team.MemberInput
	if err := decodeBody(r, "member", &in); err != nil {
		return err
	}
	m, err := s.Team.CreateMember(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", s.memberView(r, *m).URL)
	return writeRecord(w, http.StatusCreated, "member", s.memberView(r, *m))
}

// checkMemberWrite: admins and team.manage change anything; the manager
// chain changes their reports' work profile, but not who they are (name,
// email) nor their verified citizenship, which HR attests.
func (s *Server) checkMemberWrite(r *http.Request, id int64, in *team.MemberInput) error {
	if ok, err := s.managesTeam(r); ok || err != nil {
		return err
	}
	ok, err := s.inChain(r, id)
	if err != nil {
		return err
	}
	if !ok {
		return errs.Forbidden("only admins, Support Operations and the member's managers change a member")
	}
	if in.Name != nil || in.Email != nil || in.VerifiedCitizenship != nil || in.UserID != nil {
		return errs.Forbidden("managers can't change name, email or verified citizenship; ask an admin")
	}
	return nil
}

func (s *Server) apiUpdateMember(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "team member")
	if err != nil {
		return err
	}
	var in team.MemberInput
	if err := decodeBody(r, "member", &in); err != nil {
		return err
	}
	if _, err := s.Team.GetMember(r.Context(), id); err != nil {
		return err
	}
	if err := s.checkMemberWrite(r, id, &in); err != nil {
		return err
	}
	m, err := s.Team.UpdateMember(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "member", s.memberView(r, *m))
}

func (s *Server) apiAvailability(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "team member")
	if err != nil {
		return err
	}
	at := s.now()
	if v := r.URL.Query().Get("at"); v != "" {
		if at, err = time.Parse(time.RFC3339, v); err != nil {
			return errs.BadRequest("at: must be an RFC 3339 time (2026-01-05T09:00:00Z)")
		}
	}
	a, err := s.Team.Available(r.Context(), id, at)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "availability", map[string]any{"member_id": id, "at": at.UTC().Format(time.RFC3339),
		"available": a.Available, "reason": a.Reason, "detail": a.Detail, "local_time": a.LocalTime})
}

func (s *Server) apiTeamSummary(w http.ResponseWriter, r *http.Request) error {
	sum, err := s.Team.Summary(r.Context())
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "summary", sum)
}

// orgChartNode is one member of GET /api/v2/team/org_chart.
type orgChartNode struct {
	team.Node
	Reports []orgChartNode `json:"reports"`
	Size    int            `json:"size"`
}

func chartOf(n *team.TreeNode) orgChartNode {
	out := orgChartNode{Node: n.Node, Size: n.Size, Reports: make([]orgChartNode, 0, len(n.Reports))}
	for _, r := range n.Reports {
		out.Reports = append(out.Reports, chartOf(r))
	}
	return out
}

func (s *Server) apiOrgChart(w http.ResponseWriter, r *http.Request) error {
	t, err := s.Team.OrgChart(r.Context())
	if err != nil {
		return err
	}
	roots := make([]orgChartNode, 0, len(t.Roots))
	for _, n := range t.Roots {
		roots = append(roots, chartOf(n))
	}
	writeJSON(w, http.StatusOK, map[string]any{"org_chart": roots, "count": len(t.ByID)})
	return nil
}

// --- roster CSV --------------------------------------------------------------------

func (s *Server) apiExportRoster(w http.ResponseWriter, r *http.Request) error {
	f, err := memberFilter(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := s.Team.ExportRoster(r.Context(), &buf, f); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="roster.csv"`)
	_, _ = w.Write(buf.Bytes())
	return nil
}

func (s *Server) apiImportRoster(w http.ResponseWriter, r *http.Request) error {
	ct := strings.ToLower(r.Header.Get("Content-Type"))
	if !strings.HasPrefix(ct, "text/csv") && !strings.HasPrefix(ct, "application/csv") {
		return errs.BadRequest("Content-Type: send the roster as text/csv (got %q)", r.Header.Get("Content-Type"))
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return bodyError(err)
	}
	res, err := s.importRoster(r, body)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "import", res)
}

func (s *Server) importRoster(r *http.Request, body []byte) (team.ImportResult, error) {
	rows, problems := team.ParseRoster(bytes.NewReader(body))
	if len(problems) > 0 && len(rows) == 0 {
		return team.ImportResult{}, team.RowsError(problems)
	}
	return s.Team.ImportRoster(r.Context(), actor(r), rows, problems)
}

// --- job families, levels ---------------------------------------------------------

func (s *Server) apiListFamilies(w http.ResponseWriter, r *http.Request) error {
	fs, err := s.Team.Families(r.Context())
	if err != nil {
		return err
	}
	return writeAll(w, "job_families", fs)
}

func (s *Server) apiShowFamily(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "job family")
	if err != nil {
		return err
	}
	f, err := s.Team.GetFamily(r.Context(), id)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "job_family", f)
}

func (s *Server) apiCreateFamily(w http.ResponseWriter, r *http.Request) error {
	var in team.FamilyInput
	if err := decodeBody(r, "job_family", &in); err != nil {
		return err
	}
	f, err := s.Team.CreateFamily(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusCreated, "job_family", f)
}

func (s *Server) apiUpdateFamily(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "job family")
	if err != nil {
		return err
	}
	var in team.FamilyInput
	if err := decodeBody(r, "job_family", &in); err != nil {
		return err
	}
	f, err := s.Team.UpdateFamily(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "job_family", f)
}

func (s *Server) apiListLevels(w http.ResponseWriter, r *http.Request) error {
	ls, err := s.Team.Levels(r.Context())
	if err != nil {
		return err
	}
	return writeAll(w, "levels", ls)
}

func (s *Server) apiCreateLevel(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "job family")
	if err != nil {
		return err
	}
	var in team.LevelInput
	if err := decodeBody(r, "level", &in); err != nil {
		return err
	}
	l, err := s.Team.CreateLevel(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusCreated, "level", l)
}

func (s *Server) apiUpdateLevel(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "level")
	if err != nil {
		return err
	}
	var in team.LevelInput
	if err := decodeBody(r, "level", &in); err != nil {
		return err
	}
	l, err := s.Team.UpdateLevel(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "level", l)
}

func (s *Server) apiDeleteLevel(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "level")
	if err != nil {
		return err
	}
	if err := s.Team.DeleteLevel(r.Context(), actor(r), id); err != nil {
		return err
	}
	return writeNoContent(w)
}

// --- time off -----------------------------------------------------------------------

// redactTimeOff hides reasons the caller may not see.
func (s *Server) redactTimeOff(r *http.Request, ix orgIndex, ts []team.TimeOff) []team.TimeOff {
	viewer := PrincipalFrom(r.Context()).UserID
	for i := range ts {
		if !team.CanSeePrivate(viewer, ts[i].MemberID, ix.chain(ts[i].MemberID)) {
			ts[i].Reason = nil
		}
	}
	return ts
}

func (s *Server) apiListTimeOff(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := team.TimeOffFilter{Region: strings.ToUpper(q.Get("region")), From: q.Get("start_date"), To: q.Get("end_date")}
	if v := q.Get("member_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return errs.BadRequest("member_id: must be an id")
		}
		f.MemberID = n
	}
	p, err := parsePage(r)
	if err != nil {
		return err
	}
	f.ByID = p.cursor
	ix, err := s.orgIndex(r.Context())
	if err != nil {
		return err
	}
	return listPaged(s, w, r, "time_off", &f, &f.Page, s.Team.ListTimeOff, s.Team.CountTimeOff,
		func(r *http.Request, ts []team.TimeOff) []team.TimeOff { return s.redactTimeOff(r, ix, ts) },
		func(t team.TimeOff) int64 { return t.ID }, nil)
}

func (s *Server) apiShowTimeOff(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "time off")
	if err != nil {
		return err
	}
	t, err := s.Team.GetTimeOff(r.Context(), id)
	if err != nil {
		return err
	}
	ix, err := s.orgIndex(r.Context())
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "time_off", s.redactTimeOff(r, ix, []team.TimeOff{*t})[0])
}

// checkTimeOffWrite: "no ask, must tell" — members record their own time
// off; their managers and team.manage may too.
func (s *Server) checkTimeOffWrite(r *http.Request, member int64) error {
	if PrincipalFrom(r.Context()).UserID == member {
		return nil
	}
	if ok, err := s.managesTeam(r); ok || err != nil {
		return err
	}
	ok, err := s.inChain(r, member)
	if err != nil || ok {
		return err
	}
	return errs.Forbidden("only the member, their managers and Support Operations record a member's time off")
}

func (s *Server) apiCreateTimeOff(w http.ResponseWriter, r *http.Request) error {
	var in team.TimeOffInput
	if err := decodeBody(r, "time_off", &in); err != nil {
		return err
	}
	if in.MemberID == nil { // one's own
		id := PrincipalFrom(r.Context()).UserID
		in.MemberID = &id
	}
	if err := s.checkTimeOffWrite(r, *in.MemberID); err != nil {
		return err
	}
	t, err := s.Team.CreateTimeOff(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusCreated, "time_off", t)
}

func (s *Server) timeOffToWrite(r *http.Request) (*team.TimeOff, error) {
	id, err := pathID(r, "id", "time off")
	if err != nil {
		return nil, err
	}
	t, err := s.Team.GetTimeOff(r.Context(), id)
	if err != nil {
		return nil, err
	}
	return t, s.checkTimeOffWrite(r, t.MemberID)
}

func (s *Server) apiUpdateTimeOff(w http.ResponseWriter, r *http.Request) error {
	t, err := s.timeOffToWrite(r)
	if err != nil {
		return err
	}
	var in team.TimeOffInput
	if err := decodeBody(r, "time_off", &in); err != nil {
		return err
	}
	out, err := s.Team.UpdateTimeOff(r.Context(), actor(r), t.ID, in)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "time_off", out)
}

func (s *Server) apiDeleteTimeOff(w http.ResponseWriter, r *http.Request) error {
	t, err := s.timeOffToWrite(r)
	if err != nil {
		return err
	}
	if err := s.Team.DeleteTimeOff(r.Context(), actor(r), t.ID); err != nil {
		return err
	}
	return writeNoContent(w)
}

// --- 1:1s ----------------------------------------------------------------------------

// oneOnOneScope decides which records the caller lists: about a member
// (the member, their chain, or team.manage with notes hidden), or held by
// a manager (that manager or their chain); by default the caller's own.
func (s *Server) oneOnOneScope(r *http.Request) (team.OneOnOneFilter, error) {
	q := r.URL.Query()
	var f team.OneOnOneFilter
	for _, p := range []struct {
		name string
		dst  *int64
	}{{"member_id", &f.MemberID}, {"manager_id", &f.ManagerID}} {
		if v := q.Get(p.name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				return f, errs.BadRequest("%s: must be an id", p.name)
			}
			*p.dst = n
		}
	}
	me := PrincipalFrom(r.Context()).UserID
	if f.MemberID == 0 && f.ManagerID == 0 {
		f.ManagerID = me
		return f, nil
	}
	manage, err := s.managesTeam(r)
	if err != nil || manage {
		return f, err
	}
	for _, id := range []int64{f.MemberID, f.ManagerID} {
		if id == 0 || id == me {
			continue
		}
		ok, err := s.inChain(r, id)
		if err != nil {
			return f, err
		}
		if !ok {
			return f, errs.Forbidden("1:1s are seen by the pair and the member's managers")
		}
	}
	return f, nil
}

// redactOneOnOnes hides notes from anyone outside the pair and the
// member's manager chain (admins and Support Operations included).
func (s *Server) redactOneOnOnes(r *http.Request, ix orgIndex, os []team.OneOnOne) []team.OneOnOne {
	me := PrincipalFrom(r.Context()).UserID
	for i := range os {
		if me != os[i].ManagerID && !team.CanSeePrivate(me, os[i].MemberID, ix.chain(os[i].MemberID)) {
			os[i].Notes = nil
		}
	}
	return os
}

func (s *Server) apiListOneOnOnes(w http.ResponseWriter, r *http.Request) error {
	f, err := s.oneOnOneScope(r)
	if err != nil {
		return err
	}
	ix, err := s.orgIndex(r.Context())
	if err != nil {
		return err
	}
	return listPaged(s, w, r, "one_on_ones", &f, &f.Page, s.Team.ListOneOnOnes, s.Team.CountOneOnOnes,
		func(r *http.Request, os []team.OneOnOne) []team.OneOnOne { return s.redactOneOnOnes(r, ix, os) },
		func(o team.OneOnOne) int64 { return o.ID }, nil)
}

// visibleOneOnOne reads a record the caller may see (404 otherwise, so
// that others do not learn it exists).
func (s *Server) visibleOneOnOne(r *http.Request) (*team.OneOnOne, orgIndex, error) {
	id, err := pathID(r, "id", "one_on_one")
	if err != nil {
		return nil, orgIndex{}, err
	}
	o, err := s.Team.GetOneOnOne(r.Context(), id)
	if err != nil {
		return nil, orgIndex{}, err
	}
	ix, err := s.orgIndex(r.Context())
	if err != nil {
		return nil, ix, err
	}
	me := PrincipalFrom(r.Context()).UserID
	if me != o.ManagerID && !team.CanSeePrivate(me, o.MemberID, ix.chain(o.MemberID)) {
		if ok, err := s.managesTeam(r); err != nil || !ok {
			if err == nil {
				err = errs.NotFound("one_on_one")
			}
			return nil, ix, err
		}
	}
	return o, ix, nil
}

func (s *Server) apiShowOneOnOne(w http.ResponseWriter, r *http.Request) error {
	o, ix, err := s.visibleOneOnOne(r)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "one_on_one", s.redactOneOnOnes(r, ix, []team.OneOnOne{*o})[0])
}

func (s *Server) apiRecordOneOnOne(w http.ResponseWriter, r *http.Request) error {
	var in team.OneOnOneInput
	if err := decodeBody(r, "one_on_one", &in); err != nil {
		return err
	}
	o, err := s.Team.RecordOneOnOne(r.Context(), actor(r), PrincipalFrom(r.Context()).UserID, in)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusCreated, "one_on_one", o)
}

func (s *Server) apiDeleteOneOnOne(w http.ResponseWriter, r *http.Request) error {
	o, _, err := s.visibleOneOnOne(r)
	if err != nil {
		return err
	}
	if me := PrincipalFrom(r.Context()).UserID; me != o.ManagerID && !PrincipalFrom(r.Context()).IsAdmin() {
		return errs.Forbidden("only the manager who recorded a 1:1 deletes it")
	}
	if err := s.Team.DeleteOneOnOne(r.Context(), actor(r), o.ID); err != nil {
		return err
	}
	return writeNoContent(w)
}
