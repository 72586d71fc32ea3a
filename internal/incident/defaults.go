package incident

import (
	"context"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/errs"
)

// DefaultEmergencyPolicy is the reference's escalation of a customer
// emergency: the Customer Emergency On-Call first; not acknowledged within
// 10 minutes, the Support Manager On-Call; 5 more minutes, the senior
// managers (who are paged again every 15 minutes, twice more).
func DefaultEmergencyPolicy(ceocSchedule, smocSchedule int64, seniorManagers []int64) PolicyInput {
	seniors := []Target{}
	for _, id := range seniorManagers {
		seniors = append(seniors, Target{Kind: TargetUser, ID: id})
	}
	if len(seniors) == 0 {
		seniors = []Target{{Kind: TargetSchedule, ID: smocSchedule}}
	}
	return PolicyInput{
		Name:        EmergencyPolicyName,
		Description: "CEOC; after 10 minutes unacknowledged the Support Manager On-Call; after 5 more the senior managers.",
		NumLoops:    2,
		Rules: []Rule{
			{DelayMinutes: 10, Targets: []Target{{Kind: TargetSchedule, ID: ceocSchedule}}},
			{DelayMinutes: 5, Targets: []Target{{Kind: TargetSchedule, ID: smocSchedule}}},
			{DelayMinutes: 15, Targets: seniors},
		},
	}
}

// DefaultCMOCPolicy pages the Communications Manager On-Call, then (15
// minutes unacknowledged, the reference's acknowledgement target) the
// Support Manager On-Call.
func DefaultCMOCPolicy(cmocSchedule, smocSchedule int64) PolicyInput {
	return PolicyInput{
		Name:        CMOCPolicyName,
		Description: "CMOC (acknowledge within 15 minutes), then the Support Manager On-Call.",
		NumLoops:    1,
		Rules: []Rule{
			{DelayMinutes: 15, Targets: []Target{{Kind: TargetSchedule, ID: cmocSchedule}}},
			{DelayMinutes: 15, Targets: []Target{{Kind: TargetSchedule, ID: smocSchedule}}},
		},
	}
}

// Defaults are the schedules and people the default policies page.
type Defaults struct {
	CEOC, SMOC, CMOC int64 // schedule ids
	SeniorManagers   []int64
}

// EnsureDefaults creates, once, the customer-emergency and CMOC policies
// and their services ("Customer emergencies", kind emergency, and
// "Production monitoring", kind monitoring, whose integration key
// monitoring uses). It returns the two services.
func (s *Store) EnsureDefaults(ctx context.Context, d Defaults) (emergency, monitoring *Service, err error) {
	mk := func(policy PolicyInput, svcName, kind, desc string) (*Service, error) {
		if svc, err := s.ServiceByName(ctx, svcName); err == nil {
			return svc, nil
		} else if !errs.Is(err, errs.KindNotFound) {
			return nil, err
		}
		pid, err := s.PolicyByName(ctx, policy.Name)
		if err != nil {
			return nil, err
		}
		if pid == 0 {
			p, err := s.CreatePolicy(ctx, audit.System(), policy)
			if err != nil {
				return nil, err
			}
			pid = p.ID
		}
		return s.CreateService(ctx, audit.System(), ServiceInput{Name: svcName, Description: desc, EscalationPolicyID: pid, Kind: kind})
	}
	if emergency, err = mk(DefaultEmergencyPolicy(d.CEOC, d.SMOC, d.SeniorManagers), EmergencyServiceName, "emergency",
		"Customer emergencies from the portal form and the emergency mailbox."); err != nil {
		return nil, nil, err
	}
	if monitoring, err = mk(DefaultCMOCPolicy(d.CMOC, d.SMOC), MonitoringService, "monitoring",
		"Alerts of the hosted product (Alertmanager, Grafana): page the CMOC, who posts status updates."); err != nil {
		return nil, nil, err
	}
	return emergency, monitoring, nil
}
