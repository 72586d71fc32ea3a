package hiring

// Greenhouse Harvest import: jobs (with their openings), openings,
// candidates, applications and scorecards as Harvest exports them, either a
// JSON array per file (named jobs*.json, openings*.json, candidates*.json,
// applications*.json, scorecards*.json) or an object with that key. Every
// record that cannot be mapped is reported with its file and line, and then
// nothing is imported; otherwise everything is written in one transaction.
// Records already imported (by Greenhouse id) are skipped, so importing the
// same files again changes nothing. Imported scorecards are history: they
// are recorded as they were, without the rules that guard new submissions.

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
)

// GHFile is one export file.
type GHFile struct {
	Name string
	Data []byte
}

// GHProblem is a record that cannot be mapped.
type GHProblem struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Record  string `json:"record"`
	Problem string `json:"problem"`
}

func (p GHProblem) String() string {
	return fmt.Sprintf("%s:%d: %s: %s", p.File, p.Line, p.Record, p.Problem)
}

// GHReport says what an import did (or would have done).
type GHReport struct {
	Created  map[string]int `json:"created"`
	Skipped  map[string]int `json:"skipped"` // already imported
	Problems []GHProblem    `json:"problems"`
}

type ghRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type ghUser struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
}

func (u ghUser) fullName() string {
	if u.Name != "" {
		return u.Name
	}
	return strings.TrimSpace(u.FirstName + " " + u.LastName)
}

type ghOpening struct {
	ID            int64   `json:"id"`
	OpeningID     *string `json:"opening_id"`
	Status        string  `json:"status"`
	JobID         int64   `json:"job_id"`
	ApplicationID *int64  `json:"application_id"`
	CloseReason   *ghRef  `json:"close_reason"`
	ClosedAt      *string `json:"closed_at"`
}

type ghJob struct {
	ID            int64       `json:"id"`
	Name          string      `json:"name"`
	RequisitionID *string     `json:"requisition_id"`
	Status        string      `json:"status"`
	Offices       []ghRef     `json:"offices"`
	Departments   []ghRef     `json:"departments"`
	Openings      []ghOpening `json:"openings"`
	HiringTeam    struct {
		HiringManagers []ghUser `json:"hiring_managers"`
		Recruiters     []ghUser `json:"recruiters"`
	} `json:"hiring_team"`
}

type ghValue struct {
	Value string `json:"value"`
}

type ghCandidate struct {
	ID        int64     `json:"id"`
	FirstName string    `json:"first_name"`
	LastName  string    `json:"last_name"`
	Emails    []ghValue `json:"email_addresses"`
	Phones    []ghValue `json:"phone_numbers"`
	Websites  []ghValue `json:"website_addresses"`
}

type ghApplication struct {
	ID              int64   `json:"id"`
	CandidateID     int64   `json:"candidate_id"`
	Status          string  `json:"status"`
	AppliedAt       string  `json:"applied_at"`
	RejectedAt      *string `json:"rejected_at"`
	Jobs            []ghRef `json:"jobs"`
	CurrentStage    *ghRef  `json:"current_stage"`
	RejectionReason *ghRef  `json:"rejection_reason"`
	Source          *struct {
		PublicName string `json:"public_name"`
	} `json:"source"`
}

type ghScorecard struct {
	ID                    int64  `json:"id"`
	ApplicationID         int64  `json:"application_id"`
	InterviewStep         ghRef  `json:"interview_step"`
	InterviewedAt         string `json:"interviewed_at"`
	SubmittedAt           string `json:"submitted_at"`
	SubmittedBy           ghUser `json:"submitted_by"`
	OverallRecommendation string `json:"overall_recommendation"`
	Attributes            []struct {
		Name   string `json:"name"`
		Type   string `json:"type"`
		Note   string `json:"note"`
		Rating string `json:"rating"`
	} `json:"attributes"`
	Questions []struct {
		Question string `json:"question"`
		Answer   string `json:"answer"`
	} `json:"questions"`
}

type ghRecord[T any] struct {
	file string
	line int
	v    T
}

// ghKinds are the record types in dependency order.
var ghKinds = []string{"jobs", "openings", "candidates", "applications", "scorecards"}

