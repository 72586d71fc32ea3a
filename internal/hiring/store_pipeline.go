package hiring

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
)

// --- applications ----------------------------------------------------------------------

func scanApplication(r db.Scanner) (*Application, error) {
	var a Application
	var first, last, stageName, stageKind, reason string
	var stage, credited sql.NullInt64
	if err := r.Scan(&a.ID, &a.CandidateID, &first, &last, &a.JobID, &a.Status, &stage, &stageName, &stageKind, &reason, &credited,
		db.Time(&a.AppliedAt), db.TimePtr(&a.RejectedAt), db.TimePtr(&a.HiredAt), db.Time(&a.LastActivityAt)); err != nil {
		return nil, err
	}
	a.CandidateName = strings.TrimSpace(first + " " + last)
	if stage.Valid {
		a.CurrentStage = &StageRef{ID: stage.Int64, Name: stageName, Kind: stageKind}
	}
	a.RejectionReason, a.CreditedTo = strp(reason), db.IDPtr(credited)
	return &a, nil
}

func (s *Store) appTx(ctx context.Context, tx *db.Tx, id int64) (*Application, error) {
	a, err := scanApplication(tx.QueryRowContext(ctx, s.q.Get("GetApplication"), id))
	return a, notFound(err, "application")
}

// Apply creates a candidate's application to a requisition, at its first stage.
func (s *Store) Apply(ctx context.Context, actor audit.Actor, candidateID, requisitionID int64, creditedTo *int64) (*Application, error) {
	var id int64
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		var err error
		id, err = s.apply(ctx, tx, actor, candidateID, requisitionID, creditedTo, nil, tx.Now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.GetApplication(ctx, Viewer{Recruiter: true}, id)
}

func (s *Store) apply(ctx context.Context, tx *db.Tx, actor audit.Actor, candidateID, requisitionID int64, creditedTo, greenhouseID *int64, at time.Time) (int64, error) {
	c, err := s.candidateTx(ctx, tx, candidateID)
	if err != nil {
		return 0, errs.Invalid("candidate_id", "is not a candidate")
	}
	if c.MergedInto != nil {
		return 0, errs.Invalid("candidate_id", fmt.Sprintf("Duplicate candidate rule: candidate %d was merged into %d", c.ID, *c.MergedInto))
	}
	r, err := scanRequisition(tx.QueryRowContext(ctx, s.q.Get("GetRequisition"), requisitionID))
	if err != nil {
		return 0, errs.Invalid("job_id", "is not a requisition")
	}
	sts, err := s.stages(ctx, tx, r.PipelineID)
	if err != nil {
		return 0, err
	}
	if len(sts) == 0 {
		return 0, errs.Invalid("job_id", "the requisition's pipeline has no stages")
	}
	if err := s.checkStaff(ctx, tx, "credited_to_id", creditedTo); err != nil {
		return 0, err
	}
	var id int64
	if err := tx.QueryRowContext(ctx, s.q.Get("InsertApplication"), candidateID, requisitionID, sts[0].ID, db.NullID(creditedTo), db.TS(at), db.NullID(greenhouseID)).Scan(&id); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, s.q.Get("InsertHistory"), id, sts[0].ID, db.TS(at), actorID(actor)); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, s.q.Get("SetRetention"), candidateID, nil, db.TS(tx.Now)); err != nil { // reconsidered: the timer stops
		return 0, err
	}
	return id, s.audit.Record(ctx, tx, actor, "hiring.application.created", "hiring_application", id, nil,
		map[string]any{"candidate_id": candidateID, "job_id": requisitionID, "credited_to_id": creditedTo})
}

func actorID(a audit.Actor) any {
	if a.ID == 0 {
		return nil
	}
	return a.ID
}

// GetApplication returns an application the viewer may see, with its stage history.
func (s *Store) GetApplication(ctx context.Context, v Viewer, id int64) (out *Application, err error) {
	if !v.Recruiter {
		n, err := s.CountApplications(ctx, ApplicationFilter{Viewer: v, ID: id})
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, errs.NotFound("application")
		}
	}
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		if out, err = s.appTx(ctx, tx, id); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, s.q.Get("HistoryOf"), id)
		if err != nil {
			return err
		}
		defer rows.Close()
		out.History = []StageVisit{}
		for rows.Next() {
			var h StageVisit
			if err := rows.Scan(&h.Stage.ID, &h.Stage.Name, &h.Stage.Kind, db.Time(&h.EnteredAt), db.TimePtr(&h.LeftAt)); err != nil {
				return err
			}
			end := tx.Now
			if h.LeftAt != nil {
				end = *h.LeftAt
			}
			h.Seconds = int64(end.Sub(h.EnteredAt) / time.Second)
			out.History = append(out.History, h)
		}
		return rows.Err()
	})
	return out, err
}

// ApplicationFilter filters applications to what Viewer may see.
type ApplicationFilter struct {
	Viewer        Viewer
	RequisitionID int64
	CandidateID   int64
	Status        string
	ID            int64 // count only
	Page          people.Page
}

