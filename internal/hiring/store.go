package hiring

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/mail"
	"github.com/frontline/frontline/internal/people"
)

//go:embed queries.sql
var sqlFiles embed.FS

// Store keeps the hiring plan, requisitions, vacancies, pipelines,
// candidates, applications, interviews, scorecards and sourcing events.
// Every write runs the rules of this package in its transaction and is
// audited.
type Store struct {
	d     *db.DB
	q     *db.Queries
	audit *audit.Log
	// mail sends email to candidates and scorecard reminders (UseMail).
	mail    Mailer
	from    mail.Address
	baseURL string
}

// NewStore returns the hiring store of d.
func NewStore(d *db.DB, a *audit.Log) *Store {
	return &Store{d: d, q: db.MustLoadQueries(d.Dialect, sqlFiles, "queries.sql"), audit: a}
}

// vq is query name with its viewer placeholder $V bound to parameter n.
func (s *Store) vq(name string, n int) string {
	return strings.ReplaceAll(s.q.Get(name), "$V", "$"+strconv.Itoa(n))
}

func limitOf(p people.Page) int {
	if p.Limit <= 0 {
		return 100
	}
	return min(p.Limit, 1000)
}

func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return errs.NotFound(what)
	}
	return err
}

func viewerArg(v Viewer) int64 {
	if v.Recruiter {
		return 0
	}
	if v.UserID == 0 {
		return -1 // nobody: sees nothing
	}
	return v.UserID
}

func strp(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// --- pipelines -------------------------------------------------------------------------

// SeedPipelines stores the handbook's role pipelines when there are none.
func (s *Store) SeedPipelines(ctx context.Context) (bool, error) {
	seeded := false
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, s.q.Get("CountPipelines")).Scan(&n); err != nil || n > 0 {
			return err
		}
		for _, p := range DefaultPipelines() {
			var id int64
			if err := tx.QueryRowContext(ctx, s.q.Get("InsertPipeline"), p.Key, p.Name, db.TS(tx.Now)).Scan(&id); err != nil {
				return err
			}
			for i, st := range p.Stages {
				kit, _ := json.Marshal(st.Kit)
				if _, err := tx.ExecContext(ctx, s.q.Get("InsertStage"), id, i+1, st.Name, st.Kind, st.DurationMinutes, string(kit), st.Knockout); err != nil {
					return err
				}
			}
		}
		seeded = true
		return s.audit.Record(ctx, tx, audit.System(), "hiring.pipelines.seeded", "hiring_pipeline", 0, nil, map[string]any{"count": len(DefaultPipelines())})
	})
	return seeded, err
}

func scanStage(r db.Scanner) (*Stage, error) {
	var st Stage
	var kit string
	if err := r.Scan(&st.ID, &st.PipelineID, &st.Position, &st.Name, &st.Kind, &st.DurationMinutes, &kit, &st.Knockout); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(kit), &st.Kit); err != nil {
		return nil, err
	}
	return &st, nil
}

func (s *Store) stages(ctx context.Context, tx *db.Tx, pipeline int64) ([]Stage, error) {
	rows, err := tx.QueryContext(ctx, s.q.Get("StagesOf"), pipeline)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Stage{}
	for rows.Next() {
		st, err := scanStage(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *st)
	}
	return out, rows.Err()
}

// Pipelines lists the role pipelines with their stages.
func (s *Store) Pipelines(ctx context.Context) (out []Pipeline, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		out = []Pipeline{}
		rows, err := tx.QueryContext(ctx, s.q.Get("ListPipelines"))
		if err != nil {
			return err
		}
		for rows.Next() {
			var p Pipeline
			if err := rows.Scan(&p.ID, &p.Key, &p.Name); err != nil {
				rows.Close()
				return err
			}
			out = append(out, p)
		}
		rows.Close()
		for i := range out {
			if out[i].Stages, err = s.stages(ctx, tx, out[i].ID); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	return out, err
}

// --- plan ------------------------------------------------------------------------------

func scanPlan(r db.Scanner) (*PlanLine, error) {
	var p PlanLine
	err := r.Scan(&p.ID, &p.Quarter, &p.Region, &p.Role, &p.Headcount, &p.HireBy, &p.Notes, db.Time(&p.CreatedAt), db.Time(&p.UpdatedAt), &p.Vacancies, &p.Filled)
	return &p, err
}

// SavePlanLine creates or updates the line of a quarter, region and role.
func (s *Store) SavePlanLine(ctx context.Context, actor audit.Actor, in PlanLineInput) (*PlanLine, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *PlanLine
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		var pid int64
		if err := tx.QueryRowContext(ctx, s.q.Get("PipelineByKey"), in.Role).Scan(&pid); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return errs.Invalid("role", fmt.Sprintf("%q is not a role pipeline", in.Role))
			}
			return err
		}
		var id int64
		err := tx.QueryRowContext(ctx, s.q.Get("PlanLineByKey"), in.Quarter, in.Region, in.Role).Scan(&id)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			err = tx.QueryRowContext(ctx, s.q.Get("InsertPlanLine"), in.Quarter, in.Region, in.Role, in.Headcount, in.HireBy, in.Notes, db.TS(tx.Now)).Scan(&id)
		case err == nil:
			_, err = tx.ExecContext(ctx, s.q.Get("UpdatePlanLine"), id, in.Headcount, in.HireBy, in.Notes, db.TS(tx.Now))
		}
		if err != nil {
			return err
		}
		if out, err = scanPlan(tx.QueryRowContext(ctx, s.q.Get("GetPlanLine"), id)); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "hiring.plan_line.saved", "hiring_plan_line", id, nil, in)
	})
	return out, err
}

