package web

// Zendesk compatibility that migration and sync scripts rely on (ADR 0012):
// custom fields and ticket forms, bulk requests answered with job statuses,
// user identities, counts, incremental user and organization exports, and
// the end-user Requests API.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/access"
	"github.com/frontline/frontline/internal/auth"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/ticket"
	"github.com/frontline/frontline/internal/zendesk"
)

func (s *Server) registerZendeskAPI() {
	if s.Zendesk == nil {
		s.Zendesk = zendesk.NewStore(s.DB)
	}
	s.Zendesk.SetRunner(s.runBulkItem)
	s.Zendesk.SetBatchRunner(s.runBulkBatch) // api_zendesk_history.go
	for _, k := range []struct{ path, kind string }{
		{"ticket_fields", zendesk.KindTicket}, {"user_fields", zendesk.KindUser}, {"organization_fields", zendesk.KindOrganization},
	} {
		base := "/api/v2/" + k.path
		s.handleNeeds("GET "+base, Staff, access.TicketsRead, s.apiListFields(k.kind, k.path))
		s.handleNeeds("GET "+base+"/{id}", Staff, access.TicketsRead, s.apiShowField(k.kind))
		s.handle("POST "+base, Admin, s.apiSaveField(k.kind, false))
		s.handle("PUT "+base+"/{id}", Admin, s.apiSaveField(k.kind, true))
		s.handle("DELETE "+base+"/{id}", Admin, s.apiDeleteField(k.kind))
	}
	s.handleNeeds("GET /api/v2/ticket_forms", Authenticated, access.TicketsRead, s.apiListForms)
	s.handleNeeds("GET /api/v2/ticket_forms/{id}", Authenticated, access.TicketsRead, s.apiShowForm)
	s.handle("POST /api/v2/ticket_forms", Admin, s.apiSaveForm(false))
	s.handle("PUT /api/v2/ticket_forms/{id}", Admin, s.apiSaveForm(true))
	s.handle("DELETE /api/v2/ticket_forms/{id}", Admin, s.apiDeleteForm)

	s.handleNeeds("POST /api/v2/tickets/create_many", Staff, access.TicketsEdit, s.apiBulk("tickets", "create_many"))
	s.handleNeeds("PUT /api/v2/tickets/update_many", Staff, access.TicketsEdit, s.apiBulk("tickets", "update_many"))
	s.handleNeeds("DELETE /api/v2/tickets/destroy_many", Staff, access.TicketsDelete, s.apiBulk("tickets", "destroy_many"))
	s.handleNeeds("POST /api/v2/users/create_many", Staff, access.UsersEdit, s.apiBulk("users", "create_many"))
	s.handleNeeds("POST /api/v2/users/create_or_update_many", Staff, access.UsersEdit, s.apiBulk("users", "create_or_update_many"))
	s.handleNeeds("POST /api/v2/organizations/create_many", Admin, access.OrganizationsEdit, s.apiBulk("organizations", "create_many"))
	s.handleNeeds("GET /api/v2/job_statuses", Staff, access.TicketsRead, s.apiListJobs)
	s.handleNeeds("GET /api/v2/job_statuses/{id}", Staff, access.TicketsRead, s.apiShowJob)

	s.handleNeeds("GET /api/v2/users/count", Staff, access.UsersRead, s.apiCount(func(r *http.Request) (int, error) { return s.People.CountUsers(r.Context(), people.UserFilter{}) }))
	s.handleNeeds("GET /api/v2/organizations/count", Staff, access.UsersRead, s.apiCount(func(r *http.Request) (int, error) {
		return s.People.CountOrganizations(r.Context(), people.OrgFilter{})
	}))

	s.handleNeeds("GET /api/v2/users/{id}/identities", Authenticated, access.UsersRead, s.apiListIdentities)
	s.handleNeeds("POST /api/v2/users/{id}/identities", Staff, access.UsersEdit, s.apiAddIdentity)
	s.handleNeeds("GET /api/v2/users/{id}/identities/{iid}", Authenticated, access.UsersRead, s.apiShowIdentity)
	s.handleNeeds("PUT /api/v2/users/{id}/identities/{iid}/verify", Staff, access.UsersEdit, s.apiVerifyIdentity)
	s.handleNeeds("PUT /api/v2/users/{id}/identities/{iid}/make_primary", Staff, access.UsersEdit, s.apiMakePrimary)
	s.handleNeeds("DELETE /api/v2/users/{id}/identities/{iid}", Staff, access.UsersEdit, s.apiDeleteIdentity)

	s.handle("GET /api/v2/incremental/users", Admin, s.apiIncrementalPeople("users", false))
	s.handle("GET /api/v2/incremental/users/cursor", Admin, s.apiIncrementalPeople("users", true))
	s.handle("GET /api/v2/incremental/organizations", Admin, s.apiIncrementalPeople("organizations", false))

	s.handleNeeds("GET /api/v2/tags", Staff, access.TicketsRead, s.apiTags)
	s.handleNeeds("GET /api/v2/autocomplete/tags", Staff, access.TicketsRead, s.apiAutocompleteTags)

	s.handleNeeds("GET /api/v2/requests", Authenticated, access.TicketsRead, s.apiListRequests)
	s.handleNeeds("GET /api/v2/requests/{id}", Authenticated, access.TicketsRead, s.apiShowRequest)
	s.handleNeeds("POST /api/v2/requests", Authenticated, access.TicketsEdit, s.apiCreateRequest)
	s.handleNeeds("PUT /api/v2/requests/{id}", Authenticated, access.TicketsPublicComment, s.apiUpdateRequest)
	s.handleNeeds("GET /api/v2/requests/{id}/comments", Authenticated, access.TicketsRead, s.apiRequestComments)
	s.registerZendeskHistoryAPI() // api_zendesk_history.go
}

// --- custom fields -----------------------------------------------------------------

