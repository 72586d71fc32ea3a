package web

// Change control (internal/changecontrol). Configuration under change
// control — triggers, automations, webhooks, SLA policies, business-hours
// schedules, custom roles, and the change-control setting itself — is
// changed by its own API routes as ever; every such change is recorded.
// When approval is required a direct change is refused (422 naming the
// rule) unless marked as an emergency (X-Emergency-Change: reason), which
// goes through and is flagged for review. Otherwise a change is proposed
// (the request that makes it: method, path, body) and a second admin's
// approval runs exactly that request through the same handler. Versions
// of an object are its audit entries; a rollback is a change like any
// other (proposed when approval is required).

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/auth"
	"github.com/frontline/frontline/internal/changecontrol"
	"github.com/frontline/frontline/internal/errs"
)

// EmergencyHeader marks a direct change as an emergency (its value: why).
const EmergencyHeader = "X-Emergency-Change"

type internalKey struct{}

// internalCall marks a request the server makes to itself to apply an
// approved change: it carries its principal and passes change control.
type internalCall struct {
	p *auth.Principal
}

func (s *Server) registerChangeAPI() {
	if s.Changes == nil {
		s.Changes = changecontrol.NewStore(s.DB, s.Audit)
	}
	s.handle("GET /api/v2/change_control", Admin, s.apiChangeControl)
	s.handle("PUT /api/v2/change_control", Admin, s.apiSetChangeControl)
	s.handle("GET /api/v2/config_changes", Admin, s.apiListChanges)
	s.handle("POST /api/v2/config_changes", Admin, s.apiProposeChange)
	s.handle("GET /api/v2/config_changes/{id}", Admin, s.apiShowChange)
	s.handle("POST /api/v2/config_changes/{id}/approve", Admin, s.apiApproveChange)
	s.handle("POST /api/v2/config_changes/{id}/reject", Admin, s.apiRejectChange)
	s.handle("POST /api/v2/config_changes/{id}/review", Admin, s.apiReviewChange)
	s.handle("GET /api/v2/config_versions", Admin, s.apiListVersions)
	s.handle("GET /api/v2/config_versions/{id}", Admin, s.apiShowVersion)
	s.handle("GET /api/v2/config_versions/{id}/diff", Admin, s.apiDiffVersions)
	s.handle("POST /api/v2/config_versions/{id}/rollback", Admin, s.apiRollback)
}

func changeAPIDocs() map[string]apiDoc {
	cc := "Change control"
	note := reflect.TypeOf(noteInput{})
	return map[string]apiDoc{
		"GET /api/v2/change_control":                 {summary: "Whether configuration changes need a second admin's approval, and how many wait", tag: cc, result: "change_control"},
		"PUT /api/v2/change_control":                 {summary: "Require approval (or not); turning it off while on is itself a change needing approval", tag: cc, body: "change_control", result: "change_control"},
		"GET /api/v2/config_changes":                 {summary: "Configuration changes: proposed, applied (directly, by approval, or as emergencies), rejected, failed", tag: cc, result: "config_changes", list: true, query: []string{"status", "needs_review"}},
		"POST /api/v2/config_changes":                {summary: "Propose a change: the API request that makes it (method, path, body) and a description", tag: cc, body: "config_change", result: "config_change"},
		"GET /api/v2/config_changes/{id}":            {summary: "Show a change, with the object before it and the result of applying it", tag: cc, result: "config_change"},
		"POST /api/v2/config_changes/{id}/approve":   {summary: "Approve a proposed change (another admin than its proposer): it is applied at once, exactly as proposed", tag: cc, result: "config_change", status200: true},
		"POST /api/v2/config_changes/{id}/reject":    {summary: "Reject a proposed change (another admin than its proposer)", tag: cc, flat: note, result: "config_change", status200: true},
		"POST /api/v2/config_changes/{id}/review":    {summary: "Review an emergency change after the fact (another admin than its author)", tag: cc, flat: note, result: "config_change", status200: true},
		"GET /api/v2/config_versions":                {summary: "The versions of a configuration object (its audit entries), oldest first", tag: cc, result: "config_versions", query: []string{"object_type", "object_id"}},
		"GET /api/v2/config_versions/{id}":           {summary: "One version with its snapshot", tag: cc, result: "config_version"},
		"GET /api/v2/config_versions/{id}/diff":      {summary: "What changed from this version to another (to=ID; default the latest)", tag: cc, result: "diff", query: []string{"to"}},
		"POST /api/v2/config_versions/{id}/rollback": {summary: "Roll the object back to this version: applied at once, or proposed when approval is required", tag: cc, result: "config_change", status200: true},
	}
}