// Plan lists the plan lines (of one quarter when given) with the actual.
func (s *Store) Plan(ctx context.Context, quarter string) ([]PlanLine, error) {
	return db.ReadList(ctx, s.d, s.q.Get("ListPlan"), []any{quarter}, scanPlan)
}

// --- requisitions and vacancies --------------------------------------------------------

func scanRequisition(r db.Scanner) (*Requisition, error) {
	var q Requisition
	var hm, rec, pl sql.NullInt64
	if err := r.Scan(&q.ID, &q.RequisitionID, &q.Name, &q.Status, &q.Region, &q.PipelineID, &q.Role, &hm, &rec, &pl, &q.LevelKey, &q.Notes,
		db.TimePtr(&q.OpenedAt), db.TimePtr(&q.ClosedAt), db.Time(&q.CreatedAt), db.Time(&q.UpdatedAt)); err != nil {
		return nil, err
	}
	q.HiringManagerID, q.RecruiterID, q.PlanLineID = db.IDPtr(hm), db.IDPtr(rec), db.IDPtr(pl)
	q.Openings = []Vacancy{}
	return &q, nil
}

func scanVacancy(r db.Scanner) (*Vacancy, error) {
	var v Vacancy
	var hm, app, cand, mem sql.NullInt64
	var reason, target, actual string
	if err := r.Scan(&v.ID, &v.JobID, &v.OpeningID, &v.JobTitle, &v.Region, &hm, &v.Status, &reason, &v.Type, &target, &actual,
		&app, &cand, &mem, db.TimePtr(&v.OpenedAt), db.TimePtr(&v.ClosedAt), db.Time(&v.CreatedAt), db.Time(&v.UpdatedAt)); err != nil {
		return nil, err
	}
	v.HiringManagerID, v.ApplicationID, v.CandidateID, v.MemberID = db.IDPtr(hm), db.IDPtr(app), db.IDPtr(cand), db.IDPtr(mem)
	v.CloseReason, v.TargetStartDate, v.ActualStartDate = strp(reason), strp(target), strp(actual)
	return &v, nil
}

func (s *Store) checkStaff(ctx context.Context, tx *db.Tx, field string, id *int64) error {
	if id == nil {
		return nil
	}
	var role string
	var active bool
	err := tx.QueryRowContext(ctx, "SELECT role, active FROM users WHERE id = $1", *id).Scan(&role, &active)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && (!people.IsStaff(role) || !active)) {
		return errs.Invalid(field, "must be an active team member")
	}
	return err
}

// CreateRequisition opens a requisition for a role and region with its
// openings numbered <requisition_id>-1, -2 ... (draft).
func (s *Store) CreateRequisition(ctx context.Context, actor audit.Actor, in RequisitionInput) (*Requisition, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var id int64
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		var err error
		id, err = s.createRequisition(ctx, tx, actor, in, nil, "draft")
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.GetRequisition(ctx, id)
}

