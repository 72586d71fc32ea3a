package auth

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/errs"
)

func TestHashAndVerifyPassword(t *testing.T) {
	h, err := HashPassword("correct horse battery", TestParams())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("hash not in PHC argon2id form: %s", h)
	}
	h2, _ := HashPassword("correct horse battery", TestParams())
	if h == h2 {
		t.Fatal("two hashes of one password are equal: salt missing")
	}
	for pw, want := range map[string]bool{"correct horse battery": true, "correct horse batterY": false, "": false} {
		ok, err := VerifyPassword(h, pw)
		if err != nil || ok != want {
			t.Errorf("VerifyPassword(%q) = %v, %v; want %v", pw, ok, err, want)
		}
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=x$AA$AA", "$argon2id$v=19$m=1024,t=1,p=1$!!$AA"} {
		if _, err := VerifyPassword(bad, "x"); err == nil {
			t.Errorf("VerifyPassword accepted malformed hash %q", bad)
		}
	}
	if err := ValidatePassword("short"); !errs.Is(err, errs.KindInvalid) {
		t.Errorf("short password accepted: %v", err)
	}
}

func TestLimiterSlidingWindow(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	l := NewLimiter(clk, 3, 10*time.Minute)
	for i := 0; i < 3; i++ {
		if w := l.Wait("k"); w != 0 {
			t.Fatalf("attempt %d blocked", i)
		}
		l.Fail("k")
		clk.Advance(time.Minute)
	}
	if w := l.Wait("k"); w != 7*time.Minute {
		t.Fatalf("after 3 failures wait = %v, want 7m (first failure leaves the window)", w)
	}
	if l.Wait("other") != 0 {
		t.Fatal("keys are not independent")
	}
	clk.Advance(7 * time.Minute)
	if w := l.Wait("k"); w != 0 {
		t.Fatalf("window slid but still blocked for %v", w)
	}
	l.Fail("k")
	l.Reset("k")
	if l.Wait("k") != 0 {
		t.Fatal("reset did not clear")
	}
}

type fixture struct {
	svc *Service
	d   *db.DB
	clk *clock.Fake
	uid int64
}

