package web

// Hiring mail and files (issue 17): email templates, email to candidates
// through the outbox, and candidates' attachments (Greenhouse's candidate
// `attachments`: filename, url, type; uploaded as base64 `content` as
// Harvest takes them). Visibility is the candidate's (hiring.Store): a
// blind reviewer never reaches a candidate's files.

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"

	"github.com/frontline/frontline/internal/access"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/hiring"
)

func (s *Server) registerHiringMail() {
	in, mg := access.HiringInterview, access.HiringManage
	s.handleNeeds("GET /api/v2/hiring/email_templates", Staff, mg, s.apiEmailTemplates)
	s.handleNeeds("PUT /api/v2/hiring/email_templates/{key}", Staff, mg, s.apiSaveEmailTemplate)
	s.handleNeeds("GET /api/v2/hiring/candidates/{id}/emails", Staff, in, s.apiCandidateEmails)
	s.handleNeeds("POST /api/v2/hiring/candidates/{id}/emails", Staff, in, s.apiSendCandidateEmail)
	s.handleNeeds("GET /api/v2/hiring/candidates/{id}/attachments", Staff, in, s.apiCandidateAttachments)
	s.handleNeeds("POST /api/v2/hiring/candidates/{id}/attachments", Staff, in, s.apiAddCandidateAttachment)
	s.handleNeeds("GET /api/v2/hiring/candidates/{id}/attachments/{attachment_id}", Staff, in, s.apiDownloadCandidateAttachment)
	s.handleNeeds("DELETE /api/v2/hiring/candidates/{id}/attachments/{attachment_id}", Staff, mg, s.apiDeleteCandidateAttachment)
	s.handleNeeds("POST /hiring/candidates/{id}/emails", Staff, in, s.hiringEmailForm)
	s.handleNeeds("POST /hiring/candidates/{id}/attachments", Staff, in, s.hiringAttachmentForm)
}

// templateInput edits a template.
type templateInput struct {
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

// attachmentInput is an attachment as Harvest takes it.
type attachmentInput struct {
	Filename    string `json:"filename"`
	Type        string `json:"type"`
	Content     string `json:"content"`      // base64
	ContentType string `json:"content_type"` // accepted as Harvest sends it; the stored type is sniffed from the content
}

func hiringMailEnvelopes() map[string]envelope {
	return map[string]envelope{
		"email_template": {reflect.TypeOf(hiring.EmailTemplate{}), reflect.TypeOf(templateInput{})},
		"email":          {reflect.TypeOf(hiring.SentEmail{}), reflect.TypeOf(hiring.EmailInput{})},
		"attachment":     {reflect.TypeOf(hiring.Attachment{}), reflect.TypeOf(attachmentInput{})},
	}
}

func hiringMailAPIDocs() map[string]apiDoc {
	h := "Hiring"
	return map[string]apiDoc{
		"GET /api/v2/hiring/email_templates":                                {summary: "Email templates to candidates (application received, interview scheduled, rejection, offer) with their placeholders", tag: h, result: "email_templates"},
		"PUT /api/v2/hiring/email_templates/{key}":                          {summary: "Edit a template's subject and body (only known {{placeholders}})", tag: h, body: "email_template", result: "email_template", status200: true},
		"GET /api/v2/hiring/candidates/{id}/emails":                         {summary: "Emails sent to a candidate, newest first", tag: h, result: "emails"},
		"POST /api/v2/hiring/candidates/{id}/emails":                        {summary: "Send a template to a candidate through the outbox (application_id names the job; interview_id the interview)", tag: h, body: "email", result: "email"},
		"GET /api/v2/hiring/candidates/{id}/attachments":                    {summary: "A candidate's attachments (resume, cover_letter, admin_only, other) without their content", tag: h, result: "attachments"},
		"POST /api/v2/hiring/candidates/{id}/attachments":                   {summary: "Add an attachment as Harvest does: filename, type, base64 content (PDF, docx, text, PNG or JPEG; 10 MB)", tag: h, body: "attachment", result: "attachment"},
		"GET /api/v2/hiring/candidates/{id}/attachments/{attachment_id}":    {summary: "Download an attachment (the file itself)", tag: h},
		"DELETE /api/v2/hiring/candidates/{id}/attachments/{attachment_id}": {summary: "Delete an attachment", tag: h},
	}
}

func (s *Server) apiEmailTemplates(w http.ResponseWriter, r *http.Request) error {
	ts, err := s.Hiring.Templates(r.Context())
	if err != nil {
		return err
	}
	return writeAll(w, "email_templates", ts)
}

func (s *Server) apiSaveEmailTemplate(w http.ResponseWriter, r *http.Request) error {
	var in templateInput
	if err := decodeBody(r, "email_template", &in); err != nil {
		return err
	}
	t, err := s.Hiring.SaveTemplate(r.Context(), actor(r), r.PathValue("key"), in.Subject, in.Body)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "email_template", t)
}

func (s *Server) apiCandidateEmails(w http.ResponseWriter, r *http.Request) error {
	id, v, err := s.candidateOf(r)
	if err != nil {
		return err
	}
	list, err := s.Hiring.Emails(r.Context(), v, id)
	if err != nil {
		return err
	}
	return writeAll(w, "emails", list)
}

func (s *Server) apiSendCandidateEmail(w http.ResponseWriter, r *http.Request) error {
	id, v, err := s.candidateOf(r)
	if err != nil {
		return err
	}
	var in hiring.EmailInput
	if err := decodeBody(r, "email", &in); err != nil {
		return err
	}
	e, err := s.Hiring.SendEmail(r.Context(), actor(r), v, id, in)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusCreated, "email", e)
}