func changeEnvelopes() map[string]envelope {
	return map[string]envelope{
		"change_control":  {reflect.TypeOf(changeControlJSON{}), reflect.TypeOf(changeControlJSON{})},
		"config_change":   {reflect.TypeOf(changecontrol.Change{}), reflect.TypeOf(proposalInput{})},
		"config_versions": {reflect.TypeOf([]changecontrol.Version{}), nil},
		"config_version":  {reflect.TypeOf(changecontrol.Version{}), nil},
		"diff":            {reflect.TypeOf([]changecontrol.DiffEntry{}), nil},
	}
}

type noteInput struct {
	Note string `json:"note"`
}

type proposalInput struct {
	Method      string          `json:"method"`
	Path        string          `json:"path"`
	Body        json.RawMessage `json:"body"`
	Description string          `json:"description"`
}

type changeControlJSON struct {
	RequireApproval bool `json:"require_approval"`
	Pending         int  `json:"pending_count"`
	NeedsReview     int  `json:"needs_review_count"`
}

// requireApproval reads the setting.
func (s *Server) requireApproval(ctx context.Context) (bool, error) {
	v, ok, err := s.People.GetSetting(ctx, changecontrol.SettingRequireApproval)
	return ok && v == "true", err
}

// --- the guard on every configuration write ---------------------------------------

// guardedPattern reports whether a route pattern changes configuration
// under change control.
func guardedPattern(pattern string) bool {
	method, path, _ := strings.Cut(pattern, " ")
	_, _, ok := changecontrol.Target(method, strings.ReplaceAll(path, "{id}", "1"))
	return ok
}

// guardUIPattern reports whether an admin form changes guarded
// configuration (rule kinds are checked per request).
func guardUIPattern(pattern string) bool {
	return strings.HasPrefix(pattern, "POST /admin/rules/") || strings.HasPrefix(pattern, "POST /admin/sla/")
}

// guardAdminForm refuses the admin pages' changes to guarded rules and SLA
// configuration while approval is required (they are proposed through the
// API instead; macros and views are not under change control).
func (s *Server) guardAdminForm(r *http.Request) error {
	kind := r.PathValue("kind")
	if strings.HasPrefix(r.URL.Path, "/admin/rules/") && kind != "trigger" && kind != "automation" && kind != "webhook" &&
		kind != "triggers" && kind != "automations" && kind != "webhooks" {
		return nil
	}
	require, err := s.requireApproval(r.Context())
	if err != nil || !require {
		return err
	}
	return errs.Invalid("change_control", "Change control rule: configuration changes need a second admin's approval; propose this one on the Changes page or with POST /api/v2/config_changes")
}

// recorder captures a handler's status and body while writing them through.
type recorder struct {
	http.ResponseWriter
	code int
	body bytes.Buffer
}

func (r *recorder) WriteHeader(code int) { r.code = code; r.ResponseWriter.WriteHeader(code) }
func (r *recorder) Write(b []byte) (int, error) {
	if r.code == 0 {
		r.code = http.StatusOK
	}
	if r.body.Len() < 1<<20 {
		r.body.Write(b)
	}
	return r.ResponseWriter.Write(b)
}