func setup(t *testing.T, d *db.DB, clk *clock.Fake, limiter *Limiter) fixture {
	t.Helper()
	svc := NewService(d, audit.New(d), Options{Params: TestParams(), SessionTTL: 24 * time.Hour, Limiter: limiter})
	uid := insertUser(t, d, "Ada Agent", "ada@example.com", "agent")
	if err := svc.SetPassword(context.Background(), audit.System(), uid, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	return fixture{svc: svc, d: d, clk: clk, uid: uid}
}

func insertUser(t *testing.T, d *db.DB, name, email, role string) int64 {
	t.Helper()
	var id int64
	err := d.Write(context.Background(), func(tx *db.Tx) error {
		return tx.QueryRowContext(context.Background(),
			"INSERT INTO users (name, email, role, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id",
			name, email, role, db.TS(tx.Now)).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func eachFake(t *testing.T, fn func(t *testing.T, d *db.DB, clk *clock.Fake)) {
	var clk *clock.Fake
	dbtest.EachClock(t, func() clock.Clock {
		clk = clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		return clk
	}, func(t *testing.T, d *db.DB) { fn(t, d, clk) })
}

func TestPasswordLoginSessionsAndLogout(t *testing.T) {
	eachFake(t, func(t *testing.T, d *db.DB, clk *clock.Fake) {
		ctx := context.Background()
		f := setup(t, d, clk, nil)

		if _, _, err := f.svc.Login(ctx, "ada@example.com", "wrong password!", "10.0.0.1", "test"); !errs.Is(err, errs.KindUnauthorized) {
			t.Fatalf("wrong password: %v", err)
		}
		if _, _, err := f.svc.Login(ctx, "nobody@example.com", "a long enough password", "10.0.0.1", "test"); !errs.Is(err, errs.KindUnauthorized) {
			t.Fatalf("unknown account: %v", err)
		}
		sess, p, err := f.svc.Login(ctx, "ADA@example.com", "a long enough password", "10.0.0.1", "test")
		if err != nil {
			t.Fatal(err)
		}
		if p.UserID != f.uid || p.Role != "agent" || p.CSRF == "" || sess.CSRF != p.CSRF {
			t.Fatalf("principal %+v session %+v", p, sess)
		}
		// Only the hash is stored.
		var stored string
		_ = d.R.QueryRow("SELECT token_hash FROM sessions").Scan(&stored)
		if stored == sess.Token || stored != HashToken(sess.Token) {
			t.Fatalf("session stored as %q", stored)
		}
		got, err := f.svc.SessionPrincipal(ctx, sess.Token)
		if err != nil || got.UserID != f.uid || got.CSRF != sess.CSRF {
			t.Fatalf("SessionPrincipal = %+v, %v", got, err)
		}
		if _, err := f.svc.SessionPrincipal(ctx, sess.Token+"x"); !errs.Is(err, errs.KindUnauthorized) {
			t.Fatalf("forged session accepted: %v", err)
		}
		// Sliding expiry: used after 20h it is extended, so 23h later it still works.
		clk.Advance(20 * time.Hour)
		if _, err := f.svc.SessionPrincipal(ctx, sess.Token); err != nil {
			t.Fatal(err)
		}
		clk.Advance(23 * time.Hour)
		if _, err := f.svc.SessionPrincipal(ctx, sess.Token); err != nil {
			t.Fatalf("slid session expired: %v", err)
		}
		clk.Advance(25 * time.Hour)
		if _, err := f.svc.SessionPrincipal(ctx, sess.Token); !errs.Is(err, errs.KindUnauthorized) {
			t.Fatalf("idle session still valid: %v", err)
		}
		if n, err := f.svc.PurgeExpiredSessions(ctx); err != nil || n != 1 {
			t.Fatalf("purge = %d, %v", n, err)
		}

		sess, _, _ = f.svc.Login(ctx, "ada@example.com", "a long enough password", "", "")
		if err := f.svc.Logout(ctx, sess.Token); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SessionPrincipal(ctx, sess.Token); !errs.Is(err, errs.KindUnauthorized) {
			t.Fatal("session survived logout")
		}
		// Changing the password ends sessions; suspension refuses sign-in.
		sess, _, _ = f.svc.Login(ctx, "ada@example.com", "a long enough password", "", "")
		if err := f.svc.SetPassword(ctx, audit.System(), f.uid, "another long password"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SessionPrincipal(ctx, sess.Token); err == nil {
			t.Fatal("session survived password change")
		}
		if _, err := d.W.Exec("UPDATE users SET suspended = TRUE WHERE id = $1", f.uid); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.CheckPassword(ctx, "ada@example.com", "another long password", ""); !errs.Is(err, errs.KindUnauthorized) {
			t.Fatalf("suspended user signed in: %v", err)
		}
		entries, err := audit.New(d).List(ctx, audit.Filter{ObjectType: "user", ObjectID: f.uid})
		if err != nil {
			t.Fatal(err)
		}
		actions := map[string]int{}
		for _, e := range entries {
			actions[e.Action]++
			if strings.Contains(string(e.After), "argon2") {
				t.Fatal("password hash leaked into audit log")
			}
		}
		if actions["user.password_changed"] != 2 || actions["session.created"] != 3 {
			t.Fatalf("audit actions %v", actions)
		}
	})
}

func TestLoginRateLimit(t *testing.T) {
	eachFake(t, func(t *testing.T, d *db.DB, clk *clock.Fake) {
		ctx := context.Background()
		f := setup(t, d, clk, NewLimiter(clk, 5, 15*time.Minute))
		for i := 0; i < 5; i++ {
			if _, err := f.svc.CheckPassword(ctx, "ada@example.com", "guess number "+string(rune('a'+i)), "10.0.0.9"); !errs.Is(err, errs.KindUnauthorized) {
				t.Fatalf("attempt %d: %v", i, err)
			}
		}
		// The right password from anywhere is now refused for this account.
		_, err := f.svc.CheckPassword(ctx, "ada@example.com", "a long enough password", "10.0.0.10")
		if !errs.Is(err, errs.KindRateLimited) || RetryAfter(err) != 15*time.Minute {
			t.Fatalf("after 5 failures: %v (retry after %v)", err, RetryAfter(err))
		}
		clk.Advance(15 * time.Minute)
		if _, err := f.svc.CheckPassword(ctx, "ada@example.com", "a long enough password", "10.0.0.10"); err != nil {
			t.Fatalf("after the window: %v", err)
		}
	})
}

func TestAPITokens(t *testing.T) {
	eachFake(t, func(t *testing.T, d *db.DB, clk *clock.Fake) {
		ctx := context.Background()
		f := setup(t, d, clk, nil)
		other := insertUser(t, d, "Bob", "bob@example.com", "end-user")
		secret, tok, err := f.svc.CreateAPIToken(ctx, audit.System(), f.uid, "zendesk sync")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(secret, TokenPrefix) || !strings.HasPrefix(secret, tok.Prefix) || len(secret) < 40 {
			t.Fatalf("secret %q prefix %q", secret, tok.Prefix)
		}
		var n int
		_ = d.R.QueryRow("SELECT count(*) FROM api_tokens WHERE token_hash = $1", secret).Scan(&n)
		if n != 0 {
			t.Fatal("token stored in clear")
		}
		p, err := f.svc.TokenPrincipal(ctx, "ADA@example.com", secret, "")
		if err != nil || p.UserID != f.uid || p.Via != "token" || p.TokenID != tok.ID {
			t.Fatalf("TokenPrincipal = %+v, %v", p, err)
		}
		if p, err := f.svc.TokenPrincipal(ctx, "", secret, ""); err != nil || p.UserID != f.uid {
			t.Fatalf("bearer = %+v, %v", p, err)
		}
		if _, err := f.svc.TokenPrincipal(ctx, "bob@example.com", secret, ""); !errs.Is(err, errs.KindUnauthorized) {
			t.Fatalf("token accepted for another user's email: %v", err)
		}
		list, _ := f.svc.ListAPITokens(ctx, f.uid)
		if len(list) != 1 || list[0].LastUsedAt == nil || !list[0].LastUsedAt.Equal(clk.Now()) {
			t.Fatalf("tokens %+v", list)
		}
		if l, _ := f.svc.ListAPITokens(ctx, other); len(l) != 0 {
			t.Fatalf("other user's tokens %+v", l)
		}
		if err := f.svc.RevokeAPIToken(ctx, audit.System(), tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.TokenPrincipal(ctx, "", secret, ""); !errs.Is(err, errs.KindUnauthorized) {
			t.Fatal("revoked token accepted")
		}
		if err := f.svc.RevokeAPIToken(ctx, audit.System(), tok.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("second revoke: %v", err)
		}
		if _, _, err := f.svc.CreateAPIToken(ctx, audit.System(), 999999, ""); !errs.Is(err, errs.KindInvalid) {
			t.Fatalf("token for missing user: %v", err)
		}
	})
}