// ListApplications lists the applications the viewer may see.
func (s *Store) ListApplications(ctx context.Context, f ApplicationFilter) ([]Application, error) {
	return db.ReadList(ctx, s.d, s.vq("ListApplications", 5), []any{f.Page.AfterID, f.RequisitionID, f.CandidateID, f.Status, viewerArg(f.Viewer), limitOf(f.Page), f.Page.Offset}, scanApplication)
}

// CountApplications counts the applications the viewer may see.
func (s *Store) CountApplications(ctx context.Context, f ApplicationFilter) (n int, err error) {
	q := strings.TrimSuffix(strings.TrimSpace(s.vq("CountApplications", 4)), ";")
	args := []any{f.RequisitionID, f.CandidateID, f.Status, viewerArg(f.Viewer)}
	if f.ID != 0 {
		q += " AND a.id = $5"
		args = append(args, f.ID)
	}
	err = s.d.QueryRow(ctx, q, args, &n)
	return n, err
}

// BoardColumn is a stage of a requisition's pipeline board with its cards.
type BoardColumn struct {
	Stage StageRef      `json:"stage"`
	Count int           `json:"count"`
	Cards []Application `json:"applications"`
}

// Board is a requisition's pipeline: a column per stage with the active
// applications in it (at most perColumn cards each, all counted).
func (s *Store) Board(ctx context.Context, requisitionID int64, perColumn int) (*Requisition, []BoardColumn, error) {
	var req *Requisition
	var cols []BoardColumn
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		var err error
		if req, err = scanRequisition(tx.QueryRowContext(ctx, s.q.Get("GetRequisition"), requisitionID)); err != nil {
			return notFound(err, "requisition")
		}
		sts, err := s.stages(ctx, tx, req.PipelineID)
		if err != nil {
			return err
		}
		idx := map[int64]int{}
		for i, st := range sts {
			cols = append(cols, BoardColumn{Stage: StageRef{ID: st.ID, Name: st.Name, Kind: st.Kind}, Cards: []Application{}})
			idx[st.ID] = i
		}
		rows, err := tx.QueryContext(ctx, s.q.Get("BoardCounts"), requisitionID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var st sql.NullInt64
			var n int
			if err := rows.Scan(&st, &n); err != nil {
				rows.Close()
				return err
			}
			if i, ok := idx[st.Int64]; ok {
				cols[i].Count = n
			}
		}
		rows.Close()
		for i := range cols { // a page of cards per column, newest activity first
			rows, err := tx.QueryContext(ctx, s.q.Get("Board"), requisitionID, cols[i].Stage.ID, perColumn)
			if err != nil {
				return err
			}
			for rows.Next() {
				a, err := scanApplication(rows)
				if err != nil {
					rows.Close()
					return err
				}
				cols[i].Cards = append(cols[i].Cards, *a)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		return nil
	})
	return req, cols, err
}

func (s *Store) failedTechnical(ctx context.Context, tx *db.Tx, app int64) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, s.q.Get("FailedTechnical"), app).Scan(&n)
	return n > 0, err
}

// moveTo puts an application in stage (of its pipeline), running the stage
// rules: a failed technical interview bars the behavioural panel.
func (s *Store) moveTo(ctx context.Context, tx *db.Tx, actor audit.Actor, a *Application, st Stage, action string) error {
	if a.Status != AppActive {
		return errs.Invalid("status", fmt.Sprintf("Application status rule: a %s application does not move", a.Status))
	}
	if st.Kind == KindPanel {
		failed, err := s.failedTechnical(ctx, tx, a.ID)
		if err != nil {
			return err
		}
		if failed {
			return errs.Invalid("stage_id", "Failed technical interview rule: the behavioural panel is cancelled after a failed technical interview")
		}
	}
	if _, err := tx.ExecContext(ctx, s.q.Get("CloseHistory"), a.ID, db.TS(tx.Now)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, s.q.Get("InsertHistory"), a.ID, st.ID, db.TS(tx.Now), actorID(actor)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, s.q.Get("SetStage"), a.ID, st.ID, db.TS(tx.Now)); err != nil {
		return err
	}
	from := int64(0)
	if a.CurrentStage != nil {
		from = a.CurrentStage.ID
	}
	return s.audit.Record(ctx, tx, actor, "hiring.application."+action, "hiring_application", a.ID, map[string]any{"stage_id": from}, map[string]any{"stage_id": st.ID})
}

func (s *Store) pipelineOf(ctx context.Context, tx *db.Tx, a *Application) ([]Stage, error) {
	r, err := scanRequisition(tx.QueryRowContext(ctx, s.q.Get("GetRequisition"), a.JobID))
	if err != nil {
		return nil, err
	}
	return s.stages(ctx, tx, r.PipelineID)
}