func (s *Server) apiListFields(kind, key string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		fs, err := s.Zendesk.Fields(r.Context(), kind)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]any{key: s.fieldsView(r, kind, fs), "count": len(fs), "next_page": nil, "previous_page": nil})
		return nil
	}
}

type fieldJSON struct {
	zendesk.Field
	URL string `json:"url"`
}

func fieldPath(kind string) string {
	if kind == zendesk.KindTicket {
		return "ticket_fields"
	}
	return kind + "_fields"
}

func (s *Server) fieldView(r *http.Request, kind string, f zendesk.Field) fieldJSON {
	return fieldJSON{Field: f, URL: s.baseURL(r) + "/api/v2/" + fieldPath(kind) + "/" + strconv.FormatInt(f.ID, 10) + ".json"}
}

func (s *Server) fieldsView(r *http.Request, kind string, fs []zendesk.Field) []fieldJSON {
	out := make([]fieldJSON, len(fs))
	for i, f := range fs {
		out[i] = s.fieldView(r, kind, f)
	}
	return out
}

func fieldKey(kind string) string { return strings.TrimSuffix(fieldPath(kind), "s") }

func (s *Server) apiShowField(kind string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id", fieldKey(kind))
		if err != nil {
			return err
		}
		f, err := s.Zendesk.Field(r.Context(), kind, id)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]any{fieldKey(kind): s.fieldView(r, kind, *f)})
		return nil
	}
}

func (s *Server) apiSaveField(kind string, update bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in zendesk.FieldInput
		if err := decodeBody(r, fieldKey(kind), &in); err != nil {
			return err
		}
		var f *zendesk.Field
		var err error
		status := http.StatusCreated
		if update {
			id, perr := pathID(r, "id", fieldKey(kind))
			if perr != nil {
				return perr
			}
			f, err = s.Zendesk.UpdateField(r.Context(), kind, id, in)
			status = http.StatusOK
		} else {
			f, err = s.Zendesk.CreateField(r.Context(), kind, in)
		}
		if err != nil {
			return err
		}
		writeJSON(w, status, map[string]any{fieldKey(kind): s.fieldView(r, kind, *f)})
		return nil
	}
}

func (s *Server) apiDeleteField(kind string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id", fieldKey(kind))
		if err != nil {
			return err
		}
		if err := s.Zendesk.DeleteField(r.Context(), kind, id); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

// checkTicketFields normalises the custom field values of a ticket write
// against the ticket fields and returns the tags they set and clear.
func (s *Server) checkTicketFields(ctx context.Context, cfs []ticket.CustomField) (set, clear []string, err error) {
	if len(cfs) == 0 || s.Zendesk == nil {
		return nil, nil, nil
	}
	fields, err := s.Zendesk.Fields(ctx, zendesk.KindTicket)
	if err != nil {
		return nil, nil, err
	}
	for i := range cfs {
		j := slices.IndexFunc(fields, func(f zendesk.Field) bool { return f.ID == cfs[i].ID })
		name := "custom_fields[" + strconv.Itoa(i) + "]"
		if j < 0 {
			// A value of a field without a definition is kept as given,
			// as before custom field definitions existed (imports, views
			// and rules may refer to such ids).
			continue
		}
		v, err := fields[j].Normalize(name, cfs[i].Value)
		if err != nil {
			return nil, nil, err
		}
		cfs[i].Value = v
		add, rm := fields[j].TicketTags(v)
		set, clear = append(set, add...), append(clear, rm...)
	}
	return set, clear, nil
}

// requiredTicketFields refuses a creation by staff without the required
// fields' values (Zendesk requires them on solve; here on creation by an
// agent through the API, only when the field is active and required).
func (s *Server) requiredTicketFields(ctx context.Context, cfs []ticket.CustomField, status *string) error {
	if status == nil || (*status != ticket.StatusSolved && *status != ticket.StatusClosed) || s.Zendesk == nil {
		return nil
	}
	fields, err := s.Zendesk.Fields(ctx, zendesk.KindTicket)
	if err != nil {
		return err
	}
	for _, f := range fields {
		if !f.Active || !f.Required {
			continue
		}
		if !slices.ContainsFunc(cfs, func(c ticket.CustomField) bool { return c.ID == f.ID && c.Value != nil }) {
			return errs.Invalid("custom_fields", "Custom field rule: "+f.Title+" is required to solve a ticket")
		}
	}
	return nil
}

// --- ticket forms ----------------------------------------------------------------

type formJSON struct {
	zendesk.Form
	URL string `json:"url"`
}

func (s *Server) formView(r *http.Request, f zendesk.Form) formJSON {
	return formJSON{Form: f, URL: s.baseURL(r) + "/api/v2/ticket_forms/" + strconv.FormatInt(f.ID, 10) + ".json"}
}

func (s *Server) apiListForms(w http.ResponseWriter, r *http.Request) error {
	fs, err := s.Zendesk.Forms(r.Context())
	if err != nil {
		return err
	}
	if !PrincipalFrom(r.Context()).IsStaff() {
		fs = slices.DeleteFunc(fs, func(f zendesk.Form) bool { return !f.Active || !f.EndUserVisible })
	}
	out := make([]formJSON, len(fs))
	for i, f := range fs {
		out[i] = s.formView(r, f)
	}
	writeJSON(w, http.StatusOK, map[string]any{"ticket_forms": out, "count": len(out), "next_page": nil, "previous_page": nil})
	return nil
}

func (s *Server) apiShowForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "ticket form")
	if err != nil {
		return err
	}
	f, err := s.Zendesk.Form(r.Context(), id)
	if err != nil {
		return err
	}
	if !PrincipalFrom(r.Context()).IsStaff() && (!f.Active || !f.EndUserVisible) {
		return errs.NotFound("ticket form")
	}
	writeJSON(w, http.StatusOK, map[string]any{"ticket_form": s.formView(r, *f)})
	return nil
}