// serveGuarded runs h for a direct configuration change: refused when
// approval is required and it is no emergency; recorded otherwise.
func (s *Server) serveGuarded(w http.ResponseWriter, r *http.Request, h handlerFunc) error {
	if _, ok := r.Context().Value(internalKey{}).(internalCall); ok {
		return h(w, r) // an approved change being applied; recorded by the approval
	}
	g, _, ok := changecontrol.Target(r.Method, r.URL.Path)
	if !ok {
		return h(w, r)
	}
	require, err := s.requireApproval(r.Context())
	if err != nil {
		return err
	}
	emergency := strings.TrimSpace(r.Header.Get(EmergencyHeader))
	if err := changecontrol.CheckDirect(require, emergency != "", g); err != nil {
		return err
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return bodyError(err)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	before := s.currentJSON(r.Context(), r.Method, r.URL.Path)
	rec := &recorder{ResponseWriter: w}
	herr := h(rec, r)
	code := rec.code
	if herr != nil {
		code = statusOf(errs.KindOf(herr))
	}
	if code == 0 {
		code = http.StatusOK
	}
	if (herr == nil && code < 300) || emergency != "" { // refused requests changed nothing
		p := changecontrol.Proposal{Method: r.Method, Path: strings.TrimSuffix(r.URL.Path, ".json"), Body: jsonOrNil(body), Description: emergency, Before: before}
		if _, err := s.Changes.RecordDirect(context.WithoutCancel(r.Context()), actor(r), p, emergency != "", code, jsonOrNil(rec.body.Bytes())); err != nil {
			s.log.Error("record configuration change", "err", err)
		}
	}
	return herr
}

func jsonOrNil(b []byte) json.RawMessage {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || !json.Valid(b) {
		return nil
	}
	return json.RawMessage(b)
}

// currentJSON reads the object a change targets as the API serves it (nil
// for a creation or when it cannot be read).
func (s *Server) currentJSON(ctx context.Context, method, path string) json.RawMessage {
	g, id, ok := changecontrol.Target(method, path)
	if !ok || id == nil {
		return nil
	}
	code, body := s.dispatch(ctx, &auth.Principal{Role: "admin", Name: "change control"}, "GET", g.Collection+"/"+strconv.FormatInt(*id, 10), nil)
	if code != http.StatusOK {
		return nil
	}
	var env map[string]json.RawMessage
	if json.Unmarshal(body, &env) != nil {
		return nil
	}
	return env[g.Key]
}

// dispatch runs a request through the server's own routes as p, past
// change control, and returns its status and body.
func (s *Server) dispatch(ctx context.Context, p *auth.Principal, method, path string, body []byte) (int, []byte) {
	cp := *p
	cp.Via = "internal"
	req, err := http.NewRequestWithContext(context.WithValue(ctx, internalKey{}, internalCall{p: &cp}), method, path, bytes.NewReader(body))
	if err != nil {
		return http.StatusBadRequest, nil
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.RemoteAddr = "127.0.0.1:0"
	rec := &bufferWriter{h: http.Header{}}
	s.mux.ServeHTTP(rec, req)
	if rec.code == 0 {
		rec.code = http.StatusOK
	}
	return rec.code, rec.buf.Bytes()
}

// bufferWriter is an in-memory ResponseWriter for dispatch.
type bufferWriter struct {
	h    http.Header
	code int
	buf  bytes.Buffer
}

func (b *bufferWriter) Header() http.Header { return b.h }
func (b *bufferWriter) WriteHeader(code int) {
	if b.code == 0 {
		b.code = code
	}
}
func (b *bufferWriter) Write(p []byte) (int, error) {
	if b.code == 0 {
		b.code = http.StatusOK
	}
	return b.buf.Write(p)
}

// --- settings ---------------------------------------------------------------------------

func (s *Server) changeControlState(ctx context.Context) (changeControlJSON, error) {
	var out changeControlJSON
	var err error
	if out.RequireApproval, err = s.requireApproval(ctx); err != nil {
		return out, err
	}
	if out.Pending, err = s.Changes.Count(ctx, changecontrol.Filter{Status: changecontrol.Pending}); err != nil {
		return out, err
	}
	out.NeedsReview, err = s.Changes.Count(ctx, changecontrol.Filter{NeedsReview: true})
	return out, err
}

func (s *Server) apiChangeControl(w http.ResponseWriter, r *http.Request) error {
	st, err := s.changeControlState(r.Context())
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "change_control", st)
}

func (s *Server) apiSetChangeControl(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		RequireApproval *bool `json:"require_approval"`
	}
	if err := decodeBody(r, "change_control", &in); err != nil {
		return err
	}
	if in.RequireApproval == nil {
		return errs.Invalid("require_approval", "is required (true or false)")
	}
	v := strconv.FormatBool(*in.RequireApproval)
	if err := s.People.SetSetting(r.Context(), actor(r), changecontrol.SettingRequireApproval, v); err != nil {
		return err
	}
	return s.apiChangeControl(w, r)
}

// --- changes -------------------------------------------------------------------------