// Advance moves an application to the next stage of its pipeline;
// fromStageID must be its current stage (Greenhouse's from_stage_id).
func (s *Store) Advance(ctx context.Context, actor audit.Actor, id, fromStageID int64) (*Application, error) {
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		a, err := s.appTx(ctx, tx, id)
		if err != nil {
			return err
		}
		if a.CurrentStage == nil || a.CurrentStage.ID != fromStageID {
			return errs.Invalid("from_stage_id", "Stage rule: from_stage_id is not the application's current stage")
		}
		sts, err := s.pipelineOf(ctx, tx, a)
		if err != nil {
			return err
		}
		for i, st := range sts {
			if st.ID == fromStageID {
				if i+1 == len(sts) {
					return errs.Invalid("from_stage_id", "Stage rule: the last stage is left by hiring or rejecting")
				}
				return s.moveTo(ctx, tx, actor, a, sts[i+1], "advanced")
			}
		}
		return errs.Invalid("from_stage_id", "Stage rule: not a stage of this pipeline")
	})
	if err != nil {
		return nil, err
	}
	return s.GetApplication(ctx, Viewer{Recruiter: true}, id)
}

// Move puts an application in any stage of its pipeline (the board's drag).
func (s *Store) Move(ctx context.Context, actor audit.Actor, id, toStageID int64) (*Application, error) {
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		a, err := s.appTx(ctx, tx, id)
		if err != nil {
			return err
		}
		sts, err := s.pipelineOf(ctx, tx, a)
		if err != nil {
			return err
		}
		for _, st := range sts {
			if st.ID == toStageID {
				return s.moveTo(ctx, tx, actor, a, st, "moved")
			}
		}
		return errs.Invalid("to_stage_id", "Stage rule: not a stage of this application's pipeline")
	})
	if err != nil {
		return nil, err
	}
	return s.GetApplication(ctx, Viewer{Recruiter: true}, id)
}

// Reject rejects an application with a reason; its open interviews are
// cancelled; when the candidate is then rejected everywhere, the retention
// timer of the requisition's region starts.
func (s *Store) Reject(ctx context.Context, actor audit.Actor, id int64, reason string) (*Application, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, errs.Invalid("rejection_reason", "can't be blank")
	}
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		a, err := s.appTx(ctx, tx, id)
		if err != nil {
			return err
		}
		if a.Status != AppActive {
			return errs.Invalid("status", fmt.Sprintf("Application status rule: a %s application cannot be rejected", a.Status))
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("CloseHistory"), id, db.TS(tx.Now)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("RejectApplication"), id, reason, db.TS(tx.Now)); err != nil {
			return err
		}
		if err := s.cancelInterviews(ctx, tx, s.q.Get("OpenInterviewsOf"), id, "application rejected"); err != nil {
			return err
		}
		var active int
		if err := tx.QueryRowContext(ctx, s.q.Get("ActiveApplicationsOf"), a.CandidateID).Scan(&active); err != nil {
			return err
		}
		if active == 0 {
			r, err := scanRequisition(tx.QueryRowContext(ctx, s.q.Get("GetRequisition"), a.JobID))
			if err != nil {
				return err
			}
			until := tx.Now.AddDate(0, 0, RetentionDays(r.Region))
			if _, err := tx.ExecContext(ctx, s.q.Get("SetRetention"), a.CandidateID, db.TS(until), db.TS(tx.Now)); err != nil {
				return err
			}
		}
		return s.audit.Record(ctx, tx, actor, "hiring.application.rejected", "hiring_application", id, nil, map[string]any{"rejection_reason": reason})
	})
	if err != nil {
		return nil, err
	}
	return s.GetApplication(ctx, Viewer{Recruiter: true}, id)
}

func (s *Store) cancelInterviews(ctx context.Context, tx *db.Tx, query string, app int64, reason string) error {
	rows, err := tx.QueryContext(ctx, query, app)
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
		if _, err := tx.ExecContext(ctx, s.q.Get("SetInterviewStatus"), id, "cancelled", reason); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, tx, audit.System(), "hiring.interview.cancelled", "hiring_interview", id, nil, map[string]any{"cancel_reason": reason}); err != nil {
			return err
		}
	}
	return rows.Err()
}

// HireInput hires an application into a vacancy (Greenhouse's hire).
type HireInput struct {
	OpeningID int64  `json:"opening_id"` // the vacancy's id
	StartDate string `json:"start_date"`
}

// Hire marks an application hired and fills the vacancy (of the same
// requisition, open or at offer) with the candidate and the start date.
func (s *Store) Hire(ctx context.Context, actor audit.Actor, id int64, in HireInput) (*Application, error) {
	if !validDate(in.StartDate) {
		return nil, errs.Invalid("start_date", "must be a date YYYY-MM-DD")
	}
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		a, err := s.appTx(ctx, tx, id)
		if err != nil {
			return err
		}
		if a.Status != AppActive {
			return errs.Invalid("status", fmt.Sprintf("Application status rule: a %s application cannot be hired", a.Status))
		}
		v, err := scanVacancy(tx.QueryRowContext(ctx, s.q.Get("GetVacancy"), in.OpeningID))
		if err != nil || v.JobID != a.JobID {
			return errs.Invalid("opening_id", "is not a vacancy of this application's requisition")
		}
		if v.Status == OpeningOpen {
			if err := CheckOpeningTransition(OpeningOpen, OpeningOffer, ""); err != nil {
				return err
			}
			v.Status = OpeningOffer
		}
		if err := CheckOpeningTransition(v.Status, OpeningFilled, ""); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("CloseHistory"), id, db.TS(tx.Now)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("HireApplication"), id, db.TS(tx.Now)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("FillVacancy"), v.ID, id, a.CandidateID, in.StartDate, db.TS(tx.Now)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("SetRetention"), a.CandidateID, nil, db.TS(tx.Now)); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "hiring.application.hired", "hiring_application", id, nil,
			map[string]any{"opening_id": v.OpeningID, "vacancy_id": v.ID, "start_date": in.StartDate})
	})
	if err != nil {
		return nil, err
	}
	return s.GetApplication(ctx, Viewer{Recruiter: true}, id)
}

