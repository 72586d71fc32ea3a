package zimport

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/ticket"
)

type srcTicket struct {
	ID              int64                `json:"id"`
	ExternalID      *string              `json:"external_id"`
	Subject         string               `json:"subject"`
	Description     string               `json:"description"`
	Status          string               `json:"status"`
	Priority        *string              `json:"priority"`
	Type            *string              `json:"type"`
	RequesterID     *int64               `json:"requester_id"`
	SubmitterID     *int64               `json:"submitter_id"`
	AssigneeID      *int64               `json:"assignee_id"`
	GroupID         *int64               `json:"group_id"`
	OrganizationID  *int64               `json:"organization_id"`
	CollaboratorIDs []int64              `json:"collaborator_ids"`
	Tags            []string             `json:"tags"`
	CustomFields    []ticket.CustomField `json:"custom_fields"`
	DueAt           *time.Time           `json:"due_at"`
	CreatedAt       *time.Time           `json:"created_at"`
	UpdatedAt       *time.Time           `json:"updated_at"`
	Via             struct {
		Channel string `json:"channel"`
	} `json:"via"`
	SatisfactionRating *struct {
		Score string `json:"score"`
	} `json:"satisfaction_rating"`
}

type srcComment struct {
	ID          int64      `json:"id"`
	AuthorID    int64      `json:"author_id"`
	Body        string     `json:"body"`
	HTMLBody    string     `json:"html_body"`
	Public      bool       `json:"public"`
	CreatedAt   *time.Time `json:"created_at"`
	Attachments []struct {
		FileName    string `json:"file_name"`
		ContentURL  string `json:"content_url"`
		ContentType string `json:"content_type"`
	} `json:"attachments"`
}

var system = ticket.Actor{Role: "system"}

func via(channel string) *ticket.Via {
	switch channel {
	case ticket.ChannelEmail, ticket.ChannelWeb:
		return &ticket.Via{Channel: channel}
	}
	return &ticket.Via{Channel: ticket.ChannelAPI}
}

// comment turns a source comment into a comment input with its author and
// attachments (uploaded first).
func (im *Importer) comment(ctx context.Context, st *srcTicket, c srcComment) (*ticket.CommentInput, error) {
	author := im.mapped(ctx, "users", &c.AuthorID)
	if author == nil {
		return nil, fmt.Errorf("comment %d: its author %d was not imported", c.ID, c.AuthorID)
	}
	pub := c.Public
	in := &ticket.CommentInput{Body: c.Body, Public: &pub, AuthorID: author}
	if c.HTMLBody != "" {
		in.HTMLBody = c.HTMLBody
	}
	for _, a := range c.Attachments {
		rc, err := im.Src.Open(ctx, a.ContentURL)
		if err != nil {
			im.unmapped("ticket %d comment %d: attachment %s not read (%v)", st.ID, c.ID, a.FileName, err)
			continue
		}
		up, err := im.T.Tickets.SaveUpload(ctx, ticket.Actor{UserID: *author, Role: im.role[*author]}, a.FileName, a.ContentType, rc)
		rc.Close()
		if err != nil {
			im.unmapped("ticket %d comment %d: attachment %s not stored (%v)", st.ID, c.ID, a.FileName, err)
			continue
		}
		in.Uploads = append(in.Uploads, up.Token)
	}
	if strings.TrimSpace(in.Body) == "" && strings.TrimSpace(in.HTMLBody) == "" && len(in.Uploads) == 0 {
		in.Body = "(empty comment)"
	}
	return in, nil
}

// staff maps a source id to a local staff user (nil when not staff).
func (im *Importer) staff(ctx context.Context, src *int64) *int64 {
	id := im.mapped(ctx, "users", src)
	if id == nil || !people.IsStaff(im.role[*id]) {
		return nil
	}
	return id
}