func (s *Server) apiListChanges(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := changecontrol.Filter{Status: q.Get("status")}
	switch f.Status {
	case "", changecontrol.Pending, changecontrol.Applied, changecontrol.Rejected, changecontrol.Failed:
	default:
		return errs.BadRequest("status: must be pending, applied, rejected or failed")
	}
	switch q.Get("needs_review") {
	case "", "false":
	case "true":
		f.NeedsReview = true
	default:
		return errs.BadRequest("needs_review: must be true or false")
	}
	return listPaged(s, w, r, "config_changes", &f, &f.Page, s.Changes.List, s.Changes.Count,
		func(_ *http.Request, cs []changecontrol.Change) []changecontrol.Change { return cs },
		func(c changecontrol.Change) int64 { return c.ID }, nil)
}

func (s *Server) apiProposeChange(w http.ResponseWriter, r *http.Request) error {
	var in proposalInput
	if err := decodeBody(r, "config_change", &in); err != nil {
		return err
	}
	c, err := s.propose(r, in)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusCreated, "config_change", c)
}

func (s *Server) propose(r *http.Request, in proposalInput) (*changecontrol.Change, error) {
	in.Method = strings.ToUpper(strings.TrimSpace(in.Method))
	in.Path = strings.TrimSuffix(strings.TrimSpace(in.Path), ".json")
	if _, _, ok := changecontrol.Target(in.Method, in.Path); !ok {
		return nil, errs.Invalid("path", fmt.Sprintf("%s %s is not a change to configuration under change control", in.Method, in.Path))
	}
	if in.Method != "DELETE" && len(in.Body) == 0 {
		return nil, errs.Invalid("body", "is required: the JSON body of the request that makes the change")
	}
	p := changecontrol.Proposal{Method: in.Method, Path: in.Path, Body: in.Body, Description: strings.TrimSpace(in.Description),
		Before: s.currentJSON(r.Context(), in.Method, in.Path)}
	return s.Changes.Propose(r.Context(), actor(r), p)
}

func (s *Server) changeID(r *http.Request) (int64, error) { return pathID(r, "id", "config change") }

func (s *Server) apiShowChange(w http.ResponseWriter, r *http.Request) error {
	id, err := s.changeID(r)
	if err != nil {
		return err
	}
	c, err := s.Changes.Get(r.Context(), id)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "config_change", c)
}

// applyChange runs a change's request as approver; it returns the status,
// body and the id of the object it created or changed.
func (s *Server) applyChange(ctx context.Context, approver *auth.Principal) func(c *changecontrol.Change) (int, json.RawMessage, *int64) {
	return func(c *changecontrol.Change) (int, json.RawMessage, *int64) {
		code, body := s.dispatch(ctx, approver, c.Method, c.Path, c.Body)
		var oid *int64
		if g, ok := changecontrol.GuardedType(c.ObjectType); ok && code < 300 {
			var env map[string]json.RawMessage
			if json.Unmarshal(body, &env) == nil {
				var obj struct {
					ID *int64 `json:"id"`
				}
				if json.Unmarshal(env[g.Key], &obj) == nil {
					oid = obj.ID
				}
			}
		}
		return code, jsonOrNil(body), oid
	}
}

func (s *Server) apiApproveChange(w http.ResponseWriter, r *http.Request) error {
	id, err := s.changeID(r)
	if err != nil {
		return err
	}
	c, err := s.Changes.Approve(r.Context(), actor(r), id, s.applyChange(r.Context(), PrincipalFrom(r.Context())))
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "config_change", c)
}

func (s *Server) noteOf(r *http.Request) (string, error) {
	var in noteInput
	if r.ContentLength != 0 {
		if err := decodeFlat(r, &in); err != nil {
			return "", err
		}
	}
	return strings.TrimSpace(in.Note), nil
}

func (s *Server) apiRejectChange(w http.ResponseWriter, r *http.Request) error {
	return s.settleChange(w, r, s.Changes.Reject)
}

func (s *Server) apiReviewChange(w http.ResponseWriter, r *http.Request) error {
	return s.settleChange(w, r, s.Changes.Review)
}

// settleChange rejects or reviews a change with the body's optional note.
func (s *Server) settleChange(w http.ResponseWriter, r *http.Request, settle func(context.Context, audit.Actor, int64, string) (*changecontrol.Change, error)) error {
	id, err := s.changeID(r)
	if err != nil {
		return err
	}
	note, err := s.noteOf(r)
	if err != nil {
		return err
	}
	c, err := settle(r.Context(), actor(r), id, note)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "config_change", c)
}