// --- interviews ------------------------------------------------------------------------

// memberFacts reads what the rules need to know about an interviewer.
func (s *Store) memberFacts(ctx context.Context, tx *db.Tx, id int64) (Interviewer, string, error) {
	var i Interviewer
	var region, role string
	var active bool
	err := tx.QueryRowContext(ctx, s.q.Get("MemberFacts"), id).Scan(&i.ID, &region, &role, &active, &i.Manager, &i.NonMale)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && (!active || !people.IsStaff(role))) {
		return i, "", errs.Invalid("interviewer_ids", fmt.Sprintf("%d is not an active team member", id))
	}
	if err != nil {
		return i, "", err
	}
	rows, err := tx.QueryContext(ctx, s.q.Get("TrainingsOf"), id)
	if err != nil {
		return i, "", err
	}
	defer rows.Close()
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return i, "", err
		}
		i.Trainings = append(i.Trainings, t)
	}
	return i, region, rows.Err()
}

func scanInterview(r db.Scanner) (*Interview, error) {
	var i Interview
	if err := r.Scan(&i.ID, &i.ApplicationID, &i.CandidateID, &i.JobID, &i.Stage.ID, &i.Stage.Name, &i.Stage.Kind, db.Time(&i.ScheduledAt),
		&i.Status, &i.CancelReason, &i.Submission, db.Time(&i.CreatedAt)); err != nil {
		return nil, err
	}
	i.CandidateNumber = CandidateNumber(i.CandidateID)
	i.DueAt = ScorecardDue(i.ScheduledAt)
	i.Interviewers = []int64{}
	return &i, nil
}

func (s *Store) interviewTx(ctx context.Context, tx *db.Tx, id int64) (*Interview, error) {
	i, err := scanInterview(tx.QueryRowContext(ctx, s.q.Get("GetInterview"), id))
	if err != nil {
		return nil, notFound(err, "interview")
	}
	return i, s.fillInterviewers(ctx, tx, i)
}

func (s *Store) fillInterviewers(ctx context.Context, tx *db.Tx, i *Interview) error {
	rows, err := tx.QueryContext(ctx, s.q.Get("InterviewersOf"), i.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var u int64
		if err := rows.Scan(&u); err != nil {
			return err
		}
		i.Interviewers = append(i.Interviewers, u)
	}
	return rows.Err()
}

// ScheduleInterview schedules an interview of an application at a stage
// and assigns its interviewers, enforcing the training gates, the panel
// rule, the referrer rule and the failed-technical rule. An assessment
// without interviewers is routed round-robin across regions to a Stage 1
// trained reviewer (never the referrer).
func (s *Store) ScheduleInterview(ctx context.Context, actor audit.Actor, in InterviewInput) (*Interview, error) {
	if in.ScheduledAt.IsZero() {
		return nil, errs.Invalid("start", "can't be blank")
	}
	var id int64
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		a, err := s.appTx(ctx, tx, in.ApplicationID)
		if err != nil {
			return errs.Invalid("application_id", "is not an application")
		}
		if a.Status != AppActive {
			return errs.Invalid("application_id", fmt.Sprintf("Application status rule: a %s application has no more interviews", a.Status))
		}
		stageID := in.StageID
		if stageID == 0 && a.CurrentStage != nil {
			stageID = a.CurrentStage.ID
		}
		sts, err := s.pipelineOf(ctx, tx, a)
		if err != nil {
			return err
		}
		var st *Stage
		for i := range sts {
			if sts[i].ID == stageID {
				st = &sts[i]
			}
		}
		if st == nil {
			return errs.Invalid("stage_id", "Stage rule: not a stage of this application's pipeline")
		}
		if st.Kind == KindPanel {
			failed, err := s.failedTechnical(ctx, tx, a.ID)
			if err != nil {
				return err
			}
			if failed {
				return errs.Invalid("stage_id", "Failed technical interview rule: the behavioural panel is cancelled after a failed technical interview")
			}
		}
		c, err := s.candidateTx(ctx, tx, a.CandidateID)
		if err != nil {
			return err
		}
		ids := dedupe(in.Interviewers)
		if len(ids) == 0 && st.Kind == KindAssessment {
			r, err := s.routeAssessment(ctx, tx, c.ReferrerID)
			if err != nil {
				return err
			}
			ids = []int64{r}
		}
		if len(ids) == 0 {
			return errs.Invalid("interviewer_ids", "an interview needs at least one interviewer")
		}
		var panel []Interviewer
		for _, uid := range ids {
			iv, _, err := s.memberFacts(ctx, tx, uid)
			if err != nil {
				return err
			}
			if err := CheckReferrer(uid, c.ReferrerID); err != nil {
				return err
			}
			switch st.Kind {
			case KindAssessment:
				err = CheckAssessmentReviewer(iv)
			case KindTechnical:
				err = CheckTechnicalInterviewer(iv)
			}
			if err != nil {
				return err
			}
			panel = append(panel, iv)
		}
		if st.Kind == KindPanel {
			if err := CheckPanel(panel); err != nil {
				return err
			}
		}
		if err := tx.QueryRowContext(ctx, s.q.Get("InsertInterview"), a.ID, st.ID, db.TS(in.ScheduledAt), in.Submission, actorID(actor), db.TS(tx.Now)).Scan(&id); err != nil {
			return err
		}
		for _, uid := range ids {
			if _, err := tx.ExecContext(ctx, s.q.Get("InsertInterviewer"), id, uid); err != nil {
				return err
			}
		}
		return s.audit.Record(ctx, tx, actor, "hiring.interview.scheduled", "hiring_interview", id, nil,
			map[string]any{"application_id": a.ID, "stage_id": st.ID, "start": in.ScheduledAt.UTC(), "interviewer_ids": ids})
	})
	if err != nil {
		return nil, err
	}
	return s.GetInterview(ctx, id)
}

