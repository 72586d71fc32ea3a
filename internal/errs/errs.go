// Package errs defines the domain error kinds shared by every package. The
// HTTP layer maps kinds to status codes in exactly one place (internal/web).
package errs

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Kind classifies a domain error.
type Kind int

const (
	KindInternal     Kind = iota
	KindNotFound          // the record does not exist (or the caller may not know it exists)
	KindConflict          // unique violation, stale update, concurrent modification
	KindInvalid           // validation failed; Fields says which
	KindForbidden         // authenticated but not allowed
	KindUnauthorized      // not authenticated
	KindTooLarge          // request body or attachment over a limit
	KindRateLimited       // too many attempts
	KindBadRequest        // the request itself is malformed (bad JSON, bad parameter syntax)
)

// Error is a domain error with a kind, a message and optional per-field details.
type Error struct {
	Kind    Kind
	Message string
	// Fields maps a field name to the problems found with it.
	Fields map[string][]string
	Err    error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Message)
	if len(e.Fields) > 0 {
		keys := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, "; %s: %s", k, strings.Join(e.Fields[k], ", "))
		}
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the kind of err, KindInternal when err carries none.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// Is reports whether err is a domain error of kind k.
func Is(err error, k Kind) bool { return err != nil && KindOf(err) == k }

// NotFound returns a not-found error for the named record type.
func NotFound(what string) error {
	return &Error{Kind: KindNotFound, Message: what + " not found"}
}

// Conflict returns a conflict error.
func Conflict(format string, a ...any) error {
	return &Error{Kind: KindConflict, Message: fmt.Sprintf(format, a...)}
}

// Forbidden returns a forbidden error.
func Forbidden(format string, a ...any) error {
	return &Error{Kind: KindForbidden, Message: fmt.Sprintf(format, a...)}
}

// Unauthorized returns an authentication error.
func Unauthorized(format string, a ...any) error {
	return &Error{Kind: KindUnauthorized, Message: fmt.Sprintf(format, a...)}
}

// Invalid returns a validation error about a single field.
func Invalid(field, problem string) error {
	return &Error{Kind: KindInvalid, Message: "invalid " + field, Fields: map[string][]string{field: {problem}}}
}

// Validation collects field problems and turns into an error when any were found.
type Validation struct {
	fields map[string][]string
}

// Add records a problem with field.
func (v *Validation) Add(field, problem string) {
	if v.fields == nil {
		v.fields = map[string][]string{}
	}
	v.fields[field] = append(v.fields[field], problem)
}

// Check records problem when ok is false.
func (v *Validation) Check(ok bool, field, problem string) {
	if !ok {
		v.Add(field, problem)
	}
}

// Err returns the collected problems as a KindInvalid error, or nil.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Kind: KindInvalid, Message: "record invalid", Fields: v.fields}
}

// BadRequest returns an error about a malformed request.
func BadRequest(format string, a ...any) error {
	return &Error{Kind: KindBadRequest, Message: fmt.Sprintf(format, a...)}
}
