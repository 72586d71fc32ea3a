package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"mime/multipart"
	"net/url"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/hiring"
	"github.com/frontline/frontline/internal/mail"
	"github.com/frontline/frontline/internal/people"
)

// TestHiringMailAndAttachments: templates, email to a candidate through
// the outbox, and resume attachments over the API and the candidate page;
// outsiders and the blind reviewer reach none of it.
func TestHiringMailAndAttachments(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		h := e.srv.Hiring
		admin, agent := e.users[people.RoleAdmin], e.users[people.RoleAgent]
		boss := audit.Actor{ID: admin.ID, Role: "admin"}
		req, err := h.CreateRequisition(ctx, boss, hiring.RequisitionInput{RequisitionID: "1001", Name: "Support Engineer", Role: "support-engineer", Region: "EMEA", Openings: 1})
		if err != nil {
			t.Fatal(err)
		}
		c, err := h.CreateCandidate(ctx, boss, hiring.CandidateInput{FirstName: "Ada", LastName: "Quill", Emails: []string{"ada@mail.example"}})
		if err != nil {
			t.Fatal(err)
		}
		app, err := h.Apply(ctx, boss, c.ID, req.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		base := fmt.Sprintf("/api/v2/hiring/candidates/%d", c.ID)

		// Without a relay the send is refused, not dropped.
		if r, _ := e.api("admin", "POST", base+"/emails", fmt.Sprintf(`{"email":{"template":"rejection","application_id":%d}}`, app.ID)); r.code != 409 {
			t.Fatalf("mail off: %d %s", r.code, r.body)
		}
		ms, err := mail.NewStore(e.srv.DB, e.tickets, e.ppl, mail.StoreConfig{From: mail.Address{Email: "support@example.com"}, Outbound: true})
		if err != nil {
			t.Fatal(err)
		}
		h.UseMail(ms, mail.Address{Name: "Recruiting", Email: "jobs@example.com"}, "http://frontline.test")

		r, m := e.api("admin", "GET", "/api/v2/hiring/email_templates", "")
		if r.code != 200 || m["count"].(float64) != 4 {
			t.Fatalf("templates: %d %s", r.code, r.body)
		}
		if r, _ := e.api("admin", "PUT", "/api/v2/hiring/email_templates/offer", `{"email_template":{"subject":"Offer","body":"{{candidate.salary}}"}}`); r.code != 422 || !strings.Contains(r.body, "Email template rule") {
			t.Fatalf("bad placeholder: %d %s", r.code, r.body)
		}
		if r, _ := e.api("admin", "PUT", "/api/v2/hiring/email_templates/nope", `{"email_template":{"subject":"x","body":"y"}}`); r.code != 404 {
			t.Fatalf("unknown template: %d %s", r.code, r.body)
		}
		if r, _ := e.api("agent", "PUT", "/api/v2/hiring/email_templates/offer", `{"email_template":{"subject":"x","body":"y"}}`); r.code != 403 {
			t.Fatalf("agent edits a template: %d", r.code)
		}
		if r, _ := e.api("admin", "PUT", "/api/v2/hiring/email_templates/offer", `{"email_template":{"subject":"Welcome aboard, {{candidate.first_name}}","body":"The {{job.title}} role is yours."}}`); r.code != 200 {
			t.Fatalf("edit: %d %s", r.code, r.body)
		}
		r, m = e.api("admin", "POST", base+"/emails", fmt.Sprintf(`{"email":{"template":"offer","application_id":%d}}`, app.ID))
		if r.code != 201 || m["email"].(map[string]any)["subject"] != "Welcome aboard, Ada" {
			t.Fatalf("send: %d %s", r.code, r.body)
		}
		var msg string
		if err := e.srv.DB.Read(ctx, func(tx *db.Tx) error {
			return tx.QueryRowContext(ctx, "SELECT message FROM mail_outbox WHERE message_id LIKE 'frontline.hiring.email%'").Scan(&msg)
		}); err != nil || !strings.Contains(msg, "The Support Engineer role is yours.") || !strings.Contains(msg, "ada@mail.example") {
			t.Fatalf("outbox: %v %s", err, msg)
		}
		if r, m := e.api("admin", "GET", base+"/emails", ""); r.code != 200 || m["count"].(float64) != 1 {
			t.Fatalf("emails: %d %s", r.code, r.body)
		}
		// The agent takes no part in this hiring.
		if r, _ := e.api("agent", "POST", base+"/emails", fmt.Sprintf(`{"email":{"template":"offer","application_id":%d}}`, app.ID)); r.code != 404 {
			t.Fatalf("outsider sends: %d", r.code)
		}

		// Attachments as Harvest sends them.
		pdf := []byte("%PDF-1.7\nAda's resume\n")
		r, m = e.api("admin", "POST", base+"/attachments", fmt.Sprintf(`{"attachment":{"filename":"ada.pdf","type":"resume","content":%q,"content_type":"application/pdf"}}`, base64.StdEncoding.EncodeToString(pdf)))
		if r.code != 201 {
			t.Fatalf("attach: %d %s", r.code, r.body)
		}
		url1 := m["attachment"].(map[string]any)["url"].(string)
		if r, _ := e.api("admin", "POST", base+"/attachments", fmt.Sprintf(`{"attachment":{"filename":"ada.html","type":"resume","content":%q}}`, base64.StdEncoding.EncodeToString([]byte("<html><script>x</script>")))); r.code != 422 || !strings.Contains(r.body, "Attachment rule") {
			t.Fatalf("html resume: %d %s", r.code, r.body)
		}
		if r, _ := e.api("admin", "POST", base+"/attachments", `{"attachment":{"filename":"a.pdf","type":"resume","content":"not base64!"}}`); r.code != 422 {
			t.Fatalf("bad base64: %d %s", r.code, r.body)
		}
		r, _ = e.apiRaw("admin", "GET", url1, "")
		if r.code != 200 || r.body != string(pdf) || r.hdr.Get("Content-Type") != "application/pdf" || !strings.Contains(r.hdr.Get("Content-Disposition"), `filename=ada.pdf`) || r.hdr.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("download: %d %v %q", r.code, r.hdr, r.body)
		}
		if r, m := e.api("admin", "GET", base+"/attachments", ""); r.code != 200 || m["count"].(float64) != 1 || strings.Contains(r.body, "resume\\n") {
			t.Fatalf("list: %d %s", r.code, r.body)
		}
		for _, role := range []string{"agent", "end-user"} {
			if r, _ := e.apiRaw(role, "GET", url1, ""); r.code != 404 && r.code != 403 && r.code != 401 {
				t.Fatalf("%s downloads: %d", role, r.code)
			}
		}
		// The candidate's data export carries their emails and files.
		if r, m := e.api("admin", "GET", base+"?export=true", ""); r.code != 200 || len(m["emails"].([]any)) != 1 || len(m["attachments"].([]any)) != 1 {
			t.Fatalf("export: %d %s", r.code, r.body)
		}
		if r, _ := e.api("agent", "DELETE", url1, ""); r.code != 403 {
			t.Fatalf("agent deletes: %d", r.code)
		}

		// The candidate page: files, the email form, a multipart upload.
		ac := signIn(t, e, admin.Email)
		page := fmt.Sprintf("/hiring/candidates/%d", c.ID)
		if r := e.do(ac, "GET", page, nil); r.code != 200 || !strings.Contains(r.body, "ada.pdf") || !strings.Contains(r.body, "Welcome aboard, Ada") || !strings.Contains(r.body, "Send through the outbox") {
			t.Fatalf("candidate page: %d %.800s", r.code, r.body)
		}
		tok := e.csrf(ac, page)
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("csrf_token", tok)
		mw.WriteField("type", "cover_letter")
		fw, _ := mw.CreateFormFile("file", "letter.txt")
		fw.Write([]byte("Dear hiring team, I would love to help your customers."))
		mw.Close()
		if r := e.do(ac, "POST", page+"/attachments", &buf, "Content-Type", mw.FormDataContentType()); r.code != 303 && r.code != 200 {
			t.Fatalf("upload: %d %.500s", r.code, r.body)
		}
		if list, err := h.Attachments(ctx, hiring.Viewer{UserID: admin.ID, Recruiter: true}, c.ID); err != nil || len(list) != 2 || list[1].Filename != "letter.txt" || list[1].Type != "cover_letter" {
			t.Fatalf("after upload: %+v %v", list, err)
		}
		v := url.Values{"csrf_token": {tok}, "template": {"interview_scheduled"}, "application_id": {fmt.Sprint(app.ID)}}
		if r := e.do(ac, "POST", page+"/emails", strings.NewReader(v.Encode()), formCT...); r.code != 422 || !strings.Contains(r.body, "Candidate email rule") {
			t.Fatalf("interview email without an interview: %d %.300s", r.code, r.body)
		}
		v.Set("template", "rejection")
		if r := e.do(ac, "POST", page+"/emails", strings.NewReader(v.Encode()), formCT...); r.code != 303 && r.code != 200 {
			t.Fatalf("email form: %d %.300s", r.code, r.body)
		}
		if list, _ := h.Emails(ctx, hiring.Viewer{UserID: admin.ID, Recruiter: true}, c.ID); len(list) != 2 || list[0].Template != "rejection" {
			t.Fatalf("emails after the form: %+v", list)
		}
		_ = agent
		if r, _ := e.api("admin", "DELETE", url1, ""); r.code != 204 {
			t.Fatalf("delete: %d %s", r.code, r.body)
		}
	})
}
