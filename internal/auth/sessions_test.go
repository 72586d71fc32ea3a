package auth

import (
	"context"
	"testing"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
)

// TestListAndEndOwnSessions: a user sees their sessions with the current
// one marked, ends another by its id, and cannot end someone else's.
func TestListAndEndOwnSessions(t *testing.T) {
	eachFake(t, func(t *testing.T, d *db.DB, clk *clock.Fake) {
		ctx := context.Background()
		f := setup(t, d, clk, nil)
		here, _, err := f.svc.Login(ctx, "ada@example.com", "a long enough password", "10.0.0.1", "Firefox")
		if err != nil {
			t.Fatal(err)
		}
		there, _, _ := f.svc.Login(ctx, "ada@example.com", "a long enough password", "10.0.0.2", "Phone")
		list, err := f.svc.ListSessions(ctx, f.uid, here.Token)
		if err != nil || len(list) != 2 {
			t.Fatalf("sessions %v %v", list, err)
		}
		var other string
		for _, si := range list {
			if si.Current != (si.UserAgent == "Firefox") {
				t.Errorf("current marked wrong: %+v", si)
			}
			if !si.Current {
				other = si.ID
			}
		}
		bob := insertUser(t, d, "Bob", "bob@example.com", "agent")
		if err := f.svc.EndSession(ctx, audit.System(), bob, other); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("ending another user's session: %v", err)
		}
		if err := f.svc.EndSession(ctx, audit.System(), f.uid, other); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SessionPrincipal(ctx, there.Token); err == nil {
			t.Error("the ended session still works")
		}
		if _, err := f.svc.SessionPrincipal(ctx, here.Token); err != nil {
			t.Errorf("the current session ended: %v", err)
		}
		if err := f.svc.EndSession(ctx, audit.System(), f.uid, other); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("ending it twice: %v", err)
		}
	})
}

// TestOneTimePasswordMustBeChanged: a flagged password marks the session;
// changing it clears the flag.
func TestOneTimePasswordMustBeChanged(t *testing.T) {
	eachFake(t, func(t *testing.T, d *db.DB, clk *clock.Fake) {
		ctx := context.Background()
		f := setup(t, d, clk, nil)
		if err := f.svc.RequirePasswordChange(ctx, f.uid); err != nil {
			t.Fatal(err)
		}
		sess, p, err := f.svc.Login(ctx, "ada@example.com", "a long enough password", "", "")
		if err != nil {
			t.Fatal(err)
		}
		sp, err := f.svc.SessionPrincipal(ctx, sess.Token)
		if err != nil || !sp.MustChangePassword {
			t.Fatalf("flagged session: %+v %v", sp, err)
		}
		if _, err := f.svc.ChangeOwnPassword(ctx, p, "", "a long enough password", "a brand new password", sess.Token, false); err != nil {
			t.Fatal(err)
		}
		sp, err = f.svc.SessionPrincipal(ctx, sess.Token)
		if err != nil || sp.MustChangePassword {
			t.Fatalf("after the change: %+v %v", sp, err)
		}
	})
}
