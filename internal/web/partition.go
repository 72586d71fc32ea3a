package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/brand"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/kb"
	"github.com/frontline/frontline/internal/ticket"
)

// Restricted partitions in the web layer (docs/adr/0019-restricted-partitions.md).
// The caller's brand.Scope is read once per request, fresh from the
// database (never from the session: losing the attribute revokes access on
// the next request), and applied in two ways:
//   - partitionGuard: every route addressing a ticket, user, organization,
//     attachment or satisfaction rating by id answers 404 when the object's
//     brand is hidden from the caller (reads and writes alike), and audits
//     an insider's read;
//   - list paths pass Scope.Hidden to the store (brand.VisibleSQL) or drop
//     hidden rows with Scope.Sees.

const scopeKey ctxKey = 3

type scopeMemo struct {
	once sync.Once
	sc   brand.Scope
	err  error
}

// withScopeMemo prepares the request's scope memo (filled on first use).
func withScopeMemo(r *http.Request) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), scopeKey, &scopeMemo{}))
}

// scopeOfCtx returns the caller's partition scope for this request.
func (s *Server) scopeOfCtx(ctx context.Context) (brand.Scope, error) {
	var uid int64
	if p := PrincipalFrom(ctx); p != nil {
		uid = p.UserID
	}
	if s.Brands == nil {
		return brand.Scope{UserID: uid}, nil
	}
	m, _ := ctx.Value(scopeKey).(*scopeMemo)
	if m == nil {
		return s.Brands.Scope(ctx, uid)
	}
	m.once.Do(func() { m.sc, m.err = s.Brands.Scope(ctx, uid) })
	return m.sc, m.err
}

// listPartition is the ticket store's PartitionOf: the hidden brands of
// the request's caller, nil outside a request.
func (s *Server) listPartition(ctx context.Context) ([]int64, error) {
	if _, ok := ctx.Value(scopeKey).(*scopeMemo); !ok {
		return nil, nil
	}
	sc, err := s.scopeOfCtx(ctx)
	return sc.Hidden, err
}

func (s *Server) partitionScope(r *http.Request) (brand.Scope, error) {
	return s.scopeOfCtx(r.Context())
}

// hiddenBrands is the caller's Scope.Hidden (for store filters).
func (s *Server) hiddenBrands(r *http.Request) ([]int64, error) {
	sc, err := s.partitionScope(r)
	return sc.Hidden, err
}

// guardedObject names the object a route addresses by a path parameter.
type guardedObject struct {
	prefix string // pattern path prefix up to and including the parameter
	param  string
	what   string // ticket, user, organization, attachment, satisfaction_rating
}

var partitionGuards = []guardedObject{
	{"/api/v2/tickets/{id}", "id", "ticket"},
	{"/api/v2/tickets/{ticket_id}", "ticket_id", "ticket"},
	{"/api/v2/requests/{id}", "id", "ticket"},
	{"/agent/tickets/{id}", "id", "ticket"},
	{"/portal/tickets/{id}", "id", "ticket"},
	{"/api/v2/users/{id}", "id", "user"},
	{"/admin/users/{id}", "id", "user"},
	{"/agent/users/{id}", "id", "user"},
	{"/agent/organizations/{id}", "id", "organization"},
	{"/admin/organizations/{id}", "id", "organization"},
	{"/api/v2/team/members/{id}", "id", "user"},
	{"/team/members/{id}", "id", "user"},
	{"/api/v2/organizations/{id}", "id", "organization"},
	{"/api/v2/ase/accounts/{org_id}", "org_id", "organization"},
	{"/ase/accounts/{org_id}", "org_id", "organization"},
	{"/api/v2/attachments/{id}", "id", "attachment"},
	{"/attachments/{id}", "id", "attachment"},
	{"/thumbnails/{id}", "id", "attachment"},
	{"/api/v2/satisfaction_ratings/{id}", "id", "satisfaction_rating"},
	{"/api/v2/deleted_tickets/{id}", "id", "deleted_ticket"},
	{"/incidents/{id}", "id", "incident"},
	{"/pagerduty/incidents/{id}", "id", "incident"},
}

// guardOf returns the guard of a route pattern ("GET /api/v2/tickets/{id}/tags"), if any.
func guardOf(pattern string) (guardedObject, bool) {
	path := pattern
	if i := strings.IndexByte(pattern, ' '); i >= 0 {
		path = pattern[i+1:]
	}
	for _, g := range partitionGuards {
		if path == g.prefix || strings.HasPrefix(path, g.prefix+"/") {
			return g, true
		}
	}
	return guardedObject{}, false
}

