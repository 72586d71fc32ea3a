package web

// Adapters from the rules and SLA modules to the UI's extension points.
// Wiring (internal/app) passes Views: web.RulesViews(rules) and
// Macros: web.RulesMacros(rules); SLA badges come from Deps.SLAService
// (api_sla.go).

import (
	"context"
	"strconv"
	"strings"

	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/rules"
	"github.com/frontline/frontline/internal/rules/rulestore"
	"github.com/frontline/frontline/internal/ticket"
)

// RulesMacros lists the rules store's active macros (the UI filters them by
// restriction for each agent).
func RulesMacros(s *rulestore.Store) MacroSource {
	return MacrosFunc(func(ctx context.Context) ([]rules.Macro, error) { return s.ListMacros(ctx, true, nil) })
}

// RulesViews exposes the rules store's saved views (personal, group and
// shared, as visible to the agent) in the sidebar under keys "v<id>". A
// view keeps its own sort order.
func RulesViews(s *rulestore.Store) ViewSource { return rulesViews{s} }

type rulesViews struct{ s *rulestore.Store }

func (r rulesViews) viewer(ctx context.Context, viewerID int64) (*rulestore.Viewer, error) {
	return r.s.ViewerFor(ctx, viewerID, false)
}

func (r rulesViews) TicketViews(ctx context.Context, viewerID int64) ([]TicketView, error) {
	v, err := r.viewer(ctx, viewerID)
	if err != nil {
		return nil, err
	}
	vs, err := r.s.ListViews(ctx, true, v)
	if err != nil {
		return nil, err
	}
	out := make([]TicketView, 0, len(vs))
	for _, x := range vs {
		out = append(out, TicketView{Key: "v" + strconv.FormatInt(x.ID, 10), Title: x.Title})
	}
	return out, nil
}

func (r rulesViews) view(ctx context.Context, viewerID int64, key string) (rules.View, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(key, "v"), 10, 64)
	if err != nil || !strings.HasPrefix(key, "v") {
		return rules.View{}, errs.NotFound("view")
	}
	v, err := r.viewer(ctx, viewerID)
	if err != nil {
		return rules.View{}, err
	}
	return r.s.GetView(ctx, id, v)
}

func (r rulesViews) ViewCount(ctx context.Context, viewerID int64, key string) (int, error) {
	v, err := r.view(ctx, viewerID, key)
	if err != nil {
		return 0, err
	}
	return r.s.CountView(ctx, v, viewerID)
}

func (r rulesViews) ViewTickets(ctx context.Context, viewerID int64, key string, q ViewQuery) ([]ticket.Ticket, error) {
	v, err := r.view(ctx, viewerID, key)
	if err != nil {
		return nil, err
	}
	ts, _, err := r.s.ViewTickets(ctx, v, viewerID, rulestore.ViewPage{Offset: q.Offset, Limit: q.Limit})
	return ts, err
}