func (s *Store) createRequisition(ctx context.Context, tx *db.Tx, actor audit.Actor, in RequisitionInput, greenhouseID *int64, status string) (int64, error) {
	var pid int64
	if err := tx.QueryRowContext(ctx, s.q.Get("PipelineByKey"), in.Role).Scan(&pid); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return 0, errs.Invalid("role", fmt.Sprintf("%q is not a role pipeline", in.Role))
		}
		return 0, err
	}
	if err := s.checkStaff(ctx, tx, "hiring_manager_id", in.HiringManagerID); err != nil {
		return 0, err
	}
	if err := s.checkStaff(ctx, tx, "recruiter_id", in.RecruiterID); err != nil {
		return 0, err
	}
	var opened any
	if status == "open" {
		opened = db.TS(tx.Now)
	}
	var id int64
	if err := tx.QueryRowContext(ctx, s.q.Get("InsertRequisition"), in.RequisitionID, in.Name, pid, in.Region, status, db.NullID(in.HiringManagerID),
		db.NullID(in.RecruiterID), db.NullID(in.PlanLineID), in.LevelKey, in.Notes, db.NullID(greenhouseID), opened, db.TS(tx.Now)).Scan(&id); err != nil {
		if db.IsUnique(err) {
			return 0, errs.Invalid("requisition_id", fmt.Sprintf("requisition %s already exists", in.RequisitionID))
		}
		return 0, err
	}
	for i := 0; i < in.Openings; i++ {
		if _, err := s.addOpening(ctx, tx, id, in.RequisitionID, in.Type, in.TargetStartDate, OpeningDraft, nil); err != nil {
			return 0, err
		}
	}
	return id, s.audit.Record(ctx, tx, actor, "hiring.requisition.created", "hiring_requisition", id, nil, in)
}

func (s *Store) addOpening(ctx context.Context, tx *db.Tx, req int64, reqKey, typ, target, status string, greenhouseID *int64) (int64, error) {
	return s.addOpeningAs(ctx, tx, req, "", reqKey, typ, target, status, greenhouseID)
}

// addOpeningAs adds an opening named openingID, or <reqKey>-<n> when empty.
func (s *Store) addOpeningAs(ctx context.Context, tx *db.Tx, req int64, openingID, reqKey, typ, target, status string, greenhouseID *int64) (int64, error) {
	if openingID == "" {
		var n int
		if err := tx.QueryRowContext(ctx, s.q.Get("NextOpeningNumber"), req).Scan(&n); err != nil {
			return 0, err
		}
		openingID = fmt.Sprintf("%s-%d", reqKey, n)
	}
	var opened any
	if status == OpeningOpen {
		opened = db.TS(tx.Now)
	}
	var id int64
	err := tx.QueryRowContext(ctx, s.q.Get("InsertVacancy"), req, openingID, status, typ, target, db.NullID(greenhouseID), opened, db.TS(tx.Now)).Scan(&id)
	return id, err
}

// AddOpening adds a draft vacancy to a requisition.
func (s *Store) AddOpening(ctx context.Context, actor audit.Actor, req int64, typ, target string) (*Vacancy, error) {
	if typ == "" {
		typ = "new"
	}
	if typ != "new" && typ != "backfill" {
		return nil, errs.Invalid("type", "must be new or backfill")
	}
	if target != "" && !validDate(target) {
		return nil, errs.Invalid("target_start_date", "must be a date YYYY-MM-DD")
	}
	var id int64
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		r, err := scanRequisition(tx.QueryRowContext(ctx, s.q.Get("GetRequisition"), req))
		if err != nil {
			return notFound(err, "requisition")
		}
		if id, err = s.addOpening(ctx, tx, req, r.RequisitionID, typ, target, OpeningDraft, nil); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "hiring.vacancy.created", "hiring_vacancy", id, nil, map[string]any{"requisition_id": req, "type": typ, "target_start_date": target})
	})
	if err != nil {
		return nil, err
	}
	return s.GetVacancy(ctx, id)
}

// GetRequisition returns a requisition with its openings.
func (s *Store) GetRequisition(ctx context.Context, id int64) (out *Requisition, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		if out, err = scanRequisition(tx.QueryRowContext(ctx, s.q.Get("GetRequisition"), id)); err != nil {
			return notFound(err, "requisition")
		}
		rows, err := tx.QueryContext(ctx, s.q.Get("ListVacancies"), 0, "", "", id, 1000, 0)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			v, err := scanVacancy(rows)
			if err != nil {
				return err
			}
			out.Openings = append(out.Openings, *v)
		}
		return rows.Err()
	})
	return out, err
}

// RequisitionFilter filters requisitions.
type RequisitionFilter struct {
	Region, Status string
	Page           people.Page
}

