package web

import (
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"time"

	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/mail"
)

// The email channel's agent API: the inbound messages of a ticket with
// their raw .eml, and the outbound mail queued for it with its delivery
// state.

// emailJSON is a stored inbound message.
type emailJSON struct {
	mail.Email
	RawURL string `json:"raw_url"`
}

// outboundEmailJSON is an outbox entry.
type outboundEmailJSON struct {
	mail.OutboxEntry
	Subject string   `json:"subject"`
	To      []string `json:"to"`
	Cc      []string `json:"cc"`
}

// rejectedEmailJSON is a message refused with a permanent 5xx and kept.
type rejectedEmailJSON struct {
	mail.Rejected
	RawURL string `json:"raw_url"`
}

func (s *Server) registerMailAPI() {
	s.handle("GET /api/v2/tickets/{id}/emails", Staff, s.apiTicketEmails)
	s.handle("GET /api/v2/tickets/{id}/emails/{eid}/raw", Staff, s.apiTicketEmailRaw)
	s.handle("GET /api/v2/tickets/{id}/outbound_emails", Staff, s.apiTicketOutbound)
	s.handle("GET /api/v2/rejected_emails", Admin, s.apiRejectedEmails)
	s.handle("GET /api/v2/rejected_emails/{id}", Admin, s.apiRejectedEmail)
	s.handle("GET /api/v2/rejected_emails/{id}/raw", Admin, s.rejectedEmailRaw)
}

func (s *Server) rejectedJSON(r *http.Request, e mail.Rejected) rejectedEmailJSON {
	return rejectedEmailJSON{Rejected: e, RawURL: fmt.Sprintf("%s/api/v2/rejected_emails/%d/raw", s.baseURL(r), e.ID)}
}

// apiRejectedEmails lists the messages refused permanently (newest
// first), with both kinds of pagination.
func (s *Server) apiRejectedEmails(w http.ResponseWriter, r *http.Request) error {
	if s.Mail == nil {
		return errs.NotFound("email channel")
	}
	for k := range r.URL.Query() {
		switch k {
		case "page", "per_page", "page[size]", "page[after]":
		default:
			return errs.BadRequest("%s: not a parameter of this list (page, per_page, page[size], page[after])", k)
		}
	}
	p, err := parsePage(r)
	if err != nil {
		return err
	}
	var items []mail.Rejected
	if p.cursor {
		items, err = s.Mail.ListRejected(r.Context(), p.afterID, 0, p.size+1)
	} else {
		items, err = s.Mail.ListRejected(r.Context(), 0, (p.page-1)*p.perPage, p.perPage)
	}
	if err != nil {
		return err
	}
	out := make([]rejectedEmailJSON, len(items))
	for i, e := range items {
		out[i] = s.rejectedJSON(r, e)
	}
	body, err := listBody(s, r, "rejected_emails", p, out, func(e rejectedEmailJSON) int64 { return e.ID },
		func() (int, error) { return s.Mail.CountRejected(r.Context()) })
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

func (s *Server) apiRejectedEmail(w http.ResponseWriter, r *http.Request) error {
	e, err := s.rejectedEmail(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"rejected_email": s.rejectedJSON(r, *e)})
	return nil
}

// rejectedEmail loads the refused message named by the path's id.
func (s *Server) rejectedEmail(r *http.Request) (*mail.Rejected, error) {
	id, err := pathID(r, "id", "rejected email")
	if err != nil {
		return nil, err
	}
	if s.Mail == nil {
		return nil, errs.NotFound("email channel")
	}
	return s.Mail.GetRejected(r.Context(), id)
}

// rejectedEmailRaw downloads a refused message exactly as received (the
// API's raw route and the admin email page's download).
func (s *Server) rejectedEmailRaw(w http.ResponseWriter, r *http.Request) error {
	e, err := s.rejectedEmail(r)
	if err != nil {
		return err
	}
	raw, err := s.Mail.RawRejected(r.Context(), e.ID)
	if err != nil {
		return err
	}
	writeEML(w, raw, fmt.Sprintf("rejected-email-%d.eml", e.ID), e.ReceivedAt)
	return nil
}

