package web

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/auth"
	"github.com/frontline/frontline/internal/errs"
)

// This file is the ONE place where domain errors become HTTP responses.
// API responses use the bodies Zendesk returns, so Zendesk clients parse them.

// apiError is a Zendesk-style error body.
type apiError struct {
	Error       string                    `json:"error"`
	Description string                    `json:"description,omitempty"`
	Details     map[string][]errorDetails `json:"details,omitempty"`
}

type errorDetails struct {
	Description string `json:"description"`
	Error       string `json:"error"`
}

// statusOf maps an error kind to its HTTP status.
func statusOf(k errs.Kind) int {
	switch k {
	case errs.KindNotFound:
		return http.StatusNotFound
	case errs.KindConflict:
		return http.StatusConflict
	case errs.KindInvalid:
		return http.StatusUnprocessableEntity
	case errs.KindBadRequest:
		return http.StatusBadRequest
	case errs.KindForbidden:
		return http.StatusForbidden
	case errs.KindUnauthorized:
		return http.StatusUnauthorized
	case errs.KindTooLarge:
		return http.StatusRequestEntityTooLarge
	case errs.KindRateLimited:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// errorBody builds the status and Zendesk body for err.
func errorBody(err error) (int, apiError) {
	k := errs.KindOf(err)
	status := statusOf(k)
	var de *errs.Error
	errors.As(err, &de)
	msg := ""
	if de != nil {
		msg = de.Message
	}
	switch k {
	case errs.KindUnauthorized:
		return status, apiError{Error: "Couldn't authenticate you"}
	case errs.KindForbidden:
		return status, apiError{Error: "Forbidden", Description: "You do not have access to this page. Please contact the account owner of this help desk for further help."}
	case errs.KindNotFound:
		return status, apiError{Error: "RecordNotFound", Description: "Not found"}
	case errs.KindInvalid:
		body := apiError{Error: "RecordInvalid", Description: "Record validation errors", Details: map[string][]errorDetails{}}
		if de != nil && len(de.Fields) > 0 {
			for f, problems := range de.Fields {
				for _, p := range problems {
					body.Details[f] = append(body.Details[f], errorDetails{
						Description: humanize(f) + ": " + p,
						Error:       detailCode(p),
					})
				}
			}
		} else {
			body.Details["base"] = []errorDetails{{Description: msg, Error: "InvalidValue"}}
		}
		return status, body
	case errs.KindConflict:
		return status, apiError{Error: "RecordNotUnique", Description: msg}
	case errs.KindBadRequest:
		return status, apiError{Error: "InvalidParameters", Description: msg}
	case errs.KindTooLarge:
		return status, apiError{Error: "RequestTooLarge", Description: msg}
	case errs.KindRateLimited:
		return status, apiError{Error: "TooManyRequests", Description: msg}
	}
	return status, apiError{Error: "InternalError", Description: "Something went wrong on our side; it has been logged."}
}

func detailCode(problem string) string {
	switch {
	case strings.Contains(problem, "already been taken"), strings.Contains(problem, "already used"):
		return "DuplicateValue"
	case strings.Contains(problem, "blank"), strings.Contains(problem, "required"):
		return "BlankValue"
	case strings.Contains(problem, "too long"):
		return "ValueTooLong"
	}
	return "InvalidValue"
}

func humanize(field string) string {
	s := strings.ReplaceAll(field, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// writeAPIError writes err as a Zendesk error response and logs server faults.
func (s *Server) writeAPIError(w http.ResponseWriter, r *http.Request, err error) {
	status, body := errorBody(err)
	if status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", retryAfterSeconds(err))
	}
	if status >= 500 {
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	writeJSON(w, status, body)
}

func retryAfterSeconds(err error) string {
	d := auth.RetryAfter(err)
	if d <= 0 {
		d = time.Minute
	}
	return strconv.Itoa(int((d + time.Second - 1) / time.Second))
}

// writeHTMLError renders an error page for browser routes.
func (s *Server) writeHTMLError(w http.ResponseWriter, r *http.Request, err error) {
	status, body := errorBody(err)
	if status == http.StatusUnauthorized {
		http.Redirect(w, r, "/login?next="+safeNext(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	if status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", retryAfterSeconds(err))
	}
	if status >= 500 {
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	msg := body.Description
	if body.Error == "RecordInvalid" {
		var parts []string
		for _, ds := range body.Details {
			for _, d := range ds {
				parts = append(parts, d.Description)
			}
		}
		sort.Strings(parts)
		msg = strings.Join(parts, "; ")
	}
	if msg == "" {
		msg = http.StatusText(status)
	}
	s.render(w, r, status, "error.html", map[string]any{
		"Title":   fmt.Sprintf("%d %s", status, http.StatusText(status)),
		"Message": msg,
	})
}