// splitRecords reads a file's records with the line each starts on.
func splitRecords(f GHFile) (kind string, recs []json.RawMessage, lines []int, err error) {
	data := bytes.TrimSpace(f.Data)
	base := strings.ToLower(filepath.Base(f.Name))
	for _, k := range ghKinds {
		if strings.HasPrefix(base, k) {
			kind = k
		}
	}
	dec := json.NewDecoder(bytes.NewReader(f.Data))
	lineAt := func(off int64) int {
		o := int(off)
		for o < len(f.Data) && (f.Data[o] == ' ' || f.Data[o] == '\n' || f.Data[o] == '\r' || f.Data[o] == '\t' || f.Data[o] == ',') {
			o++
		}
		return bytes.Count(f.Data[:o], []byte("\n")) + 1
	}
	tok, err := dec.Token()
	if err != nil {
		return "", nil, nil, fmt.Errorf("not JSON: %v", err)
	}
	if d, ok := tok.(json.Delim); ok && d == '{' {
		// {"jobs": [...]}: the key names the kind.
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return "", nil, nil, err
			}
			key, _ := kt.(string)
			if !contains(ghKinds, key) {
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					return "", nil, nil, err
				}
				continue
			}
			kind = key
			if t, err := dec.Token(); err != nil || t != json.Delim('[') {
				return "", nil, nil, fmt.Errorf("%q must be an array", key)
			}
			break
		}
	} else if d != json.Delim('[') {
		return "", nil, nil, errors.New("must be a JSON array or an object with jobs, openings, candidates, applications or scorecards")
	}
	if kind == "" {
		return "", nil, nil, errors.New("cannot tell the records' kind: name the file jobs.json, openings.json, candidates.json, applications.json or scorecards.json, or wrap them in {\"jobs\": [...]}")
	}
	_ = data
	for dec.More() {
		line := lineAt(dec.InputOffset())
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return "", nil, nil, fmt.Errorf("line %d: %v", line, err)
		}
		recs = append(recs, raw)
		lines = append(lines, line)
	}
	return kind, recs, lines, nil
}

func ghTime(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, s)
	return t, err == nil
}

// ghRegion reads a support region from a job's offices or departments.
func ghRegion(j ghJob) string {
	for _, r := range append(append([]ghRef{}, j.Offices...), j.Departments...) {
		u := strings.ToUpper(r.Name)
		for _, reg := range []string{"AMER", "EMEA", "APAC"} {
			if strings.Contains(u, reg) {
				return reg
			}
		}
	}
	return ""
}

// ghRole picks the role pipeline of a job by its name.
func ghRole(name string) string {
	n := strings.ToLower(name)
	switch {
	case strings.Contains(n, "director"):
		return "director"
	case strings.Contains(n, "operations"):
		return "support-operations"
	case strings.Contains(n, "manager"):
		return "support-manager"
	}
	return "support-engineer"
}

// ghStage finds a pipeline stage for a Greenhouse stage name: by name,
// else by the kind its name suggests.
func ghStage(stages []Stage, name string) (Stage, bool) {
	n := strings.ToLower(strings.TrimSpace(name))
	for _, s := range stages {
		if strings.ToLower(s.Name) == n {
			return s, true
		}
	}
	hints := []struct{ word, kind string }{{"assessment", KindAssessment}, {"questionnaire", KindAssessment}, {"take home", KindAssessment},
		{"screen", KindScreen}, {"technical", KindTechnical}, {"panel", KindPanel}, {"behavio", KindPanel}, {"reference", KindReferences},
		{"offer", KindOffer}, {"interview", KindInterview}, {"application review", KindScreen}}
	for _, h := range hints {
		if strings.Contains(n, h.word) {
			for _, s := range stages {
				if s.Kind == h.kind {
					return s, true
				}
			}
		}
	}
	return Stage{}, false
}

