package auth

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
)

// The missing-account dummy is a well-formed hash with the given cost, so a
// sign-in for an unknown address does a full verification, and it matches
// no password; two services do not share it.
func TestRandomHashVerifiesAtFullCostAndMatchesNothing(t *testing.T) {
	p := TestParams()
	h := randomHash(p)
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("dummy hash %q does not carry the parameters", h)
	}
	for _, pw := range []string{"", "frontline-dummy-password", "correct horse battery"} {
		ok, err := VerifyPassword(h, pw)
		if err != nil || ok {
			t.Fatalf("VerifyPassword(dummy, %q) = %v, %v; want false, nil", pw, ok, err)
		}
	}
	if randomHash(p) == h {
		t.Fatal("two dummy hashes are equal")
	}
}

// A matched password is remembered for VerifiedTTL: the same credentials
// again skip the hash, but a wrong password always hashes, a changed
// password or a suspended account is never let in by an old match, and the
// match is forgotten after the TTL.
func TestVerifiedPasswordIsRememberedSafely(t *testing.T) {
	eachFake(t, func(t *testing.T, d *db.DB, clk *clock.Fake) {
		ctx := context.Background()
		h := newCountingHasher()
		f := setupWith(t, d, clk, Options{Hasher: h, VerifiedTTL: 5 * time.Minute})
		const pw = "a long enough password"
		check := func(pw string) error { _, err := f.svc.CheckPassword(ctx, "ada@example.com", pw, ""); return err }
		hashes := func(what string, want int64, do func()) {
			t.Helper()
			before := h.total.Load()
			do()
			if got := h.total.Load() - before; got != want {
				t.Fatalf("%s: %d hashes, want %d", what, got, want)
			}
		}
		hashes("first sign-in", 1, func() { must(t, check(pw)) })
		hashes("same credentials again", 0, func() { must(t, check(pw)) })
		hashes("wrong password", 1, func() {
			if err := check("not the password at all"); !errs.Is(err, errs.KindUnauthorized) {
				t.Fatalf("wrong password: %v", err)
			}
		})
		// Suspended: the remembered match does not let the account in.
		setSuspended(t, d, f.uid, true)
		if err := check(pw); !errs.Is(err, errs.KindUnauthorized) {
			t.Fatalf("suspended account signed in from a remembered match: %v", err)
		}
		setSuspended(t, d, f.uid, false)
		// A new password: the old one hashes again and fails.
		must(t, f.svc.SetPassword(ctx, audit.System(), f.uid, "another long password"))
		hashes("old password after a change", 1, func() {
			if err := check(pw); !errs.Is(err, errs.KindUnauthorized) {
				t.Fatalf("old password after a change: %v", err)
			}
		})
		hashes("new password", 1, func() { must(t, check("another long password")) })
		clk.Advance(5 * time.Minute)
		hashes("after the TTL", 1, func() { must(t, check("another long password")) })
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func setSuspended(t *testing.T, d *db.DB, id int64, suspended bool) {
	t.Helper()
	must(t, d.Write(context.Background(), func(tx *db.Tx) error {
		_, err := tx.ExecContext(context.Background(), "UPDATE users SET suspended = $1 WHERE id = $2", suspended, id)
		return err
	}))
}

// A generated password is hashed with the minimum cost (and must be long
// enough to be one); it signs in like any other.
func TestGeneratedPasswordHashedAtMinimumCost(t *testing.T) {
	eachFake(t, func(t *testing.T, d *db.DB, clk *clock.Fake) {
		ctx := context.Background()
		s := NewService(d, audit.New(d), Options{Params: DefaultParams(), SessionTTL: time.Hour})
		uid := insertUser(t, d, "First Admin", "first@example.com", "admin")
		if err := s.SetGeneratedPassword(ctx, audit.System(), uid, "short"); err == nil {
			t.Fatal("a short generated password accepted")
		}
		pw := NewSecret(15)
		must(t, s.SetGeneratedPassword(ctx, audit.System(), uid, pw))
		var hash string
		if err := d.R.QueryRow("SELECT password_hash FROM users WHERE id = $1", uid).Scan(&hash); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
			t.Fatalf("generated password hash %q", hash)
		}
		if _, err := s.CheckPassword(ctx, "first@example.com", pw, ""); err != nil {
			t.Fatal(err)
		}
	})
}
