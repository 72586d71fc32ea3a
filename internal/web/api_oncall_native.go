package web

// Frontline's own on-call API (beside the PagerDuty shapes): who is on
// call now, a schedule's problems ahead (time off with suggested
// replacements, gaps), the quarter's fairness, and swaps.

import (
	"net/http"
	"reflect"
	"strconv"
	"time"

	"github.com/frontline/frontline/internal/access"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/oncall"
)

func (s *Server) registerOnCallNativeAPI() {
	read := access.TeamRead
	s.handleNeeds("GET /api/v2/oncall/now", Staff, read, s.apiOnCallNow)
	s.handleNeeds("GET /api/v2/oncall/schedules/{id}/flags", Staff, read, s.apiOnCallFlags)
	s.handleNeeds("GET /api/v2/oncall/fairness", Staff, read, s.apiOnCallFairness)
	s.handleNeeds("GET /api/v2/oncall/swaps", Staff, read, s.apiOnCallSwaps)
	s.handleNeeds("POST /api/v2/oncall/schedules/{id}/swaps", Staff, read, s.apiOnCallRequestSwap)
	s.handleNeeds("POST /api/v2/oncall/swaps/{id}/accept", Staff, read, s.apiOnCallSwapAction(oncall.SwapAccepted))
	s.handleNeeds("POST /api/v2/oncall/swaps/{id}/decline", Staff, read, s.apiOnCallSwapAction(oncall.SwapDeclined))
	s.handleNeeds("POST /api/v2/oncall/swaps/{id}/cancel", Staff, read, s.apiOnCallSwapAction(oncall.SwapCancelled))
	s.handleNeeds("PUT /api/v2/oncall/schedules/{id}/brand", Staff, access.TeamManage, s.apiOnCallScheduleBrand)
}

func onCallAPIDocs() map[string]apiDoc {
	t := "On-call"
	return map[string]apiDoc{
		"GET /api/v2/oncall/now":                   {summary: "Every schedule at an instant (at=, RFC 3339; now by default): who is on call, the next hand-off and who takes over", tag: t, result: "on_call", query: []string{"at"}},
		"GET /api/v2/oncall/schedules/{id}/flags":  {summary: "Problems of the next days (days=, 1-92, default 14): shifts on someone's time off with suggested replacements (available, least loaded), and gaps", tag: t, result: "flags", query: []string{"days"}},
		"GET /api/v2/oncall/fairness":              {summary: "The quarter holding date= (YYYY-MM-DD; today by default): hours, weekend hours, shifts and balance per member, overall and per schedule", tag: t, result: "fairness", query: []string{"date"}},
		"GET /api/v2/oncall/swaps":                 {summary: "Swaps not yet ended: the caller's (requested, asked of them, or open to anyone); schedule_id= and status= narrow", tag: t, result: "swaps", query: []string{"schedule_id", "status"}},
		"POST /api/v2/oncall/schedules/{id}/swaps": {summary: "Ask that someone (taker_id, or anyone) takes start..end of the caller's shift (Swap rule: the caller is on call for all of it)", tag: t, body: "swap", result: "swap"},
		"POST /api/v2/oncall/swaps/{id}/accept":    {summary: "Take the shift: it becomes an override for the caller (staffing and US Government rules, time off)", tag: t, result: "swap", status200: true},
		"POST /api/v2/oncall/swaps/{id}/decline":   {summary: "Decline a swap asked of the caller", tag: t, result: "swap", status200: true},
		"POST /api/v2/oncall/swaps/{id}/cancel":    {summary: "Cancel the caller's own pending swap", tag: t, result: "swap", status200: true},
		"PUT /api/v2/oncall/schedules/{id}/brand":  {summary: "Put a schedule in a brand's partition (brand_id; null: every brand's): a restricted brand's schedule is seen only by those cleared for it", tag: t, body: "schedule_brand", result: "schedule_brand"},
	}
}

// swapInput is a swap request.
type swapInput struct {
	Start   time.Time `json:"start"`
	End     time.Time `json:"end"`
	Note    string    `json:"note"`
	TakerID *int64    `json:"taker_id"`
}

