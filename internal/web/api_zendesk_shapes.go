package web

// The user and organization keys of Zendesk's documentation that Frontline
// has no concept for (null or their "does not apply" value), their custom
// field values (user_fields, organization_fields), and how writes set them.

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
)

// zendeskUserKeys completes a user's documented keys.
type zendeskUserKeys struct {
	Alias                string         `json:"alias"`
	ChatOnly             bool           `json:"chat_only"`
	DefaultGroupID       *int64         `json:"default_group_id"`
	LocaleID             int            `json:"locale_id"`
	Moderator            bool           `json:"moderator"`
	OnlyPrivateComments  bool           `json:"only_private_comments"`
	Photo                any            `json:"photo"`
	ReportCSV            bool           `json:"report_csv"`
	RestrictedAgent      bool           `json:"restricted_agent"`
	RoleType             *int           `json:"role_type"`
	Shared               bool           `json:"shared"`
	SharedAgent          bool           `json:"shared_agent"`
	SharedPhoneNumber    *bool          `json:"shared_phone_number"`
	Signature            *string        `json:"signature"`
	TicketRestriction    *string        `json:"ticket_restriction"`
	TwoFactorAuthEnabled *bool          `json:"two_factor_auth_enabled"`
	UserFields           map[string]any `json:"user_fields"`
}

func userKeys(u people.User, fields map[string]any) zendeskUserKeys {
	k := zendeskUserKeys{LocaleID: 1, UserFields: fields}
	if !u.IsStaff() {
		r := "requested"
		k.TicketRestriction = &r
	} else if u.CustomRoleID != nil {
		rt := 0 // a custom role
		k.RoleType = &rt
	}
	if k.UserFields == nil {
		k.UserFields = map[string]any{}
	}
	return k
}

// fieldValues reads the custom field values of users or organizations;
// without any field of the kind it reads nothing.
func (s *Server) fieldValues(r *http.Request, kind string, ids []int64) map[int64]map[string]any {
	if s.Zendesk == nil || len(ids) == 0 {
		return map[int64]map[string]any{}
	}
	fs, err := s.Zendesk.Fields(r.Context(), kind)
	if err == nil && len(fs) == 0 {
		return map[int64]map[string]any{}
	}
	var vals map[int64]map[string]any
	if err == nil {
		vals, err = s.Zendesk.Values(r.Context(), kind, ids)
	}
	if err != nil {
		s.log.Error("custom field values", "kind", kind, "err", err) // the view then shows none
		return map[int64]map[string]any{}
	}
	return vals
}

// withFieldValues lets a user or organization write set custom field
// values ({"user": {"user_fields": {...}}}): they are checked before the
// write, stored after it, and shown in its answer.
func (s *Server) withFieldValues(kind string, h handlerFunc) handlerFunc {
	key, fieldsKey := kind, kind+"_fields"
	return func(w http.ResponseWriter, r *http.Request) error {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return bodyError(err)
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		var env map[string]map[string]json.RawMessage
		if json.Unmarshal(body, &env) != nil || env[key] == nil || env[key][fieldsKey] == nil || string(env[key][fieldsKey]) == "null" {
			return h(w, r)
		}
		var in map[string]any
		if err := json.Unmarshal(env[key][fieldsKey], &in); err != nil {
			return errs.Invalid(fieldsKey, "must be an object of field keys and values")
		}
		vals, err := s.Zendesk.CheckValues(r.Context(), kind, in)
		if err != nil {
			return err
		}
		rec := httptest.NewRecorder()
		if err := h(rec, r); err != nil {
			return err
		}
		var out map[string]json.RawMessage
		var rec1 struct {
			ID int64 `json:"id"`
		}
		if rec.Code >= 300 || json.Unmarshal(rec.Body.Bytes(), &out) != nil || json.Unmarshal(out[key], &rec1) != nil || rec1.ID == 0 {
			copyRecorded(w, rec)
			return nil
		}
		if err := s.Zendesk.SetValues(r.Context(), kind, rec1.ID, vals); err != nil {
			return err
		}
		var obj map[string]any
		_ = json.Unmarshal(out[key], &obj)
		obj[fieldsKey] = s.fieldValues(r, kind, []int64{rec1.ID})[rec1.ID]
		b, _ := json.Marshal(obj)
		out[key] = b
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		writeJSON(w, rec.Code, out)
		return nil
	}
}

// MarshalJSON answers phone null when the user has none, as Zendesk.
func (u userJSON) MarshalJSON() ([]byte, error) {
	type plain userJSON
	b, err := json.Marshal(plain(u))
	if err != nil || u.User.Phone != "" {
		return b, err
	}
	return bytes.Replace(b, []byte(`"phone":""`), []byte(`"phone":null`), 1), nil
}

func copyRecorded(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

func orgValues(vals map[int64]map[string]any, id int64) map[string]any {
	if v := vals[id]; v != nil {
		return v
	}
	return map[string]any{}
}