func dedupe(ids []int64) []int64 {
	out := []int64{}
	for _, id := range ids {
		if !contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// routeAssessment picks the next Stage 1 trained reviewer round-robin
// across regions, skipping the candidate's referrer.
func (s *Store) routeAssessment(ctx context.Context, tx *db.Tx, referrer *int64) (int64, error) {
	rows, err := tx.QueryContext(ctx, s.q.Get("TrainedReviewers"), TrainingStage1)
	if err != nil {
		return 0, err
	}
	var rs []Reviewer
	for rows.Next() {
		var r Reviewer
		if err := rows.Scan(&r.ID, &r.Region); err != nil {
			rows.Close()
			return 0, err
		}
		if referrer == nil || *referrer != r.ID {
			rs = append(rs, r)
		}
	}
	rows.Close()
	var turn int
	if err := tx.QueryRowContext(ctx, s.q.Get("CountAssessments")).Scan(&turn); err != nil {
		return 0, err
	}
	r, ok := RouteAssessment(rs, turn)
	if !ok {
		return 0, errs.Invalid("interviewer_ids", "Assessment review training rule: no member with Stage 1 training is available to review")
	}
	return r.ID, nil
}

// GetInterview returns an interview with its interviewers.
func (s *Store) GetInterview(ctx context.Context, id int64) (out *Interview, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		out, err = s.interviewTx(ctx, tx, id)
		return err
	})
	return out, err
}

// InterviewFilter filters interviews; Viewer holds a non-recruiter to the
// interviews they take part in or manage; Interviewer to their own ("my interviews").
type InterviewFilter struct {
	Viewer        Viewer
	ApplicationID int64
	Status        string
	Interviewer   int64
	ID            int64 // count only
	Page          people.Page
}

// ListInterviews lists interviews.
func (s *Store) ListInterviews(ctx context.Context, f InterviewFilter) (out []Interview, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, s.q.Get("ListInterviews"), f.Page.AfterID, f.ApplicationID, f.Status, viewerArg(f.Viewer), f.Interviewer, limitOf(f.Page), f.Page.Offset)
		if err != nil {
			return err
		}
		out = []Interview{}
		for rows.Next() {
			i, err := scanInterview(rows)
			if err != nil {
				rows.Close()
				return err
			}
			out = append(out, *i)
		}
		rows.Close()
		for i := range out {
			if err := s.fillInterviewers(ctx, tx, &out[i]); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	return out, err
}

// CountInterviews counts interviews.
func (s *Store) CountInterviews(ctx context.Context, f InterviewFilter) (n int, err error) {
	q := strings.TrimSuffix(strings.TrimSpace(s.q.Get("CountInterviews")), ";")
	args := []any{f.ApplicationID, f.Status, viewerArg(f.Viewer), f.Interviewer}
	if f.ID != 0 {
		q += " AND i.id = $5"
		args = append(args, f.ID)
	}
	err = s.d.QueryRow(ctx, q, args, &n)
	return n, err
}

// SetNonMale records a member's opt-in interviewer attribute (read by the
// panel rule; shown to schedulers only).
func (s *Store) SetNonMale(ctx context.Context, actor audit.Actor, userID int64, nonMale bool) error {
	return s.d.Write(ctx, func(tx *db.Tx) error {
		if err := s.checkStaff(ctx, tx, "user_id", &userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("UpsertAttribute"), userID, nonMale, db.TS(tx.Now)); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "hiring.interviewer_attribute.set", "user", userID, nil, map[string]any{"attribute": "panel diversity opt-in"})
	})
}

