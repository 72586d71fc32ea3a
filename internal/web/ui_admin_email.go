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
}

// EmailMailbox is one receiving address and the group its tickets go to.
type EmailMailbox struct {
	Address string
	Group   string
}

func (s *Server) registerAdminEmail() {
	s.handle("GET /admin/email", Admin, s.adminEmail)
}

// adminEmail shows the email settings and the state of the channel.
func (s *Server) adminEmail(w http.ResponseWriter, r *http.Request) error {
	data := map[string]any{"Title": "Email", "Section": "email", "Settings": s.Email}
	if s.Mail != nil {
		st, err := s.Mail.Stats(r.Context())
		if err != nil {
			return err
		}
		data["Stats"] = st
	}
	s.render(w, r, http.StatusOK, "admin_email.html", data)
	return nil
}