// ImportGreenhouse imports Harvest export files (see the file comment).
func (s *Store) ImportGreenhouse(ctx context.Context, actor audit.Actor, files []GHFile) (*GHReport, error) {
	rep := &GHReport{Created: map[string]int{}, Skipped: map[string]int{}, Problems: []GHProblem{}}
	var jobs []ghRecord[ghJob]
	var openings []ghRecord[ghOpening]
	var cands []ghRecord[ghCandidate]
	var apps []ghRecord[ghApplication]
	var cards []ghRecord[ghScorecard]
	bad := func(file string, line int, rec, problem string) {
		rep.Problems = append(rep.Problems, GHProblem{File: file, Line: line, Record: rec, Problem: problem})
	}
	for _, f := range files {
		kind, recs, lines, err := splitRecords(f)
		if err != nil {
			bad(f.Name, 1, "file", err.Error())
			continue
		}
		for i, raw := range recs {
			var err error
			switch kind {
			case "jobs":
				var v ghJob
				if err = json.Unmarshal(raw, &v); err == nil {
					jobs = append(jobs, ghRecord[ghJob]{f.Name, lines[i], v})
				}
			case "openings":
				var v ghOpening
				if err = json.Unmarshal(raw, &v); err == nil {
					openings = append(openings, ghRecord[ghOpening]{f.Name, lines[i], v})
				}
			case "candidates":
				var v ghCandidate
				if err = json.Unmarshal(raw, &v); err == nil {
					cands = append(cands, ghRecord[ghCandidate]{f.Name, lines[i], v})
				}
			case "applications":
				var v ghApplication
				if err = json.Unmarshal(raw, &v); err == nil {
					apps = append(apps, ghRecord[ghApplication]{f.Name, lines[i], v})
				}
			case "scorecards":
				var v ghScorecard
				if err = json.Unmarshal(raw, &v); err == nil {
					cards = append(cards, ghRecord[ghScorecard]{f.Name, lines[i], v})
				}
			}
			if err != nil {
				bad(f.Name, lines[i], kind[:len(kind)-1], "cannot be read: "+err.Error())
			}
		}
	}
	// Openings nested in jobs.
	for _, j := range jobs {
		for _, o := range j.v.Openings {
			o.JobID = j.v.ID
			openings = append(openings, ghRecord[ghOpening]{j.file, j.line, o})
		}
	}
	pipes, err := s.Pipelines(ctx)
	if err != nil {
		return nil, err
	}
	stagesOf := map[string][]Stage{}
	for _, p := range pipes {
		stagesOf[p.Key] = p.Stages
	}
	parseProblems := rep.Problems
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		// A retried transaction starts its report over.
		rep.Created, rep.Skipped, rep.Problems = map[string]int{}, map[string]int{}, append([]GHProblem{}, parseProblems...)
		taken := func(query string, key string) (bool, error) {
			var n int
			err := tx.QueryRowContext(ctx, query, key).Scan(&n)
			return n > 0, err
		}
		exists := func(query string, id int64) (int64, bool, error) {
			var local int64
			err := tx.QueryRowContext(ctx, s.q.Get(query), id).Scan(&local)
			if errors.Is(err, sql.ErrNoRows) {
				return 0, false, nil
			}
			return local, err == nil, err
		}
		userByName := func(name string) *int64 {
			var id int64
			if name == "" || tx.QueryRowContext(ctx, s.q.Get("UserByName"), name).Scan(&id) != nil {
				return nil
			}
			return &id
		}
		reqs := map[int64]int64{}     // Greenhouse job id -> requisition id
		reqRole := map[int64]string{} // requisition id -> role
		candIDs := map[int64]int64{}  // Greenhouse candidate id -> candidate id
		appIDs := map[int64]int64{}   // Greenhouse application id -> application id
		appCand := map[int64]int64{}  // application id -> candidate id
		appReq := map[int64]int64{}   // application id -> requisition id
		for _, j := range jobs {
			rec := "job " + strconv.FormatInt(j.v.ID, 10)
			if id, ok, err := exists("RequisitionByGH", j.v.ID); err != nil {
				return err
			} else if ok {
				reqs[j.v.ID] = id
				reqRole[id] = ghRole(j.v.Name)
				rep.Skipped["jobs"]++
				continue
			}
			region := ghRegion(j.v)
			if region == "" {
				bad(j.file, j.line, rec, "no support region: an office or department must name AMER, EMEA or APAC")
				continue
			}
			key := strconv.FormatInt(j.v.ID, 10)
			if j.v.RequisitionID != nil && *j.v.RequisitionID != "" {
				key = *j.v.RequisitionID
			}
			status := map[string]string{"open": "open", "closed": "closed", "draft": "draft"}[j.v.Status]
			if status == "" {
				bad(j.file, j.line, rec, fmt.Sprintf("status %q is not open, closed or draft", j.v.Status))
				continue
			}
			in := RequisitionInput{RequisitionID: key, Name: j.v.Name, Role: ghRole(j.v.Name), Region: region}
			if len(j.v.HiringTeam.HiringManagers) > 0 {
				in.HiringManagerID = userByName(j.v.HiringTeam.HiringManagers[0].fullName())
			}
			if len(j.v.HiringTeam.Recruiters) > 0 {
				in.RecruiterID = userByName(j.v.HiringTeam.Recruiters[0].fullName())
			}
			if err := in.Validate(); err != nil {
				bad(j.file, j.line, rec, err.Error())
				continue
			}
			if dup, err := taken("SELECT count(*) FROM hiring_requisitions WHERE requisition_id = $1", key); err != nil {
				return err
			} else if dup {
				bad(j.file, j.line, rec, fmt.Sprintf("requisition %s already exists (from another job)", key))
				continue
			}
			gh := j.v.ID
			id, err := s.createRequisition(ctx, tx, actor, in, &gh, status)
			if err != nil {
				if errs.KindOf(err) == errs.KindInvalid {
					bad(j.file, j.line, rec, err.Error())
					continue
				}
				return err
			}
			reqs[j.v.ID], reqRole[id] = id, in.Role
			rep.Created["jobs"]++
		}
		type openingLater struct {
			rec   ghRecord[ghOpening]
			local int64
		}
		var fillLater []openingLater
		for _, o := range openings {
			rec := "opening " + strconv.FormatInt(o.v.ID, 10)
			if _, ok, err := exists("VacancyByGH", o.v.ID); err != nil {
				return err
			} else if ok {
				rep.Skipped["openings"]++
				continue
			}
			req, ok := reqs[o.v.JobID]
			if !ok {
				if id, found, err := exists("RequisitionByGH", o.v.JobID); err != nil {
					return err
				} else if found {
					req, ok = id, true
				}
			}
			if !ok {
				bad(o.file, o.line, rec, fmt.Sprintf("job %d is neither in these files nor imported", o.v.JobID))
				continue
			}
			if o.v.Status != "open" && o.v.Status != "closed" {
				bad(o.file, o.line, rec, fmt.Sprintf("status %q is not open or closed", o.v.Status))
				continue
			}
			r, err := scanRequisition(tx.QueryRowContext(ctx, s.q.Get("GetRequisition"), req))
			if err != nil {
				return err
			}
			if o.v.OpeningID != nil && *o.v.OpeningID != "" {
				if dup, err := taken("SELECT count(*) FROM hiring_vacancies WHERE opening_id = $1", *o.v.OpeningID); err != nil {
					return err
				} else if dup {
					bad(o.file, o.line, rec, fmt.Sprintf("opening_id %s is already used", *o.v.OpeningID))
					continue
				}
			}
			gh := o.v.ID
			explicit := ""
			if o.v.OpeningID != nil {
				explicit = *o.v.OpeningID
			}
			id, err := s.addOpeningAs(ctx, tx, req, explicit, r.RequisitionID, "new", "", OpeningOpen, &gh)
			if err != nil {
				return err
			}
			if o.v.Status == "closed" {
				fillLater = append(fillLater, openingLater{o, id})
			}
			rep.Created["openings"]++
		}
		for _, c := range cands {
			rec := "candidate " + strconv.FormatInt(c.v.ID, 10)
			if id, ok, err := exists("CandidateByGH", c.v.ID); err != nil {
				return err
			} else if ok {
				candIDs[c.v.ID] = id
				rep.Skipped["candidates"]++
				continue
			}
			in := CandidateInput{FirstName: c.v.FirstName, LastName: c.v.LastName, Source: "Greenhouse", AllowDuplicate: true}
			for _, e := range c.v.Emails {
				in.Emails = append(in.Emails, e.Value)
			}
			if len(c.v.Phones) > 0 {
				in.Phone = c.v.Phones[0].Value
			}
			for _, w := range c.v.Websites {
				in.Links = append(in.Links, w.Value)
			}
			if err := in.Validate(); err != nil {
				bad(c.file, c.line, rec, err.Error())
				continue
			}
			gh := c.v.ID
			id, err := s.createCandidate(ctx, tx, actor, in, &gh)
			if err != nil {
				return err
			}
			candIDs[c.v.ID] = id
			rep.Created["candidates"]++
		}
		for _, a := range apps {
			rec := "application " + strconv.FormatInt(a.v.ID, 10)
			if id, ok, err := exists("ApplicationByGH", a.v.ID); err != nil {
				return err
			} else if ok {
				appIDs[a.v.ID] = id
				rep.Skipped["applications"]++
				continue
			}
			cand, ok := candIDs[a.v.CandidateID]
			if !ok {
				if id, found, err := exists("CandidateByGH", a.v.CandidateID); err != nil {
					return err
				} else if found {
					cand, ok = id, true
				}
			}
			if !ok {
				bad(a.file, a.line, rec, fmt.Sprintf("candidate %d is neither in these files nor imported", a.v.CandidateID))
				continue
			}
			if len(a.v.Jobs) != 1 {
				bad(a.file, a.line, rec, "must be for exactly one job (prospects without a job are not imported)")
				continue
			}
			req, ok := reqs[a.v.Jobs[0].ID]
			if !ok {
				if id, found, err := exists("RequisitionByGH", a.v.Jobs[0].ID); err != nil {
					return err
				} else if found {
					req, ok = id, true
				}
			}
			if !ok {
				bad(a.file, a.line, rec, fmt.Sprintf("job %d is neither in these files nor imported", a.v.Jobs[0].ID))
				continue
			}
			applied, okT := ghTime(a.v.AppliedAt)
			if !okT {
				bad(a.file, a.line, rec, fmt.Sprintf("applied_at %q is not an RFC 3339 time", a.v.AppliedAt))
				continue
			}
			if a.v.Status != AppActive && a.v.Status != AppRejected && a.v.Status != AppHired {
				bad(a.file, a.line, rec, fmt.Sprintf("status %q is not active, rejected or hired", a.v.Status))
				continue
			}
			role := reqRole[req]
			if role == "" {
				r, err := scanRequisition(tx.QueryRowContext(ctx, s.q.Get("GetRequisition"), req))
				if err != nil {
					return err
				}
				role = r.Role
			}
			var stage any
			if a.v.Status == AppActive || a.v.CurrentStage != nil {
				name := ""
				if a.v.CurrentStage != nil {
					name = a.v.CurrentStage.Name
				}
				st, found := ghStage(stagesOf[role], name)
				if !found && a.v.Status == AppActive {
					bad(a.file, a.line, rec, fmt.Sprintf("stage %q has no match in the %s pipeline", name, role))
					continue
				}
				if found && a.v.Status != AppHired {
					stage = st.ID
				}
			}
			gh := a.v.ID
			id, err := s.apply(ctx, tx, actor, cand, req, nil, &gh, applied)
			if err != nil {
				if errs.KindOf(err) == errs.KindInvalid {
					bad(a.file, a.line, rec, err.Error())
					continue
				}
				return err
			}
			reason, rejected, hired := "", any(nil), any(nil)
			if a.v.Status == AppRejected {
				reason = "Rejected in Greenhouse"
				if a.v.RejectionReason != nil && a.v.RejectionReason.Name != "" {
					reason = a.v.RejectionReason.Name
				}
				at := applied
				if a.v.RejectedAt != nil {
					if t, ok := ghTime(*a.v.RejectedAt); ok {
						at = t
					}
				}
				rejected = db.TS(at)
			}
			if a.v.Status == AppHired {
				hired = db.TS(applied)
			}
			if _, err := tx.ExecContext(ctx, s.q.Get("ImportApplicationState"), id, stage, a.v.Status, reason, rejected, hired, db.TS(applied)); err != nil {
				return err
			}
			if a.v.Source != nil && a.v.Source.PublicName != "" {
				if _, err := tx.ExecContext(ctx, "UPDATE hiring_candidates SET source = $2 WHERE id = $1 AND source = 'Greenhouse'", cand, a.v.Source.PublicName); err != nil {
					return err
				}
			}
			appIDs[a.v.ID], appCand[id], appReq[id] = id, cand, req
			rep.Created["applications"]++
		}
		for _, o := range fillLater {
			status, reason := OpeningClosed, "Closed in Greenhouse"
			if o.rec.v.CloseReason != nil && o.rec.v.CloseReason.Name != "" {
				reason = o.rec.v.CloseReason.Name
			}
			var app, cand any
			if o.rec.v.ApplicationID != nil {
				local, ok := appIDs[*o.rec.v.ApplicationID]
				if !ok {
					if id, found, err := exists("ApplicationByGH", *o.rec.v.ApplicationID); err != nil {
						return err
					} else if found {
						local, ok = id, true
					}
				}
				if !ok {
					bad(o.rec.file, o.rec.line, "opening "+strconv.FormatInt(o.rec.v.ID, 10), fmt.Sprintf("application %d of the hire is neither in these files nor imported", *o.rec.v.ApplicationID))
					continue
				}
				a, err := s.appTx(ctx, tx, local)
				if err != nil {
					return err
				}
				status, reason, app, cand = OpeningFilled, "", local, a.CandidateID
			}
			var closed any
			if o.rec.v.ClosedAt != nil {
				if t, ok := ghTime(*o.rec.v.ClosedAt); ok {
					closed = db.TS(t)
				}
			}
			if _, err := tx.ExecContext(ctx, s.q.Get("ImportVacancyState"), o.local, status, reason, app, cand, closed); err != nil {
				return err
			}
		}
		for _, c := range cards {
			rec := "scorecard " + strconv.FormatInt(c.v.ID, 10)
			if _, ok, err := exists("ScorecardByGH", c.v.ID); err != nil {
				return err
			} else if ok {
				rep.Skipped["scorecards"]++
				continue
			}
			app, ok := appIDs[c.v.ApplicationID]
			if !ok {
				bad(c.file, c.line, rec, fmt.Sprintf("application %d is neither in these files nor imported", c.v.ApplicationID))
				continue
			}
			a, err := s.appTx(ctx, tx, app)
			if err != nil {
				return err
			}
			r, err := scanRequisition(tx.QueryRowContext(ctx, s.q.Get("GetRequisition"), a.JobID))
			if err != nil {
				return err
			}
			st, found := ghStage(stagesOf[r.Role], c.v.InterviewStep.Name)
			if !found {
				bad(c.file, c.line, rec, fmt.Sprintf("interview step %q has no match in the %s pipeline", c.v.InterviewStep.Name, r.Role))
				continue
			}
			by := userByName(c.v.SubmittedBy.fullName())
			if by == nil {
				bad(c.file, c.line, rec, fmt.Sprintf("submitted_by %q is not a Frontline team member (matched by name)", c.v.SubmittedBy.fullName()))
				continue
			}
			rec2, okR := NormalizeRecommendation(c.v.OverallRecommendation)
			if !okR {
				bad(c.file, c.line, rec, fmt.Sprintf("overall_recommendation %q is not definitely_not, no, yes, strong_yes or no_decision", c.v.OverallRecommendation))
				continue
			}
			interviewed, ok1 := ghTime(c.v.InterviewedAt)
			submitted, ok2 := ghTime(c.v.SubmittedAt)
			if !ok1 || !ok2 {
				bad(c.file, c.line, rec, "interviewed_at and submitted_at must be RFC 3339 times")
				continue
			}
			answers := map[string]string{}
			for _, q := range c.v.Questions {
				answers[strings.ToLower(strings.TrimSpace(q.Question))] = q.Answer
			}
			var attrs []Attribute
			for _, at := range c.v.Attributes {
				rating, _ := NormalizeRecommendation(at.Rating)
				attrs = append(attrs, Attribute{Name: at.Name, Type: at.Type, Note: at.Note, Rating: rating})
			}
			attrJSON, _ := json.Marshal(attrs)
			if attrs == nil {
				attrJSON = []byte("[]")
			}
			var iv int64
			if err := tx.QueryRowContext(ctx, s.q.Get("InsertImportedInterview"), app, st.ID, db.TS(interviewed), db.TS(tx.Now)).Scan(&iv); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, s.q.Get("InsertInterviewer"), iv, *by); err != nil {
				return err
			}
			var id int64
			gh := c.v.ID
			if err := tx.QueryRowContext(ctx, s.q.Get("InsertScorecard"), iv, app, *by, db.TS(submitted), db.TS(interviewed), rec2, string(attrJSON),
				answers["key take-aways"], answers["pros"], answers["cons"], answers["private notes"], gh).Scan(&id); err != nil {
				return err
			}
			rep.Created["scorecards"]++
		}
		if len(rep.Problems) > 0 {
			return errGHRollback
		}
		return s.audit.Record(ctx, tx, actor, "hiring.greenhouse.imported", "hiring_import", 0, nil, rep.Created)
	})
	sort.SliceStable(rep.Problems, func(i, j int) bool {
		if rep.Problems[i].File != rep.Problems[j].File {
			return rep.Problems[i].File < rep.Problems[j].File
		}
		return rep.Problems[i].Line < rep.Problems[j].Line
	})
	if errors.Is(err, errGHRollback) {
		rep.Created = map[string]int{}
		return rep, errs.Invalid("files", fmt.Sprintf("Greenhouse import: %d records cannot be mapped; nothing was imported", len(rep.Problems)))
	}
	if err != nil {
		return nil, err
	}
	return rep, nil
}

var errGHRollback = errors.New("greenhouse import: problems found")
