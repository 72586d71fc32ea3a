// Package zimport copies a Zendesk account into Frontline (`frontline
// import zendesk`, ADR 0012): users and identities, organizations, groups
// and memberships, custom fields and forms, tickets with their comments,
// attachments and timestamps. It reads Zendesk's API (the cursor exports)
// or a directory of exported JSON, writes through Frontline's stores on a
// clock set to each record's time (so history keeps its timestamps, and no
// trigger, SLA or notification runs, as Zendesk's ticket import), records
// what it copied in import_map (a second run changes nothing; an
// interrupted one resumes), and reports what it could not map.
package zimport

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Source yields a Zendesk account's records.
type Source interface {
	// Name identifies the account in import_map.
	Name() string
	// Each calls fn for every page of a kind's records (raw JSON objects).
	Each(ctx context.Context, kind string, fn func(items []json.RawMessage) error) error
	// Comments returns a ticket's comments, oldest first.
	Comments(ctx context.Context, ticketID int64) ([]json.RawMessage, error)
	// Identities returns a user's identities.
	Identities(ctx context.Context, userID int64) ([]json.RawMessage, error)
	// Open reads an attachment's bytes.
	Open(ctx context.Context, contentURL string) (io.ReadCloser, error)
}

// HTTPSource reads a Zendesk (or Frontline) account's API with an API
// token, waiting as asked when answered 429.
type HTTPSource struct {
	Base   string // https://SUB.zendesk.com
	Email  string
	Token  string
	Client *http.Client
	// Sleep waits (time.Sleep unless a test sets it).
	Sleep func(time.Duration)
	// Waits counts the 429 answers waited for.
	Waits int
}

// Name is the account's URL.
func (s *HTTPSource) Name() string { return strings.TrimRight(s.Base, "/") }

func (s *HTTPSource) get(ctx context.Context, u string) (*http.Response, error) {
	if !strings.HasPrefix(u, "http") {
		u = s.Name() + u
	}
	client := s.Client
	if client == nil {
		client = &http.Client{Timeout: 2 * time.Minute}
	}
	sleep := s.Sleep
	if sleep == nil {
		sleep = time.Sleep
	}
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
		if err != nil {
			return nil, err
		}
		req.SetBasicAuth(s.Email+"/token", s.Token)
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		if (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) && attempt < 20 {
			wait := 10 * time.Second
			if n, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && n >= 0 {
				wait = time.Duration(n) * time.Second
			}
			resp.Body.Close()
			s.Waits++
			sleep(wait)
			continue
		}
		if resp.StatusCode != http.StatusOK {
			b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
			resp.Body.Close()
			return nil, fmt.Errorf("GET %s: %s: %s", u, resp.Status, strings.TrimSpace(string(b)))
		}
		return resp, nil
	}
}

