package hiring

// Email to candidates from templates, and scorecard reminders, through the
// durable mail outbox (issue 17). The templates and their placeholders are
// pure and tested without a database; the store sends inside the
// transaction that records the email, so the outbox holds a message
// exactly when its record commits.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/mail"
)

// Mailer puts a message into the durable mail outbox inside a transaction
// (mail.Store.EnqueueTx).
type Mailer interface {
	EnqueueTx(ctx context.Context, tx *db.Tx, ticketID, commentID int64, m *mail.Outbound) error
}

// UseMail lets the store send email (to candidates, and scorecard
// reminders to interviewers) from from; baseURL makes links in reminders.
// Without it sending answers that outbound mail is off.
func (s *Store) UseMail(m Mailer, from mail.Address, baseURL string) {
	s.mail, s.from, s.baseURL = m, from, strings.TrimRight(baseURL, "/")
}

// EmailTemplate is one template of email to candidates.
type EmailTemplate struct {
	Key       string     `json:"key"`
	Name      string     `json:"name"`
	Subject   string     `json:"subject"`
	Body      string     `json:"body"`
	Edited    bool       `json:"edited"` // false: the default text
	UpdatedAt *time.Time `json:"updated_at"`
}

// The template keys, in the order a candidate meets them.
const (
	TemplateReceived  = "application_received"
	TemplateInterview = "interview_scheduled"
	TemplateRejection = "rejection"
	TemplateOffer     = "offer"
)

// DefaultTemplates are the texts used until a recruiter edits them.
func DefaultTemplates() []EmailTemplate {
	return []EmailTemplate{
		{Key: TemplateReceived, Name: "Application received", Subject: "Your application for {{job.title}}",
			Body: "Hello {{candidate.first_name}},\n\nthank you for applying for {{job.title}} ({{job.region}}). We read every application and will come back to you within a few days.\n\n{{sender.name}}\nSupport Recruiting"},
		{Key: TemplateInterview, Name: "Interview scheduled", Subject: "Your {{interview.stage}} for {{job.title}}",
			Body: "Hello {{candidate.first_name}},\n\nyour {{interview.stage}} for {{job.title}} is scheduled for {{interview.time}}.\n\n{{sender.name}}\nSupport Recruiting"},
		{Key: TemplateRejection, Name: "Rejection", Subject: "Your application for {{job.title}}",
			Body: "Hello {{candidate.first_name}},\n\nthank you for the time you gave us. We have decided not to move forward with your application for {{job.title}}. We keep your details only as long as our retention policy allows.\n\n{{sender.name}}\nSupport Recruiting"},
		{Key: TemplateOffer, Name: "Offer", Subject: "An offer for {{job.title}}",
			Body: "Hello {{candidate.first_name}},\n\nwe are delighted to offer you the role of {{job.title}} ({{job.region}}). {{sender.name}} will call you to go through the details.\n\nSupport Recruiting"},
	}
}

// Placeholders are the names a template may use, each between {{ and }}.
var placeholders = map[string]bool{
	"candidate.first_name": true, "candidate.last_name": true, "candidate.name": true,
	"job.title": true, "job.region": true, "interview.stage": true, "interview.time": true, "sender.name": true,
}

var placeholderRE = regexp.MustCompile(`\{\{\s*([^{}]*?)\s*\}\}`)