// --- scorecards ------------------------------------------------------------------------

func scanScorecard(r db.Scanner) (*Scorecard, error) {
	var sc Scorecard
	var attrs string
	if err := r.Scan(&sc.ID, &sc.InterviewID, &sc.InterviewStep.ID, &sc.InterviewStep.Name, &sc.InterviewStep.Kind, &sc.CandidateID, &sc.ApplicationID,
		db.Time(&sc.InterviewedAt), &sc.SubmittedBy, db.Time(&sc.SubmittedAt), &sc.OverallRecommendation, &attrs, &sc.KeyTakeAways,
		&sc.Pros, &sc.Cons, &sc.PrivateNotes); err != nil {
		return nil, err
	}
	sc.Attributes = []Attribute{}
	return &sc, json.Unmarshal([]byte(attrs), &sc.Attributes)
}

// SubmitScorecard records the actor's scorecard for an interview: only an
// assigned interviewer, once, not before the interview. A failed technical
// interview cancels the application's scheduled behavioural panel with the
// reason recorded.
func (s *Store) SubmitScorecard(ctx context.Context, actor audit.Actor, in ScorecardInput) (*Scorecard, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var id int64
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		iv, err := s.interviewTx(ctx, tx, in.InterviewID)
		if err != nil {
			return errs.Invalid("interview_id", "is not an interview")
		}
		if iv.Status == "cancelled" {
			return errs.Invalid("interview_id", "Scorecard rule: the interview was cancelled ("+iv.CancelReason+")")
		}
		var mine int
		if err := tx.QueryRowContext(ctx, s.q.Get("ScorecardBy"), iv.ID, actor.ID).Scan(&mine); err != nil {
			return err
		}
		if err := CheckScorecardSubmit(actor.ID, iv.Interviewers, mine > 0, iv.ScheduledAt, tx.Now); err != nil {
			return err
		}
		attrs, _ := json.Marshal(in.Attributes)
		if in.Attributes == nil {
			attrs = []byte("[]")
		}
		if err := tx.QueryRowContext(ctx, s.q.Get("InsertScorecard"), iv.ID, iv.ApplicationID, actor.ID, db.TS(tx.Now), db.TS(iv.ScheduledAt),
			in.OverallRecommendation, string(attrs), in.KeyTakeAways, in.Pros, in.Cons, in.PrivateNotes, nil).Scan(&id); err != nil {
			if db.IsUnique(err) {
				return errs.Invalid("interviewer_id", "Scorecard rule: a scorecard is submitted once")
			}
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, s.q.Get("ScorecardsOfInterview"), iv.ID).Scan(&n); err != nil {
			return err
		}
		status := "awaiting_feedback"
		if n >= len(iv.Interviewers) {
			status = "complete"
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("SetInterviewStatus"), iv.ID, status, ""); err != nil {
			return err
		}
		if iv.Stage.Kind == KindTechnical {
			if reason, cancel := PanelCancellation(in.OverallRecommendation); cancel {
				if err := s.cancelInterviews(ctx, tx, s.q.Get("ScheduledPanels"), iv.ApplicationID, reason); err != nil {
					return err
				}
			}
		}
		return s.audit.Record(ctx, tx, actor, "hiring.scorecard.submitted", "hiring_scorecard", id, nil,
			map[string]any{"interview_id": iv.ID, "application_id": iv.ApplicationID, "overall_recommendation": in.OverallRecommendation})
	})
	if err != nil {
		return nil, err
	}
	return s.GetScorecard(ctx, Viewer{Recruiter: true}, id)
}

// ScorecardFilter filters scorecards to what Viewer may see: recruiters
// and the hiring manager all, an interviewer their own, and the others of
// an application once theirs is in.
type ScorecardFilter struct {
	Viewer        Viewer
	ApplicationID int64
	InterviewID   int64
	ID            int64 // count only
	Page          people.Page
}

func hidePrivate(v Viewer, sc *Scorecard) {
	if !v.Recruiter && sc.SubmittedBy != v.UserID {
		sc.PrivateNotes = ""
	}
}

// ListScorecards lists the scorecards the viewer may see.
func (s *Store) ListScorecards(ctx context.Context, f ScorecardFilter) ([]Scorecard, error) {
	out, err := db.ReadList(ctx, s.d, s.vq("ListScorecards", 4), []any{f.Page.AfterID, f.ApplicationID, f.InterviewID, viewerArg(f.Viewer), limitOf(f.Page), f.Page.Offset}, scanScorecard)
	for i := range out {
		hidePrivate(f.Viewer, &out[i])
	}
	return out, err
}

