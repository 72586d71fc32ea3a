package web

import (
	"strings"
	"testing"
)

func TestAdminEmailPage(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.srv.Email = &EmailSettings{SMTPAddr: "127.0.0.1:2525", RelayHost: "smtp.example.com", RelayPort: 587, RelayTLS: "mandatory",
			Mailboxes: []EmailMailbox{{Address: "support@acme.example", Group: "Support"}, {Address: "security@acme.example", Group: "<b>Sec</b>"}}}
		admin := signIn(t, e, "admin@example.com")
		r := e.do(admin, "GET", "/admin/email", nil)
		if r.code != 200 {
			t.Fatalf("admin: %d %s", r.code, r.body)
		}
		for _, want := range []string{"support@acme.example", "→ group Support", "smtp.example.com:587", "127.0.0.1:2525", "&lt;b&gt;Sec&lt;/b&gt;"} {
			if !strings.Contains(r.body, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		if strings.Contains(r.body, "<b>Sec</b>") {
			t.Error("group name not escaped")
		}
		if r := e.do(signIn(t, e, "agent@example.com"), "GET", "/admin/email", nil); r.code != 403 {
			t.Fatalf("agent: %d", r.code)
		}
	})
}
