package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
)

// TestResetPasswordEndsWhatIsChosen: sessions and API tokens end with the
// old password exactly when the reset says so, and the choice is audited.
func TestResetPasswordEndsWhatIsChosen(t *testing.T) {
	eachFake(t, func(t *testing.T, d *db.DB, clk *clock.Fake) {
		ctx := context.Background()
		f := setup(t, d, clk, nil)
		for i, r := range []PasswordReset{{}, {EndSessions: true}, {RevokeTokens: true}, {EndSessions: true, RevokeTokens: true}} {
			pw := fmt.Sprintf("password number %d", i)
			s1, _, err := f.svc.Login(ctx, "ada@example.com", prevPassword(i), "", "")
			if err != nil {
				t.Fatal(err)
			}
			secret, _, err := f.svc.CreateAPIToken(ctx, audit.System(), f.uid, "script")
			if err != nil {
				t.Fatal(err)
			}
			out, err := f.svc.ResetPassword(ctx, audit.System(), f.uid, pw, r)
			if err != nil {
				t.Fatal(err)
			}
			_, sessErr := f.svc.SessionPrincipal(ctx, s1.Token)
			_, tokErr := f.svc.TokenPrincipal(ctx, "", secret, "")
			if (sessErr != nil) != r.EndSessions || (tokErr != nil) != r.RevokeTokens {
				t.Errorf("%+v: session error %v, token error %v", r, sessErr, tokErr)
			}
			if r.EndSessions && out.SessionsEnded < 1 || !r.EndSessions && out.SessionsEnded != 0 ||
				r.RevokeTokens && out.TokensRevoked < 1 || !r.RevokeTokens && out.TokensRevoked != 0 {
				t.Errorf("%+v: outcome %+v", r, out)
			}
			entries, _ := audit.New(d).List(ctx, audit.Filter{ObjectType: "user", ObjectID: f.uid})
			var after map[string]any
			_ = json.Unmarshal(entries[0].After, &after)
			if entries[0].Action != "user.password_changed" || after["end_sessions"] != r.EndSessions || after["revoke_tokens"] != r.RevokeTokens ||
				after["sessions_ended"] != float64(out.SessionsEnded) {
				t.Errorf("%+v: audited %s %v", r, entries[0].Action, after)
			}
		}
		if _, err := f.svc.ResetPassword(ctx, audit.System(), 999999, "long enough password", PasswordReset{}); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("missing user: %v", err)
		}
	})
}

// prevPassword is the password in force before reset i of the test above.
func prevPassword(i int) string {
	if i == 0 {
		return "a long enough password"
	}
	return fmt.Sprintf("password number %d", i-1)
}

// TestChangeOwnPassword: the previous password is required and checked like
// a sign-in (wrong ones counted, then refused); other sessions end, the
// one making the change stays.
func TestChangeOwnPassword(t *testing.T) {
	eachFake(t, func(t *testing.T, d *db.DB, clk *clock.Fake) {
		ctx := context.Background()
		f := setup(t, d, clk, NewLimiter(clk, 3, 15*time.Minute))
		here, p, err := f.svc.Login(ctx, "ada@example.com", "a long enough password", "", "")
		if err != nil {
			t.Fatal(err)
		}
		there, _, _ := f.svc.Login(ctx, "ada@example.com", "a long enough password", "", "")
		if _, err := f.svc.ChangeOwnPassword(ctx, p, "10.0.0.1", "", "a new long password", here.Token, false); !errs.Is(err, errs.KindInvalid) {
			t.Fatalf("blank previous password: %v", err)
		}
		for i := range 3 {
			if _, err := f.svc.ChangeOwnPassword(ctx, p, "10.0.0.1", "not the password", "a new long password", here.Token, false); !errs.Is(err, errs.KindInvalid) {
				t.Fatalf("wrong previous password %d: %v", i, err)
			}
		}
		if _, err := f.svc.ChangeOwnPassword(ctx, p, "10.0.0.2", "a long enough password", "a new long password", here.Token, false); !errs.Is(err, errs.KindRateLimited) {
			t.Fatalf("after 3 wrong previous passwords: %v", err)
		}
		clk.Advance(15 * time.Minute)
		secret, _, _ := f.svc.CreateAPIToken(ctx, audit.System(), f.uid, "script")
		out, err := f.svc.ChangeOwnPassword(ctx, p, "10.0.0.2", "a long enough password", "a new long password", here.Token, true)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SessionPrincipal(ctx, here.Token); err != nil {
			t.Errorf("the session making the change ended: %v", err)
		}
		if _, err := f.svc.SessionPrincipal(ctx, there.Token); err == nil {
			t.Error("another session survived")
		}
		if _, err := f.svc.TokenPrincipal(ctx, "", secret, ""); err == nil {
			t.Error("the token survived a change that asked to revoke it")
		}
		if out.SessionsEnded != 1 || out.TokensRevoked != 1 {
			t.Errorf("outcome %+v", out)
		}
		if _, err := f.svc.CheckPassword(ctx, "ada@example.com", "a new long password", ""); err != nil {
			t.Errorf("new password: %v", err)
		}
	})
}