func onCallEnvelopes() map[string]envelope {
	return map[string]envelope{
		"on_call":        {reflect.TypeOf([]oncall.Now{}), nil},
		"flags":          {reflect.TypeOf([]oncall.Flag{}), nil},
		"fairness":       {reflect.TypeOf(oncall.QuarterFairness{}), nil},
		"swaps":          {reflect.TypeOf([]oncall.Swap{}), nil},
		"swap":           {reflect.TypeOf(oncall.Swap{}), reflect.TypeOf(swapInput{})},
		"schedule_brand": {reflect.TypeOf(scheduleBrand{}), reflect.TypeOf(scheduleBrand{})},
	}
}

func (s *Server) apiOnCallNow(w http.ResponseWriter, r *http.Request) error {
	at := s.now()
	if v := r.URL.Query().Get("at"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return errs.BadRequest("at: must be an RFC 3339 time")
		}
		at = t
	}
	nows, err := s.OnCall.WhoIsOnCall(r.Context(), at)
	if err != nil {
		return err
	}
	for i := range nows {
		if nows[i].OnCall == nil {
			nows[i].OnCall = []int64{}
		}
		if nows[i].Next == nil {
			nows[i].Next = []int64{}
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"on_call": nows})
	return nil
}

func (s *Server) apiOnCallFlags(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "schedule")
	if err != nil {
		return err
	}
	days := 14
	if v := r.URL.Query().Get("days"); v != "" {
		if days, err = strconv.Atoi(v); err != nil || days < 1 || days > 92 {
			return errs.BadRequest("days: must be a number from 1 to 92")
		}
	}
	now := s.now()
	flags, err := s.OnCall.Flags(r.Context(), id, now, now.Add(time.Duration(days)*24*time.Hour))
	if err != nil {
		return err
	}
	if flags == nil {
		flags = []oncall.Flag{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"flags": flags})
	return nil
}

func (s *Server) apiOnCallFairness(w http.ResponseWriter, r *http.Request) error {
	at := s.now()
	if v := r.URL.Query().Get("date"); v != "" {
		d, err := time.Parse("2006-01-02", v)
		if err != nil {
			return errs.BadRequest("date: must be YYYY-MM-DD")
		}
		at = d
	}
	f, err := s.OnCall.Fairness(r.Context(), at)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"fairness": f})
	return nil
}

func (s *Server) apiOnCallSwaps(w http.ResponseWriter, r *http.Request) error {
	f := oncall.SwapFilter{UserID: PrincipalFrom(r.Context()).UserID, Status: r.URL.Query().Get("status")}
	if v := r.URL.Query().Get("schedule_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return errs.BadRequest("schedule_id: must be an id")
		}
		f.ScheduleID = n
	}
	switch f.Status {
	case "", oncall.SwapPending, oncall.SwapAccepted, oncall.SwapDeclined, oncall.SwapCancelled:
	default:
		return errs.BadRequest("status: must be pending, accepted, declined or cancelled")
	}
	sw, err := s.OnCall.ListSwaps(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"swaps": sw})
	return nil
}

func (s *Server) apiOnCallRequestSwap(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "schedule")
	if err != nil {
		return err
	}
	var in swapInput
	if err := decodeBody(r, "swap", &in); err != nil {
		return err
	}
	sw, err := s.OnCall.RequestSwap(r.Context(), actor(r), id, oncall.Swap{Start: in.Start, End: in.End, Note: in.Note, TakerID: in.TakerID})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"swap": sw})
	return nil
}

func (s *Server) apiOnCallSwapAction(status string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id", "swap")
		if err != nil {
			return err
		}
		var sw *oncall.Swap
		if status == oncall.SwapAccepted {
			sw, err = s.OnCall.AcceptSwap(r.Context(), actor(r), id)
		} else {
			sw, err = s.OnCall.DecideSwap(r.Context(), actor(r), id, status)
		}
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]any{"swap": sw})
		return nil
	}
}

// scheduleBrand is a schedule's brand (null: every brand's).
type scheduleBrand struct {
	ScheduleID int64  `json:"schedule_id,omitempty"`
	BrandID    *int64 `json:"brand_id"`
}

func (s *Server) apiOnCallScheduleBrand(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "schedule")
	if err != nil {
		return err
	}
	var in scheduleBrand
	if err := decodeBody(r, "schedule_brand", &in); err != nil {
		return err
	}
	if in.BrandID != nil && *in.BrandID <= 0 {
		return errs.Invalid("brand_id", "is a brand id or null")
	}
	sc, err := s.OnCall.SetBrand(r.Context(), actor(r), id, in.BrandID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"schedule_brand": scheduleBrand{ScheduleID: sc.ID, BrandID: sc.BrandID}})
	return nil
}
