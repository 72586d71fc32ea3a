package web

// Live updates of the agent ticket page over Server-Sent Events: the page
// learns when someone else changed the ticket (read from the database, so
// it works across nodes) and who else is writing a reply (presence kept in
// this node's memory, refreshed by the browser every few seconds).

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/frontline/frontline/internal/errs"
)

// replyingTTL is how long a "replying" mark lasts without a refresh.
const replyingTTL = 15 * time.Second

type replyMark struct {
	name string
	at   time.Time
}

// liveHub tracks which agents are writing a reply on which ticket.
type liveHub struct {
	mu       sync.Mutex
	replying map[int64]map[int64]replyMark // ticket -> user -> mark
}

func newLiveHub() *liveHub { return &liveHub{replying: map[int64]map[int64]replyMark{}} }

func (h *liveHub) setReplying(ticketID, userID int64, name string, at time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	m := h.replying[ticketID]
	if m == nil {
		m = map[int64]replyMark{}
		h.replying[ticketID] = m
	}
	m[userID] = replyMark{name: name, at: at}
}

func (h *liveHub) clearReplying(ticketID, userID int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.replying[ticketID], userID)
	if len(h.replying[ticketID]) == 0 {
		delete(h.replying, ticketID)
	}
}

// others lists the names of people other than self replying on the ticket
// as of now, dropping stale marks.
func (h *liveHub) others(ticketID, self int64, now time.Time) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for uid, m := range h.replying[ticketID] {
		if now.Sub(m.at) > replyingTTL {
			delete(h.replying[ticketID], uid)
			continue
		}
		if uid != self {
			out = append(out, m.name)
		}
	}
	slices.Sort(out)
	return out
}

func (s *Server) registerLiveUI() {
	s.handle("POST /agent/tickets/{id}/replying", Staff, s.agentReplying)
	s.handle("GET /agent/tickets/{id}/live", Staff, s.agentLive)
}

// agentReplying records (active=1) or clears (active=0) that the caller is
// writing a reply on the ticket.
func (s *Server) agentReplying(w http.ResponseWriter, r *http.Request) error {
	p := PrincipalFrom(r.Context())
	id, err := pathID(r, "id", "ticket")
	if err != nil {
		return err
	}
	if _, err := s.Tickets.Get(r.Context(), id); err != nil {
		return err
	}
	switch r.PostFormValue("active") {
	case "1":
		s.ui.live.setReplying(id, p.UserID, p.Name, s.now())
	case "0":
		s.ui.live.clearReplying(id, p.UserID)
	default:
		return errs.Invalid("active", "must be 1 or 0")
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// agentLive streams "changed" (the ticket's updated_at moved past ?since=)
// and "replying" (names of others writing a reply) events.
func (s *Server) agentLive(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := PrincipalFrom(ctx)
	id, err := pathID(r, "id", "ticket")
	if err != nil {
		return err
	}
	t, err := s.Tickets.Get(ctx, id)
	if err != nil {
		return err
	}
	since := t.UpdatedAt
	sc, err := s.partitionScope(r)
	if err != nil {
		return err
	}
	restricted := sc.Audited(t.BrandID) // an insider's stream: clearance re-checked on every poll
	if v := r.URL.Query().Get("since"); v != "" {
		if since, err = time.Parse(time.RFC3339Nano, v); err != nil {
			return errs.BadRequest("since must be an RFC 3339 time")
		}
	}
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	send := func(event string, data any) error {
		b, err := json.Marshal(data)
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b); err != nil {
			return err
		}
		return rc.Flush()
	}
	if _, err := fmt.Fprint(w, "retry: 3000\n\n"); err != nil {
		return nil
	}
	_ = rc.Flush()
	interval := s.ui.liveInterval
	if interval <= 0 {
		interval = 2 * time.Second
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	var lastReplying []string
	idle := 0
	for {
		cur, err := s.Tickets.Get(ctx, id)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			s.log.Warn("live ticket poll", "ticket", id, "err", err)
		} else if restricted && !s.stillSees(ctx, p.UserID, cur.BrandID) {
			return nil // the attribute or team membership was lost: the stream ends at once
		} else if cur.UpdatedAt.After(since) {
			since = cur.UpdatedAt
			if err := send("changed", map[string]any{"ticket_id": id, "updated_at": cur.UpdatedAt, "status": cur.Status}); err != nil {
				return nil
			}
		}
		others := s.ui.live.others(id, p.UserID, s.now())
		if !slices.Equal(others, lastReplying) {
			lastReplying = others
			if err := send("replying", map[string]any{"names": others}); err != nil {
				return nil
			}
		}
		idle++
		if idle*int(interval/time.Millisecond) >= 15000 {
			idle = 0
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return nil
			}
			_ = rc.Flush()
		}
		select {
		case <-ctx.Done():
			return nil
		case <-s.ui.closing:
			return nil
		case <-tick.C:
		}
	}
}