// ValidateTemplate applies the template rule: a subject and a body, a
// one-line subject, and only known placeholders.
func ValidateTemplate(t EmailTemplate) error {
	if strings.TrimSpace(t.Subject) == "" || strings.TrimSpace(t.Body) == "" {
		return errs.Invalid("subject", "Email template rule: a template needs a subject and a body")
	}
	if strings.ContainsAny(t.Subject, "\r\n") || len(t.Subject) > 200 {
		return errs.Invalid("subject", "Email template rule: the subject is one line of at most 200 characters")
	}
	if len(t.Body) > 20000 {
		return errs.Invalid("body", "Email template rule: the body is at most 20,000 characters")
	}
	var unknown []string
	for _, m := range placeholderRE.FindAllStringSubmatch(t.Subject+"\n"+t.Body, -1) {
		if !placeholders[m[1]] {
			unknown = append(unknown, m[1])
		}
	}
	if len(unknown) > 0 {
		known := make([]string, 0, len(placeholders))
		for k := range placeholders {
			known = append(known, "{{"+k+"}}")
		}
		sort.Strings(known)
		return errs.Invalid("body", fmt.Sprintf("Email template rule: unknown placeholder %q (known: %s)", unknown[0], strings.Join(known, ", ")))
	}
	return nil
}

// Render fills a template's placeholders from vars (a missing value renders
// empty; the subject never gains a line break).
func Render(t EmailTemplate, vars map[string]string) (subject, body string) {
	fill := func(s string) string {
		return placeholderRE.ReplaceAllStringFunc(s, func(m string) string {
			return vars[placeholderRE.FindStringSubmatch(m)[1]]
		})
	}
	subject = strings.Join(strings.Fields(fill(t.Subject)), " ")
	return subject, fill(t.Body)
}

// Templates lists every template: the edited text where a recruiter
// changed it, the default otherwise.
func (s *Store) Templates(ctx context.Context) ([]EmailTemplate, error) {
	stored, err := db.ReadList(ctx, s.d, s.q.Get("EmailTemplates"), nil, func(r db.Scanner) (*EmailTemplate, error) {
		t := EmailTemplate{Edited: true, UpdatedAt: new(time.Time)}
		return &t, r.Scan(&t.Key, &t.Subject, &t.Body, db.Time(t.UpdatedAt))
	})
	if err != nil {
		return nil, err
	}
	edited := map[string]EmailTemplate{}
	for _, t := range stored {
		edited[t.Key] = t
	}
	out := DefaultTemplates()
	for i, d := range out {
		if e, ok := edited[d.Key]; ok {
			e.Name = d.Name
			out[i] = e
		}
	}
	return out, nil
}

// Template returns one template by key.
func (s *Store) Template(ctx context.Context, key string) (EmailTemplate, error) {
	all, err := s.Templates(ctx)
	if err != nil {
		return EmailTemplate{}, err
	}
	for _, t := range all {
		if t.Key == key {
			return t, nil
		}
	}
	return EmailTemplate{}, errs.NotFound("email template")
}

// SaveTemplate stores a recruiter's text for template key (audited).
func (s *Store) SaveTemplate(ctx context.Context, actor audit.Actor, key, subject, body string) (EmailTemplate, error) {
	before, err := s.Template(ctx, key)
	if err != nil {
		return EmailTemplate{}, err
	}
	t := EmailTemplate{Key: key, Name: before.Name, Subject: subject, Body: body}
	if err := ValidateTemplate(t); err != nil {
		return EmailTemplate{}, err
	}
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q.Get("SaveEmailTemplate"), key, subject, body, actorID(actor), db.TS(tx.Now)); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "hiring.email_template.updated", "hiring_email_template", 0,
			map[string]any{"key": key, "subject": before.Subject}, map[string]any{"key": key, "subject": subject})
	})
	if err != nil {
		return EmailTemplate{}, err
	}
	return s.Template(ctx, key)
}

// SentEmail is one email sent to a candidate.
type SentEmail struct {
	ID            int64     `json:"id"`
	CandidateID   int64     `json:"candidate_id"`
	ApplicationID *int64    `json:"application_id"`
	Template      string    `json:"template"`
	To            string    `json:"to"`
	Subject       string    `json:"subject"`
	SentByID      *int64    `json:"sent_by_id"`
	CreatedAt     time.Time `json:"created_at"`
}

// EmailInput asks for one template to be sent to a candidate, about one of
// their applications (the job in the placeholders) and, for
// interview_scheduled, one interview.
type EmailInput struct {
	Template      string `json:"template"`
	ApplicationID int64  `json:"application_id"`
	InterviewID   int64  `json:"interview_id"`
}

