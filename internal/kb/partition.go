package kb

// Help Center content per brand, and restricted brands (issue 21, ADR
// 0019). A category belongs to a brand, its sections and articles with it.
// A reader reads one brand's Help Center (Viewer.Brand: the brand whose
// address the request came to) or, in staff tools, every brand's. The
// content of a restricted brand exists only for those cleared for it:
// every read and every write takes the hidden brands from the context
// (ScopeReads, installed by the web server) beside Viewer.Hidden, so an
// outsider's id of a restricted article, section or category is not found,
// and lists, labels, search and suggestions leave it out. Outside a
// request (jobs, the demo) nothing is hidden.

import (
	"context"
	"slices"
)

// PartitionOf returns the brands hidden from the caller of ctx.
type PartitionOf func(ctx context.Context) ([]int64, error)

// ScopeReads makes every read and write leave out the brands p hides.
func (s *Store) ScopeReads(p PartitionOf) { s.partition = p }

// scoped is v with the context's hidden brands added.
func (s *Store) scoped(ctx context.Context, v Viewer) (Viewer, error) {
	if s.partition == nil {
		return v, nil
	}
	hidden, err := s.partition(ctx)
	if err != nil || len(hidden) == 0 {
		return v, err
	}
	out := v
	out.Hidden = slices.Clone(v.Hidden)
	for _, b := range hidden {
		if !slices.Contains(out.Hidden, b) {
			out.Hidden = append(out.Hidden, b)
		}
	}
	return out, nil
}
