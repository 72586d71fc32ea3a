package web

// The change-control pages: the approval setting, proposals to approve or
// reject (each with what it would change), emergency changes to review,
// the latest changes, and an object's versions with their differences and
// a rollback button.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/frontline/frontline/internal/changecontrol"
	"github.com/frontline/frontline/internal/errs"
)

func (s *Server) registerAdminChanges() {
	s.handle("GET /admin/changes", Admin, s.adminChanges)
	s.handle("POST /admin/changes/settings", Admin, s.adminChangeSettings)
	s.handle("POST /admin/changes/{id}/{action}", Admin, s.adminDecideChange)
	s.handle("GET /admin/changes/versions", Admin, s.adminVersions)
	s.handle("POST /admin/changes/versions/{id}/rollback", Admin, s.adminRollback)
}

// changeView is a change with what it would do, for the page.
type changeView struct {
	changecontrol.Change
	Diff []changecontrol.DiffEntry
}

// proposedDiff is what applying c would change: its body's object laid
// over the object as it was when proposed.
func proposedDiff(c changecontrol.Change) []changecontrol.DiffEntry {
	g, ok := changecontrol.GuardedType(c.ObjectType)
	if !ok {
		return nil
	}
	var after json.RawMessage
	if c.Method != "DELETE" {
		var env map[string]json.RawMessage
		if json.Unmarshal(c.Body, &env) != nil {
			return nil
		}
		merged := map[string]any{}
		_ = json.Unmarshal(c.Before, &merged)
		var patch map[string]any
		if json.Unmarshal(env[g.Key], &patch) != nil {
			return nil
		}
		for k, v := range patch {
			merged[k] = v
		}
		after, _ = json.Marshal(merged)
	}
	d, _ := changecontrol.Diff(c.Before, after)
	return d
}

func (s *Server) adminChanges(w http.ResponseWriter, r *http.Request) error {
	return s.renderAdminChanges(w, r, http.StatusOK, "")
}

func (s *Server) renderAdminChanges(w http.ResponseWriter, r *http.Request, status int, problem string) error {
	ctx := r.Context()
	st, err := s.changeControlState(ctx)
	if err != nil {
		return err
	}
	views := func(f changecontrol.Filter) ([]changeView, error) {
		f.Page.Limit = 200
		cs, err := s.Changes.List(ctx, f)
		if err != nil {
			return nil, err
		}
		out := make([]changeView, len(cs))
		for i, c := range cs {
			out[len(cs)-1-i] = changeView{Change: c, Diff: proposedDiff(c)} // newest first
		}
		return out, nil
	}
	pending, err := views(changecontrol.Filter{Status: changecontrol.Pending})
	if err != nil {
		return err
	}
	review, err := views(changecontrol.Filter{NeedsReview: true})
	if err != nil {
		return err
	}
	n, err := s.Changes.Count(ctx, changecontrol.Filter{})
	if err != nil {
		return err
	}
	recentF := changecontrol.Filter{}
	recentF.Page.Offset = max(n-30, 0)
	recent, err := views(recentF)
	if err != nil {
		return err
	}
	me := PrincipalFrom(ctx).UserID
	s.render(w, r, status, "admin_changes.html", map[string]any{"Title": "Changes", "Section": "changes", "State": st,
		"Pending": pending, "Review": review, "Recent": recent, "MyID": me, "Error": problem, "Flash": flashOf(w, r),
		"Types": changecontrol.GuardedObjects()})
	return nil
}