// candidateOf reads the candidate id of the path and the caller as a viewer.
func (s *Server) candidateOf(r *http.Request) (int64, hiring.Viewer, error) {
	id, err := pathID(r, "id", "candidate")
	if err != nil {
		return 0, hiring.Viewer{}, err
	}
	v, err := s.hiringViewer(r)
	return id, v, err
}

func attachmentURL(a *hiring.Attachment) {
	a.URL = fmt.Sprintf("/api/v2/hiring/candidates/%d/attachments/%d", a.CandidateID, a.ID)
}

// candidateFiles lists the files of c (read by the caller with
// GetCandidate) with their download URLs.
func (s *Server) candidateFiles(ctx context.Context, c *hiring.Candidate) ([]hiring.Attachment, error) {
	files, err := s.Hiring.AttachmentsOf(ctx, c)
	for i := range files {
		attachmentURL(&files[i])
	}
	return files, err
}

func (s *Server) apiCandidateAttachments(w http.ResponseWriter, r *http.Request) error {
	id, v, err := s.candidateOf(r)
	if err != nil {
		return err
	}
	c, err := s.Hiring.GetCandidate(r.Context(), v, id)
	if err != nil {
		return err
	}
	list, err := s.candidateFiles(r.Context(), c)
	if err != nil {
		return err
	}
	return writeAll(w, "attachments", list)
}

func (s *Server) apiAddCandidateAttachment(w http.ResponseWriter, r *http.Request) error {
	id, v, err := s.candidateOf(r)
	if err != nil {
		return err
	}
	var in attachmentInput
	if err := decodeBody(r, "attachment", &in); err != nil {
		return err
	}
	content, err := base64.StdEncoding.DecodeString(in.Content)
	if err != nil {
		return errs.Invalid("content", "must be the file encoded in base64")
	}
	a, err := s.Hiring.AddAttachment(r.Context(), actor(r), v, id, in.Type, in.Filename, content)
	if err != nil {
		return err
	}
	attachmentURL(a)
	return writeRecord(w, http.StatusCreated, "attachment", a)
}

func (s *Server) apiDownloadCandidateAttachment(w http.ResponseWriter, r *http.Request) error {
	id, v, err := s.candidateOf(r)
	if err != nil {
		return err
	}
	aid, err := pathID(r, "attachment_id", "attachment")
	if err != nil {
		return err
	}
	a, err := s.Hiring.GetAttachment(r.Context(), v, id, aid)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", a.ContentType)
	h.Set("Content-Length", strconv.Itoa(len(a.Content)))
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": a.Filename}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(a.Content)
	return err
}

func (s *Server) apiDeleteCandidateAttachment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "candidate")
	if err != nil {
		return err
	}
	aid, err := pathID(r, "attachment_id", "attachment")
	if err != nil {
		return err
	}
	if err := s.Hiring.DeleteAttachment(r.Context(), actor(r), id, aid); err != nil {
		return err
	}
	return writeNoContent(w)
}

// hiringEmailForm sends a template from the candidate page.
func (s *Server) hiringEmailForm(w http.ResponseWriter, r *http.Request) error {
	id, v, err := s.candidateOf(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	in := hiring.EmailInput{Template: f.Get("template")}
	for name, dst := range map[string]*int64{"application_id": &in.ApplicationID, "interview_id": &in.InterviewID} {
		if x := f.Get(name); x != "" {
			if *dst, err = strconv.ParseInt(x, 10, 64); err != nil {
				return errs.BadRequest("%s must be an id", name)
			}
		}
	}
	e, err := s.Hiring.SendEmail(r.Context(), actor(r), v, id, in)
	if err != nil {
		if msg, st, ok := problemText(err); ok {
			return s.renderCandidate(w, r, st, msg)
		}
		return err
	}
	seeOther(w, r, fmt.Sprintf("/hiring/candidates/%d", id), fmt.Sprintf("Email %q queued to %s.", e.Subject, e.To))
	return nil
}

// hiringAttachmentForm uploads a file (multipart) from the candidate page.
func (s *Server) hiringAttachmentForm(w http.ResponseWriter, r *http.Request) error {
	id, v, err := s.candidateOf(r)
	if err != nil {
		return err
	}
	if r.MultipartForm == nil || len(r.MultipartForm.File["file"]) != 1 {
		return s.renderCandidate(w, r, http.StatusUnprocessableEntity, "Choose one file to attach.")
	}
	fh := r.MultipartForm.File["file"][0]
	if fh.Size > hiring.MaxAttachmentBytes {
		return s.renderCandidate(w, r, http.StatusUnprocessableEntity, "Attachment rule: at most 10 MB")
	}
	fd, err := fh.Open()
	if err != nil {
		return err
	}
	defer fd.Close()
	content, err := io.ReadAll(io.LimitReader(fd, hiring.MaxAttachmentBytes+1))
	if err != nil {
		return err
	}
	a, err := s.Hiring.AddAttachment(r.Context(), actor(r), v, id, r.PostForm.Get("type"), fh.Filename, content)
	if err != nil {
		if msg, st, ok := problemText(err); ok {
			return s.renderCandidate(w, r, st, msg)
		}
		return err
	}
	seeOther(w, r, fmt.Sprintf("/hiring/candidates/%d", id), fmt.Sprintf("%s attached.", a.Filename))
	return nil
}