func (s *HTTPSource) getJSON(ctx context.Context, u string, dst any) error {
	resp, err := s.get(ctx, u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(dst)
}

// kindPaths are where each kind is listed; the ticket and user exports are
// cursor-based, organizations time-based, the rest offset-paged.
var kindPaths = map[string]string{
	"ticket_fields":        "/api/v2/ticket_fields.json",
	"user_fields":          "/api/v2/user_fields.json",
	"organization_fields":  "/api/v2/organization_fields.json",
	"ticket_forms":         "/api/v2/ticket_forms.json",
	"groups":               "/api/v2/groups.json",
	"group_memberships":    "/api/v2/group_memberships.json",
	"organizations":        "/api/v2/incremental/organizations.json?start_time=0",
	"users":                "/api/v2/incremental/users/cursor.json?start_time=0",
	"tickets":              "/api/v2/incremental/tickets/cursor.json?start_time=0",
	"satisfaction_ratings": "/api/v2/satisfaction_ratings.json",
	"macros":               "/api/v2/macros.json",
	"triggers":             "/api/v2/triggers.json",
	"automations":          "/api/v2/automations.json",
	"views":                "/api/v2/views.json",
	"webhooks":             "/api/v2/webhooks",
	"schedules":            "/api/v2/business_hours/schedules.json",
	"slas/policies":        "/api/v2/slas/policies.json",
}

// Each pages through a kind.
func (s *HTTPSource) Each(ctx context.Context, kind string, fn func([]json.RawMessage) error) error {
	u, ok := kindPaths[kind]
	if !ok {
		return fmt.Errorf("zimport: unknown kind %s", kind)
	}
	key := kind
	if kind == "slas/policies" {
		key = "sla_policies"
	}
	seen := map[string]bool{}
	for u != "" && !seen[u] {
		seen[u] = true
		var page map[string]json.RawMessage
		if err := s.getJSON(ctx, u, &page); err != nil {
			return err
		}
		var items []json.RawMessage
		_ = json.Unmarshal(page[key], &items)
		if len(items) > 0 {
			if err := fn(items); err != nil {
				return err
			}
		}
		u = nextURL(page, len(items))
	}
	return nil
}

// nextURL follows Zendesk's pagination: end_of_stream/after_url (cursor
// exports), next_page (offset pages and time-based exports), links.next.
func nextURL(page map[string]json.RawMessage, n int) string {
	str := func(k string) string {
		var v string
		_ = json.Unmarshal(page[k], &v)
		return v
	}
	var end bool
	if _, ok := page["end_of_stream"]; ok {
		_ = json.Unmarshal(page["end_of_stream"], &end)
		if end || n == 0 {
			return ""
		}
		if v := str("after_url"); v != "" {
			return v
		}
		return str("next_page")
	}
	if v := str("next_page"); v != "" {
		return v
	}
	var links struct {
		Next string `json:"next"`
	}
	_ = json.Unmarshal(page["links"], &links)
	return links.Next
}

// Comments lists a ticket's comments, following pages.
func (s *HTTPSource) Comments(ctx context.Context, ticketID int64) ([]json.RawMessage, error) {
	return s.all(ctx, fmt.Sprintf("/api/v2/tickets/%d/comments.json?per_page=100", ticketID), "comments")
}

// Identities lists a user's identities.
func (s *HTTPSource) Identities(ctx context.Context, userID int64) ([]json.RawMessage, error) {
	return s.all(ctx, fmt.Sprintf("/api/v2/users/%d/identities.json", userID), "identities")
}

func (s *HTTPSource) all(ctx context.Context, u, key string) ([]json.RawMessage, error) {
	var out []json.RawMessage
	for u != "" {
		var page map[string]json.RawMessage
		if err := s.getJSON(ctx, u, &page); err != nil {
			return nil, err
		}
		var items []json.RawMessage
		_ = json.Unmarshal(page[key], &items)
		out = append(out, items...)
		u = nextURL(page, len(items))
	}
	return out, nil
}

// Open downloads an attachment.
func (s *HTTPSource) Open(ctx context.Context, contentURL string) (io.ReadCloser, error) {
	resp, err := s.get(ctx, contentURL)
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}

// DirSource reads a directory of exported JSON: one file per kind
// (users.json, tickets.json, ...: a Zendesk list answer or a JSON array),
// ticket_comments.json ({"comments": [...]} with ticket_id) and
// identities.json (with user_id). Attachments are read from content_url
// when it is a path inside the directory.
type DirSource struct {
	Dir string

	mu     sync.Mutex
	owners map[string]map[string][]json.RawMessage // kind -> owner id -> records
}

// Name is the directory.
func (s *DirSource) Name() string { abs, _ := filepath.Abs(s.Dir); return "dir:" + abs }

func (s *DirSource) read(kind string) ([]json.RawMessage, error) {
	name := strings.ReplaceAll(kind, "/", "_")
	b, err := os.ReadFile(filepath.Join(s.Dir, name+".json"))
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var arr []json.RawMessage
	if json.Unmarshal(b, &arr) == nil {
		return arr, nil
	}
	var env map[string]json.RawMessage
	if err := json.Unmarshal(b, &env); err != nil {
		return nil, fmt.Errorf("%s.json: %w", name, err)
	}
	key := kind
	if i := strings.LastIndex(kind, "/"); i >= 0 {
		key = "sla_" + kind[i+1:]
	}
	if kind == "ticket_comments" {
		key = "comments"
	}
	_ = json.Unmarshal(env[key], &arr)
	return arr, nil
}

// Each yields the file's records as one page.
func (s *DirSource) Each(ctx context.Context, kind string, fn func([]json.RawMessage) error) error {
	items, err := s.read(kind)
	if err != nil || len(items) == 0 {
		return err
	}
	return fn(items)
}

// byOwner returns the records of a kind whose key is id; the file is read
// and indexed once.
func (s *DirSource) byOwner(kind, key string, id int64) ([]json.RawMessage, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.owners == nil {
		s.owners = map[string]map[string][]json.RawMessage{}
	}
	idx, ok := s.owners[kind]
	if !ok {
		items, err := s.read(kind)
		if err != nil {
			return nil, err
		}
		idx = map[string][]json.RawMessage{}
		for _, it := range items {
			var o map[string]json.RawMessage
			if json.Unmarshal(it, &o) == nil {
				idx[string(o[key])] = append(idx[string(o[key])], it)
			}
		}
		s.owners[kind] = idx
	}
	return idx[strconv.FormatInt(id, 10)], nil
}

// Comments are those of ticket_comments.json with this ticket_id.
func (s *DirSource) Comments(ctx context.Context, ticketID int64) ([]json.RawMessage, error) {
	return s.byOwner("ticket_comments", "ticket_id", ticketID)
}

// Identities are those of identities.json with this user_id.
func (s *DirSource) Identities(ctx context.Context, userID int64) ([]json.RawMessage, error) {
	return s.byOwner("identities", "user_id", userID)
}

// Open reads an attachment file of the directory.
func (s *DirSource) Open(ctx context.Context, contentURL string) (io.ReadCloser, error) {
	u, err := url.Parse(contentURL)
	if err != nil || u.Scheme != "" {
		return nil, fmt.Errorf("attachment %s is not a file of the export", contentURL)
	}
	p := filepath.Join(s.Dir, filepath.FromSlash(u.Path))
	if rel, err := filepath.Rel(s.Dir, p); err != nil || strings.HasPrefix(rel, "..") {
		return nil, fmt.Errorf("attachment %s is outside the export", contentURL)
	}
	return os.Open(p)
}

// Holidays lists a schedule's holidays (Zendesk serves them apart from the
// schedule).
func (s *HTTPSource) Holidays(ctx context.Context, scheduleID int64) ([]json.RawMessage, error) {
	var page struct {
		Holidays []json.RawMessage `json:"holidays"`
	}
	if err := s.getJSON(ctx, fmt.Sprintf("/api/v2/business_hours/schedules/%d/holidays.json", scheduleID), &page); err != nil {
		return nil, err
	}
	return page.Holidays, nil
}
