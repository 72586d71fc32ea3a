package web

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Where a request comes from and which address answers it. Links in API
// responses (url, next_page, Location) use Deps.BaseURL when set, else the
// address this server really listens on (the connection's local address,
// from --http) — never the request's Host header, which the client chooses.
// Only a peer in Deps.TrustedProxies may name the public scheme and host
// (X-Forwarded-Proto, X-Forwarded-Host) and the client's address
// (X-Forwarded-For); from anyone else those headers are ignored.

// origin is what the origin middleware learned about a request.
type origin struct {
	clientIP string // the client's address (behind a trusted proxy, the forwarded one)
	scheme   string // http or https, as the client sees this server
	host     string // host[:port] of this server, as the client should address it
}

const originKey ctxKey = 2

// origins resolves every request's origin once, before anything logs or
// answers it.
func (s *Server) origins(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o := s.resolveOrigin(r)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), originKey, o)))
	})
}

func (s *Server) resolveOrigin(r *http.Request) *origin {
	o := &origin{clientIP: peerHost(r.RemoteAddr), scheme: "http", host: "localhost"}
	if r.TLS != nil {
		o.scheme = "https"
	}
	if la, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok && la != nil {
		o.host = la.String()
	}
	peer, err := netip.ParseAddr(o.clientIP)
	if err != nil || !s.trustedProxy(peer) {
		return o
	}
	if proto := firstValue(r.Header.Get("X-Forwarded-Proto")); proto == "http" || proto == "https" {
		o.scheme = proto
	}
	if h := firstValue(r.Header.Get("X-Forwarded-Host")); validHost(h) {
		o.host = h
	}
	// X-Forwarded-For lists the client, then each proxy it passed; the
	// client is the right-most address that is not one of our proxies.
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseHop(hops[i])
		if !ok {
			break
		}
		o.clientIP = a.String()
		if !s.trustedProxy(a) {
			break
		}
	}
	return o
}

func (s *Server) trustedProxy(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range s.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// peerHost is the address part of a RemoteAddr.
func peerHost(remote string) string {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		return remote
	}
	return host
}

// parseHop reads one X-Forwarded-For entry: an address, possibly with a port.
func parseHop(v string) (netip.Addr, bool) {
	v = strings.TrimSpace(v)
	if a, err := netip.ParseAddr(v); err == nil {
		return a.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(v); err == nil {
		return ap.Addr().Unmap(), true
	}
	return netip.Addr{}, false
}

func firstValue(v string) string {
	v, _, _ = strings.Cut(v, ",")
	return strings.ToLower(strings.TrimSpace(v))
}

// validHost accepts a DNS name or IP address with an optional port, nothing
// that could carry a path, credentials or markup into a URL.
func validHost(h string) bool {
	if h == "" || len(h) > 255 {
		return false
	}
	name, port := h, ""
	if strings.HasPrefix(h, "[") { // [IPv6]:port
		end := strings.IndexByte(h, ']')
		if end < 0 {
			return false
		}
		if _, err := netip.ParseAddr(h[1:end]); err != nil {
			return false
		}
		name, port = "", strings.TrimPrefix(h[end+1:], ":")
		if h[end+1:] != "" && !strings.HasPrefix(h[end+1:], ":") {
			return false
		}
	} else if i := strings.LastIndexByte(h, ':'); i >= 0 {
		name, port = h[:i], h[i+1:]
		if h[i+1:] == "" {
			return false
		}
	}
	for _, c := range port {
		if c < '0' || c > '9' {
			return false
		}
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

func originOf(r *http.Request) *origin {
	if o, ok := r.Context().Value(originKey).(*origin); ok {
		return o
	}
	return nil
}

// clientIP is the address of the client behind the request.
func clientIP(r *http.Request) string {
	if o := originOf(r); o != nil {
		return o.clientIP
	}
	return peerHost(r.RemoteAddr)
}

// secure reports whether the client reached us over HTTPS (directly or
// through a trusted proxy that says so).
func secure(r *http.Request) bool {
	if o := originOf(r); o != nil {
		return o.scheme == "https"
	}
	return r.TLS != nil
}

// baseURL is the absolute URL prefix of links in responses.
func (s *Server) baseURL(r *http.Request) string {
	if s.BaseURL != "" {
		return s.BaseURL
	}
	o := originOf(r)
	if o == nil {
		o = s.resolveOrigin(r)
	}
	return o.scheme + "://" + o.host
}
