package incident

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/jobs"
)

// BenchmarkEventsAPI measures Events API v2 triggers processed durably
// (each committed with its incident, timeline line and escalation job
// before it returns) by 8 concurrent clients on SQLite (a file database,
// as in production). One event in eight repeats a dedup key sent before:
// after the run every dedup key has exactly one incident. Run with
//
//	go test -run '^$' -bench EventsAPI -benchtime 5000x ./internal/incident/
func BenchmarkEventsAPI(b *testing.B) {
	for _, eng := range dbtest.Engines() {
		b.Run(eng.Name, func(b *testing.B) {
			ctx := context.Background()
			d := dbtest.Open(b, eng, clock.Real{})
			ids, _ := people4(b, d)
			st := NewStore(d, audit.New(d), Options{OnCall: fixedOnCall{schedCEOC: {ids["ceoc"]}}})
			q, err := jobs.New(d, nil, jobs.Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(q.Close)
			if os.Getenv("NOJOBS") == "" {
				st.UseJobs(q) // escalation jobs are inserted (not worked) with each incident
			}
			p, err := st.CreatePolicy(ctx, audit.System(), DefaultEmergencyPolicy(schedCEOC, schedCEOC, nil))
			if err != nil {
				b.Fatal(err)
			}
			svc, err := st.CreateService(ctx, audit.System(), ServiceInput{Name: "Monitoring", EscalationPolicyID: p.ID, Kind: "monitoring"})
			if err != nil {
				b.Fatal(err)
			}
			const clients = 8
			var next atomic.Int64
			var wg sync.WaitGroup
			errc := make(chan error, clients)
			b.ResetTimer()
			start := time.Now()
			for range clients {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						i := next.Add(1) - 1
						if i >= int64(b.N) {
							return
						}
						k := i
						if i%8 == 7 {
							k = i - 7 // a repeat of an earlier key (maybe still in flight: the race dedup must hold)
						}
						_, err := st.Enqueue(ctx, Event{RoutingKey: svc.IntegrationKey, EventAction: "trigger", DedupKey: fmt.Sprint("alert-", k),
							Payload: &EventPayload{Summary: "High error rate", Source: "bench", Severity: "critical"}})
						if err != nil {
							errc <- err
							return
						}
					}
				}()
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			close(errc)
			for err := range errc {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
			var incidents, keys int
			if err := d.R.QueryRow("SELECT count(*), count(DISTINCT incident_key) FROM incidents").Scan(&incidents, &keys); err != nil {
				b.Fatal(err)
			}
			want := b.N - b.N/8
			if incidents != keys || incidents != want {
				b.Fatalf("dedup broken: %d incidents, %d keys, %d distinct keys sent", incidents, keys, want)
			}
			_ = db.SQLite
		})
	}
}