// CountScorecards counts the scorecards the viewer may see.
func (s *Store) CountScorecards(ctx context.Context, f ScorecardFilter) (n int, err error) {
	q := strings.TrimSuffix(strings.TrimSpace(s.vq("CountScorecards", 3)), ";")
	args := []any{f.ApplicationID, f.InterviewID, viewerArg(f.Viewer)}
	if f.ID != 0 {
		q += " AND sc.id = $4"
		args = append(args, f.ID)
	}
	err = s.d.QueryRow(ctx, q, args, &n)
	return n, err
}

// GetScorecard returns a scorecard the viewer may see.
func (s *Store) GetScorecard(ctx context.Context, v Viewer, id int64) (*Scorecard, error) {
	if !v.Recruiter {
		n, err := s.CountScorecards(ctx, ScorecardFilter{Viewer: v, ID: id})
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, errs.NotFound("scorecard")
		}
	}
	var out *Scorecard
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		var err error
		out, err = scanScorecard(tx.QueryRowContext(ctx, s.q.Get("GetScorecard"), id))
		return notFound(err, "scorecard")
	})
	if out != nil {
		hidePrivate(v, out)
	}
	return out, err
}

// --- sourcing --------------------------------------------------------------------------

func scanSourcing(r db.Scanner) (*SourcingEvent, error) {
	var e SourcingEvent
	if err := r.Scan(&e.ID, &e.Name, &e.Region, &e.RoleFocus, &e.StartsOn, &e.EndsOn, &e.GoalMonth, &e.GoalWeek, &e.ChecklistDue, db.Time(&e.CreatedAt)); err != nil {
		return nil, err
	}
	e.Progress = []SourcerCount{}
	return &e, nil
}

// CreateSourcingEvent defines a source-a-thon.
func (s *Store) CreateSourcingEvent(ctx context.Context, actor audit.Actor, in SourcingEventInput) (*SourcingEvent, error) {
	due, err := in.Validate()
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx, s.q.Get("InsertSourcingEvent"), in.Name, in.Region, in.RoleFocus, in.StartsOn, in.EndsOn, in.GoalMonth, in.GoalWeek,
			due, actorID(actor), db.TS(tx.Now)).Scan(&id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "hiring.sourcing_event.created", "hiring_sourcing_event", id, nil, in)
	})
	if err != nil {
		return nil, err
	}
	return s.GetSourcingEvent(ctx, id)
}

func (s *Store) progress(ctx context.Context, tx *db.Tx, e *SourcingEvent) error {
	rows, err := tx.QueryContext(ctx, s.q.Get("SourcingProgress"), e.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		c := SourcerCount{Goal: e.GoalMonth}
		if err := rows.Scan(&c.UserID, &c.Name, &c.Count); err != nil {
			return err
		}
		e.Progress = append(e.Progress, c)
	}
	return rows.Err()
}

// GetSourcingEvent returns a source-a-thon with each sourcer's count.
func (s *Store) GetSourcingEvent(ctx context.Context, id int64) (out *SourcingEvent, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		if out, err = scanSourcing(tx.QueryRowContext(ctx, s.q.Get("GetSourcingEvent"), id)); err != nil {
			return notFound(err, "sourcing event")
		}
		return s.progress(ctx, tx, out)
	})
	return out, err
}

// SourcingFilter pages sourcing events.
type SourcingFilter struct{ Page people.Page }

// ListSourcingEvents lists source-a-thons with their progress.
func (s *Store) ListSourcingEvents(ctx context.Context, f SourcingFilter) (out []SourcingEvent, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, s.q.Get("ListSourcingEvents"), f.Page.AfterID, limitOf(f.Page), f.Page.Offset)
		if err != nil {
			return err
		}
		out = []SourcingEvent{}
		for rows.Next() {
			e, err := scanSourcing(rows)
			if err != nil {
				rows.Close()
				return err
			}
			out = append(out, *e)
		}
		rows.Close()
		for i := range out {
			if err := s.progress(ctx, tx, &out[i]); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	return out, err
}

// CountSourcingEvents counts source-a-thons.
func (s *Store) CountSourcingEvents(ctx context.Context, _ SourcingFilter) (n int, err error) {
	err = s.d.QueryRow(ctx, s.q.Get("CountSourcingEvents"), nil, &n)
	return n, err
}

// --- starts ----------------------------------------------------------------------------

// Start is a hire whose start date has come and who is not yet a team member.
type Start struct {
	VacancyID       int64
	OpeningID       string
	StartDate       string
	JobTitle        string
	Region          string
	HiringManagerID *int64
	LevelKey        string // the requisition's level, else the role's entry level
	Name, Email     string
}

// defaultLevels is the level a hire of a role starts at when the
// requisition names none.
var defaultLevels = map[string]string{
	"support-engineer":   "support-engineer",
	"support-manager":    "manager-support-engineering",
	"director":           "director-of-support",
	"support-operations": "support-operations-specialist",
}

