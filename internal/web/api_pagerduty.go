package web

// PagerDuty REST API v2 plumbing shared by every /pagerduty/ route (the
// on-call schedules of api_oncall.go and the incidents of the incident
// area): the "Authorization: Token token=..." credential, PagerDuty's error
// body {"error":{"message","code","errors"}}, its limit/offset pagination
// (limit, offset, more, total) and its time parameters. Routes under
// /pagerduty/ answer errors in this shape (handleNeeds picks the writer by
// path), so a PagerDuty client (pdjs, Terraform, scripts) parses them.

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/errs"
)

// PagerDutyPrefix is the path every PagerDuty-compatible route lives under.
const PagerDutyPrefix = "/pagerduty/"

// isPagerDutyPath reports whether path is a PagerDuty-compatible route.
func isPagerDutyPath(path string) bool { return strings.HasPrefix(path, PagerDutyPrefix) }

// pagerDutyToken reads the credential of an "Authorization: Token
// token=XYZ" header value (the scheme already cut off): `token=XYZ`,
// `token="XYZ"`, with optional spaces. It is a Frontline API token.
func pagerDutyToken(cred string) (string, bool) {
	cred = strings.TrimSpace(cred)
	name, v, ok := strings.Cut(cred, "=")
	if !ok || !strings.EqualFold(strings.TrimSpace(name), "token") {
		return "", false
	}
	v = strings.TrimSpace(v)
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		v = v[1 : len(v)-1]
	}
	if v == "" || strings.ContainsAny(v, " \t,\"") {
		return "", false
	}
	return v, true
}

// PagerDuty error codes (developer.pagerduty.com, "Errors").
const (
	pdCodeInternal      = 2000
	pdCodeInvalidInput  = 2001
	pdCodeArguments     = 2002
	pdCodeMissing       = 2003
	pdCodeAuthFailed    = 2006
	pdCodeAccessDenied  = 2010
	pdCodeNotFound      = 2100
	pdCodeRateLimited   = 2020
	pdCodeTooLarge      = 2001
	pdCodeConflictInput = 2001
)

// pdErrorBody is PagerDuty's error body.
type pdErrorBody struct {
	Error pdError `json:"error"`
}

type pdError struct {
	Message string   `json:"message"`
	Code    int      `json:"code"`
	Errors  []string `json:"errors,omitempty"`
}

// pagerDutyErrorBody maps a domain error to its status and PagerDuty body.
// Validation problems are listed in errors[] as "<field> <problem>" (the
// rule's own message names the rule).
func pagerDutyErrorBody(err error) (int, pdErrorBody) {
	k := errs.KindOf(err)
	status := statusOf(k)
	var de *errs.Error
	errors.As(err, &de)
	msg := ""
	if de != nil {
		msg = de.Message
	}
	b := pdError{}
	switch k {
	case errs.KindUnauthorized:
		b.Message, b.Code = "Authentication failed", pdCodeAuthFailed
	case errs.KindForbidden:
		b.Message, b.Code = "Access Denied", pdCodeAccessDenied
	case errs.KindNotFound:
		b.Message, b.Code = "Not Found", pdCodeNotFound
	case errs.KindBadRequest:
		b.Message, b.Code = "Invalid Input Provided", pdCodeInvalidInput
		if msg != "" {
			b.Errors = []string{msg}
		}
	case errs.KindInvalid, errs.KindConflict:
		b.Message, b.Code = "Invalid Input Provided", pdCodeInvalidInput
		if de != nil {
			fields := make([]string, 0, len(de.Fields))
			for f := range de.Fields {
				fields = append(fields, f)
			}
			slices.Sort(fields)
			for _, f := range fields {
				for _, p := range de.Fields[f] {
					b.Errors = append(b.Errors, humanize(f)+" "+p)
				}
			}
			if len(b.Errors) == 0 && msg != "" {
				b.Errors = []string{msg}
			}
		}
	case errs.KindTooLarge:
		b.Message, b.Code = "Request Entity Too Large", pdCodeTooLarge
	case errs.KindRateLimited:
		b.Message, b.Code = "Rate Limit Exceeded", pdCodeRateLimited
	default:
		b.Message, b.Code = "Internal Error", pdCodeInternal
	}
	return status, pdErrorBody{Error: b}
}