// --- versions ----------------------------------------------------------------------

func (s *Server) apiListVersions(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	typ := q.Get("object_type")
	if typ == "" {
		return errs.BadRequest("object_type is required (trigger, automation, webhook, sla_policy, sla_schedule, custom_role)")
	}
	oid, err := strconv.ParseInt(q.Get("object_id"), 10, 64)
	if err != nil || oid <= 0 {
		return errs.BadRequest("object_id: must be an id")
	}
	vs, err := s.Changes.Versions(r.Context(), typ, oid)
	if err != nil {
		return err
	}
	return writeAll(w, "config_versions", vs)
}

func (s *Server) versionOf(r *http.Request, name string) (*changecontrol.Version, error) {
	id, err := strconv.ParseInt(name, 10, 64)
	if err != nil || id <= 0 {
		return nil, errs.NotFound("config version")
	}
	return s.Changes.Version(r.Context(), id)
}

func (s *Server) apiShowVersion(w http.ResponseWriter, r *http.Request) error {
	v, err := s.versionOf(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "config_version", v)
}

func (s *Server) apiDiffVersions(w http.ResponseWriter, r *http.Request) error {
	from, err := s.versionOf(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	var to *changecontrol.Version
	if v := r.URL.Query().Get("to"); v != "" {
		if to, err = s.versionOf(r, v); err != nil {
			return errs.BadRequest("to: not a version of a configuration object")
		}
		if to.ObjectType != from.ObjectType || to.ObjectID != from.ObjectID {
			return errs.BadRequest("to: a version of another object")
		}
	} else {
		vs, err := s.Changes.Versions(r.Context(), from.ObjectType, from.ObjectID)
		if err != nil {
			return err
		}
		to = &vs[len(vs)-1]
	}
	d, err := changecontrol.Diff(from.Snapshot, to.Snapshot)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"diff": d, "from": from.ID, "to": to.ID, "count": len(d)})
	return nil
}

// rollbackRequest is the change that puts an object back as in v.
func rollbackRequest(v *changecontrol.Version) (proposalInput, error) {
	g, ok := changecontrol.GuardedType(v.ObjectType)
	if !ok {
		return proposalInput{}, errs.NotFound("config version")
	}
	if len(v.Snapshot) == 0 {
		return proposalInput{}, errs.Invalid("version", "Rollback rule: this version is the object's deletion; roll back to an earlier version")
	}
	body, err := json.Marshal(map[string]json.RawMessage{g.Key: v.Snapshot})
	if err != nil {
		return proposalInput{}, err
	}
	return proposalInput{Method: "PUT", Path: g.Collection + "/" + strconv.FormatInt(v.ObjectID, 10), Body: body,
		Description: fmt.Sprintf("Roll back %s %d to version %d", strings.ReplaceAll(v.ObjectType, "_", " "), v.ObjectID, v.Version)}, nil
}

func (s *Server) apiRollback(w http.ResponseWriter, r *http.Request) error {
	v, err := s.versionOf(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	c, err := s.rollback(r, v)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "config_change", c)
}

// rollback proposes the rollback when approval is required, else applies
// it at once as the caller (recorded as a change like any other).
func (s *Server) rollback(r *http.Request, v *changecontrol.Version) (*changecontrol.Change, error) {
	in, err := rollbackRequest(v)
	if err != nil {
		return nil, err
	}
	require, err := s.requireApproval(r.Context())
	if err != nil {
		return nil, err
	}
	if require {
		return s.propose(r, in)
	}
	p := changecontrol.Proposal{Method: in.Method, Path: in.Path, Body: in.Body, Description: in.Description,
		Before: s.currentJSON(r.Context(), in.Method, in.Path)}
	code, body := s.dispatch(r.Context(), PrincipalFrom(r.Context()), in.Method, in.Path, in.Body)
	c, err := s.Changes.RecordDirect(r.Context(), actor(r), p, false, code, jsonOrNil(body))
	if err != nil {
		return nil, err
	}
	if code >= 300 {
		return nil, errs.Invalid("version", fmt.Sprintf("the rollback was refused (%d): %s", code, strings.TrimSpace(string(body))))
	}
	return c, nil
}
