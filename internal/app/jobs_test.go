package app

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/auth"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db/dbtest"
)

// TestExpiredSessionsArePurgedByTheJobQueue: App.Open builds the job queue
// (River's tables come with the migrations), and once started the hourly
// purge runs (on start, then every hour) on the App's clock.
func TestExpiredSessionsArePurgedByTheJobQueue(t *testing.T) {
	for _, e := range dbtest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			c, err := load(t, databaseArgs(t, e), nil)
			if err != nil {
				t.Fatal(err)
			}
			clk := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
			a, err := Open(ctx, c, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Clock: clk, PasswordParams: auth.TestParams()})
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			if a.Jobs == nil {
				t.Fatal("App.Jobs is nil")
			}
			email, password, err := a.Bootstrap(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := a.Auth.Login(ctx, email, password, "127.0.0.1", "test"); err != nil {
				t.Fatal(err)
			}
			sessions := func() int {
				var n int
				if err := a.DB.R.QueryRow("SELECT count(*) FROM sessions").Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			if sessions() != 1 {
				t.Fatalf("%d sessions after sign-in", sessions())
			}
			clk.Advance(c.SessionTTL + time.Minute)
			stop, err := a.startJobs(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer stop()
			deadline := time.Now().Add(20 * time.Second)
			for sessions() != 0 {
				if time.Now().After(deadline) {
					t.Fatal("the expired session was not purged by the periodic job")
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
}

// TestKPIFoldJob: the periodic KPI job folds tickets changed since the last
// fold, so the rollups stay fresh without a read.
func TestKPIFoldJob(t *testing.T) {
	for _, e := range dbtest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			c, err := load(t, databaseArgs(t, e), nil)
			if err != nil {
				t.Fatal(err)
			}
			a, err := Open(ctx, c, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{PasswordParams: auth.TestParams()})
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			if _, _, err := a.Bootstrap(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := a.DB.W.Exec("INSERT INTO kpi_dirty (ticket_id) VALUES (424242)"); err != nil {
				t.Fatal(err)
			}
			w := &foldKPIWorker{a: a}
			if err := w.Work(ctx, nil); err != nil {
				t.Fatal(err)
			}
			var n int
			if err := a.DB.R.QueryRow("SELECT count(*) FROM kpi_dirty").Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Fatalf("%d tickets left to fold after the job", n)
			}
		})
	}
}
