package web

// Customer portal: a customer's own and organization tickets, submitting a
// ticket with attachments, replying, and rating a solved ticket. Customers
// only ever see public comments.

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/frontline/frontline/internal/auth"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/satisfaction"
	"github.com/frontline/frontline/internal/ticket"
)

func (s *Server) registerPortalUI() {
	s.handle("GET /portal", Authenticated, s.portalTickets)
	s.handle("GET /portal/new", Authenticated, s.portalNew)
	s.handle("POST /portal/tickets", Authenticated, s.portalCreate)
	s.handle("GET /portal/tickets/{id}", Authenticated, s.portalTicket)
	s.handle("POST /portal/tickets/{id}/reply", Authenticated, s.portalReply)
	s.handle("POST /portal/tickets/{id}/rating", Authenticated, s.portalRate)
	s.handle("POST /portal/tickets/{id}/follow", Authenticated, s.portalFollow)
}

// customerScope is what a customer may see: their organizations, and of
// those the ones that share tickets among their members.
type customerScope struct {
	Orgs   map[int64]people.Organization
	Shared []int64
}

func (s *Server) scopeOf(ctx context.Context, userID int64) (*customerScope, error) {
	ms, err := s.People.ListOrganizationMemberships(ctx, people.MembershipFilter{UserID: userID, Page: people.Page{Limit: 1000}})
	if err != nil {
		return nil, err
	}
	sc := &customerScope{Orgs: map[int64]people.Organization{}}
	for _, m := range ms {
		o, err := s.People.GetOrganization(ctx, m.OtherID)
		if errs.Is(err, errs.KindNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		sc.Orgs[o.ID] = *o
		if o.SharedTickets {
			sc.Shared = append(sc.Shared, o.ID)
		}
	}
	slices.Sort(sc.Shared)
	return sc, nil
}

func (sc *customerScope) canSee(t *ticket.Ticket, p *auth.Principal) bool {
	return ticket.CanSee(t, p.UserID, p.Role, sc.Shared, func(id int64) bool { return slices.Contains(sc.Shared, id) })
}

// canReply: the requester, a CC, or a member of an organization that shares
// comments on its shared tickets.
func (sc *customerScope) canReply(t *ticket.Ticket, p *auth.Principal) bool {
	if p.IsStaff() || t.RequesterID == p.UserID || t.IsCollaborator(p.UserID) {
		return true
	}
	if t.OrganizationID == nil {
		return false
	}
	o, ok := sc.Orgs[*t.OrganizationID]
	return ok && o.SharedTickets && o.SharedComments
}

func (s *Server) portalTickets(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := PrincipalFrom(ctx)
	page, err := pageOf(r)
	if err != nil {
		return err
	}
	sc, err := s.scopeOf(ctx, p.UserID)
	if err != nil {
		return err
	}
	scope := r.URL.Query().Get("scope")
	if scope != "org" || len(sc.Shared) == 0 {
		scope = "mine"
	}
	f := ticket.Filter{Visibility: &ticket.Visibility{UserID: p.UserID}}
	if scope == "org" {
		f.Visibility.OrgIDs = sc.Shared
	}
	status := r.URL.Query().Get("status")
	switch status {
	case "":
	case "open":
		f.Statuses = unsolved
	case "solved":
		f.Statuses = []string{ticket.StatusSolved, ticket.StatusClosed}
	default:
		return errs.BadRequest("status must be open or solved")
	}
	total, err := s.Tickets.Count(ctx, f)
	if err != nil {
		return err
	}
	f.SortBy, f.Desc, f.Offset, f.Limit = "updated_at", true, (page-1)*uiPerPage, uiPerPage
	list, err := s.Tickets.List(ctx, f)
	if err != nil {
		return err
	}
	var ids []int64
	for _, t := range list {
		ids = append(ids, t.RequesterID)
	}
	nm, err := s.userNames(ctx, ids)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "portal_tickets.html", map[string]any{
		"Title": "My requests", "Tickets": list, "Names": nm, "Scope": scope, "Status": status,
		"HasOrg": len(sc.Shared) > 0, "Pager": newPager(r, page, total), "Flash": flashOf(w, r),
	})
	return nil
}