// DueStarts lists the filled vacancies whose start date is on or before
// today (YYYY-MM-DD) and whose hire is not yet on the team.
func (s *Store) DueStarts(ctx context.Context, today string) ([]Start, error) {
	return db.ReadList(ctx, s.d, s.q.Get("DueStarts"), []any{today}, func(r db.Scanner) (*Start, error) {
		var st Start
		var hm sql.NullInt64
		var role, first, last string
		if err := r.Scan(&st.VacancyID, &st.OpeningID, &st.StartDate, &st.JobTitle, &st.Region, &hm, &st.LevelKey, &role, &first, &last, &st.Email); err != nil {
			return nil, err
		}
		st.HiringManagerID = db.IDPtr(hm)
		st.Name = strings.TrimSpace(first + " " + last)
		if st.LevelKey == "" {
			st.LevelKey = defaultLevels[role]
		}
		return &st, nil
	})
}

// MarkStarted links a filled vacancy to the team member its hire became.
func (s *Store) MarkStarted(ctx context.Context, actor audit.Actor, vacancyID, memberID int64) error {
	return s.d.Write(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, s.q.Get("SetVacancyMember"), vacancyID, memberID, db.TS(tx.Now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.Invalid("member_id", "the vacancy's hire is already on the team")
		}
		return s.audit.Record(ctx, tx, actor, "hiring.vacancy.started", "hiring_vacancy", vacancyID, nil, map[string]any{"team_member_id": memberID})
	})
}

// SchedulableMember is a possible interviewer as the scheduler sees them: the facts the rules
// read, the panel opt-in included (shown to schedulers only).
type SchedulableMember struct {
	ID      int64
	Name    string
	Region  string
	Stage1  bool
	Stage2  bool
	Manager bool
	NonMale bool
}

// Schedulable lists the active team members a recruiter may assign.
func (s *Store) Schedulable(ctx context.Context) ([]SchedulableMember, error) {
	return db.ReadList(ctx, s.d, s.q.Get("Schedulable"), nil, func(r db.Scanner) (*SchedulableMember, error) {
		var m SchedulableMember
		err := r.Scan(&m.ID, &m.Name, &m.Region, &m.Stage1, &m.Stage2, &m.Manager, &m.NonMale)
		return &m, err
	})
}

// --- scorecard feedback ----------------------------------------------------------------

// Feedback is a manager's note on an interviewer's scorecard.
type Feedback struct {
	ID          int64     `json:"id"`
	ScorecardID int64     `json:"scorecard_id"`
	InterviewID int64     `json:"interview_id"`
	Step        string    `json:"interview_step"`
	AuthorID    int64     `json:"author_id"`
	Author      string    `json:"author"`
	Body        string    `json:"body"`
	CreatedAt   time.Time `json:"created_at"`
}

// GiveFeedback records feedback on a scorecard. Scorecard feedback rule:
// the requisition's hiring manager or a recruiter gives it, never on their
// own scorecard; it is delivered to the scorecard's author only.
func (s *Store) GiveFeedback(ctx context.Context, actor audit.Actor, v Viewer, scorecardID int64, body string) (*Feedback, error) {
	body = strings.TrimSpace(body)
	if body == "" {
		return nil, errs.Invalid("body", "can't be blank")
	}
	var id int64
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		sc, err := scanScorecard(tx.QueryRowContext(ctx, s.q.Get("GetScorecard"), scorecardID))
		if err != nil {
			return notFound(err, "scorecard")
		}
		a, err := s.appTx(ctx, tx, sc.ApplicationID)
		if err != nil {
			return err
		}
		r, err := scanRequisition(tx.QueryRowContext(ctx, s.q.Get("GetRequisition"), a.JobID))
		if err != nil {
			return err
		}
		manager := r.HiringManagerID != nil && *r.HiringManagerID == v.UserID
		if !v.Recruiter && !manager {
			return errs.Invalid("scorecard_id", "Scorecard feedback rule: only the requisition's hiring manager or a recruiter gives feedback on a scorecard")
		}
		if sc.SubmittedBy == v.UserID {
			return errs.Invalid("scorecard_id", "Scorecard feedback rule: feedback is on other interviewers' scorecards")
		}
		if err := tx.QueryRowContext(ctx, s.q.Get("InsertFeedback"), scorecardID, v.UserID, body, db.TS(tx.Now)).Scan(&id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "hiring.scorecard_feedback.given", "hiring_scorecard", scorecardID, nil, map[string]any{"feedback_id": id, "to": sc.SubmittedBy})
	})
	if err != nil {
		return nil, err
	}
	fs, err := s.FeedbackFor(ctx, v.UserID)
	if err != nil {
		return nil, err
	}
	for _, f := range fs {
		if f.ID == id {
			return &f, nil
		}
	}
	return nil, errs.NotFound("feedback")
}

// FeedbackFor lists the feedback a member received on their scorecards and
// the feedback they gave, newest first.
func (s *Store) FeedbackFor(ctx context.Context, userID int64) ([]Feedback, error) {
	return db.ReadList(ctx, s.d, s.q.Get("FeedbackFor"), []any{userID}, func(r db.Scanner) (*Feedback, error) {
		var f Feedback
		err := r.Scan(&f.ID, &f.ScorecardID, &f.InterviewID, &f.Step, &f.AuthorID, &f.Author, &f.Body, db.Time(&f.CreatedAt))
		return &f, err
	})
}
