package auth

import (
	"context"
	"testing"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/errs"
)

func TestSetSharedPassword(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewService(d, audit.New(d), Options{Params: TestParams()})
		var ids []int64
		for _, email := range []string{"a@x.test", "b@x.test"} {
			var id int64
			if err := d.Write(ctx, func(tx *db.Tx) error {
				return tx.QueryRowContext(ctx, "INSERT INTO users (name, email, role, created_at, updated_at) VALUES ('n', $1, 'agent', 1, 1) RETURNING id", email).Scan(&id)
			}); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		if err := s.SetSharedPassword(ctx, audit.System(), ids, "short"); !errs.Is(err, errs.KindInvalid) {
			t.Errorf("weak password: %v", err)
		}
		if err := s.SetSharedPassword(ctx, audit.System(), append(ids, 999999), "a long enough password"); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("unknown user: %v", err)
		}
		if _, err := s.CheckPassword(ctx, "a@x.test", "a long enough password", "1.2.3.4"); err == nil {
			t.Error("a failed call changed a password")
		}
		if err := s.SetSharedPassword(ctx, audit.System(), ids, "a long enough password"); err != nil {
			t.Fatal(err)
		}
		for _, email := range []string{"a@x.test", "b@x.test"} {
			if p, err := s.CheckPassword(ctx, email, "a long enough password", "1.2.3.4"); err != nil || p.Email != email {
				t.Errorf("%s: %+v %v", email, p, err)
			}
		}
	})
}
