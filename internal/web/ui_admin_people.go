package web

// Admin people pages beyond the lists: the audit log's filters (actor,
// object, action; session events folded away by default).

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/errs"
)

// auditFilterForm is the audit log's filter form as typed.
type auditFilterForm struct {
	Actor, Action, ObjectID string
	ShowSessions            bool
	query                   url.Values // the filter without the page
}

// auditFilter reads the audit log's filters into f: actor by email or id,
// object id, action (or its prefix), and whether session events show (they
// do when asked, or when the action filter asks for them).
func (s *Server) auditFilter(ctx context.Context, q url.Values, f *audit.Filter) (auditFilterForm, error) {
	af := auditFilterForm{Actor: strings.TrimSpace(q.Get("actor")), Action: strings.TrimSpace(q.Get("action")),
		ObjectID: strings.TrimSpace(q.Get("object_id")), ShowSessions: q.Get("sessions") == "show", query: url.Values{}}
	for _, k := range []string{"actor", "type", "object_id", "action", "sessions"} {
		if v := strings.TrimSpace(q.Get(k)); v != "" {
			af.query.Set(k, v)
		}
	}
	if af.Actor != "" {
		if id, err := strconv.ParseInt(af.Actor, 10, 64); err == nil && id > 0 {
			f.ActorID = id
		} else {
			u, err := s.People.UserByEmail(ctx, af.Actor)
			if errs.Is(err, errs.KindNotFound) {
				return af, errs.BadRequest("actor: no user has the email %s", af.Actor)
			}
			if err != nil {
				return af, err
			}
			f.ActorID = u.ID
		}
	}
	if af.ObjectID != "" {
		id, err := strconv.ParseInt(af.ObjectID, 10, 64)
		if err != nil || id <= 0 {
			return af, errs.BadRequest("object_id must be a number")
		}
		f.ObjectID = id
	}
	f.Action = af.Action
	f.HideSessions = !af.ShowSessions && !strings.HasPrefix(af.Action, "session")
	return af, nil
}
