package web

// Brand addresses (issue 21, ADR 0019): each brand has its own portal and
// Help Center address, as in Zendesk, by one of
//   - its host mapping (help.agency.example: the request's Host is it),
//   - its subdomain (gov.support.example: the Host's first label, when the
//     Host has three labels or more, or is <subdomain>.localhost),
//   - its path (/gov: /gov/hc, /gov/portal... are served as /hc, /portal...
//     for that brand; links in the customer pages and redirects keep the
//     prefix).
// Anything else is the default brand's address. The brand of the address
// chooses the Help Center content shown (kb.Viewer.Brand) and the brand of
// requests filed in the portal; the brand's theme name and name head its
// pages. Routes win over brand paths: a brand path that is also a route's
// first segment (/api, /hc...) is never a brand's.

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"

	"github.com/frontline/frontline/internal/brand"
	"github.com/frontline/frontline/internal/errs"
)

const brandKey ctxKey = 4

// brandMemo is the request's address brand, resolved on first use (most
// requests never ask) or by brandPaths for a brand path.
type brandMemo struct {
	once   sync.Once
	b      *brand.Brand // nil: the default brand (or no brands store)
	prefix string       // the brand path the request came under, "" for none
	err    error
}

// withBrandMemo prepares the request's brand memo unless brandPaths did.
func withBrandMemo(r *http.Request) *http.Request {
	if _, ok := r.Context().Value(brandKey).(*brandMemo); ok {
		return r
	}
	return r.WithContext(context.WithValue(r.Context(), brandKey, &brandMemo{}))
}

// requestBrand is the brand whose address the request came to (nil: the
// default brand's).
func (s *Server) requestBrand(r *http.Request) (*brand.Brand, error) {
	m, _ := r.Context().Value(brandKey).(*brandMemo)
	if m == nil {
		m = &brandMemo{}
	}
	m.once.Do(func() {
		if s.Brands == nil {
			return
		}
		var list []brand.Brand
		if list, m.err = s.Brands.List(r.Context()); m.err == nil {
			m.b = brandOfHost(list, s.addressedHost(r))
		}
	})
	return m.b, m.err
}

// requestBrandID is requestBrand's id (brand.DefaultID for the default address).
func (s *Server) requestBrandID(r *http.Request) (int64, error) {
	b, err := s.requestBrand(r)
	if err != nil || b == nil {
		return brand.DefaultID, err
	}
	return b.ID, nil
}

// brandPrefix is the brand path the request came under ("" for none): the
// customer pages put it before their links.
func brandPrefix(r *http.Request) string {
	if m, ok := r.Context().Value(brandKey).(*brandMemo); ok {
		return m.prefix
	}
	return ""
}

// brandOfHost is the active brand whose host mapping or subdomain host is
// (nil: none, the default brand's address).
func brandOfHost(list []brand.Brand, host string) *brand.Brand {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "" {
		return nil
	}
	for i := range list {
		if b := &list[i]; b.Active && b.HostMapping != nil && *b.HostMapping == host {
			return b
		}
	}
	labels := strings.Split(host, ".")
	if len(labels) < 3 && !(len(labels) == 2 && labels[1] == "localhost") {
		return nil
	}
	for i := range list {
		if b := &list[i]; b.Active && !b.Default && b.Subdomain == labels[0] {
			return b
		}
	}
	return nil
}

// brandOfPath is the active brand whose path the URL path is under, with
// the rest of the path ("/" at least).
func brandOfPath(list []brand.Brand, path string) (*brand.Brand, string) {
	for i := range list {
		b := &list[i]
		p := strings.TrimSuffix(b.Path, "/")
		if !b.Active || p == "" {
			continue
		}
		if path == p {
			return b, "/"
		}
		if rest, ok := strings.CutPrefix(path, p+"/"); ok {
			return b, "/" + rest
		}
	}
	return nil, ""
}