// writeEML sends a raw message as a download that browsers never render.
func writeEML(w http.ResponseWriter, raw []byte, filename string, modified time.Time) {
	h := w.Header()
	h.Set("Content-Type", "message/rfc822")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, filename))
	h.Set("Content-Length", strconv.Itoa(len(raw)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Last-Modified", modified.UTC().Format(time.RFC1123))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(raw)
}

// mailTicket checks the email channel is wired and the ticket exists.
func (s *Server) mailTicket(r *http.Request) (int64, error) {
	id, err := pathID(r, "id", "ticket")
	if err != nil {
		return 0, err
	}
	if s.Mail == nil || s.Tickets == nil {
		return 0, errs.NotFound("email channel")
	}
	if _, err := s.Tickets.Get(r.Context(), id); err != nil {
		return 0, err
	}
	return id, nil
}

func (s *Server) apiTicketEmails(w http.ResponseWriter, r *http.Request) error {
	id, err := s.mailTicket(r)
	if err != nil {
		return err
	}
	es, err := s.Mail.TicketEmails(r.Context(), id)
	if err != nil {
		return err
	}
	out := make([]emailJSON, len(es))
	for i, e := range es {
		out[i] = emailJSON{Email: e, RawURL: fmt.Sprintf("%s/api/v2/tickets/%d/emails/%d/raw", s.baseURL(r), id, e.ID)}
	}
	writeJSON(w, http.StatusOK, map[string]any{"emails": out, "count": len(out), "next_page": nil, "previous_page": nil})
	return nil
}

// apiTicketEmailRaw downloads one inbound message exactly as received.
func (s *Server) apiTicketEmailRaw(w http.ResponseWriter, r *http.Request) error {
	id, err := s.mailTicket(r)
	if err != nil {
		return err
	}
	eid, err := pathID(r, "eid", "email")
	if err != nil {
		return err
	}
	e, err := s.Mail.GetEmail(r.Context(), eid)
	if err != nil {
		return err
	}
	if e.TicketID == nil || *e.TicketID != id {
		return errs.NotFound("email")
	}
	raw, err := s.Mail.RawEmail(r.Context(), eid)
	if err != nil {
		return err
	}
	writeEML(w, raw, fmt.Sprintf("ticket-%d-email-%d.eml", id, eid), e.ReceivedAt)
	return nil
}

func (s *Server) apiTicketOutbound(w http.ResponseWriter, r *http.Request) error {
	id, err := s.mailTicket(r)
	if err != nil {
		return err
	}
	es, err := s.Mail.TicketOutbox(r.Context(), id)
	if err != nil {
		return err
	}
	out := make([]outboundEmailJSON, len(es))
	for i, e := range es {
		o := outboundEmailJSON{OutboxEntry: e, Subject: e.Message.Subject, To: []string{}, Cc: []string{}}
		if e.Message.TicketID > 0 {
			o.Subject = mail.SubjectWithToken(o.Subject, e.Message.TicketID)
		}
		for _, a := range e.Message.To {
			o.To = append(o.To, a.String())
		}
		for _, a := range e.Message.Cc {
			o.Cc = append(o.Cc, a.String())
		}
		out[i] = o
	}
	writeJSON(w, http.StatusOK, map[string]any{"outbound_emails": out, "count": len(out), "next_page": nil, "previous_page": nil})
	return nil
}

// mailAPIDocs are the OpenAPI notes of the email routes.
func mailAPIDocs() map[string]apiDoc {
	return map[string]apiDoc{
		"GET /api/v2/tickets/{id}/emails":           {summary: "A ticket's inbound emails (agents)", tag: "Email", result: "emails"},
		"GET /api/v2/tickets/{id}/emails/{eid}/raw": {summary: "Download an inbound email as received (.eml)", tag: "Email", raw: "message/rfc822"},
		"GET /api/v2/tickets/{id}/outbound_emails":  {summary: "A ticket's outbound emails and their delivery state (agents)", tag: "Email", result: "outbound_emails"},
		"GET /api/v2/rejected_emails":               {summary: "Inbound messages refused with a permanent 5xx and kept, newest first (admins)", tag: "Email", result: "rejected_emails", list: true},
		"GET /api/v2/rejected_emails/{id}":          {summary: "One refused inbound message (admins)", tag: "Email", result: "rejected_email"},
		"GET /api/v2/rejected_emails/{id}/raw":      {summary: "Download a refused message as received (.eml)", tag: "Email", raw: "message/rfc822"},
	}
}

// mailEnvelopes are the JSON envelope types of the email routes.
func mailEnvelopes() map[string]envelope {
	return map[string]envelope{
		"email":          {reflect.TypeOf(emailJSON{}), reflect.TypeOf(emailJSON{})},
		"outbound_email": {reflect.TypeOf(outboundEmailJSON{}), reflect.TypeOf(outboundEmailJSON{})},
		"rejected_email": {reflect.TypeOf(rejectedEmailJSON{}), reflect.TypeOf(rejectedEmailJSON{})},
	}
}