// partitionGuard answers 404 for a route addressing an object of a brand
// hidden from the caller, and audits an insider's read of a restricted one.
func (s *Server) partitionGuard(r *http.Request, g guardedObject) error {
	id, err := strconv.ParseInt(r.PathValue(g.param), 10, 64)
	if err != nil || id <= 0 {
		return nil // the handler refuses the malformed id
	}
	sc, err := s.partitionScope(r)
	if err != nil {
		return err
	}
	if len(sc.Hidden) == 0 && len(sc.Inside) == 0 {
		return nil // no restricted brand
	}
	what, oid := g.what, id
	switch g.what {
	case "attachment":
		a, err := s.Tickets.GetAttachment(r.Context(), id)
		if err != nil || a.TicketID == nil {
			return nil // the handler answers (uploads without a ticket are the uploader's)
		}
		what, oid = "ticket", *a.TicketID
	case "satisfaction_rating":
		x, err := s.Satisfaction.Get(r.Context(), id)
		if err != nil {
			return nil
		}
		what, oid = "ticket", x.TicketID
	case "incident": // an emergency is its ticket's brand's; others are everyone's
		tid, err := s.Incidents.TicketOf(r.Context(), id)
		if err != nil || tid == 0 {
			return nil
		}
		what, oid = "ticket", tid
	}
	b, err := s.Brands.BrandOf(r.Context(), what, oid)
	if errs.Is(err, errs.KindNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if !sc.Sees(b) {
		return errs.NotFound(strings.ReplaceAll(g.what, "_", " "))
	}
	if sc.Audited(b) && r.Method == http.MethodGet {
		return s.Brands.RecordRead(r.Context(), sc, clientIP(r), r.Pattern, what, []int64{oid})
	}
	return nil
}

// auditTicketReads records an insider's read of the restricted tickets of a list.
func (s *Server) auditTicketReads(r *http.Request, ts []ticket.Ticket) error {
	sc, err := s.partitionScope(r)
	if err != nil || len(sc.Inside) == 0 {
		return err
	}
	var ids []int64
	for _, t := range ts {
		if sc.Audited(t.BrandID) {
			ids = append(ids, t.ID)
		}
	}
	return s.Brands.RecordRead(r.Context(), sc, clientIP(r), r.Pattern, "ticket", ids)
}

// auditArticleReads records an insider's read of a restricted brand's Help
// Center articles (a page, an API answer, search results, suggestions).
func (s *Server) auditArticleReads(r *http.Request, as ...kb.Article) error {
	sc, err := s.partitionScope(r)
	if err != nil || len(sc.Inside) == 0 {
		return err
	}
	var ids []int64
	for _, a := range as {
		if sc.Audited(a.BrandID) {
			ids = append(ids, a.ID)
		}
	}
	return s.Brands.RecordRead(r.Context(), sc, clientIP(r), r.Pattern, "kb_article", ids)
}

// auditResultReads is auditArticleReads of search results.
func (s *Server) auditResultReads(r *http.Request, res []kb.Result) error {
	as := make([]kb.Article, len(res))
	for i, x := range res {
		as[i] = x.Article
	}
	return s.auditArticleReads(r, as...)
}

// visibleTickets drops the tickets of hidden brands.
func (s *Server) visibleTickets(r *http.Request, ts []ticket.Ticket) ([]ticket.Ticket, error) {
	sc, err := s.partitionScope(r)
	if err != nil {
		return nil, err
	}
	if len(sc.Hidden) == 0 {
		return ts, nil
	}
	return slices.DeleteFunc(ts, func(t ticket.Ticket) bool { return !sc.Sees(t.BrandID) }), nil
}

// visibleIDs keeps the ids of the tickets, users or organizations (what)
// whose brand the caller sees.
func (s *Server) visibleIDs(ctx context.Context, what string, ids []int64) ([]int64, error) {
	sc, err := s.scopeOfCtx(ctx)
	if err != nil || len(sc.Hidden) == 0 {
		return ids, err
	}
	brands, err := s.Brands.BrandsOf(ctx, what, ids)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(slices.Clone(ids), func(id int64) bool { b, ok := brands[id]; return ok && !sc.Sees(b) }), nil
}

// visibleAuditEntries drops the audit entries about tickets, users and
// organizations of brands hidden from the caller, and the restricted-read
// entries (which name restricted ids) unless the caller is inside a
// restricted brand.
func (s *Server) visibleAuditEntries(r *http.Request, entries []audit.Entry) ([]audit.Entry, error) {
	sc, err := s.partitionScope(r)
	if err != nil || len(sc.Hidden) == 0 {
		return entries, err
	}
	brands := map[string]map[int64]int64{}
	out := entries[:0:0]
	for _, e := range entries {
		if e.Action == "restricted.read" {
			continue
		}
		switch e.ObjectType {
		case "ticket", "user", "organization", "kb_category", "kb_section", "kb_article":
			if e.ObjectID == 0 {
				break
			}
			m := brands[e.ObjectType]
			if m == nil {
				m = map[int64]int64{}
				brands[e.ObjectType] = m
			}
			b, ok := m[e.ObjectID]
			if !ok {
				b, err = s.Brands.BrandOf(r.Context(), e.ObjectType, e.ObjectID)
				if errs.Is(err, errs.KindNotFound) {
					b, err = 0, nil
					if strings.HasPrefix(e.ObjectType, "kb_") && len(sc.Hidden) > 0 {
						// Deleted Help Center content keeps no brand: its
						// entries are left to those who see every brand.
						b = sc.Hidden[0]
					}
				}
				if err != nil {
					return nil, err
				}
				m[e.ObjectID] = b
			}
			if !sc.Sees(b) {
				continue
			}
		case "brand":
			if !sc.Sees(e.ObjectID) {
				continue
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// visibleRecords drops the users or organizations (what) of hidden brands.
func visibleRecords[T any](s *Server, r *http.Request, what string, items []T, idOf func(T) int64) ([]T, error) {
	ids := make([]int64, len(items))
	for i, x := range items {
		ids[i] = idOf(x)
	}
	keep, err := s.visibleIDs(r.Context(), what, ids)
	if err != nil || len(keep) == len(ids) {
		return items, err
	}
	return slices.DeleteFunc(items, func(x T) bool { return !slices.Contains(keep, idOf(x)) }), nil
}

// stillSees re-reads the viewer's scope (not the request's memo) for a
// long-lived response such as an SSE stream; an error counts as no.
func (s *Server) stillSees(ctx context.Context, userID, brandID int64) bool {
	sc, err := s.Brands.Scope(ctx, userID)
	return err == nil && sc.Sees(brandID)
}