// topSegments are the first path segments of the registered routes: a
// path starting with one is a route's, never a brand's.
func (s *Server) topSegments() map[string]bool {
	out := map[string]bool{}
	for _, rt := range s.routes {
		path := rt.Pattern
		if i := strings.IndexByte(path, ' '); i >= 0 {
			path = path[i+1:]
		}
		seg, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
		out[seg] = true
	}
	return out
}

// brandPaths serves a brand's path: /gov/hc/articles/7 as /hc/articles/7
// for the brand whose path is /gov. Only paths whose first segment is no
// route's are looked up.
func (s *Server) brandPaths(next http.Handler) http.Handler {
	top := s.topSegments()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seg, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		if s.Brands == nil || seg == "" || top[seg] {
			next.ServeHTTP(w, r)
			return
		}
		list, err := s.Brands.List(r.Context())
		if err != nil {
			next.ServeHTTP(w, r)
			return
		}
		b, rest := brandOfPath(list, r.URL.Path)
		if b == nil {
			next.ServeHTTP(w, r)
			return
		}
		m := &brandMemo{b: b, prefix: strings.TrimSuffix(b.Path, "/")}
		m.once.Do(func() {}) // resolved
		r2 := r.Clone(context.WithValue(r.Context(), brandKey, m))
		r2.URL.Path, r2.URL.RawPath = rest, ""
		next.ServeHTTP(&prefixRedirects{ResponseWriter: w, prefix: m.prefix}, r2)
	})
}

// prefixRedirects keeps a brand path in the redirects of the pages served
// under it.
type prefixRedirects struct {
	http.ResponseWriter
	prefix string
}

func (p *prefixRedirects) WriteHeader(code int) {
	if loc := p.Header().Get("Location"); strings.HasPrefix(loc, "/") && !strings.HasPrefix(loc, "//") && !strings.HasPrefix(loc, p.prefix+"/") {
		p.Header().Set("Location", p.prefix+loc)
	}
	p.ResponseWriter.WriteHeader(code)
}

func (p *prefixRedirects) Unwrap() http.ResponseWriter { return p.ResponseWriter }

func (p *prefixRedirects) Flush() {
	if f, ok := p.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// brandBaseURL is the address of brand b's portal and Help Center: its
// host mapping, else this server's address with its path.
func (s *Server) brandBaseURL(r *http.Request, b *brand.Brand) string {
	switch {
	case b.HostMapping != nil && *b.HostMapping != "":
		return "https://" + *b.HostMapping
	case b.Path != "":
		return s.baseURL(r) + strings.TrimSuffix(b.Path, "/")
	}
	return s.baseURL(r)
}

// ticketBrand is the brand of a ticket the caller may see, by its id as
// given in a query (a hidden or missing ticket is not found).
func (s *Server) ticketBrand(r *http.Request, raw string) (*brand.Brand, error) {
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return nil, errs.BadRequest("ticket_id: must be a ticket id")
	}
	t, err := s.Tickets.Get(r.Context(), id)
	if err != nil {
		return nil, err
	}
	sc, err := s.partitionScope(r)
	if err != nil {
		return nil, err
	}
	if !sc.Sees(t.BrandID) {
		return nil, errs.NotFound("ticket")
	}
	return s.Brands.Get(r.Context(), t.BrandID)
}

// seesBrand reports whether a brand's data exists for the caller (a
// restricted brand's is its insiders' and customers').
func (s *Server) seesBrand(r *http.Request, id int64) bool {
	sc, err := s.partitionScope(r)
	return err == nil && sc.Sees(id)
}

// addressedHost is the host the client addressed: the Host header, or the
// X-Forwarded-Host a trusted proxy passed on (origin.go).
func (s *Server) addressedHost(r *http.Request) string {
	if h := firstValue(r.Header.Get("X-Forwarded-Host")); h != "" && validHost(h) {
		if peer, err := netip.ParseAddr(peerHost(r.RemoteAddr)); err == nil && s.trustedProxy(peer) {
			return h
		}
	}
	return r.Host
}