func (s *Server) portalNew(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "portal_new.html", map[string]any{"Title": "Submit a request"})
	return nil
}

func (s *Server) portalCreate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := PrincipalFrom(ctx)
	subject := strings.TrimSpace(r.PostFormValue("subject"))
	body := r.PostFormValue("body")
	fail := func(err error) error {
		msg, status, ok := problemText(err)
		if !ok {
			return err
		}
		s.render(w, r, status, "portal_new.html", map[string]any{"Title": "Submit a request", "Subject": subject, "Body": body, "Error": msg})
		return nil
	}
	var v errs.Validation
	v.Check(subject != "", "subject", "can't be blank")
	v.Check(strings.TrimSpace(body) != "", "description", "can't be blank")
	if err := v.Err(); err != nil {
		return fail(err)
	}
	uploads, err := s.saveUploads(r, ticketActor(p))
	if err != nil {
		return fail(err)
	}
	in := ticket.CreateInput{
		Subject: subject,
		Comment: ticket.CommentInput{Body: body, Markdown: true, Uploads: uploads},
		Via:     &ticket.Via{Channel: ticket.ChannelWeb},
	}
	// A request filed at a brand's address is that brand's (brand_address.go);
	// at the default address, the customer's own brand's.
	if b, err := s.requestBrand(r); err != nil {
		return err
	} else if b != nil && !b.Default {
		in.BrandID = &b.ID
	}
	t, _, err := s.Tickets.Create(ctx, ticketActor(p), in)
	if err != nil {
		return fail(err)
	}
	s.kbTicketFiled(w, r) // deflection: this Help Center session filed a request (ui_kb.go)
	seeOther(w, r, "/portal/tickets/"+strconv.FormatInt(t.ID, 10), fmt.Sprintf("Your request #%d has been received.", t.ID))
	return nil
}

