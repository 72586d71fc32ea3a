package incident

// Restricted emergencies (ADR 0019). An incident opened by a customer
// emergency belongs to its ticket's brand: whoever that brand is hidden
// from does not see it in any list (the incidents page, "on call now",
// the PagerDuty incidents and log entries). Lists take the hidden brands
// from the context (ScopeReads, installed by the web server); an incident
// addressed by id is refused by the web server's partition guard, which
// asks TicketOf. Jobs see every incident: a restricted emergency still
// pages its cleared engineers.

import (
	"context"
	"strconv"
	"strings"
)

// PartitionOf returns the brands hidden from the caller of ctx.
type PartitionOf func(ctx context.Context) ([]int64, error)

// ScopeReads makes List and LogEntries leave out the incidents of the
// brands p hides.
func (s *Store) ScopeReads(p PartitionOf) { s.partition = p }

func (s *Store) hiddenBrands(ctx context.Context) ([]int64, error) {
	if s.partition == nil {
		return nil, nil
	}
	return s.partition(ctx)
}

// hiddenSQL is the condition leaving out the incidents whose ticket is in
// one of the brands (ids are numbers: no parameter needed), or "".
func hiddenSQL(hidden []int64) string {
	if len(hidden) == 0 {
		return ""
	}
	parts := make([]string, len(hidden))
	for i, b := range hidden {
		parts[i] = strconv.FormatInt(b, 10)
	}
	return "(i.ticket_id IS NULL OR i.ticket_id NOT IN (SELECT t.id FROM tickets t WHERE t.brand_id IN (" + strings.Join(parts, ", ") + ")))"
}

// TicketOf is the ticket an incident was opened for (0 when none): the
// partition guard's question.
func (s *Store) TicketOf(ctx context.Context, id int64) (int64, error) {
	inc, err := s.Get(ctx, id)
	if err != nil {
		return 0, err
	}
	if inc.TicketID == nil {
		return 0, nil
	}
	return *inc.TicketID, nil
}
