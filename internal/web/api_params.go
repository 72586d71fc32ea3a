package web

import (
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/frontline/frontline/internal/errs"
)

// Query parameters of the API are never ignored: each route's apiDoc lists
// the parameters it honours (its filters, sorts, side-loads and pagination
// style), and checkQuery refuses anything else with a 400 naming it, before
// the handler runs. The same lists feed the OpenAPI document.

// paging says which pagination parameters a route reads.
type paging int

const (
	pagedNone   paging = iota // no pagination (a whole list or one record)
	pagedBoth                 // offset (page, per_page) and cursor (page[size], page[after])
	pagedCursor               // cursor only
	pagedOffset               // offset only
)

func (p paging) params() []string {
	switch p {
	case pagedBoth:
		return []string{"page", "per_page", "page[size]", "page[after]"}
	case pagedCursor:
		return []string{"page[size]", "page[after]"}
	case pagedOffset:
		return []string{"page", "per_page"}
	}
	return nil
}

// pagingOf is a route's pagination: explicit, else both styles for a list.
func (d apiDoc) pagingOf() paging {
	if d.paging != pagedNone {
		return d.paging
	}
	if d.list {
		return pagedBoth
	}
	return pagedNone
}

// allowedParams is every query parameter the route honours.
func (d apiDoc) allowedParams() []string {
	out := append(slices.Clone(d.query), d.pagingOf().params()...)
	if len(d.sortBy) > 0 {
		out = append(out, "sort_by", "sort_order")
	}
	if len(d.sort) > 0 {
		out = append(out, "sort")
		if !slices.Contains(out, "sort_order") {
			out = append(out, "sort_order")
		}
	}
	if len(d.include) > 0 {
		out = append(out, "include")
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// checkQuery refuses a query parameter the route does not honour, one given
// twice (unless its name ends in [] as Zendesk's arrays do), an invalid
// sort_order, sort_by, sort or side-load, and side-loads of staff records by
// customers.
func (d apiDoc) checkQuery(r *http.Request, staff bool) error {
	q := r.URL.Query()
	if len(q) == 0 {
		return nil
	}
	allowed := d.allowedParams()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !slices.Contains(allowed, k) {
			if len(allowed) == 0 {
				return errs.BadRequest("%s: unsupported parameter; this endpoint takes no query parameters", k)
			}
			return errs.BadRequest("%s: unsupported parameter; this endpoint takes %s", k, strings.Join(allowed, ", "))
		}
		if len(q[k]) > 1 && !strings.HasSuffix(k, "[]") {
			return errs.BadRequest("%s: given more than once", k)
		}
	}
	if v, ok := first(q, "sort_order"); ok && v != "asc" && v != "desc" {
		return errs.BadRequest("sort_order: must be asc or desc, not %q", v)
	}
	if v, ok := first(q, "sort_by"); ok && len(d.sortBy) > 0 && !slices.Contains(d.sortBy, v) {
		return errs.BadRequest("sort_by: must be one of %s, not %q", strings.Join(d.sortBy, ", "), v)
	}
	if v, ok := first(q, "sort"); ok {
		if !slices.Contains(d.sort, strings.TrimPrefix(v, "-")) {
			return errs.BadRequest("sort: must be one of %s (a leading - sorts descending), not %q", strings.Join(d.sort, ", "), v)
		}
		if q.Has("sort_order") {
			return errs.BadRequest("sort_order: not with sort; sort=-%s sorts descending", strings.TrimPrefix(v, "-"))
		}
		if q.Has("sort_by") {
			return errs.BadRequest("sort_by: not with sort; give one of them")
		}
	}
	if len(d.include) > 0 {
		for _, inc := range includeList(q.Get("include")) {
			if !slices.Contains(d.include, inc) {
				return errs.BadRequest("include: %s is not supported here (side-loads: %s)", inc, strings.Join(d.include, ", "))
			}
			if !staff && inc != "comment_count" {
				return errs.Forbidden("include: end-users may not side-load %s", inc)
			}
		}
	}
	return nil
}

// first is the value of a parameter that is present (even empty).
func first(q url.Values, k string) (string, bool) {
	vs, ok := q[k]
	if !ok || len(vs) == 0 {
		return "", false
	}
	return vs[0], true
}

// includeList splits include=a,b into its side-loads.
func includeList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// includes is the set of side-loads a request asks for (validated by
// checkQuery against the route's apiDoc).
func includes(r *http.Request) map[string]bool {
	out := map[string]bool{}
	for _, s := range includeList(r.URL.Query().Get("include")) {
		out[s] = true
	}
	return out
}