// ListRequisitions lists requisitions (without their openings).
func (s *Store) ListRequisitions(ctx context.Context, f RequisitionFilter) ([]Requisition, error) {
	return db.ReadList(ctx, s.d, s.q.Get("ListRequisitions"), []any{f.Page.AfterID, f.Region, f.Status, limitOf(f.Page), f.Page.Offset}, scanRequisition)
}

// CountRequisitions counts requisitions.
func (s *Store) CountRequisitions(ctx context.Context, f RequisitionFilter) (n int, err error) {
	err = s.d.QueryRow(ctx, s.q.Get("CountRequisitions"), []any{f.Region, f.Status}, &n)
	return n, err
}

// VacancyFilter filters vacancies.
type VacancyFilter struct {
	Region, Status string
	RequisitionID  int64
	Page           people.Page
}

// ListVacancies lists vacancies with the handbook's fields.
func (s *Store) ListVacancies(ctx context.Context, f VacancyFilter) ([]Vacancy, error) {
	return db.ReadList(ctx, s.d, s.q.Get("ListVacancies"), []any{f.Page.AfterID, f.Region, f.Status, f.RequisitionID, limitOf(f.Page), f.Page.Offset}, scanVacancy)
}

// CountVacancies counts vacancies.
func (s *Store) CountVacancies(ctx context.Context, f VacancyFilter) (n int, err error) {
	err = s.d.QueryRow(ctx, s.q.Get("CountVacancies"), []any{f.Region, f.Status, f.RequisitionID}, &n)
	return n, err
}

// GetVacancy returns a vacancy.
func (s *Store) GetVacancy(ctx context.Context, id int64) (*Vacancy, error) {
	var out *Vacancy
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		var err error
		out, err = scanVacancy(tx.QueryRowContext(ctx, s.q.Get("GetVacancy"), id))
		return notFound(err, "vacancy")
	})
	return out, err
}

// UpdateVacancy changes a vacancy's status (by the opening lifecycle: a
// closed vacancy needs a reason), type or target start date. A vacancy is
// filled only by hiring a candidate into it.
func (s *Store) UpdateVacancy(ctx context.Context, actor audit.Actor, id int64, in VacancyInput) (*Vacancy, error) {
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		v, err := scanVacancy(tx.QueryRowContext(ctx, s.q.Get("GetVacancy"), id))
		if err != nil {
			return notFound(err, "vacancy")
		}
		before := *v
		status, reason, typ, target := v.Status, deref(v.CloseReason), v.Type, deref(v.TargetStartDate)
		opened, closed := v.OpenedAt, v.ClosedAt
		if in.Status != nil && *in.Status != v.Status {
			if *in.Status == OpeningFilled {
				return errs.Invalid("status", "Opening status rule: a vacancy is filled by hiring a candidate into it")
			}
			if in.CloseReason != nil {
				reason = strings.TrimSpace(*in.CloseReason)
			}
			if err := CheckOpeningTransition(v.Status, *in.Status, reason); err != nil {
				return err
			}
			status = *in.Status
			now := tx.Now
			if status == OpeningOpen && opened == nil {
				opened = &now
			}
			if status == OpeningClosed {
				closed = &now
			}
		}
		if in.Type != nil {
			if *in.Type != "new" && *in.Type != "backfill" {
				return errs.Invalid("type", "must be new or backfill")
			}
			typ = *in.Type
		}
		if in.TargetStartDate != nil {
			if *in.TargetStartDate != "" && !validDate(*in.TargetStartDate) {
				return errs.Invalid("target_start_date", "must be a date YYYY-MM-DD")
			}
			target = *in.TargetStartDate
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("UpdateVacancy"), id, status, reason, typ, target, db.TSp(opened), db.TSp(closed), db.TS(tx.Now)); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "hiring.vacancy.updated", "hiring_vacancy", id, before, in)
	})
	if err != nil {
		return nil, err
	}
	return s.GetVacancy(ctx, id)
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// --- candidates ------------------------------------------------------------------------

func scanCandidate(r db.Scanner) (*Candidate, error) {
	var c Candidate
	var emails, links string
	var ref, src, ev, merged sql.NullInt64
	if err := r.Scan(&c.ID, &c.FirstName, &c.LastName, &c.Email, &emails, &c.Phone, &links, &c.Source, &ref, &src, &ev, &merged,
		db.TimePtr(&c.RetainUntil), db.TimePtr(&c.AnonymizedAt), db.Time(&c.CreatedAt), db.Time(&c.UpdatedAt)); err != nil {
		return nil, err
	}
	c.ReferrerID, c.SourcedBy, c.SourcingEventID, c.MergedInto = db.IDPtr(ref), db.IDPtr(src), db.IDPtr(ev), db.IDPtr(merged)
	c.EmailAddresses, c.Links = strings.Fields(emails), strings.Fields(links)
	c.ApplicationIDs = []int64{}
	return &c, nil
}