// SendEmail renders a template for a candidate the viewer may see and puts
// it into the outbox, recording it on the candidate's activity, in one
// transaction (audited).
func (s *Store) SendEmail(ctx context.Context, actor audit.Actor, v Viewer, candidateID int64, in EmailInput) (*SentEmail, error) {
	if s.mail == nil {
		return nil, errs.Conflict("outbound mail is off (no relay configured): no email can be sent to candidates")
	}
	if _, err := s.GetCandidate(ctx, v, candidateID); err != nil {
		return nil, err
	}
	t, err := s.Template(ctx, in.Template)
	if err != nil {
		return nil, errs.Invalid("template", "unknown template "+fmt.Sprintf("%q", in.Template))
	}
	var out SentEmail
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		c, err := s.candidateTx(ctx, tx, candidateID)
		if err != nil {
			return err
		}
		if c.Email == "" {
			return errs.Invalid("candidate", "Candidate email rule: the candidate has no email address (anonymised or never given)")
		}
		vars := map[string]string{"candidate.first_name": c.FirstName, "candidate.last_name": c.LastName,
			"candidate.name": strings.TrimSpace(c.FirstName + " " + c.LastName), "sender.name": ""}
		var sender string
		if err := tx.QueryRowContext(ctx, s.q.Get("UserName"), actorID(actor)).Scan(&sender); err == nil {
			vars["sender.name"] = sender
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		var appID *int64
		if in.ApplicationID != 0 {
			var title, region string
			var cand int64
			if err := tx.QueryRowContext(ctx, s.q.Get("ApplicationJob"), in.ApplicationID).Scan(&cand, &title, &region); errors.Is(err, sql.ErrNoRows) || (err == nil && cand != candidateID) {
				return errs.Invalid("application_id", "is not an application of this candidate")
			} else if err != nil {
				return err
			}
			vars["job.title"], vars["job.region"], appID = title, region, &in.ApplicationID
		}
		if in.InterviewID != 0 {
			iv, err := s.interviewTx(ctx, tx, in.InterviewID)
			if errs.Is(err, errs.KindNotFound) || (err == nil && (appID == nil || iv.ApplicationID != *appID)) {
				return errs.Invalid("interview_id", "is not an interview of this application")
			} else if err != nil {
				return err
			}
			vars["interview.stage"] = iv.Stage.Name
			vars["interview.time"] = iv.ScheduledAt.UTC().Format("Monday 2 January 2006, 15:04 UTC")
		}
		if (t.Key == TemplateInterview && in.InterviewID == 0) || (t.Key != TemplateInterview && strings.Contains(t.Subject+t.Body, "{{job.") && appID == nil) {
			return errs.Invalid("application_id", "Candidate email rule: this template names the job (and the interview): give application_id (and interview_id)")
		}
		subject, body := Render(t, vars)
		if err := tx.QueryRowContext(ctx, s.q.Get("InsertCandidateEmail"), candidateID, appID, t.Key, c.Email, subject, actorID(actor), db.TS(tx.Now)).Scan(&out.ID); err != nil {
			return err
		}
		out = SentEmail{ID: out.ID, CandidateID: candidateID, ApplicationID: appID, Template: t.Key, To: c.Email, Subject: subject, CreatedAt: tx.Now}
		if actor.ID != 0 {
			out.SentByID = &actor.ID
		}
		if err := s.mail.EnqueueTx(ctx, tx, 0, 0, &mail.Outbound{
			From: s.from, To: []mail.Address{{Name: vars["candidate.name"], Email: c.Email}}, Subject: subject, Text: body, Date: tx.Now,
			MessageID: fmt.Sprintf("frontline.hiring.email%d@%s", out.ID, s.domain()),
		}); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "hiring.candidate.emailed", "hiring_candidate", candidateID, nil, map[string]any{"template": t.Key, "email_id": out.ID})
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// Emails lists the emails sent to a candidate the viewer may see, newest first.
func (s *Store) Emails(ctx context.Context, v Viewer, candidateID int64) ([]SentEmail, error) {
	c, err := s.GetCandidate(ctx, v, candidateID)
	if err != nil {
		return nil, err
	}
	return s.EmailsOf(ctx, c)
}

// EmailsOf lists the emails sent to c, a candidate its caller read with
// GetCandidate (which checked and audited the read), newest first.
func (s *Store) EmailsOf(ctx context.Context, c *Candidate) ([]SentEmail, error) {
	return db.ReadList(ctx, s.d, s.q.Get("CandidateEmails"), []any{c.ID}, func(r db.Scanner) (*SentEmail, error) {
		var e SentEmail
		return &e, r.Scan(&e.ID, &e.CandidateID, &e.ApplicationID, &e.Template, &e.To, &e.Subject, &e.SentByID, db.Time(&e.CreatedAt))
	})
}

func (s *Store) domain() string {
	if _, d, ok := strings.Cut(s.from.Email, "@"); ok && d != "" {
		return d
	}
	return "frontline.localhost"
}

// RemindScorecards emails every assigned interviewer whose scorecard is
// overdue (one business day after the interview: ScorecardDue) and who was
// not reminded yet, once: the reminder is claimed by compare-and-set on
// hiring_interviewers.reminded_at in the transaction that queues the mail,
// so two nodes running the job together send it once. It returns how many
// reminders were queued; without mail it does nothing.
func (s *Store) RemindScorecards(ctx context.Context) (int, error) {
	if s.mail == nil {
		return 0, nil
	}
	sent := 0
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		type due struct {
			interview, user, app int64
			at                   time.Time
			name, email, stage   string
		}
		var list []due
		// A business day is at least a day: read those a day old, keep
		// those past their due moment.
		rows, err := tx.QueryContext(ctx, s.q.Get("ScorecardsOverdue"), db.TS(tx.Now.Add(-24*time.Hour)))
		if err != nil {
			return err
		}
		for rows.Next() {
			var d due
			if err := rows.Scan(&d.interview, &d.user, &d.app, db.Time(&d.at), &d.name, &d.email, &d.stage); err != nil {
				rows.Close()
				return err
			}
			if !ScorecardDue(d.at).After(tx.Now) && d.email != "" {
				list = append(list, d)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, d := range list {
			res, err := tx.ExecContext(ctx, s.q.Get("ClaimReminder"), d.interview, d.user, db.TS(tx.Now))
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				continue // another node reminded them
			}
			link := fmt.Sprintf("%s/hiring/interviews/%d/scorecard", s.baseURL, d.interview)
			body := fmt.Sprintf("Hello %s,\n\nyour scorecard for the %s of application %d (%s) was due %s and is not submitted yet.\n\nSubmit it here: %s\n\nThe hiring team decides only with every scorecard in.\n",
				d.name, d.stage, d.app, d.at.UTC().Format("2 Jan 15:04 UTC"), ScorecardDue(d.at).UTC().Format("Monday 2 January 15:04 UTC"), link)
			if err := s.mail.EnqueueTx(ctx, tx, 0, 0, &mail.Outbound{
				From: s.from, To: []mail.Address{{Name: d.name, Email: d.email}}, Date: tx.Now,
				Subject:   fmt.Sprintf("[Frontline] Scorecard overdue: %s, application %d", d.stage, d.app),
				Text:      body,
				MessageID: fmt.Sprintf("frontline.hiring.remind%d.%d@%s", d.interview, d.user, s.domain()),
				Headers:   map[string]string{"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
			}); err != nil {
				return err
			}
			if err := s.audit.Record(ctx, tx, audit.System(), "hiring.scorecard.reminded", "hiring_interview", d.interview, nil, map[string]any{"interviewer_id": d.user}); err != nil {
				return err
			}
			sent++
		}
		return nil
	})
	return sent, err
}
