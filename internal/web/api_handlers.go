package web

import (
	"context"
	"net/http"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/people"
)

// Small helpers shared by the REST handlers: the caller as an audit actor,
// Zendesk's response envelopes, store-paged lists and the show / create /
// update / delete routes of records kept under one id.

// actor is the request's caller as recorded in the audit log.
func actor(r *http.Request) audit.Actor {
	return PrincipalFrom(r.Context()).Actor(clientIP(r))
}

// writeRecord writes the Zendesk envelope {key: v} with status.
func writeRecord(w http.ResponseWriter, status int, key string, v any) error {
	writeJSON(w, status, map[string]any{key: v})
	return nil
}

// writeNoContent answers 204 No Content.
func writeNoContent(w http.ResponseWriter) error {
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// writeBody writes a list body (from listBody and the like) with 200, or
// returns the error building it.
func writeBody(w http.ResponseWriter, body map[string]any, err error) error {
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

// writeAll writes a whole, unpaged list in Zendesk's offset shape.
func writeAll[T any](w http.ResponseWriter, key string, items []T) error {
	writeJSON(w, http.StatusOK, map[string]any{key: items, "count": len(items), "next_page": nil, "previous_page": nil})
	return nil
}

// listPaged answers a Zendesk list of records that a store pages. page
// points at f's Page field: list gets f with the requested page, count (in
// offset mode) f without one; view shapes the rows; side, when set, adds
// the side-loads of the page's items to the body.
func listPaged[F, T, V any](s *Server, w http.ResponseWriter, r *http.Request, key string, f *F, page *people.Page,
	list func(context.Context, F) ([]T, error), count func(context.Context, F) (int, error),
	view func(*http.Request, []T) []V, idOf func(V) int64, side func(body map[string]any, items []V) error) error {
	p, err := parsePage(r)
	if err != nil {
		return err
	}
	*page = p.store()
	items, err := list(r.Context(), *f)
	if err != nil {
		return err
	}
	body, err := listBody(s, r, key, p, view(r, items), idOf,
		func() (int, error) { *page = people.Page{}; return count(r.Context(), *f) })
	if err == nil && side != nil {
		err = side(body, body[key].([]V))
	}
	return writeBody(w, body, err)
}

// viewAll shapes each record with view.
func viewAll[T, V any](r *http.Request, items []T, view func(*http.Request, T) V) []V {
	out := make([]V, len(items))
	for i, v := range items {
		out[i] = view(r, v)
	}
	return out
}

// asStored is the view of a record written as stored.
func asStored[T any](_ *http.Request, v T) T { return v }

// recordAPI serves the show, create, update and delete routes of a record
// kept under one id in Zendesk's shapes: GET {key: view(record)}, POST a
// {key: In} envelope (201), PUT one (200), DELETE (204). Only the routes
// whose funcs are set may be registered.
type recordAPI[In, T, V any] struct {
	key    string // envelope key: "organization"
	param  string // path value of the id; "id" when empty
	what   string // what a bad id is not found as; key when empty
	get    func(ctx context.Context, id int64) (*T, error)
	create func(ctx context.Context, a audit.Actor, in In) (*T, error)
	update func(ctx context.Context, a audit.Actor, id int64, in In) (*T, error)
	del    func(ctx context.Context, a audit.Actor, id int64) error
	view   func(r *http.Request, v T) V
}

func (a recordAPI[In, T, V]) id(r *http.Request) (int64, error) {
	param, what := a.param, a.what
	if param == "" {
		param = "id"
	}
	if what == "" {
		what = a.key
	}
	return pathID(r, param, what)
}

func (a recordAPI[In, T, V]) write(w http.ResponseWriter, r *http.Request, status int, v *T) error {
	return writeRecord(w, status, a.key, a.view(r, *v))
}

func (a recordAPI[In, T, V]) show(w http.ResponseWriter, r *http.Request) error {
	id, err := a.id(r)
	if err != nil {
		return err
	}
	v, err := a.get(r.Context(), id)
	if err != nil {
		return err
	}
	return a.write(w, r, http.StatusOK, v)
}

func (a recordAPI[In, T, V]) createOne(w http.ResponseWriter, r *http.Request) error {
	var in In
	if err := decodeBody(r, a.key, &in); err != nil {
		return err
	}
	v, err := a.create(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	return a.write(w, r, http.StatusCreated, v)
}

func (a recordAPI[In, T, V]) updateOne(w http.ResponseWriter, r *http.Request) error {
	id, err := a.id(r)
	if err != nil {
		return err
	}
	var in In
	if err := decodeBody(r, a.key, &in); err != nil {
		return err
	}
	v, err := a.update(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	return a.write(w, r, http.StatusOK, v)
}

func (a recordAPI[In, T, V]) deleteOne(w http.ResponseWriter, r *http.Request) error {
	id, err := a.id(r)
	if err != nil {
		return err
	}
	if err := a.del(r.Context(), actor(r), id); err != nil {
		return err
	}
	return writeNoContent(w)
}
