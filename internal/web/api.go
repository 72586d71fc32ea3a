package web

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
)

// --- request decoding ------------------------------------------------------------

// decodeBody reads a Zendesk-style JSON envelope {"<key>": {...}} into dst.
// Malformed JSON is a 400; a field of the wrong type is a 422 naming it, and
// so is a string that is not storable text (checkJSONText); unknown fields
// are ignored, as Zendesk does, so clients may send back what
// they read.
func decodeBody(r *http.Request, key string, dst any) error {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return bodyError(err)
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return errs.BadRequest("request body is empty; expected a JSON object with %q", key)
	}
	var env map[string]json.RawMessage
	if err := json.Unmarshal(body, &env); err != nil {
		return jsonError(err, "")
	}
	raw, ok := env[key]
	if !ok || string(raw) == "null" {
		return errs.BadRequest("request body must be a JSON object with a %q object", key)
	}
	if err := checkJSONText(raw, ""); err != nil {
		return err
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return jsonError(err, key)
	}
	return nil
}

func jsonError(err error, key string) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			field = key
		}
		return errs.Invalid(field, fmt.Sprintf("must be %s, not %s", jsonType(te.Type.Kind().String()), te.Value))
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return errs.BadRequest("malformed JSON at byte %d: %v", se.Offset, err)
	}
	return errs.BadRequest("malformed JSON: %v", err)
}

func jsonType(kind string) string {
	switch kind {
	case "int", "int64", "int32", "uint", "uint64", "float64":
		return "a number"
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice":
		return "an array"
	case "struct", "map":
		return "an object"
	}
	return "of another type"
}

func pathID(r *http.Request, name, what string) (int64, error) {
	v, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || v <= 0 {
		return 0, errs.NotFound(what)
	}
	return v, nil
}

// parseIDs reads a comma-separated id list (show_many's ?ids=1,2,3), at most 100.
func parseIDs(v string) ([]int64, error) {
	var out []int64
	for _, s := range strings.Split(v, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, errs.BadRequest("ids: %q is not a number", s)
		}
		out = append(out, n)
	}
	if len(out) == 0 {
		return nil, errs.BadRequest("ids: give a comma-separated list of ids")
	}
	if len(out) > 100 {
		return nil, errs.BadRequest("ids: at most 100 ids per request")
	}
	return out, nil
}

// --- pagination ------------------------------------------------------------------

// pageReq is a parsed pagination request: cursor (page[size], page[after])
// or offset (page, per_page), as Zendesk offers both on every list.
type pageReq struct {
	cursor  bool
	size    int   // cursor page size
	afterID int64 // decoded page[after]
	page    int   // offset page, from 1
	perPage int
}

// encodeOpaque/decodeOpaque wrap a cursor's text so clients treat it as opaque.
func encodeOpaque(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func decodeOpaque(c string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	return string(b), err
}

// encodeCursor/decodeCursor make opaque cursors from keyset positions.
func encodeCursor(id int64) string { return encodeOpaque("id:" + strconv.FormatInt(id, 10)) }

func decodeCursor(c string) (int64, error) {
	b, err := decodeOpaque(c)
	if err != nil {
		return 0, errs.BadRequest("page[after]: invalid cursor")
	}
	v, ok := strings.CutPrefix(b, "id:")
	n, err := strconv.ParseInt(v, 10, 64)
	if !ok || err != nil || n < 0 {
		return 0, errs.BadRequest("page[after]: invalid cursor")
	}
	return n, nil
}

// pageSize reads page[size]: 1 to 100, 100 when not given.
func pageSize(q url.Values) (int, error) {
	v := q.Get("page[size]")
	if v == "" {
		return 100, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 100 {
		return 0, errs.BadRequest("page[size]: must be a number from 1 to 100")
	}
	return n, nil
}

func parsePage(r *http.Request) (pageReq, error) {
	q := r.URL.Query()
	p := pageReq{page: 1, perPage: 100, size: 100}
	if q.Get("page[size]") != "" || q.Has("page[after]") {
		p.cursor = true
		n, err := pageSize(q)
		if err != nil {
			return p, err
		}
		p.size = n
		if c := q.Get("page[after]"); c != "" {
			id, err := decodeCursor(c)
			if err != nil {
				return p, err
			}
			p.afterID = id
		}
		return p, nil
	}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return p, errs.BadRequest("page: must be a positive number")
		}
		p.page = n
	}
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return p, errs.BadRequest("per_page: must be a number from 1 to 100")
		}
		p.perPage = n
	}
	if p.page > 100000 {
		return p, errs.BadRequest("page: too deep; use cursor pagination (page[size], page[after])")
	}
	return p, nil
}

// store returns the page to ask a store for: one extra row in cursor mode to
// learn whether more follow.
func (p pageReq) store() people.Page {
	if p.cursor {
		return people.Page{AfterID: p.afterID, Limit: p.size + 1}
	}
	return people.Page{Offset: (p.page - 1) * p.perPage, Limit: p.perPage}
}

// pageURL is the request's URL with query parameters replaced.
func (s *Server) pageURL(r *http.Request, set map[string]string, drop ...string) string {
	q := r.URL.Query()
	for _, k := range drop {
		q.Del(k)
	}
	for k, v := range set {
		q.Set(k, v)
	}
	path := r.URL.Path
	if !strings.HasSuffix(path, ".json") {
		path += ".json"
	}
	u := url.URL{Path: path, RawQuery: q.Encode()}
	return s.baseURL(r) + u.String()
}

// listBody builds a Zendesk list response for items fetched with p.store().
func listBody[T any](s *Server, r *http.Request, key string, p pageReq, items []T, idOf func(T) int64, count func() (int, error)) (map[string]any, error) {
	body := map[string]any{}
	if p.cursor {
		more := len(items) > p.size
		if more {
			items = items[:p.size]
		}
		meta := map[string]any{"has_more": more, "after_cursor": nil, "before_cursor": nil}
		links := map[string]any{"next": nil, "prev": nil}
		if len(items) > 0 {
			meta["after_cursor"] = encodeCursor(idOf(items[len(items)-1]))
			meta["before_cursor"] = encodeCursor(idOf(items[0]))
		}
		if more {
			links["next"] = s.pageURL(r, map[string]string{"page[after]": meta["after_cursor"].(string), "page[size]": strconv.Itoa(p.size)}, "page", "per_page")
		}
		body[key], body["meta"], body["links"] = items, meta, links
		return body, nil
	}
	n, err := count()
	if err != nil {
		return nil, err
	}
	body[key], body["count"], body["next_page"], body["previous_page"] = items, n, nil, nil
	if p.page*p.perPage < n {
		body["next_page"] = s.pageURL(r, map[string]string{"page": strconv.Itoa(p.page + 1), "per_page": strconv.Itoa(p.perPage)})
	}
	if p.page > 1 {
		body["previous_page"] = s.pageURL(r, map[string]string{"page": strconv.Itoa(p.page - 1), "per_page": strconv.Itoa(p.perPage)})
	}
	return body, nil
}

// toMap turns a JSON-serialisable record into a map (to add fields such as
// result_type).
func toMap(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	err = json.Unmarshal(b, &m)
	return m, err
}