// ticket creates (or continues) a ticket: created at its time with its
// first comment, then each further comment at its time, then its final
// fields at its updated_at. Comments are mapped one by one, so a run
// interrupted inside a ticket resumes after its last copied comment.
func (im *Importer) ticket(ctx context.Context, b base, raw json.RawMessage) (int64, bool, error) {
	var st srcTicket
	if err := json.Unmarshal(raw, &st); err != nil {
		return 0, false, err
	}
	raws, err := im.Src.Comments(ctx, st.ID)
	if err != nil {
		return 0, false, fmt.Errorf("comments not read: %w", err)
	}
	var cs []srcComment
	for _, r := range raws {
		var c srcComment
		if json.Unmarshal(r, &c) == nil {
			cs = append(cs, c)
		}
	}
	requester := im.mapped(ctx, "users", st.RequesterID)
	if requester == nil {
		return 0, false, fmt.Errorf("its requester %v was not imported", ptr(st.RequesterID))
	}
	var cfs []ticket.CustomField
	for _, cf := range st.CustomFields {
		if cf.Value == nil {
			continue
		}
		if id := im.mapped(ctx, "ticket_fields", &cf.ID); id != nil {
			cfs = append(cfs, ticket.CustomField{ID: *id, Value: cf.Value})
		}
	}
	var ccs []int64
	for _, src := range st.CollaboratorIDs {
		if id := im.mapped(ctx, "users", &src); id != nil {
			ccs = append(ccs, *id)
		}
	}
	if im.T.Ratings == nil && st.SatisfactionRating != nil && st.SatisfactionRating.Score != "" && st.SatisfactionRating.Score != "unoffered" {
		im.unmapped("ticket %d: satisfaction rating %q not imported", st.ID, st.SatisfactionRating.Score)
	}
	id, _, exists := im.lookup(ctx, "tickets", st.ID)
	created := false
	if !exists {
		first := srcComment{ID: 0, AuthorID: ptr(st.RequesterID), Body: st.Description, Public: true, CreatedAt: st.CreatedAt}
		if len(cs) > 0 {
			first, cs = cs[0], cs[1:]
		}
		ci, err := im.comment(ctx, &st, first)
		if err != nil {
			return 0, false, err
		}
		open := st.Status
		if open == ticket.StatusSolved || open == ticket.StatusClosed || open == "" {
			open = ticket.StatusOpen
		}
		if st.AssigneeID == nil && open != ticket.StatusNew {
			open = ticket.StatusNew
		}
		in := ticket.CreateInput{Subject: st.Subject, Comment: *ci, RequesterID: *requester, AssigneeID: im.staff(ctx, st.AssigneeID),
			GroupID: im.mapped(ctx, "groups", st.GroupID), OrganizationID: im.mapped(ctx, "organizations", st.OrganizationID),
			Status: &open, Priority: st.Priority, Type: st.Type, Tags: st.Tags, CollaboratorIDs: ccs, CustomFields: cfs,
			ExternalID: st.ExternalID, Via: via(st.Via.Channel), DueAt: st.DueAt}
		if sub := im.mapped(ctx, "users", st.SubmitterID); sub != nil {
			in.SubmitterID = *sub
		}
		if in.OrganizationID == nil {
			zero := int64(0)
			in.OrganizationID = &zero
		}
		if st.Type != nil && *st.Type == ticket.TypeIncident {
			in.Type = st.Type // the problem link is not kept: report it below
		}
		im.at(st.CreatedAt)
		t, _, err := im.T.Tickets.Create(ctx, system, in)
		if err != nil {
			return 0, false, err
		}
		id, created = t.ID, true
		if err := im.record(ctx, "tickets", st.ID, id, ""); err != nil { // incomplete until its last step
			return 0, false, err
		}
		if first.ID != 0 {
			if err := im.record(ctx, "comments", first.ID, id, ""); err != nil {
				return 0, false, err
			}
		}
	}
	for _, c := range cs {
		if _, _, done := im.lookup(ctx, "comments", c.ID); done {
			continue
		}
		ci, err := im.comment(ctx, &st, c)
		if err != nil {
			im.unmapped("ticket %d: %v", st.ID, err)
			continue
		}
		im.at(c.CreatedAt)
		if _, _, err := im.T.Tickets.Update(ctx, system, id, ticket.UpdateInput{Comment: ci, Via: via(st.Via.Channel)}); err != nil {
			return 0, false, fmt.Errorf("comment %d: %w", c.ID, err)
		}
		if err := im.record(ctx, "comments", c.ID, id, ""); err != nil {
			return 0, false, err
		}
	}
	cur, err := im.T.Tickets.Get(ctx, id)
	if err != nil {
		return 0, false, err
	}
	if cur.Status == ticket.StatusClosed {
		return id, created, nil
	}
	im.at(st.UpdatedAt)
	final := ticket.UpdateInput{Subject: &st.Subject, Priority: orEmpty(st.Priority), Type: orEmpty(st.Type), Tags: &st.Tags,
		AssigneeID: zeroIfNil(im.staff(ctx, st.AssigneeID)), GroupID: zeroIfNil(im.mapped(ctx, "groups", st.GroupID)),
		CustomFields: cfs, CollaboratorIDs: &ccs, Via: via(st.Via.Channel)}
	if st.Tags == nil {
		final.Tags = &[]string{}
	}
	status := st.Status
	if status == ticket.StatusClosed {
		status = ticket.StatusSolved
	}
	if status != "" && status != cur.Status {
		final.Status = &status
	}
	if _, _, err := im.T.Tickets.Update(ctx, system, id, final); err != nil {
		return 0, false, fmt.Errorf("final state: %w", err)
	}
	if st.Status == ticket.StatusClosed {
		closed := ticket.StatusClosed
		if _, _, err := im.T.Tickets.Update(ctx, system, id, ticket.UpdateInput{Status: &closed, Via: via(st.Via.Channel)}); err != nil {
			return 0, false, fmt.Errorf("closing: %w", err)
		}
	}
	return id, created, nil
}

func ptr(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func orEmpty(p *string) *string {
	if p == nil {
		e := ""
		return &e
	}
	return p
}

func zeroIfNil(p *int64) *int64 {
	if p == nil {
		z := int64(0)
		return &z
	}
	return p
}
