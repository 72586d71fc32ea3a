package zimport

// Business-hours schedules (with their holidays), SLA policies and webhooks
// (ADR 0012, amended): copied like the business rules, after the tickets and
// before the triggers, so that triggers notifying a copied webhook keep
// their target. Webhook credentials are never exported by Zendesk: a copied
// webhook with authentication is reported, to be given its credentials again.

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/rules/rulestore"
	"github.com/frontline/frontline/internal/sla"
)

// ConfigKinds are the configuration the importer copies before the rules.
var ConfigKinds = []string{"schedules", "slas/policies", "webhooks"}

// holidaySource is a Source that lists a schedule's holidays apart, as
// Zendesk's API does (its schedule objects do not carry them).
type holidaySource interface {
	Holidays(ctx context.Context, scheduleID int64) ([]json.RawMessage, error)
}

// schedule copies a business-hours schedule with its intervals and
// holidays (those the schedule object carries, else those its source lists).
func (im *Importer) schedule(ctx context.Context, b base, raw json.RawMessage) (int64, bool, error) {
	if im.T.SLA == nil {
		return 0, false, fmt.Errorf("schedules are not imported here")
	}
	var in sla.Schedule
	if err := json.Unmarshal(raw, &in); err != nil {
		return 0, false, err
	}
	var has struct {
		Holidays *json.RawMessage `json:"holidays"`
	}
	_ = json.Unmarshal(raw, &has)
	if hs, ok := im.Src.(holidaySource); ok && has.Holidays == nil {
		items, err := hs.Holidays(ctx, b.ID)
		if err != nil {
			return 0, false, fmt.Errorf("its holidays: %v", err)
		}
		for _, it := range items {
			var h sla.Holiday
			if err := json.Unmarshal(it, &h); err != nil {
				return 0, false, fmt.Errorf("a holiday: %v", err)
			}
			in.Holidays = append(in.Holidays, h)
		}
	}
	for i := range in.Holidays {
		in.Holidays[i].ID = 0
	}
	in.ID = 0
	sys := audit.System()
	id, _, existed := im.lookup(ctx, "schedules", b.ID)
	if !existed {
		got, err := im.T.SLA.CreateSchedule(ctx, sys, in)
		if err != nil {
			return 0, false, err
		}
		return got.ID, true, nil
	}
	if _, err := im.T.SLA.UpdateSchedule(ctx, sys, id, sla.ScheduleInput{Name: &in.Name, TimeZone: &in.TimeZone, Intervals: &in.Intervals}); err != nil {
		return 0, false, err
	}
	// Holidays: the copy's become the source's.
	old, err := im.T.SLA.Holidays(ctx, id)
	if err != nil {
		return 0, false, err
	}
	for _, h := range old {
		if err := im.T.SLA.DeleteHoliday(ctx, sys, id, h.ID); err != nil {
			return 0, false, err
		}
	}
	for _, h := range in.Holidays {
		if _, err := im.T.SLA.CreateHoliday(ctx, sys, id, h); err != nil {
			return 0, false, err
		}
	}
	return id, false, nil
}

// policy copies an SLA policy, the records its filter names mapped to
// their copies.
func (im *Importer) policy(ctx context.Context, b base, raw json.RawMessage) (int64, bool, error) {
	if im.T.SLA == nil {
		return 0, false, fmt.Errorf("SLA policies are not imported here")
	}
	var p sla.Policy
	if err := json.Unmarshal(raw, &p); err != nil {
		return 0, false, err
	}
	for _, list := range [][]sla.Condition{p.Filter.All, p.Filter.Any} {
		for i := range list {
			f, v, err := im.mapField(ctx, list[i].Field, list[i].Value)
			if err != nil {
				return 0, false, err
			}
			list[i].Field, list[i].Value = f, v
		}
	}
	p.ID = 0
	sys := audit.System()
	id, _, existed := im.lookup(ctx, "slas/policies", b.ID)
	if existed {
		got, err := im.T.SLA.UpdatePolicy(ctx, sys, id, sla.PolicyInput{Title: &p.Title, Description: &p.Description, Position: &p.Position, Filter: &p.Filter, PolicyMetrics: &p.PolicyMetrics})
		if err != nil {
			return 0, false, err
		}
		return got.ID, false, nil
	}
	got, err := im.T.SLA.CreatePolicy(ctx, sys, p)
	if err != nil {
		return 0, false, err
	}
	return got.ID, true, nil
}