func (s *Server) apiSaveForm(update bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in zendesk.FormInput
		if err := decodeBody(r, "ticket_form", &in); err != nil {
			return err
		}
		var id int64
		status := http.StatusCreated
		if update {
			var err error
			if id, err = pathID(r, "id", "ticket form"); err != nil {
				return err
			}
			status = http.StatusOK
		}
		f, err := s.Zendesk.SaveForm(r.Context(), id, in)
		if err != nil {
			return err
		}
		writeJSON(w, status, map[string]any{"ticket_form": s.formView(r, *f)})
		return nil
	}
}

func (s *Server) apiDeleteForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "ticket form")
	if err != nil {
		return err
	}
	if err := s.Zendesk.DeleteForm(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// --- bulk requests and job statuses -------------------------------------------------

type jobJSON struct {
	zendesk.JobStatus
}

func (s *Server) jobView(r *http.Request, j zendesk.JobStatus) jobJSON {
	j.URL = s.baseURL(r) + "/api/v2/job_statuses/" + j.ID + ".json"
	if j.Status != "completed" && len(j.Results) == 0 {
		j.Results = nil
	}
	return jobJSON{JobStatus: j}
}

// bulkItem is one item of a bulk job: the body of the single request and,
// for updates and deletions, the record's id.
type bulkItem struct {
	ID   int64           `json:"id,omitempty"`
	Body json.RawMessage `json:"body,omitempty"`
}

// apiBulk answers a bulk request with a queued job status.
func (s *Server) apiBulk(area, op string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		items, err := s.bulkItems(r, area, op)
		if err != nil {
			return err
		}
		if len(items) > zendesk.MaxBulkItems {
			return errs.Invalid(area, "Bulk rule: at most "+strconv.Itoa(zendesk.MaxBulkItems)+" items per request")
		}
		raws := make([]json.RawMessage, len(items))
		for i, it := range items {
			raws[i], _ = json.Marshal(it)
		}
		p := PrincipalFrom(r.Context())
		j, err := s.Zendesk.Enqueue(r.Context(), area+"/"+op, p.UserID, p.Role, raws)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]any{"job_status": s.jobView(r, *j)})
		return nil
	}
}

// bulkItems reads the items of a bulk request: {"tickets": [...]},
// update_many's ?ids= with one {"ticket": {...}}, destroy_many's ?ids=.
func (s *Server) bulkItems(r *http.Request, area, op string) ([]bulkItem, error) {
	singular := strings.TrimSuffix(area, "s")
	q := r.URL.Query()
	if op == "destroy_many" {
		ids, err := parseIDs(q.Get("ids"))
		if err != nil || len(ids) == 0 {
			return nil, errs.BadRequest("ids: give the ids to delete as ?ids=1,2,3")
		}
		items := make([]bulkItem, len(ids))
		for i, id := range ids {
			items[i] = bulkItem{ID: id}
		}
		return items, nil
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, bodyError(err)
	}
	var env map[string]json.RawMessage
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, jsonError(err, "")
	}
	if err := checkJSONText(body, ""); err != nil {
		return nil, err
	}
	if op == "update_many" && q.Has("ids") {
		ids, err := parseIDs(q.Get("ids"))
		if err != nil || len(ids) == 0 {
			return nil, errs.BadRequest("ids: give the ids to update as ?ids=1,2,3")
		}
		one, ok := env[singular]
		if !ok {
			return nil, errs.BadRequest("request body must be a JSON object with a %q object", singular)
		}
		items := make([]bulkItem, len(ids))
		for i, id := range ids {
			items[i] = bulkItem{ID: id, Body: one}
		}
		return items, nil
	}
	var list []json.RawMessage
	raw, ok := env[area]
	if !ok || json.Unmarshal(raw, &list) != nil {
		return nil, errs.BadRequest("request body must be a JSON object with a %q array", area)
	}
	items := make([]bulkItem, len(list))
	for i, it := range list {
		items[i] = bulkItem{Body: it}
		if op == "update_many" {
			var idOnly struct {
				ID int64 `json:"id"`
			}
			if json.Unmarshal(it, &idOnly) != nil || idOnly.ID <= 0 {
				return nil, errs.Invalid(area+"["+strconv.Itoa(i)+"]", "needs the id of the "+singular+" to update")
			}
			items[i].ID = idOnly.ID
		}
	}
	return items, nil
}

