package hiring

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/mail"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/ticket"
)

func TestTemplateRuleAndRender(t *testing.T) {
	for _, d := range DefaultTemplates() {
		if err := ValidateTemplate(d); err != nil {
			t.Fatalf("default %s: %v", d.Key, err)
		}
	}
	wantRule(t, ValidateTemplate(EmailTemplate{Subject: "Hi", Body: "Dear {{candidate.salary}}"}), "Email template rule")
	wantRule(t, ValidateTemplate(EmailTemplate{Subject: "Hi\nBcc: x@y", Body: "b"}), "Email template rule")
	wantRule(t, ValidateTemplate(EmailTemplate{Subject: " ", Body: "b"}), "Email template rule")
	sub, body := Render(EmailTemplate{Subject: "About {{ job.title }}", Body: "Hi {{candidate.first_name}}, {{sender.name}}"},
		map[string]string{"job.title": "Support\r\nEngineer", "candidate.first_name": "Ada", "sender.name": "Rita"})
	if sub != "About Support Engineer" || body != "Hi Ada, Rita" {
		t.Fatalf("%q %q", sub, body)
	}
}

func TestAttachmentRule(t *testing.T) {
	pdf := []byte("%PDF-1.7\n1 0 obj\n")
	if ct, err := CheckAttachment("resume", "cv.pdf", pdf); err != nil || ct != "application/pdf" {
		t.Fatalf("%q %v", ct, err)
	}
	docx := append([]byte("PK\x03\x04"), []byte("....[Content_Types].xml word/document.xml")...)
	if ct, err := CheckAttachment("resume", "cv.docx", docx); err != nil || !strings.Contains(ct, "wordprocessingml") {
		t.Fatalf("%q %v", ct, err)
	}
	for name, c := range map[string]struct {
		typ, file string
		content   []byte
	}{
		"unknown type":   {"photo", "cv.pdf", pdf},
		"path":           {"resume", "../../etc/cv.pdf", pdf},
		"windows path":   {"resume", `c:\cv.pdf`, pdf},
		"header break":   {"resume", "cv\r\n.pdf", pdf},
		"empty":          {"resume", "cv.pdf", nil},
		"executable":     {"resume", "cv.pdf", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff")},
		"html":           {"resume", "cv.html", []byte("<html><script>alert(1)</script>")},
		"zip not a docx": {"resume", "cv.zip", docx},
		"too big":        {"resume", "cv.pdf", append(pdf, make([]byte, MaxAttachmentBytes)...)},
	} {
		if _, err := CheckAttachment(c.typ, c.file, c.content); err == nil || !strings.Contains(err.Error(), "Attachment rule") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// mailStore is a real mail store whose outbox the hiring store writes to.
func (f *fixture) useMail(t *testing.T, s *Store) {
	t.Helper()
	al := audit.New(f.d)
	ms, err := mail.NewStore(f.d, ticket.NewStore(f.d, al, t.TempDir(), 1<<20), people.NewStore(f.d, al),
		mail.StoreConfig{From: mail.Address{Name: "Support", Email: "support@example.com"}, Outbound: true})
	if err != nil {
		t.Fatal(err)
	}
	s.UseMail(ms, mail.Address{Name: "Recruiting", Email: "jobs@example.com"}, "http://frontline.test")
}

func outbox(t *testing.T, d *db.DB, like string) []string {
	t.Helper()
	var out []string
	err := d.Read(context.Background(), func(tx *db.Tx) error {
		rows, err := tx.QueryContext(context.Background(), "SELECT message FROM mail_outbox WHERE message_id LIKE $1 ORDER BY id", like)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m string
			if err := rows.Scan(&m); err != nil {
				return err
			}
			out = append(out, m)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestHiringStoreEmailsToCandidatesAndReminders(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		rec := Viewer{UserID: f.ids["rita"], Recruiter: true}
		c, app := f.candidate(t, "Ada", nil)
		if _, err := f.s.SendEmail(ctx, f.actor("rita"), rec, c.ID, EmailInput{Template: TemplateReceived, ApplicationID: app.ID}); !errs.Is(err, errs.KindConflict) {
			t.Fatalf("without mail: %v", err)
		}
		f.useMail(t, f.s)
		_, err := f.s.SendEmail(ctx, f.actor("rita"), rec, c.ID, EmailInput{Template: TemplateReceived})
		wantRule(t, err, "Candidate email rule") // the template names the job
		if _, err := f.s.SendEmail(ctx, f.actor("rita"), rec, c.ID, EmailInput{Template: "nope", ApplicationID: app.ID}); !errs.Is(err, errs.KindInvalid) {
			t.Fatalf("unknown template: %v", err)
		}
		// Una takes no part in this hiring: the candidate does not exist for her.
		if _, err := f.s.SendEmail(ctx, f.actor("una"), Viewer{UserID: f.ids["una"]}, c.ID, EmailInput{Template: TemplateReceived, ApplicationID: app.ID}); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("outsider: %v", err)
		}
		sent, err := f.s.SendEmail(ctx, f.actor("rita"), rec, c.ID, EmailInput{Template: TemplateReceived, ApplicationID: app.ID})
		if err != nil {
			t.Fatal(err)
		}
		if sent.To != "ada@mail.example" || sent.Subject != "Your application for Support Engineer" {
			t.Fatalf("%+v", sent)
		}
		msgs := outbox(t, f.d, "frontline.hiring.email%")
		if len(msgs) != 1 || !strings.Contains(msgs[0], "Hello Ada,") || !strings.Contains(msgs[0], "Support Engineer (AMER)") || !strings.Contains(msgs[0], "Rita") {
			t.Fatalf("outbox %v", msgs)
		}
		// A recruiter's edited template is what goes out next.
		if _, err := f.s.SaveTemplate(ctx, f.actor("rita"), TemplateRejection, "Thank you, {{candidate.first_name}}", "Dear {{candidate.name}}: not this time for {{job.title}}."); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.SaveTemplate(ctx, f.actor("rita"), TemplateRejection, "x", "{{candidate.age}}")
		wantRule(t, err, "Email template rule")
		if _, err := f.s.SendEmail(ctx, f.actor("rita"), rec, c.ID, EmailInput{Template: TemplateRejection, ApplicationID: app.ID}); err != nil {
			t.Fatal(err)
		}
		msgs = outbox(t, f.d, "frontline.hiring.email%")
		if len(msgs) != 2 || !strings.Contains(msgs[1], "Dear Ada Doe: not this time for Support Engineer.") || !strings.Contains(msgs[1], "Thank you, Ada") {
			t.Fatalf("edited template not used: %v", msgs)
		}
		list, err := f.s.Emails(ctx, rec, c.ID)
		if err != nil || len(list) != 2 || list[0].Template != TemplateRejection {
			t.Fatalf("%+v %v", list, err)
		}
		// An application of another candidate is refused.
		c2, app2 := f.candidate(t, "Bob", nil)
		if _, err := f.s.SendEmail(ctx, f.actor("rita"), rec, c.ID, EmailInput{Template: TemplateOffer, ApplicationID: app2.ID}); !errs.Is(err, errs.KindInvalid) {
			t.Fatalf("foreign application: %v", err)
		}
		// Erased: no address, and the log forgets where mail went.
		if err := f.s.Erase(ctx, f.actor("rita"), c.ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.SendEmail(ctx, f.actor("rita"), rec, c.ID, EmailInput{Template: TemplateOffer, ApplicationID: app.ID})
		wantRule(t, err, "Candidate email rule")
		if list, _ := f.s.Emails(ctx, rec, c.ID); len(list) != 2 || list[0].To != "" {
			t.Fatalf("erased candidate's email log keeps %+v", list)
		}

		// Scorecard reminders: a technical interview of Tess and Gail on
		// Monday 11:00 is due Tuesday 11:00; Tess submits, Gail does not.
		tech := f.stage(t, KindTechnical)
		tv, err := f.s.ScheduleInterview(ctx, f.actor("rita"), InterviewInput{ApplicationID: app2.ID, StageID: tech.ID, ScheduledAt: f.clk.Now().Add(2 * time.Hour), Interviewers: []int64{f.ids["tess"], f.ids["gail"]}})
		if err != nil {
			t.Fatal(err)
		}
		_ = c2
		f.clk.Advance(3 * time.Hour)
		if _, err := f.s.SubmitScorecard(ctx, f.actor("tess"), ScorecardInput{InterviewID: tv.ID, OverallRecommendation: "yes", KeyTakeAways: "k", Pros: "p", Cons: "c"}); err != nil {
			t.Fatal(err)
		}
		f.clk.Advance(23*time.Hour - time.Minute) // Tuesday 10:59: not due yet
		if n, err := f.s.RemindScorecards(ctx); err != nil || n != 0 {
			t.Fatalf("before due: %d %v", n, err)
		}
		f.clk.Advance(2 * time.Minute)
		// Two nodes run the job: one reminder in all.
		other := NewStore(f.d, audit.New(f.d))
		f.useMail(t, other)
		n1, err1 := f.s.RemindScorecards(ctx)
		n2, err2 := other.RemindScorecards(ctx)
		if err1 != nil || err2 != nil || n1+n2 != 1 {
			t.Fatalf("reminders %d+%d %v %v", n1, n2, err1, err2)
		}
		rem := outbox(t, f.d, "frontline.hiring.remind%")
		if len(rem) != 1 || !strings.Contains(rem[0], "gail@example.com") || strings.Contains(rem[0], "tess@example.com") ||
			!strings.Contains(rem[0], "http://frontline.test/hiring/interviews/") {
			t.Fatalf("reminder %v", rem)
		}
		if n, _ := f.s.RemindScorecards(ctx); n != 0 {
			t.Fatalf("reminded twice: %d", n)
		}
	})
}

func TestHiringStoreAttachmentsSeenOnlyByTheHiringTeam(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		rec := Viewer{UserID: f.ids["rita"], Recruiter: true}
		c, app := f.candidate(t, "Ada", nil)
		pdf := []byte("%PDF-1.7\nresume of Ada Doe\n")
		a, err := f.s.AddAttachment(ctx, f.actor("rita"), rec, c.ID, "resume", "ada.pdf", pdf)
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.s.AddAttachment(ctx, f.actor("rita"), rec, c.ID, "resume", "ada.exe", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"))
		wantRule(t, err, "Attachment rule")
		// The hiring manager sees it.
		got, err := f.s.GetAttachment(ctx, Viewer{UserID: f.ids["max"]}, c.ID, a.ID)
		if err != nil || string(got.Content) != string(pdf) || got.ContentType != "application/pdf" || got.Filename != "ada.pdf" {
			t.Fatalf("%+v %v", got, err)
		}
		// The blind reviewer of the assessment does not: no candidate for them.
		iv, err := f.s.ScheduleInterview(ctx, f.actor("rita"), InterviewInput{ApplicationID: app.ID, ScheduledAt: f.clk.Now().Add(time.Hour), Submission: "answers"})
		if err != nil {
			t.Fatal(err)
		}
		blind := Viewer{UserID: iv.Interviewers[0]}
		if _, err := f.s.GetAttachment(ctx, blind, c.ID, a.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("blind reviewer: %v", err)
		}
		if _, err := f.s.Attachments(ctx, blind, c.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("blind reviewer lists: %v", err)
		}
		if _, err := f.s.AddAttachment(ctx, audit.Actor{ID: blind.UserID}, blind, c.ID, "other", "x.txt", []byte("hello")); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("blind reviewer adds: %v", err)
		}
		list, err := f.s.Attachments(ctx, rec, c.ID)
		if err != nil || len(list) != 1 || list[0].Size != int64(len(pdf)) || list[0].Content != nil {
			t.Fatalf("%+v %v", list, err)
		}
		// Erasure removes the files.
		if err := f.s.Erase(ctx, f.actor("rita"), c.ID); err != nil {
			t.Fatal(err)
		}
		if list, _ := f.s.Attachments(ctx, rec, c.ID); len(list) != 0 {
			t.Fatalf("erased candidate keeps %d files", len(list))
		}
		if err := f.s.DeleteAttachment(ctx, f.actor("rita"), c.ID, a.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatal(err)
		}
	})
}