type srcWebhook struct {
	ID             string          `json:"id"`
	Name           string          `json:"name"`
	Description    string          `json:"description"`
	Endpoint       string          `json:"endpoint"`
	HTTPMethod     string          `json:"http_method"`
	RequestFormat  string          `json:"request_format"`
	Status         string          `json:"status"`
	Subscriptions  []string        `json:"subscriptions"`
	Authentication json.RawMessage `json:"authentication"`
	UpdatedAt      string          `json:"updated_at"`
}

// webhooks copies webhooks (their ids are strings in Zendesk, so they have
// their own part of the import map). Credentials are not exported: a
// webhook that had them is copied and reported.
func (im *Importer) webhooks(ctx context.Context, items []json.RawMessage) {
	c := im.rep.Counts["webhooks"]
	sys := audit.System()
	for _, raw := range items {
		if ctx.Err() != nil {
			return
		}
		c.Seen++
		var w srcWebhook
		if err := json.Unmarshal(raw, &w); err != nil || w.ID == "" {
			c.Failed++
			im.unmapped("webhooks: a record without an id")
			continue
		}
		if im.T.Rules == nil {
			c.Failed++
			im.unmapped("webhook %s: webhooks are not imported here", w.ID)
			continue
		}
		stamp := w.UpdatedAt
		if stamp == "" {
			stamp = "imported"
		}
		prev, ok := im.seenStr["webhooks"][w.ID]
		if ok && prev.updated == stamp {
			c.Unchanged++
			continue
		}
		in := rulestore.WebhookInput{Name: &w.Name, Description: &w.Description, Endpoint: &w.Endpoint, Subscriptions: w.Subscriptions}
		for dst, v := range map[**string]string{&in.HTTPMethod: w.HTTPMethod, &in.RequestFormat: w.RequestFormat, &in.Status: w.Status} {
			if v != "" {
				*dst = &v
			}
		}
		var (
			got *rulestore.Webhook
			err error
		)
		if ok {
			got, err = im.T.Rules.UpdateWebhook(ctx, sys, prev.id, in)
		} else {
			got, err = im.T.Rules.CreateWebhook(ctx, sys, in)
		}
		if err != nil {
			c.Failed++
			im.unmapped("webhook %s (%s): %v", w.ID, w.Name, err)
			continue
		}
		id, _ := strconv.ParseInt(got.ID, 10, 64)
		if err := im.recordStr(ctx, "webhooks", w.ID, id, stamp); err != nil {
			c.Failed++
			im.unmapped("webhook %s: recording it: %v", w.ID, err)
			continue
		}
		if ok {
			c.Updated++
		} else {
			c.Created++
		}
		if a := strings.TrimSpace(string(w.Authentication)); a != "" && a != "null" && a != "{}" {
			im.unmapped("webhook %s (%s): copied without its authentication (Zendesk does not export credentials); set it again", w.ID, w.Name)
		}
	}
}

// mapWebhook maps a notification_webhook action's value ([webhook id,
// body]) to the copied webhook.
func (im *Importer) mapWebhook(field string, v any) (any, error) {
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return nil, fmt.Errorf("%s: not [webhook id, body]", field)
	}
	src := fmt.Sprint(list[0])
	if n, isNum := list[0].(json.Number); isNum {
		src = n.String()
	}
	e, found := im.seenStr["webhooks"][src]
	if !found {
		return nil, fmt.Errorf("%s refers to webhook %s, which was not imported", field, src)
	}
	out := append([]any{}, list...)
	out[0] = strconv.FormatInt(e.id, 10)
	return out, nil
}

// recordStr writes a row of import_map (the source id as text) and remembers it.
func (im *Importer) recordStr(ctx context.Context, kind, srcID string, id int64, updated string) error {
	return im.T.DB.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO import_map (source, kind, source_id, target_id, source_updated) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (source, kind, source_id) DO UPDATE SET target_id = excluded.target_id, source_updated = excluded.source_updated`,
			im.Src.Name(), kind, srcID, id, updated)
		if err == nil {
			im.remember(kind, srcID, mapEntry{id, updated})
		}
		return err
	})
}