// portalVisible loads a ticket the caller may see; anything else is a 404
// so that ticket ids do not leak.
func (s *Server) portalVisible(r *http.Request) (*ticket.Ticket, *customerScope, error) {
	ctx := r.Context()
	p := PrincipalFrom(ctx)
	id, err := pathID(r, "id", "ticket")
	if err != nil {
		return nil, nil, err
	}
	t, err := s.Tickets.Get(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	sc, err := s.scopeOf(ctx, p.UserID)
	if err != nil {
		return nil, nil, err
	}
	if !sc.canSee(t, p) {
		return nil, nil, errs.NotFound("ticket")
	}
	return t, sc, nil
}

func (s *Server) portalTicket(w http.ResponseWriter, r *http.Request) error {
	t, sc, err := s.portalVisible(r)
	if err != nil {
		return err
	}
	return s.renderPortalTicket(w, r, http.StatusOK, t, sc, "", "", "")
}

func (s *Server) renderPortalTicket(w http.ResponseWriter, r *http.Request, status int, t *ticket.Ticket, sc *customerScope, body, problem, rateProblem string) error {
	ctx := r.Context()
	p := PrincipalFrom(ctx)
	all, err := s.Tickets.Comments(ctx, t.ID, ticket.Page{Limit: 1000})
	if err != nil {
		return err
	}
	comments := slices.DeleteFunc(all, func(c ticket.Comment) bool { return !c.Public })
	ids := []int64{t.RequesterID}
	for _, c := range comments {
		ids = append(ids, c.AuthorID)
	}
	nm, err := s.userNames(ctx, ids)
	if err != nil {
		return err
	}
	var rating *satisfaction.Rating
	if s.Satisfaction != nil {
		if rating, err = s.Satisfaction.ForTicket(ctx, t.ID); err != nil {
			return err
		}
	}
	var org *people.Organization
	if t.OrganizationID != nil {
		if o, ok := sc.Orgs[*t.OrganizationID]; ok {
			org = &o
		}
	}
	s.render(w, r, status, "portal_ticket.html", map[string]any{
		"Title": fmt.Sprintf("#%d %s", t.ID, t.Subject), "Ticket": t, "Comments": comments, "Names": nm,
		"Org": org, "CanReply": sc.canReply(t, p) && t.Status != ticket.StatusClosed, "Closed": t.Status == ticket.StatusClosed,
		"CanRate": s.Satisfaction != nil && t.RequesterID == p.UserID && satisfaction.Ratable(t.Status),
		"Rating":  rating, "Body": body, "Error": problem, "RateError": rateProblem, "Flash": flashOf(w, r),
		"Requester": nm[t.RequesterID], "Following": t.IsCollaborator(p.UserID),
		"CanFollow": t.RequesterID != p.UserID && t.Status != ticket.StatusClosed && (t.IsCollaborator(p.UserID) || sc.canReply(t, p)),
	})
	return nil
}

func (s *Server) portalReply(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := PrincipalFrom(ctx)
	t, sc, err := s.portalVisible(r)
	if err != nil {
		return err
	}
	if !sc.canReply(t, p) {
		return errs.Forbidden("you may not comment on this request")
	}
	body := r.PostFormValue("body")
	in := ticket.UpdateInput{Via: &ticket.Via{Channel: ticket.ChannelWeb}}
	err = func() error {
		uploads, err := s.saveUploads(r, ticketActor(p))
		if err != nil {
			return err
		}
		if strings.TrimSpace(body) == "" && len(uploads) == 0 {
			return errs.Invalid("comment", "can't be blank")
		}
		public := true
		in.Comment = &ticket.CommentInput{Body: body, Markdown: true, Public: &public, Uploads: uploads}
		// A customer's reply puts a pending or solved request back in the
		// agents' queue, as in Zendesk.
		if t.Status == ticket.StatusPending || t.Status == ticket.StatusSolved {
			open := ticket.StatusOpen
			in.Status = &open
		}
		_, _, err = s.Tickets.Update(ctx, ticketActor(p), t.ID, in)
		return err
	}()
	if err != nil {
		return showProblem(err, func(status int, msg string) error {
			return s.renderPortalTicket(w, r, status, t, sc, body, msg, "")
		})
	}
	seeOther(w, r, "/portal/tickets/"+strconv.FormatInt(t.ID, 10), "Your reply has been added.")
	return nil
}

// portalFollow adds the caller to a visible ticket's CCs (follow=1) or
// removes them (follow=0), so that they are told about replies and find it
// under their own requests. A CC may reply (here and by email), so only a
// member who may comment on the ticket anyway may follow it: where the
// organization shares tickets but not comments, following is refused.
func (s *Server) portalFollow(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := PrincipalFrom(ctx)
	t, sc, err := s.portalVisible(r)
	if err != nil {
		return err
	}
	if t.RequesterID == p.UserID {
		return errs.Invalid("follow", "you requested this ticket and follow it already")
	}
	in := ticket.UpdateInput{Via: &ticket.Via{Channel: ticket.ChannelWeb}}
	flash := "You are following this request."
	switch r.PostFormValue("follow") {
	case "1":
		if !sc.canReply(t, p) {
			return errs.Forbidden("your organization does not let members comment on each other's requests, so you can't follow this one")
		}
		in.AdditionalCollaborators = []int64{p.UserID}
	case "0":
		rest := slices.DeleteFunc(slices.Clone(t.CollaboratorIDs), func(id int64) bool { return id == p.UserID })
		in.CollaboratorIDs = &rest
		flash = "You no longer follow this request."
	default:
		return errs.Invalid("follow", "must be 1 or 0")
	}
	if _, _, err := s.Tickets.Update(ctx, ticketActor(p), t.ID, in); err != nil {
		return err
	}
	seeOther(w, r, "/portal/tickets/"+strconv.FormatInt(t.ID, 10), flash)
	return nil
}

func (s *Server) portalRate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := PrincipalFrom(ctx)
	t, sc, err := s.portalVisible(r)
	if err != nil {
		return err
	}
	if s.Satisfaction == nil {
		return errs.NotFound("satisfaction ratings")
	}
	_, err = s.Satisfaction.Rate(ctx, p.Actor(clientIP(r)), t.ID, satisfaction.Input{
		Score: r.PostFormValue("score"), Comment: r.PostFormValue("comment"),
	})
	if err != nil {
		return showProblem(err, func(status int, msg string) error {
			return s.renderPortalTicket(w, r, status, t, sc, "", "", msg)
		})
	}
	seeOther(w, r, "/portal/tickets/"+strconv.FormatInt(t.ID, 10), "Thank you for your feedback.")
	return nil
}
