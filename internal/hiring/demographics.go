package hiring

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
)

// Demographics are a candidate's voluntary EEO answers. They are stored
// apart from the candidate, never returned with one, and reported only in
// aggregate (MinGroup).
type Demographics struct {
	Gender     string `json:"gender"`
	Ethnicity  string `json:"ethnicity"`
	Veteran    string `json:"veteran_status"`
	Disability string `json:"disability_status"`
}

// demographicChoices are the allowed answers; "declined" is always one.
var demographicChoices = map[string][]string{
	"gender":            {"female", "male", "non_binary", "self_described", "declined"},
	"ethnicity":         {"american_indian_or_alaska_native", "asian", "black_or_african_american", "hispanic_or_latino", "native_hawaiian_or_pacific_islander", "white", "two_or_more", "declined"},
	"veteran_status":    {"protected_veteran", "not_a_veteran", "declined"},
	"disability_status": {"yes", "no", "declined"},
}

// MinGroup is the smallest group the aggregate report shows; smaller ones
// are folded into "fewer than MinGroup".
const MinGroup = 5

func (d *Demographics) validate() error {
	var v errs.Validation
	for _, f := range []struct {
		name string
		val  *string
	}{{"gender", &d.Gender}, {"ethnicity", &d.Ethnicity}, {"veteran_status", &d.Veteran}, {"disability_status", &d.Disability}} {
		if *f.val == "" {
			*f.val = "declined"
		}
		v.Check(contains(demographicChoices[f.name], *f.val), f.name, "must be one of "+strings.Join(demographicChoices[f.name], ", "))
	}
	return v.Err()
}

// RecordDemographics stores a candidate's voluntary answers. Demographics
// rule: they are asked for US roles only (a candidate with an application
// to an AMER requisition).
func (s *Store) RecordDemographics(ctx context.Context, actor audit.Actor, candidateID int64, d Demographics) error {
	if err := d.validate(); err != nil {
		return err
	}
	return s.d.Write(ctx, func(tx *db.Tx) error {
		if _, err := s.candidateTx(ctx, tx, candidateID); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, s.q.Get("HasUSApplication"), candidateID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return errs.Invalid("candidate_id", "Demographics rule: voluntary demographic questions are asked for US (AMER) roles only")
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("UpsertDemographics"), candidateID, d.Gender, d.Ethnicity, d.Veteran, d.Disability, db.TS(tx.Now)); err != nil {
			return err
		}
		// The audit entry says that answers were recorded, never what they are.
		return s.audit.Record(ctx, tx, actor, "hiring.demographics.recorded", "hiring_candidate", candidateID, nil, nil)
	})
}

// DemographicGroup is one answer's count in the aggregate report (nil
// when fewer than MinGroup gave it).
type DemographicGroup struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
	Count    *int   `json:"count"`
}

// DemographicsReport is the aggregate of every recorded answer; groups
// smaller than MinGroup show no count.
func (s *Store) DemographicsReport(ctx context.Context) ([]DemographicGroup, error) {
	out, err := db.ReadList(ctx, s.d, s.q.Get("DemographicCounts"), nil, func(r db.Scanner) (*DemographicGroup, error) {
		var g DemographicGroup
		var n int
		if err := r.Scan(&g.Question, &g.Answer, &n); err != nil {
			return nil, err
		}
		if n >= MinGroup {
			g.Count = &n
		}
		switch g.Question {
		case "veteran":
			g.Question = "veteran_status"
		case "disability":
			g.Question = "disability_status"
		}
		return &g, nil
	})
	sort.Slice(out, func(i, j int) bool {
		return fmt.Sprint(out[i].Question, out[i].Answer) < fmt.Sprint(out[j].Question, out[j].Answer)
	})
	return out, err
}