// CreateCandidate adds a candidate (a prospect credited to its sourcer).
// Duplicate candidate rule: another candidate with the same email is
// refused, naming it, unless AllowDuplicate (to merge afterwards).
func (s *Store) CreateCandidate(ctx context.Context, actor audit.Actor, in CandidateInput) (*Candidate, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var id int64
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		var err error
		id, err = s.createCandidate(ctx, tx, actor, in, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.getCandidate(ctx, id)
}

func (s *Store) createCandidate(ctx context.Context, tx *db.Tx, actor audit.Actor, in CandidateInput, greenhouseID *int64) (int64, error) {
	primary := ""
	if len(in.Emails) > 0 {
		primary = in.Emails[0]
	}
	if !in.AllowDuplicate {
		for _, e := range in.Emails {
			var other int64
			err := tx.QueryRowContext(ctx, s.q.Get("CandidateByEmail"), e).Scan(&other)
			if err == nil {
				return 0, errs.Invalid("email_addresses", fmt.Sprintf("Duplicate candidate rule: candidate %d already has %s; add an application to them or merge", other, e))
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return 0, err
			}
		}
	}
	for _, f := range []struct {
		n string
		v *int64
	}{{"referrer_id", in.ReferrerID}, {"sourced_by_id", in.SourcedBy}} {
		if err := s.checkStaff(ctx, tx, f.n, f.v); err != nil {
			return 0, err
		}
	}
	if in.SourcingEventID != nil {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM hiring_sourcing_events WHERE id = $1", *in.SourcingEventID).Scan(&n); err != nil {
			return 0, err
		}
		if n == 0 {
			return 0, errs.Invalid("sourcing_event_id", "is not a sourcing event")
		}
	}
	sourcedBy := in.SourcedBy
	if sourcedBy == nil && in.SourcingEventID != nil && actor.ID != 0 {
		sourcedBy = &actor.ID // a prospect is credited to whoever added it
	}
	var id int64
	if err := tx.QueryRowContext(ctx, s.q.Get("InsertCandidate"), in.FirstName, in.LastName, primary, strings.Join(in.Emails, " "), in.Phone,
		strings.Join(in.Links, " "), in.Source, db.NullID(in.ReferrerID), db.NullID(sourcedBy), db.NullID(in.SourcingEventID),
		db.NullID(greenhouseID), db.TS(tx.Now)).Scan(&id); err != nil {
		return 0, err
	}
	return id, s.audit.Record(ctx, tx, actor, "hiring.candidate.created", "hiring_candidate", id, nil,
		map[string]any{"source": in.Source, "referrer_id": in.ReferrerID, "sourced_by_id": sourcedBy, "sourcing_event_id": in.SourcingEventID})
}

func (s *Store) getCandidate(ctx context.Context, id int64) (out *Candidate, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		out, err = s.candidateTx(ctx, tx, id)
		return err
	})
	return out, err
}

func (s *Store) candidateTx(ctx context.Context, tx *db.Tx, id int64) (*Candidate, error) {
	c, err := scanCandidate(tx.QueryRowContext(ctx, s.q.Get("GetCandidate"), id))
	if err != nil {
		return nil, notFound(err, "candidate")
	}
	rows, err := tx.QueryContext(ctx, s.q.Get("CandidateApplicationIDs"), id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var a int64
		if err := rows.Scan(&a); err != nil {
			return nil, err
		}
		c.ApplicationIDs = append(c.ApplicationIDs, a)
	}
	return c, rows.Err()
}

// GetCandidate returns a candidate the viewer may see (recruiters: all;
// others: candidates of requisitions they manage or interviews they take
// part in that are not blind). A non-recruiter's read is audited.
func (s *Store) GetCandidate(ctx context.Context, v Viewer, id int64) (*Candidate, error) {
	if !v.Recruiter {
		n, err := s.CountCandidates(ctx, CandidateFilter{Viewer: v, ID: id})
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, errs.NotFound("candidate")
		}
	}
	c, err := s.getCandidate(ctx, id)
	if err != nil || v.Recruiter {
		return c, err
	}
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		return s.audit.Record(ctx, tx, audit.Actor{ID: v.UserID, Role: "agent"}, "hiring.candidate.viewed", "hiring_candidate", id, nil, nil)
	})
	return c, err
}