func (s *Server) adminChangeSettings(w http.ResponseWriter, r *http.Request) error {
	want := r.PostForm.Get("require_approval") == "true"
	body, _ := json.Marshal(map[string]any{"change_control": map[string]bool{"require_approval": want}})
	require, err := s.requireApproval(r.Context())
	if err != nil {
		return err
	}
	if require && !want {
		if _, err := s.propose(r, proposalInput{Method: "PUT", Path: "/api/v2/change_control", Body: body, Description: "Stop requiring approval"}); err != nil {
			return err
		}
		seeOther(w, r, "/admin/changes", "Switching approval off is itself a change: proposed for another admin's approval.")
		return nil
	}
	code, out := s.dispatch(r.Context(), PrincipalFrom(r.Context()), "PUT", "/api/v2/change_control", body)
	if code != http.StatusOK {
		return fmt.Errorf("change control setting: %d %s", code, out)
	}
	msg := "Configuration changes now need a second admin's approval."
	if !want {
		msg = "Configuration changes no longer need approval."
	}
	seeOther(w, r, "/admin/changes", msg)
	return nil
}

func (s *Server) adminDecideChange(w http.ResponseWriter, r *http.Request) error {
	id, err := s.changeID(r)
	if err != nil {
		return err
	}
	var c *changecontrol.Change
	note := strings.TrimSpace(r.PostForm.Get("note"))
	switch r.PathValue("action") {
	case "approve":
		c, err = s.Changes.Approve(r.Context(), actor(r), id, s.applyChange(r.Context(), PrincipalFrom(r.Context())))
	case "reject":
		c, err = s.Changes.Reject(r.Context(), actor(r), id, note)
	case "review":
		c, err = s.Changes.Review(r.Context(), actor(r), id, note)
	default:
		return errs.NotFound("action")
	}
	if err != nil {
		if msg, status, ok := problemText(err); ok {
			return s.renderAdminChanges(w, r, status, msg)
		}
		return err
	}
	msg := fmt.Sprintf("Change %d: %s.", c.ID, c.Status)
	if c.Status == changecontrol.Failed {
		msg = fmt.Sprintf("Change %d failed when applied: %s", c.ID, strings.TrimSpace(string(c.Result)))
	}
	if r.PathValue("action") == "review" {
		msg = fmt.Sprintf("Emergency change %d reviewed.", c.ID)
	}
	seeOther(w, r, "/admin/changes", msg)
	return nil
}

// versionView is a version with its difference from the one before.
type versionView struct {
	changecontrol.Version
	Number int // the version's number (Version is the embedded record)
	Diff   []changecontrol.DiffEntry
	Latest bool
}

func (s *Server) adminVersions(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	typ := q.Get("object_type")
	oid, err := strconv.ParseInt(q.Get("object_id"), 10, 64)
	if _, ok := changecontrol.GuardedType(typ); !ok || err != nil || oid <= 0 {
		return s.renderAdminChanges(w, r, http.StatusUnprocessableEntity, "Choose a kind of configuration and an object id.")
	}
	vs, err := s.Changes.Versions(r.Context(), typ, oid)
	if err != nil {
		return err
	}
	views := make([]versionView, len(vs))
	var prev json.RawMessage
	for i, v := range vs {
		d, _ := changecontrol.Diff(prev, v.Snapshot)
		views[len(vs)-1-i] = versionView{Version: v, Number: v.Version, Diff: d, Latest: i == len(vs)-1}
		prev = v.Snapshot
	}
	s.render(w, r, http.StatusOK, "admin_versions.html", map[string]any{"Title": "Versions", "Section": "changes",
		"Type": typ, "ObjectID": oid, "Versions": views, "Flash": flashOf(w, r)})
	return nil
}

func (s *Server) adminRollback(w http.ResponseWriter, r *http.Request) error {
	v, err := s.versionOf(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	c, err := s.rollback(r, v)
	if err != nil {
		if msg, status, ok := problemText(err); ok {
			return s.renderAdminChanges(w, r, status, msg)
		}
		return err
	}
	msg := fmt.Sprintf("Rolled back to version %d.", v.Version)
	if c.Status == changecontrol.Pending {
		msg = fmt.Sprintf("Rollback to version %d proposed for another admin's approval.", v.Version)
	}
	seeOther(w, r, fmt.Sprintf("/admin/changes/versions?object_type=%s&object_id=%d", v.ObjectType, v.ObjectID), msg)
	return nil
}