// writePagerDutyError writes err as a PagerDuty error response.
func (s *Server) writePagerDutyError(w http.ResponseWriter, r *http.Request, err error) {
	status, body := pagerDutyErrorBody(err)
	if status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", retryAfterSeconds(err))
	}
	if status >= 500 {
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	writeJSON(w, status, body)
}

// --- query parameters ----------------------------------------------------------

// pdCheckParams refuses a query parameter a route does not know (400, as
// Frontline's other APIs; a typo in a filter must not silently widen an
// answer). Array parameters are listed with their brackets ("user_ids[]").
// limit, offset and total are always allowed.
func pdCheckParams(q url.Values, known ...string) error {
	for k := range q {
		if k == "limit" || k == "offset" || k == "total" || slices.Contains(known, k) {
			continue
		}
		return errs.BadRequest("unknown parameter %q", k)
	}
	return nil
}

// pdTime parses an ISO 8601 time parameter (RFC 3339, with or without
// seconds, or a date, read in UTC). Empty gives the zero time.
func pdTime(q url.Values, name string) (time.Time, error) {
	v := strings.TrimSpace(q.Get(name))
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00", "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errs.BadRequest("%s must be an ISO 8601 date-time", name)
}

// pdBool parses a boolean parameter ("true"/"false"; absent is false).
func pdBool(q url.Values, name string) (bool, error) {
	v := q.Get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, errs.BadRequest("%s must be true or false", name)
	}
	return b, nil
}

// pdIDs reads an array parameter of ids ("schedule_ids[]=P1&schedule_ids[]=P2",
// also without brackets and comma-separated). PagerDuty ids are strings;
// Frontline's are numbers, written as decimal strings.
func pdIDs(q url.Values, name string) ([]int64, error) {
	var out []int64
	for _, key := range []string{name + "[]", name} {
		for _, v := range q[key] {
			for _, part := range strings.Split(v, ",") {
				part = strings.TrimSpace(part)
				if part == "" {
					continue
				}
				id, err := strconv.ParseInt(part, 10, 64)
				if err != nil || id <= 0 {
					return nil, errs.BadRequest("%s must list ids", name)
				}
				out = append(out, id)
			}
		}
	}
	return out, nil
}

// pdID formats an id the PagerDuty way (a string).
func pdID(id int64) string { return strconv.FormatInt(id, 10) }

// pdPathID reads a path id ("{id}") as a number; anything else is a 404,
// as PagerDuty answers for an unknown id.
func pdPathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.NotFound(name)
	}
	return id, nil
}

// --- pagination ----------------------------------------------------------------

// PagerDuty's classic pagination: limit (default 25, at most 100), offset,
// and total=true to have the total counted (null otherwise).
const (
	pdDefaultLimit = 25
	pdMaxLimit     = 100
)

// pdPage is a limit/offset request.
type pdPage struct {
	Limit  int
	Offset int
	Total  bool // total=true: count the total
}

// pdParsePage reads limit, offset and total.
func pdParsePage(q url.Values) (pdPage, error) {
	p := pdPage{Limit: pdDefaultLimit}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return p, errs.BadRequest("limit must be a positive number")
		}
		p.Limit = min(n, pdMaxLimit)
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return p, errs.BadRequest("offset must be a number from 0")
		}
		p.Offset = n
	}
	t, err := pdBool(q, "total")
	if err != nil {
		return p, err
	}
	p.Total = t
	return p, nil
}

// pdSlice pages a fully known list: the window and the envelope fields.
func pdSlice[T any](p pdPage, all []T) (items []T, more bool) {
	if p.Offset >= len(all) {
		return []T{}, false
	}
	end := min(len(all), p.Offset+p.Limit)
	return all[p.Offset:end], end < len(all)
}

// pdList builds a list envelope: {key: items, limit, offset, more, total}
// with total null unless asked for (PagerDuty's behaviour).
func pdList[T any](key string, p pdPage, all []T) map[string]any {
	items, more := pdSlice(p, all)
	var total any
	if p.Total {
		total = len(all)
	}
	return map[string]any{key: items, "limit": p.Limit, "offset": p.Offset, "more": more, "total": total}
}

// pdRef is PagerDuty's reference to another object.
type pdRef struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Summary string `json:"summary"`
	Self    string `json:"self"`
	HTMLURL string `json:"html_url,omitempty"`
}

// pdSelf is an object's API address on this server.
func (s *Server) pdSelf(r *http.Request, path string) string {
	return s.baseURL(r) + strings.TrimSuffix(PagerDutyPrefix, "/") + path
}