// CandidateFilter filters candidates to what Viewer may see.
type CandidateFilter struct {
	Viewer          Viewer
	Email           string
	SourcingEventID int64
	ID              int64 // count only: one candidate
	Page            people.Page
}

// ListCandidates lists the candidates the viewer may see.
func (s *Store) ListCandidates(ctx context.Context, f CandidateFilter) ([]Candidate, error) {
	return db.ReadList(ctx, s.d, s.vq("ListCandidates", 4), []any{f.Page.AfterID, strings.ToLower(f.Email), f.SourcingEventID, viewerArg(f.Viewer), limitOf(f.Page), f.Page.Offset}, scanCandidate)
}

// CountCandidates counts the candidates the viewer may see.
func (s *Store) CountCandidates(ctx context.Context, f CandidateFilter) (n int, err error) {
	q := s.vq("CountCandidates", 3)
	args := []any{strings.ToLower(f.Email), f.SourcingEventID, viewerArg(f.Viewer)}
	if f.ID != 0 {
		q += " AND c.id = $4"
		args = append(args, f.ID)
	}
	err = s.d.QueryRow(ctx, strings.TrimSuffix(strings.TrimSpace(q), ";"), args, &n)
	return n, err
}

// MergeCandidates merges duplicate from into into: its applications move,
// its emails are added, and it is kept as a pointer to into.
func (s *Store) MergeCandidates(ctx context.Context, actor audit.Actor, from, into int64) (*Candidate, error) {
	if from == into {
		return nil, errs.Invalid("merge_into_id", "a candidate cannot be merged into itself")
	}
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		a, err := s.candidateTx(ctx, tx, from)
		if err != nil {
			return err
		}
		b, err := s.candidateTx(ctx, tx, into)
		if err != nil {
			return err
		}
		if a.MergedInto != nil || b.MergedInto != nil {
			return errs.Invalid("merge_into_id", "Duplicate candidate rule: a merged candidate cannot be merged again")
		}
		emails := b.EmailAddresses
		for _, e := range a.EmailAddresses {
			if !contains(emails, e) {
				emails = append(emails, e)
			}
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("MergeApplications"), from, into); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("SetCandidateEmails"), into, strings.Join(emails, " "), db.TS(tx.Now)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("MarkMerged"), from, into, db.TS(tx.Now)); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "hiring.candidate.merged", "hiring_candidate", into, map[string]any{"merged": from}, map[string]any{"applications": a.ApplicationIDs})
	})
	if err != nil {
		return nil, err
	}
	return s.getCandidate(ctx, into)
}

func contains[T comparable](xs []T, x T) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// AnonymizeDue anonymises the candidates whose retention period ended
// (rejected everywhere): their name and contact details go; applications,
// stage history and scorecards stay for the funnel metrics.
func (s *Store) AnonymizeDue(ctx context.Context) (int, error) {
	n := 0
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, s.q.Get("CandidatesDue"), db.TS(tx.Now))
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		for _, id := range ids {
			if err := s.forget(ctx, tx, id); err != nil {
				return err
			}
			if err := s.audit.Record(ctx, tx, audit.System(), "hiring.candidate.anonymized", "hiring_candidate", id, nil, map[string]any{"reason": "retention period ended"}); err != nil {
				return err
			}
		}
		n = len(ids)
		return rows.Err()
	})
	return n, err
}

// Erase anonymises a candidate at once (an erasure request).
func (s *Store) Erase(ctx context.Context, actor audit.Actor, id int64) error {
	return s.d.Write(ctx, func(tx *db.Tx) error {
		if _, err := s.candidateTx(ctx, tx, id); err != nil {
			return err
		}
		if err := s.forget(ctx, tx, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("DeleteDemographics"), id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "hiring.candidate.erased", "hiring_candidate", id, nil, map[string]any{"reason": "erasure request"})
	})
}

// forget removes what identifies a candidate: name and contact details,
// their attachments (resumes) and the addresses their emails went to.
func (s *Store) forget(ctx context.Context, tx *db.Tx, id int64) error {
	for _, q := range []string{"Anonymize", "ForgetAttachments", "ForgetCandidateEmails"} {
		args := []any{id}
		if q == "Anonymize" {
			args = append(args, db.TS(tx.Now))
		}
		if _, err := tx.ExecContext(ctx, s.q.Get(q), args...); err != nil {
			return err
		}
	}
	return nil
}