// runBulkItem works one item through the single-record handler, as its
// author (the job's actor), so that a bulk item follows every rule of the
// single request.
func (s *Server) runBulkItem(ctx context.Context, j *zendesk.JobStatus, index int, raw json.RawMessage) zendesk.JobResult {
	var it bulkItem
	_ = json.Unmarshal(raw, &it)
	area, op, _ := strings.Cut(j.JobType, "/")
	singular := strings.TrimSuffix(area, "s")
	u, err := s.People.GetUser(ctx, j.ActorID)
	if err != nil {
		return zendesk.JobResult{Success: false, Status: "Failed", Error: "ActorGone", Details: err.Error()}
	}
	p := &auth.Principal{UserID: u.ID, Name: u.Name, Email: u.Email, Role: u.Role, Via: "job"}
	var method, path string
	var h handlerFunc
	action := "create"
	switch area + "/" + op {
	case "tickets/create_many":
		method, path, h = "POST", "/api/v2/tickets", s.apiCreateTicket
	case "tickets/update_many":
		method, path, h, action = "PUT", "/api/v2/tickets/"+strconv.FormatInt(it.ID, 10), s.apiUpdateTicket, "update"
	case "tickets/destroy_many":
		method, path, h, action = "DELETE", "/api/v2/tickets/"+strconv.FormatInt(it.ID, 10), s.apiDeleteTicket, "delete"
	case "tickets/import_many":
		method, path, h = "POST", "/api/v2/imports/tickets", s.apiImportTicket
	case "deleted_tickets/destroy_many":
		method, path, h, action = "DELETE", "/api/v2/deleted_tickets/"+strconv.FormatInt(it.ID, 10), s.purgeDeletedItem, "delete"
	case "users/create_many":
		method, path, h = "POST", "/api/v2/users", s.withFieldValues(zendesk.KindUser, s.apiCreateUser)
	case "users/create_or_update_many":
		method, path, h, action = "POST", "/api/v2/users/create_or_update", s.withFieldValues(zendesk.KindUser, s.apiCreateOrUpdateUser), "create_or_update"
	case "organizations/create_many":
		method, path, h = "POST", "/api/v2/organizations", s.withFieldValues(zendesk.KindOrganization, s.orgAPI().createOne)
	default:
		return zendesk.JobResult{Status: "Failed", Error: "UnknownJob", Details: j.JobType}
	}
	var body io.Reader
	if len(it.Body) > 0 {
		b, _ := json.Marshal(map[string]json.RawMessage{singular: it.Body})
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(context.WithValue(ctx, principalKey, p), method, path, body)
	if err != nil {
		return zendesk.JobResult{Status: "Failed", Error: "BadItem", Details: err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	if it.ID != 0 {
		req.SetPathValue("id", strconv.FormatInt(it.ID, 10))
	}
	rec := httptest.NewRecorder()
	err = nil
	if it.ID != 0 {
		// The route's partition guard, as the single request meets it in
		// the middleware: an item addressing a hidden brand's record is not found.
		if g, ok := guardOf(method + " " + strings.Replace(path, "/"+strconv.FormatInt(it.ID, 10), "/{id}", 1)); ok {
			err = s.partitionGuard(req, g)
		}
	}
	if err == nil {
		err = h(rec, req)
	}
	if err != nil {
		status, eb := errorBody(err)
		details := eb.Description
		if b, jerr := json.Marshal(eb.Details); jerr == nil && len(eb.Details) > 0 {
			details += " " + string(b)
		}
		return zendesk.JobResult{ID: it.ID, Action: action, Status: "Failed", Error: eb.Error + " (" + strconv.Itoa(status) + ")", Details: details}
	}
	res := zendesk.JobResult{ID: it.ID, Action: action, Success: true}
	var out map[string]json.RawMessage
	if json.Unmarshal(rec.Body.Bytes(), &out) == nil {
		var rec struct {
			ID         int64   `json:"id"`
			ExternalID *string `json:"external_id"`
		}
		if json.Unmarshal(out[singular], &rec) == nil && rec.ID != 0 {
			res.ID = rec.ID
			if rec.ExternalID != nil {
				res.ExternalID = *rec.ExternalID
			}
		}
	}
	switch {
	case action == "delete":
		res.Status = "Deleted"
	case rec.Code == http.StatusCreated:
		res.Status = "Created"
		res.Action = "create"
	default:
		res.Status = "Updated"
		res.Action = "update"
	}
	return res
}

func (s *Server) apiShowJob(w http.ResponseWriter, r *http.Request) error {
	j, err := s.Zendesk.Job(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	p := PrincipalFrom(r.Context())
	if !p.IsAdmin() && j.ActorID != p.UserID {
		return errs.NotFound("job status")
	}
	writeJSON(w, http.StatusOK, map[string]any{"job_status": s.jobView(r, *j)})
	return nil
}

func (s *Server) apiListJobs(w http.ResponseWriter, r *http.Request) error {
	js, err := s.Zendesk.Jobs(r.Context())
	if err != nil {
		return err
	}
	p := PrincipalFrom(r.Context())
	out := []jobJSON{}
	for _, j := range js {
		if p.IsAdmin() || j.ActorID == p.UserID {
			out = append(out, s.jobView(r, j))
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"job_statuses": out, "count": len(out), "next_page": nil, "previous_page": nil})
	return nil
}

// --- identities ------------------------------------------------------------------

// identityOwner loads the user of an identities route: staff reach every
// user, customers only themself.
func (s *Server) identityOwner(r *http.Request) (*people.User, error) {
	id, err := pathID(r, "id", "user")
	if err != nil {
		return nil, err
	}
	p := PrincipalFrom(r.Context())
	if !p.IsStaff() && id != p.UserID {
		return nil, errs.NotFound("user")
	}
	return s.People.GetUser(r.Context(), id)
}

type identityJSON struct {
	zendesk.Identity
	URL string `json:"url"`
}

func (s *Server) identityView(r *http.Request, i zendesk.Identity) identityJSON {
	return identityJSON{Identity: i, URL: s.baseURL(r) + "/api/v2/users/" + strconv.FormatInt(i.UserID, 10) + "/identities/" + strconv.FormatInt(i.ID, 10) + ".json"}
}

func (s *Server) apiListIdentities(w http.ResponseWriter, r *http.Request) error {
	u, err := s.identityOwner(r)
	if err != nil {
		return err
	}
	is, err := s.Zendesk.Identities(r.Context(), u.ID)
	if err != nil {
		return err
	}
	out := make([]identityJSON, len(is))
	for i, x := range is {
		out[i] = s.identityView(r, x)
	}
	writeJSON(w, http.StatusOK, map[string]any{"identities": out, "count": len(out), "next_page": nil, "previous_page": nil})
	return nil
}

func (s *Server) apiAddIdentity(w http.ResponseWriter, r *http.Request) error {
	u, err := s.identityOwner(r)
	if err != nil {
		return err
	}
	if err := checkUserWrite(r, u, &people.UserInput{}); err != nil {
		return err
	}
	var in zendesk.IdentityInput
	if err := decodeBody(r, "identity", &in); err != nil {
		return err
	}
	i, err := s.Zendesk.AddIdentity(r.Context(), u.ID, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"identity": s.identityView(r, *i)})
	return nil
}

func (s *Server) identityOf(r *http.Request) (*people.User, *zendesk.Identity, error) {
	u, err := s.identityOwner(r)
	if err != nil {
		return nil, nil, err
	}
	iid, err := pathID(r, "iid", "identity")
	if err != nil {
		return nil, nil, err
	}
	if _, err := s.Zendesk.Identities(r.Context(), u.ID); err != nil { // records the primary
		return nil, nil, err
	}
	i, err := s.Zendesk.Identity(r.Context(), u.ID, iid)
	return u, i, err
}

func (s *Server) apiShowIdentity(w http.ResponseWriter, r *http.Request) error {
	_, i, err := s.identityOf(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"identity": s.identityView(r, *i)})
	return nil
}

func (s *Server) apiVerifyIdentity(w http.ResponseWriter, r *http.Request) error {
	u, i, err := s.identityOf(r)
	if err != nil {
		return err
	}
	if err := checkUserWrite(r, u, &people.UserInput{}); err != nil {
		return err
	}
	i, err = s.Zendesk.VerifyIdentity(r.Context(), u.ID, i.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"identity": s.identityView(r, *i)})
	return nil
}

// apiMakePrimary makes an email identity the user's email; the old email
// stays as a secondary identity.
func (s *Server) apiMakePrimary(w http.ResponseWriter, r *http.Request) error {
	u, i, err := s.identityOf(r)
	if err != nil {
		return err
	}
	if err := checkUserWrite(r, u, &people.UserInput{}); err != nil {
		return err
	}
	if i.Type != "email" {
		return errs.Invalid("type", "Identity rule: only an email can be primary")
	}
	if !i.Primary {
		email := i.Value
		if _, err := s.People.UpdateUser(r.Context(), actor(r), u.ID, people.UserInput{Email: &email}); err != nil {
			return err
		}
	}
	is, err := s.Zendesk.Identities(r.Context(), u.ID)
	if err != nil {
		return err
	}
	out := make([]identityJSON, len(is))
	for k, x := range is {
		out[k] = s.identityView(r, x)
	}
	writeJSON(w, http.StatusOK, map[string]any{"identities": out})
	return nil
}

func (s *Server) apiDeleteIdentity(w http.ResponseWriter, r *http.Request) error {
	u, i, err := s.identityOf(r)
	if err != nil {
		return err
	}
	if err := checkUserWrite(r, u, &people.UserInput{}); err != nil {
		return err
	}
	if err := s.Zendesk.DeleteIdentity(r.Context(), u.ID, i.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// --- incremental users and organizations -------------------------------------------

// apiIncrementalPeople is Zendesk's incremental export of users or
// organizations: time-based (start_time, next_page, end_time) and, for
// users, cursor-based (after_cursor, end_of_stream).
func (s *Server) apiIncrementalPeople(what string, cursorStyle bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		q := r.URL.Query()
		var start time.Time
		var afterID int64
		cursor := q.Get("cursor")
		if cursor != "" {
			if _, _, err := decodeIncremental(cursor); err != nil && q.Get("start_time") != "" {
				cursor = ""
			}
		}
		if cursorStyle && cursor != "" {
			var err error
			if start, afterID, err = decodeIncremental(cursor); err != nil {
				return err
			}
		} else {
			n, err := strconv.ParseInt(q.Get("start_time"), 10, 64)
			if err != nil || n < 0 {
				return errs.BadRequest("start_time: must be a Unix time in seconds")
			}
			start = time.Unix(n, 0).UTC()
			if start.After(s.DB.Clock.Now().Add(-time.Minute)) {
				return errs.BadRequest("start_time: must be more than a minute in the past")
			}
			start, afterID = start.Add(-time.Microsecond), 1<<63-1
		}
		limit := 1000
		if v := q.Get("per_page"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 1000 {
				return errs.BadRequest("per_page: must be a number from 1 to 1000")
			}
			limit = n
		}
		marks, err := s.Zendesk.ChangedSince(r.Context(), what, start, afterID, limit+1)
		if err != nil {
			return err
		}
		end := len(marks) <= limit
		if !end {
			marks = marks[:limit]
		}
		ids := make([]int64, len(marks))
		for i, m := range marks {
			ids[i] = m.ID
		}
		body := map[string]any{"count": len(ids), "end_of_stream": end}
		if what == "users" {
			us, err := s.People.GetUsers(r.Context(), ids)
			if err != nil {
				return err
			}
			if us, err = visibleRecords(s, r, "user", us, func(u people.User) int64 { return u.ID }); err != nil {
				return err
			}
			body["users"] = s.usersView(r, us)
		} else {
			os, err := s.People.GetOrganizations(r.Context(), ids)
			if err != nil {
				return err
			}
			if os, err = visibleRecords(s, r, "organization", os, func(o people.Organization) int64 { return o.ID }); err != nil {
				return err
			}
			body["organizations"] = viewAll(r, os, s.orgView)
		}
		base := s.baseURL(r) + "/api/v2/incremental/" + what
		if cursorStyle {
			c := cursor
			if len(marks) > 0 {
				c = encodeIncremental(marks[len(marks)-1].UpdatedAt, marks[len(marks)-1].ID)
			} else if c == "" {
				c = encodeIncremental(start, afterID)
			}
			body["after_cursor"], body["before_cursor"], body["before_url"] = c, nil, nil
			body["after_url"] = base + "/cursor.json?" + url.Values{"cursor": {c}}.Encode()
		} else {
			endTime := start.Add(time.Microsecond).Unix()
			if len(marks) > 0 {
				endTime = marks[len(marks)-1].UpdatedAt.Unix()
			}
			body["end_time"] = endTime
			body["next_page"] = base + ".json?" + url.Values{"start_time": {strconv.FormatInt(endTime, 10)}}.Encode()
		}
		writeJSON(w, http.StatusOK, body)
		return nil
	}
}

// --- tags ------------------------------------------------------------------------

// apiTags lists the tags of tickets with their counts, most used first
// (Zendesk's List Tags), paged.
func (s *Server) apiTags(w http.ResponseWriter, r *http.Request) error {
	p, err := parsePage(r)
	if err != nil {
		return err
	}
	all, err := s.Zendesk.TicketTags(r.Context(), "")
	if err != nil {
		return err
	}
	if p.cursor {
		return errs.BadRequest("page[size]: tags are listed with offset pagination (page, per_page)")
	}
	from := min((p.page-1)*p.perPage, len(all))
	to := min(from+p.perPage, len(all))
	body, err := listBody(s, r, "tags", p, all[from:to], func(t zendesk.TagCount) int64 { return 0 }, func() (int, error) { return len(all), nil })
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

// apiAutocompleteTags answers the tags starting with name (at least two
// characters, as Zendesk), most used first, at most 20.
func (s *Server) apiAutocompleteTags(w http.ResponseWriter, r *http.Request) error {
	name := strings.TrimSpace(r.URL.Query().Get("name"))
	if len([]rune(name)) < 2 {
		return errs.BadRequest("name: give at least 2 characters")
	}
	ts, err := s.Zendesk.TicketTags(r.Context(), name)
	if err != nil {
		return err
	}
	out := []string{}
	for _, t := range ts[:min(20, len(ts))] {
		out = append(out, t.Name)
	}
	writeJSON(w, http.StatusOK, map[string]any{"tags": out})
	return nil
}

// --- the Requests API (end-users) --------------------------------------------------

// requestJSON is Zendesk's request: the requester's view of a ticket.
type requestJSON struct {
	ID              int64                `json:"id"`
	URL             string               `json:"url"`
	Subject         string               `json:"subject"`
	Description     string               `json:"description"`
	Status          string               `json:"status"`
	Priority        *string              `json:"priority"`
	Type            *string              `json:"type"`
	RequesterID     int64                `json:"requester_id"`
	AssigneeID      *int64               `json:"assignee_id"`
	OrganizationID  *int64               `json:"organization_id"`
	GroupID         *int64               `json:"group_id"`
	CollaboratorIDs []int64              `json:"collaborator_ids"`
	EmailCCIDs      []int64              `json:"email_cc_ids"`
	CustomFields    []ticket.CustomField `json:"custom_fields"`
	Via             ticket.Via           `json:"via"`
	IsPublic        bool                 `json:"is_public"`
	DueAt           *time.Time           `json:"due_at"`
	CanBeSolvedByMe bool                 `json:"can_be_solved_by_me"`
	Solved          bool                 `json:"solved"`
	TicketFormID    *int64               `json:"ticket_form_id"`
	BrandID         *int64               `json:"brand_id"`
	CreatedAt       time.Time            `json:"created_at"`
	UpdatedAt       time.Time            `json:"updated_at"`
}

func (s *Server) requestView(r *http.Request, t ticket.Ticket) requestJSON {
	p := PrincipalFrom(r.Context())
	if t.CollaboratorIDs == nil {
		t.CollaboratorIDs = []int64{}
	}
	if t.CustomFields == nil {
		t.CustomFields = []ticket.CustomField{}
	}
	if !p.IsStaff() {
		// No field says which custom fields end-users may read: they see none.
		t.CustomFields = []ticket.CustomField{}
	}
	done := t.Status == ticket.StatusSolved || t.Status == ticket.StatusClosed
	return requestJSON{ID: t.ID, URL: s.baseURL(r) + "/api/v2/requests/" + strconv.FormatInt(t.ID, 10) + ".json",
		Subject: t.Subject, Description: t.CustomerDescription(), Status: t.Status, Priority: t.Priority, Type: t.Type,
		RequesterID: t.RequesterID, AssigneeID: t.AssigneeID, OrganizationID: t.OrganizationID, GroupID: t.GroupID,
		CollaboratorIDs: t.CollaboratorIDs, EmailCCIDs: t.CollaboratorIDs, CustomFields: t.CustomFields, Via: t.Via,
		IsPublic: t.IsPublic, DueAt: t.DueAt, CanBeSolvedByMe: !done && t.RequesterID == p.UserID && t.AssigneeID != nil,
		Solved: done, BrandID: &t.BrandID, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt}
}

// apiListRequests lists the caller's requests (as requester or CC; staff
// too see only theirs, as in Zendesk); status filters.
func (s *Server) apiListRequests(w http.ResponseWriter, r *http.Request) error {
	p, err := parsePage(r)
	if err != nil {
		return err
	}
	me := PrincipalFrom(r.Context())
	f := ticket.Filter{RequesterID: me.UserID}
	if st := r.URL.Query().Get("status"); st != "" {
		f.Statuses = strings.Split(st, ",")
	}
	f.Desc = r.URL.Query().Get("sort_order") == "desc"
	if p.cursor {
		f.AfterID, f.Limit = p.afterID, p.size+1
	} else {
		f.Offset, f.Limit = (p.page-1)*p.perPage, p.perPage
	}
	ts, err := s.Tickets.List(r.Context(), f)
	if err != nil {
		return err
	}
	views := make([]requestJSON, len(ts))
	for i, t := range ts {
		views[i] = s.requestView(r, t)
	}
	body, err := listBody(s, r, "requests", p, views, func(v requestJSON) int64 { return v.ID },
		func() (int, error) { f.AfterID = 0; return s.Tickets.Count(r.Context(), f) })
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

// requestOf loads a request the caller may see (requester, CC or shared
// organization; staff see all).
func (s *Server) requestOf(r *http.Request) (*ticket.Ticket, error) {
	t, _, err := s.visibleTicket(r)
	return t, err
}

func (s *Server) apiShowRequest(w http.ResponseWriter, r *http.Request) error {
	t, err := s.requestOf(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"request": s.requestView(r, *t)})
	return nil
}

// requestInput is a request's create or update body.
type requestInput struct {
	Subject         string               `json:"subject"`
	Comment         *ticket.CommentInput `json:"comment"`
	Priority        *string              `json:"priority"`
	Type            *string              `json:"type"`
	CustomFields    []ticket.CustomField `json:"custom_fields"`
	CollaboratorIDs []int64              `json:"collaborator_ids"`
	Solved          *bool                `json:"solved"`
	Requester       *struct {
		Name  string `json:"name"`
		Email string `json:"email"`
	} `json:"requester"`
}

func (s *Server) apiCreateRequest(w http.ResponseWriter, r *http.Request) error {
	var in requestInput
	if err := decodeBody(r, "request", &in); err != nil {
		return err
	}
	if in.Comment == nil {
		return errs.Invalid("comment", "can't be blank (the first comment is the description)")
	}
	me := PrincipalFrom(r.Context())
	c := *in.Comment
	c.Public, c.AuthorID = nil, nil // a request's comments are public, by the requester
	ci := ticket.CreateInput{Subject: in.Subject, Comment: c, Priority: in.Priority, Type: in.Type,
		CustomFields: in.CustomFields, Via: &ticket.Via{Channel: ticket.ChannelAPI}}
	if me.IsStaff() {
		ci.CollaboratorIDs = in.CollaboratorIDs
		if in.Requester != nil {
			id, err := s.resolveRequester(r, &requesterInput{Requester: &struct {
				Name     string `json:"name"`
				Email    string `json:"email"`
				LocaleID any    `json:"locale_id"`
			}{Name: in.Requester.Name, Email: in.Requester.Email}})
			if err != nil {
				return err
			}
			ci.RequesterID = id
		}
	}
	set, _, err := s.checkTicketFields(r.Context(), ci.CustomFields)
	if err != nil {
		return err
	}
	ci.Tags = append(ci.Tags, set...)
	t, _, err := s.Tickets.Create(r.Context(), actorOf(me), ci)
	if err != nil {
		return err
	}
	w.Header().Set("Location", s.baseURL(r)+"/api/v2/requests/"+strconv.FormatInt(t.ID, 10)+".json")
	writeJSON(w, http.StatusCreated, map[string]any{"request": s.requestView(r, *t)})
	return nil
}

// apiUpdateRequest adds a public comment and, with solved: true, solves
// the request (only its requester, once it has an assignee, as Zendesk).
func (s *Server) apiUpdateRequest(w http.ResponseWriter, r *http.Request) error {
	t, err := s.requestOf(r)
	if err != nil {
		return err
	}
	var in requestInput
	if err := decodeBody(r, "request", &in); err != nil {
		return err
	}
	me := PrincipalFrom(r.Context())
	up := ticket.UpdateInput{Via: &ticket.Via{Channel: ticket.ChannelAPI}}
	if in.Comment != nil {
		c := *in.Comment
		c.Public, c.AuthorID = nil, nil
		up.Comment = &c
	}
	if in.Solved != nil && *in.Solved {
		if !s.requestView(r, *t).CanBeSolvedByMe {
			return errs.Invalid("solved", "Request rule: only the requester can solve a request, once an agent is assigned")
		}
		st := ticket.StatusSolved
		up.Status = &st
	} else if up.Comment != nil && !me.IsStaff() && (t.Status == ticket.StatusPending || t.Status == ticket.StatusSolved) {
		st := ticket.StatusOpen // a requester's reply reopens, as in the portal
		up.Status = &st
	}
	if up.Comment == nil && up.Status == nil {
		return errs.Invalid("request", "give a comment or solved: true")
	}
	nt, _, err := s.Tickets.Update(r.Context(), actorOf(me), t.ID, up)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"request": s.requestView(r, *nt)})
	return nil
}

// apiRequestComments lists a request's public comments.
func (s *Server) apiRequestComments(w http.ResponseWriter, r *http.Request) error {
	t, err := s.requestOf(r)
	if err != nil {
		return err
	}
	p, err := parsePage(r)
	if err != nil {
		return err
	}
	sp := p.ticketPage(r.URL.Query().Get("sort_order") == "desc")
	sp.PublicOnly = true
	cs, err := s.Tickets.Comments(r.Context(), t.ID, sp)
	if err != nil {
		return err
	}
	cs = s.commentsView(r, cs)
	body, err := listBody(s, r, "comments", p, cs, func(c ticket.Comment) int64 { return c.ID },
		func() (int, error) { return s.Tickets.CountComments(r.Context(), t.ID, true) })
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

// zendeskAPIDocs are the OpenAPI notes of the routes above.
func zendeskAPIDocs() map[string]apiDoc {
	m := map[string]apiDoc{}
	for _, k := range []struct{ path, one, tag string }{
		{"ticket_fields", "ticket_field", "Ticket fields"}, {"user_fields", "user_field", "User fields"}, {"organization_fields", "organization_field", "Organization fields"},
	} {
		base := "/api/v2/" + k.path
		m["GET "+base] = apiDoc{summary: "List custom fields (types text, textarea, checkbox, date, integer, decimal, regexp, tagger/dropdown, multiselect)", tag: k.tag, result: k.path}
		m["GET "+base+"/{id}"] = apiDoc{summary: "Show a custom field", tag: k.tag, result: k.one}
		m["POST "+base] = apiDoc{summary: "Create a custom field (Custom field rule: choices need options, regexp its expression, user and organization fields a key)", tag: k.tag, body: k.one, result: k.one}
		m["PUT "+base+"/{id}"] = apiDoc{summary: "Update a custom field (its type can't change)", tag: k.tag, body: k.one, result: k.one}
		m["DELETE "+base+"/{id}"] = apiDoc{summary: "Delete a custom field", tag: k.tag}
	}
	more := map[string]apiDoc{
		"GET /api/v2/ticket_forms":                             {summary: "List ticket forms (customers: active forms visible to end-users)", tag: "Ticket forms", result: "ticket_forms"},
		"GET /api/v2/ticket_forms/{id}":                        {summary: "Show a ticket form", tag: "Ticket forms", result: "ticket_form"},
		"POST /api/v2/ticket_forms":                            {summary: "Create a ticket form", tag: "Ticket forms", body: "ticket_form", result: "ticket_form"},
		"PUT /api/v2/ticket_forms/{id}":                        {summary: "Update a ticket form", tag: "Ticket forms", body: "ticket_form", result: "ticket_form"},
		"DELETE /api/v2/ticket_forms/{id}":                     {summary: "Delete a ticket form", tag: "Ticket forms"},
		"POST /api/v2/tickets/create_many":                     {summary: "Create up to 100 tickets ({\"tickets\": [...]}) as a job", tag: "Bulk", result: "job_status", status200: true},
		"PUT /api/v2/tickets/update_many":                      {summary: "Update tickets as a job: ?ids= with one {\"ticket\"}, or {\"tickets\": [{id, ...}]}", tag: "Bulk", result: "job_status", query: []string{"ids"}},
		"DELETE /api/v2/tickets/destroy_many":                  {summary: "Delete the tickets ?ids= as a job", tag: "Bulk", result: "job_status", query: []string{"ids"}},
		"POST /api/v2/users/create_many":                       {summary: "Create up to 100 users as a job", tag: "Bulk", result: "job_status", status200: true},
		"POST /api/v2/users/create_or_update_many":             {summary: "Create or update up to 100 users (matched by external_id, then email) as a job", tag: "Bulk", result: "job_status", status200: true},
		"POST /api/v2/organizations/create_many":               {summary: "Create up to 100 organizations as a job", tag: "Bulk", result: "job_status", status200: true},
		"GET /api/v2/job_statuses":                             {summary: "Your latest job statuses (admins: everyone's)", tag: "Bulk", result: "job_statuses"},
		"GET /api/v2/job_statuses/{id}":                        {summary: "A job's status with each item's result", tag: "Bulk", result: "job_status"},
		"GET /api/v2/users/count":                              {summary: "Count users", tag: "Users", result: "count"},
		"GET /api/v2/organizations/count":                      {summary: "Count organizations", tag: "Organizations", result: "count"},
		"GET /api/v2/users/{id}/identities":                    {summary: "A user's identities: emails (the primary one included) and phone numbers (customers: their own)", tag: "User identities", result: "identities"},
		"POST /api/v2/users/{id}/identities":                   {summary: "Add an email or phone number (Identity rule: an email belongs to one user)", tag: "User identities", body: "identity", result: "identity"},
		"GET /api/v2/users/{id}/identities/{iid}":              {summary: "Show an identity", tag: "User identities", result: "identity"},
		"PUT /api/v2/users/{id}/identities/{iid}/verify":       {summary: "Mark an identity verified", tag: "User identities", result: "identity"},
		"PUT /api/v2/users/{id}/identities/{iid}/make_primary": {summary: "Make an email the user's primary email (the old one stays as a secondary)", tag: "User identities", result: "identities"},
		"DELETE /api/v2/users/{id}/identities/{iid}":           {summary: "Delete a secondary identity", tag: "User identities"},
		"GET /api/v2/incremental/users":                        {summary: "Time-based incremental user export (start_time in Unix seconds)", tag: "Incremental export", result: "users", query: []string{"start_time", "per_page"}},
		"GET /api/v2/incremental/users/cursor":                 {summary: "Incremental user export from start_time, then by cursor", tag: "Incremental export", result: "users", query: []string{"start_time", "cursor", "per_page"}},
		"GET /api/v2/incremental/organizations":                {summary: "Time-based incremental organization export (start_time in Unix seconds)", tag: "Incremental export", result: "organizations", query: []string{"start_time", "per_page"}},
		"GET /api/v2/tags":                                     {summary: "Ticket tags with the number of tickets carrying each, most used first", tag: "Tags", result: "tags", list: true, paging: pagedOffset},
		"GET /api/v2/autocomplete/tags":                        {summary: "Tags starting with name (at least 2 characters), most used first", tag: "Tags", result: "tags", query: []string{"name"}},
		"GET /api/v2/requests":                                 {summary: "Your requests (the end-user view of your tickets; status: comma-separated)", tag: "Requests", result: "requests", list: true, query: []string{"status", "sort_order"}},
		"GET /api/v2/requests/{id}":                            {summary: "Show a request", tag: "Requests", result: "request"},
		"POST /api/v2/requests":                                {summary: "Create a request (you are its requester; agents may give requester {name, email})", tag: "Requests", body: "request", result: "request"},
		"PUT /api/v2/requests/{id}":                            {summary: "Comment on a request, or solve it (solved: true; its requester, once assigned)", tag: "Requests", body: "request", result: "request"},
		"GET /api/v2/requests/{id}/comments":                   {summary: "A request's public comments", tag: "Requests", result: "comments", list: true, query: []string{"sort_order"}},
	}
	for k, v := range more {
		m[k] = v
	}
	for k, v := range zendeskHistoryAPIDocs() {
		m[k] = v
	}
	return m
}

// zendeskEnvelopes are the JSON envelope types of the routes above.
func zendeskEnvelopes() map[string]envelope {
	field := envelope{reflect.TypeOf(fieldJSON{}), reflect.TypeOf(zendesk.FieldInput{})}
	return map[string]envelope{
		"ticket_field": field, "user_field": field, "organization_field": field,
		"ticket_form":     {reflect.TypeOf(formJSON{}), reflect.TypeOf(zendesk.FormInput{})},
		"identity":        {reflect.TypeOf(identityJSON{}), reflect.TypeOf(zendesk.IdentityInput{})},
		"request":         {reflect.TypeOf(requestJSON{}), reflect.TypeOf(requestInput{})},
		"job_status":      {reflect.TypeOf(jobJSON{}), nil},
		"job_statuses":    {reflect.TypeOf([]jobJSON{}), nil},
		"identities":      {reflect.TypeOf([]identityJSON{}), nil},
		"deleted_tickets": {reflect.TypeOf([]deletedTicketJSON{}), nil},
		"ticket_events":   {reflect.TypeOf([]map[string]any{}), nil},
	}
}
