package web

import (
	"net/http"
)

// EmailSettings is what the admin email page shows of the email channel's
// configuration (set by flags, environment or the config file; secrets are
// never passed here).
type EmailSettings struct {
	SMTPAddr     string // inbound listener; "" when disabled
	Mailboxes    []EmailMailbox
	From         string
	RelayHost    string // "" when outbound mail is off
	RelayPort    int
	RelayUser    string
	RelayTLS     string
	IMAP         string // host:port/folder polled, "" when none
	IMAPInterval string
	// Inbound limits and sender verification.
	MaxMIMEDepth int
	MaxMIMEParts int
	ParseTimeout string
	Auth         string // dns, relay or none
	TrustedRelay string // authserv-ids, for relay
	Unverified   string // accept, flag or reject
}

// EmailMailbox is one receiving address and the group its tickets go to.
type EmailMailbox struct {
	Address string
	Group   string
}

func (s *Server) registerAdminEmail() {
	s.handle("GET /admin/email", Admin, s.adminEmail)
	s.handle("GET /admin/email/rejected/{id}/raw", Admin, s.rejectedEmailRaw)
}

// adminRejectedShown is how many refused messages the page lists (the API
// pages through all of them).
const adminRejectedShown = 50

// adminEmail shows the email settings, the state of the channel and the
// latest messages refused permanently.
func (s *Server) adminEmail(w http.ResponseWriter, r *http.Request) error {
	data := map[string]any{"Title": "Email", "Section": "email", "Settings": s.Email}
	if s.Mail != nil {
		st, err := s.Mail.Stats(r.Context())
		if err != nil {
			return err
		}
		data["Stats"] = st
		rej, err := s.Mail.ListRejected(r.Context(), 0, 0, adminRejectedShown)
		if err != nil {
			return err
		}
		data["Rejected"] = rej
		latest, err := s.Mail.LatestEmails(r.Context(), adminRejectedShown)
		if err != nil {
			return err
		}
		data["Latest"] = latest
	}
	s.render(w, r, http.StatusOK, "admin_email.html", data)
	return nil
}
