package app

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/frontline/frontline/internal/bench"
	"github.com/frontline/frontline/internal/capacity"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/kpi"
)

// benchKPI measures the KPI rollups and the capacity plan: folding every
// ticket into the rollups from scratch (their maintenance, per ticket,
// against the API creation rate of the same run when it was measured), the
// overview with each filter beside a plain aggregate over the tickets for
// one number of it, and the 12-month forecast and plan for the regions.
func benchKPI(ctx context.Context, a *App, o benchOptions, created bench.Throughput, rep *bench.Report, log io.Writer) error {
	s := a.KPI
	fmt.Fprintln(log, "measuring: KPI rollups (folding every ticket from scratch)")
	if err := a.DB.Write(ctx, func(tx *db.Tx) error {
		for _, q := range []string{"DELETE FROM kpi_cells", "DELETE FROM kpi_cells_all", "DELETE FROM kpi_ticket_facts", "DELETE FROM kpi_dirty", "INSERT INTO kpi_dirty (ticket_id) SELECT id FROM tickets"} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	t0 := time.Now()
	n, err := s.Refresh(ctx)
	if err != nil {
		return err
	}
	el := time.Since(t0)
	fold := bench.Throughput{Ops: int64(n), Elapsed: el, PerSec: float64(n) / el.Seconds()}
	detail := fmt.Sprintf("%d tickets in %.1f s, %.3f ms each", n, el.Seconds(), el.Seconds()*1000/float64(max(n, 1)))
	if created.PerSec > 0 {
		rep.AtLeastRatio("kpi: rollup upkeep, fold rate vs API creation rate", fold, created, 10,
			"upkeep <= 10% of creation: folding a created ticket costs at most a tenth of creating it; "+detail)
	} else {
		rep.Info("kpi: rollup maintenance (fold a changed ticket)", fold.PerSec, "tickets/s", "(reported; run with the create measure for the ratio)", true, detail)
	}
	now := a.Clock.Now().UTC()
	filters := []kpi.Filter{{}, {Region: "EMEA"}, {Region: "AMER"}, {Plan: "saas"}, {Plan: "self_managed"}, {Tier: "premium"}, {Region: "APAC", Plan: "saas"}}
	roster, err := s.Roster(ctx)
	if err == nil && len(roster) > 0 {
		ids := []int64{}
		for _, e := range roster[:min(8, len(roster))] {
			ids = append(ids, e.ID)
		}
		filters = append(filters, kpi.Filter{Assignees: ids}, kpi.Filter{Assignees: ids[:1]})
	}
	var group int64
	if err := a.DB.QueryRow(ctx, "SELECT COALESCE(min(group_id), 0) FROM tickets WHERE id <= 1000 AND group_id IS NOT NULL", nil, &group); err != nil {
		return err
	}
	if group != 0 {
		filters = append(filters, kpi.Filter{GroupID: group}, kpi.Filter{GroupID: group, Region: "EMEA"})
	}
	fmt.Fprintln(log, "measuring: KPI overview (12 months, each filter) and a plain aggregate")
	l := bench.RunLatency(ctx, o.samples, 10, func(ctx context.Context, i int) error {
		_, _, err := s.Overview(ctx, kpi.Query{Period: kpi.Month, At: now, Periods: 12, Filter: filters[i%len(filters)]})
		return err
	})
	from := time.Date(now.Year(), now.Month()-11, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	plain := `SELECT count(*), COALESCE(sum(CASE WHEN r.score = 'good' THEN 1 ELSE 0 END), 0), COALESCE(sum(CASE WHEN r.score = 'bad' THEN 1 ELSE 0 END), 0)
FROM tickets t LEFT JOIN satisfaction_ratings r ON r.ticket_id = t.id WHERE t.solved_at >= $1 AND t.solved_at < $2`
	base := bench.RunLatency(ctx, max(o.samples/10, 10), 2, func(ctx context.Context, i int) error {
		var c, g, b int64
		return a.DB.QueryRow(ctx, plain, []any{from, now.UnixMicro()}, &c, &g, &b)
	})
	rep.AtMostBeside("KPI overview, 16 indicators x 12 months, any filter", l, base, 50*time.Millisecond,
		"baseline: one number of it (SSAT over 12 months) by a plain aggregate over the tickets")
	// An indicator's page: its series, the overview it is read beside (value,
	// target, status) and the drill-down to the tickets of the latest period,
	// as ui_kpi.go asks for them, cycling through the indicators and filters.
	fmt.Fprintln(log, "measuring: KPI indicator pages (series, value, drill-down; each indicator and filter)")
	names := []string{"ssat", "sla_achievement", "time_to_resolve_median", "time_to_resolve_p90", "customer_wait_time_ratio", "tickets_solved"}
	li := bench.RunLatency(ctx, o.samples, 10, func(ctx context.Context, i int) error {
		q := kpi.Query{Period: kpi.Month, At: now, Periods: 12, Filter: filters[i%len(filters)]}
		if _, _, _, err := s.Page(ctx, names[i%len(names)], q); err != nil {
			return err
		}
		spans := q.Spans()
		_, err := s.Tickets(ctx, spans[len(spans)-1], q.Filter, 100)
		return err
	})
	rep.AtMostBeside("KPI indicator page (series, value, 100 tickets behind it), any filter", li, base, 50*time.Millisecond,
		"baseline: one number of it (SSAT over 12 months) by a plain aggregate over the tickets")
	fmt.Fprintln(log, "measuring: 12-month capacity forecast and plan")
	in, err := s.CapacityInput(ctx, now, nil)
	if err != nil {
		return err
	}
	p := capacity.DefaultParams()
	lf := bench.RunLatency(ctx, 20, 2, func(ctx context.Context, i int) error {
		capacity.Build(in, p)
		return nil
	})
	rep.AtMost(fmt.Sprintf("12-month forecast and plan, %d regions", len(in.Weekly)), lf, 100*time.Millisecond,
		"Holt-Winters model choice by backtest per region, staffing, supply, proposals")
	return nil
}
