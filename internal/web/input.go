package web

// Central input checks: every JSON body, form value and query parameter is
// text that both engines can store, before any handler sees it. NUL
// characters and invalid UTF-8 (raw bytes, or a lone UTF-16 surrogate such
// as "\ud800" in JSON, which Go's decoder would silently turn into U+FFFD)
// are refused naming the field: 422 for body fields, 400 for query
// parameters. The domain packages check the same rules again for the paths
// that do not come through HTTP (mail, rules, the CLI).

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/limits"
)

// readJSON reads a JSON request body (a body over --max-body is a 413),
// decodes it into dst (malformed JSON is a 400, a wrong type a 422) and
// checks its strings (checkJSONText). field names the body in errors about
// its type; "" for a bare body.
func readJSON(r *http.Request, dst any, field string) ([]byte, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, bodyError(err)
	}
	if err := json.Unmarshal(body, dst); err != nil {
		return nil, jsonError(err, field)
	}
	return body, checkJSONText(body, "")
}

// lone surrogates and other problems found in JSON strings.
const problemSurrogate = "is not valid UTF-8 text (it has a lone UTF-16 surrogate escape)"

// checkJSONText checks every string (keys and values) of the JSON document
// b, which must already be syntactically valid. prefix is prepended to
// field paths ("" for none). A string that is not storable text is a 422
// naming its field path (object keys joined by dots; array positions
// left out, so "tags" or "comment.body").
func checkJSONText(b []byte, prefix string) error {
	c := jsonText{b: b}
	path := []string{}
	if prefix != "" {
		path = append(path, prefix)
	}
	c.value(path)
	if c.field == "" && c.problem == "" {
		return nil
	}
	if c.field == "" {
		c.field = "base"
	}
	return errs.Invalid(c.field, c.problem)
}

// jsonText walks a valid JSON document and records the first bad string.
type jsonText struct {
	b       []byte
	i       int
	field   string
	problem string
}

func (c *jsonText) ws() {
	for c.i < len(c.b) && (c.b[c.i] == ' ' || c.b[c.i] == '\t' || c.b[c.i] == '\n' || c.b[c.i] == '\r') {
		c.i++
	}
}

func (c *jsonText) fail(path []string, problem string) {
	if c.problem == "" {
		c.field, c.problem = strings.Join(path, "."), problem
	}
}

func (c *jsonText) value(path []string) {
	c.ws()
	if c.i >= len(c.b) || c.problem != "" {
		return
	}
	switch c.b[c.i] {
	case '{':
		c.i++
		for {
			c.ws()
			if c.i >= len(c.b) || c.b[c.i] == '}' {
				c.i++
				return
			}
			if c.b[c.i] == ',' {
				c.i++
				continue
			}
			key, problem := c.str()
			if problem != "" {
				c.fail(path, "has a key that "+problem)
				return
			}
			c.ws()
			c.i++ // ':'
			c.value(append(path[:len(path):len(path)], key))
			if c.problem != "" {
				return
			}
		}
	case '[':
		c.i++
		for {
			c.ws()
			if c.i >= len(c.b) || c.b[c.i] == ']' {
				c.i++
				return
			}
			if c.b[c.i] == ',' {
				c.i++
				continue
			}
			c.value(path)
			if c.problem != "" {
				return
			}
		}
	case '"':
		if _, problem := c.str(); problem != "" {
			c.fail(path, problem)
		}
	default: // number, true, false, null
		for c.i < len(c.b) && !strings.ContainsRune(",]} \t\n\r", rune(c.b[c.i])) {
			c.i++
		}
	}
}

// str reads the string literal at c.i and returns its (lossy) value and
// the problem with it, if any.
func (c *jsonText) str() (string, string) {
	c.i++ // opening quote
	start := c.i
	var b strings.Builder
	problem := ""
	for c.i < len(c.b) {
		ch := c.b[c.i]
		switch {
		case ch == '"':
			s := c.b[start:c.i]
			c.i++
			if problem == "" && !utf8.Valid(s) {
				problem = "is not valid UTF-8 text"
			}
			return b.String(), problem
		case ch == '\\' && c.i+1 < len(c.b):
			if c.b[c.i+1] != 'u' || c.i+6 > len(c.b) {
				c.i += 2
				continue
			}
			r1, _ := strconv.ParseUint(string(c.b[c.i+2:c.i+6]), 16, 32)
			c.i += 6
			switch {
			case r1 == 0 && problem == "":
				problem = limits.Problem("\x00")
			case utf16.IsSurrogate(rune(r1)):
				ok := false
				if r1 < 0xdc00 && c.i+6 <= len(c.b) && c.b[c.i] == '\\' && c.b[c.i+1] == 'u' {
					r2, err := strconv.ParseUint(string(c.b[c.i+2:c.i+6]), 16, 32)
					if err == nil && r2 >= 0xdc00 && r2 <= 0xdfff {
						ok = true
						c.i += 6
					}
				}
				if !ok && problem == "" {
					problem = problemSurrogate
				}
			}
		default:
			if b.Len() < 200 {
				b.WriteByte(ch)
			}
			c.i++
		}
	}
	return b.String(), problem
}

// checkValues checks form or query values: the first bad one is returned
// with its name (in name order, so errors are stable).
func checkValues(vs url.Values) (name, problem string) {
	keys := make([]string, 0, len(vs))
	for k := range vs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if p := limits.Problem(k); p != "" {
			return "(a parameter name)", p
		}
		for _, v := range vs[k] {
			if p := limits.Problem(v); p != "" {
				return k, p
			}
		}
	}
	return "", ""
}

// checkQuery checks the query string: malformed escapes and values that
// are not storable text are a 400 naming the parameter.
func checkQuery(r *http.Request) error {
	if r.URL.RawQuery == "" {
		return nil
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return errs.BadRequest("malformed query string: %v", err)
	}
	if name, p := checkValues(q); p != "" {
		return errs.BadRequest("%s: %s", name, p)
	}
	return nil
}

// checkForm checks the values (and uploaded file names) of a parsed form
// body: a bad one is a 422 naming the field.
func checkForm(r *http.Request) error {
	if name, p := checkValues(r.PostForm); p != "" {
		return errs.Invalid(name, p)
	}
	if r.MultipartForm != nil {
		if name, p := checkValues(r.MultipartForm.Value); p != "" {
			return errs.Invalid(name, p)
		}
		for field, fhs := range r.MultipartForm.File {
			for _, fh := range fhs {
				if p := limits.Problem(fh.Filename); p != "" {
					return errs.Invalid(field, "has a file name that "+p)
				}
			}
		}
	}
	return nil
}

// isMultipart reports a multipart/form-data request.
func isMultipart(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "multipart/form-data"
}

// maxFormMemory is how much of a multipart form is kept in memory (the
// rest goes to temporary files, removed when the request ends).
const maxFormMemory = 32 << 20
