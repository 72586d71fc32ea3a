package incident

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/ticket"
)

// EmergencyTag marks a customer emergency ticket (the ase package's
// IsEmergency reads the same tag).
const EmergencyTag = "emergency"

// aseStep is the page step of the Assigned Support Engineer's notice of an
// emergency (outside the escalation's steps).
const aseStep = -1000

// EmergencyEligible says whether an organization's tier includes emergency
// support (the Priority Support tiers of the SLA policies).
func EmergencyEligible(tier string) bool { return tier == "premium" || tier == "ultimate" }

// ASEFinder returns an organization's Assigned Support Engineer when they
// are within their working hours at t (false otherwise or when none).
type ASEFinder func(ctx context.Context, orgID int64, t time.Time) (int64, bool)

// SetEmergencies wires what customer emergencies need: the ticket store
// (the portal form creates a ticket), the ASE lookup (may be nil) and the
// emergency mailbox address ("" for none): a ticket that comes in through
// it becomes an urgent emergency.
func (s *Store) SetEmergencies(t *ticket.Store, ase ASEFinder, mailbox string) {
	s.tickets, s.ase, s.mailbox = t, ase, strings.ToLower(strings.TrimSpace(mailbox))
}

// EmergencyInput is a customer's emergency report.
type EmergencyInput struct {
	Subject     string `json:"subject"`
	Description string `json:"description"`
}

// CanSubmitEmergency says whether a customer's organization has emergency
// support: a nil error when it has, else the rule that refuses it.
func (s *Store) CanSubmitEmergency(ctx context.Context, userID int64) error {
	var tier sql.NullString
	err := s.d.R.QueryRowContext(ctx, `SELECT o.tier FROM users u LEFT JOIN organizations o ON o.id = u.organization_id WHERE u.id = $1`, userID).Scan(&tier)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if !tier.Valid || !EmergencyEligible(tier.String) {
		return errs.Invalid("organization", "Emergency rule: emergency support comes with the premium and ultimate plans; please open a regular request")
	}
	return nil
}

// SubmitEmergency files a customer emergency: an urgent ticket tagged
// emergency (its SLA policy gives it a 30-minute first reply around the
// clock), which opens an incident paging the Customer Emergency On-Call
// (TicketHook, in the ticket's transaction).
func (s *Store) SubmitEmergency(ctx context.Context, requester ticket.Actor, in EmergencyInput) (*ticket.Ticket, *Incident, error) {
	if s.tickets == nil {
		return nil, nil, errors.New("incident: emergencies are not wired")
	}
	var v errs.Validation
	v.Check(strings.TrimSpace(in.Subject) != "", "subject", "is required")
	v.Check(strings.TrimSpace(in.Description) != "", "description", "Emergency rule: describe what is down and its impact")
	if err := v.Err(); err != nil {
		return nil, nil, err
	}
	if err := s.CanSubmitEmergency(ctx, requester.UserID); err != nil {
		return nil, nil, err
	}
	urgent := "urgent"
	t, _, err := s.tickets.Create(ctx, requester, ticket.CreateInput{
		Subject: strings.TrimSpace(in.Subject), Comment: ticket.CommentInput{Body: in.Description},
		Priority: &urgent, Tags: []string{EmergencyTag}, Via: &ticket.Via{Channel: "web"},
	})
	if err != nil {
		return nil, nil, err
	}
	list, _, err := s.List(ctx, Filter{IncidentKey: emergencyKey(t.ID), Limit: 1})
	if err != nil || len(list) == 0 {
		return t, nil, err
	}
	return t, &list[0], nil
}

func hasEmergencyTag(tags []string) bool {
	for _, tag := range tags {
		if tag == EmergencyTag || tag == "customer_emergency" {
			return true
		}
	}
	return false
}

func emergencyKey(ticketID int64) string { return "ticket-" + strconv.FormatInt(ticketID, 10) }

// TicketHook opens the incident of a new emergency ticket (tagged
// emergency, or come in through the emergency mailbox, of an organization
// with emergency support): severity 1 on the emergency service, paging
// CEOC, and a notice to the organization's ASE when they are working.
func (s *Store) TicketHook(ctx context.Context, tx *db.Tx, c *ticket.Change) error {
	t := c.Ticket
	if t.OrganizationID == nil {
		return nil
	}
	viaMailbox := c.Created() && s.mailbox != "" && strings.EqualFold(strings.TrimSpace(t.Recipient), s.mailbox)
	tagged := hasEmergencyTag(t.Tags)
	// A new ticket tagged (or mailed) as an emergency, or one that just got
	// the tag (a routing trigger, an agent): the dedup key keeps it to one
	// incident per ticket.
	if !(viaMailbox || (tagged && (c.Created() || !hasEmergencyTag(c.Prev.Tags)))) {
		return nil
	}
	var tier, orgName string
	if err := tx.QueryRowContext(ctx, "SELECT tier, name FROM organizations WHERE id = $1", *t.OrganizationID).Scan(&tier, &orgName); err != nil {
		return err
	}
	if !EmergencyEligible(tier) {
		return nil
	}
	if viaMailbox && (!tagged || t.Priority == nil || *t.Priority != "urgent") {
		urgent := "urgent"
		if _, _, err := s.tickets.UpdateTx(ctx, tx, ticket.Actor{Role: "system"}, t.ID, ticket.UpdateInput{Priority: &urgent, AdditionalTags: []string{EmergencyTag}}); err != nil {
			return err
		}
		if !tagged {
			return nil // the update's hook round saw the tag arrive and opened the incident
		}
	}
	var svcID int64
	err := tx.QueryRowContext(ctx, "SELECT id FROM incident_services WHERE kind = 'emergency' ORDER BY id LIMIT 1").Scan(&svcID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // no emergency service configured: the urgent ticket and its SLA remain
	}
	if err != nil {
		return err
	}
	tid, oid := t.ID, *t.OrganizationID
	id, created, err := s.triggerTx(ctx, tx, audit.System(), TriggerInput{
		ServiceID: svcID, Title: fmt.Sprintf("Customer emergency (%s): %s", orgName, t.Subject),
		Description: fmt.Sprintf("Ticket #%d, urgent, first reply due within 30 minutes.", t.ID),
		Key:         emergencyKey(t.ID), Severity: 1, Urgency: "high", Source: SourceEmergency, TicketID: &tid, OrganizationID: &oid,
	})
	if err != nil || !created || s.ase == nil {
		return err
	}
	uid, ok := s.ase(ctx, oid, tx.Now)
	if !ok {
		return nil
	}
	inc, err := s.getTx(ctx, tx, id)
	if err != nil {
		return err
	}
	if err := s.log(ctx, tx, id, "annotate", nil, "", "The Assigned Support Engineer of "+orgName+" is working: notified too"); err != nil {
		return err
	}
	return s.page(ctx, tx, &inc.Incident, aseStep, []int64{uid})
}
