package kpi

import (
	"embed"
	"fmt"
	"strings"
	"sync"

	"github.com/frontline/frontline/internal/db"
)

//go:embed queries.sql
var sqlFiles embed.FS

// Store keeps the rollups and answers the indicators from them.
type Store struct {
	d *db.DB
	q *db.Queries
	// mu serialises this node's folding of dirty tickets (the database
	// serialises nodes: a dirty row is taken by the DELETE that removes it).
	mu sync.Mutex
	// Hiring and Deflection are the hiring (issue 17) and knowledge-base
	// (issue 20) sources; nil until those modules are wired.
	Hiring     Hiring
	Deflection Deflections
	Vacancies  VacancySink
}

// NewStore returns the KPI store of d.
func NewStore(d *db.DB) *Store {
	return &Store{d: d, q: db.MustLoadQueries(d.Dialect, sqlFiles, "queries.sql")}
}

// Filter narrows the indicators to a slice of the department.
type Filter struct {
	Region    string
	GroupID   int64
	Assignees []int64 // a member, or a manager's team
	Plan      string
	Tier      string
	// BrandID narrows to one brand (0: every brand the viewer sees).
	BrandID int64
	// HiddenBrands are the restricted brands not cleared for the viewer
	// (brand.Scope.Hidden, from the caller): their tickets are left out of
	// every number. Nil when nothing is hidden: no condition at all.
	HiddenBrands []int64
}

// where is the filter as SQL conditions appended to a query whose
// parameters so far are args.
func (f Filter) where(args []any) (string, []any) {
	var b strings.Builder
	add := func(cond string, v any) {
		args = append(args, v)
		fmt.Fprintf(&b, " AND %s $%d", cond, len(args))
	}
	if f.Region != "" {
		add("region =", f.Region)
	}
	if f.GroupID != 0 {
		add("group_id =", f.GroupID)
	}
	if f.Plan != "" {
		add("plan =", f.Plan)
	}
	if f.Tier != "" {
		add("tier =", f.Tier)
	}
	if f.BrandID != 0 {
		add("brand_id =", f.BrandID)
	}
	if len(f.HiddenBrands) > 0 {
		b.WriteString(" AND brand_id NOT IN (")
		for i, id := range f.HiddenBrands {
			if i > 0 {
				b.WriteString(", ")
			}
			args = append(args, id)
			fmt.Fprintf(&b, "$%d", len(args))
		}
		b.WriteString(")")
	}
	if f.Assignees != nil {
		if len(f.Assignees) == 0 {
			b.WriteString(" AND 1 = 0")
		} else {
			b.WriteString(" AND assignee_id IN (")
			for i, id := range f.Assignees {
				if i > 0 {
					b.WriteString(", ")
				}
				args = append(args, id)
				fmt.Fprintf(&b, "$%d", len(args))
			}
			b.WriteString(")")
		}
	}
	return b.String(), args
}
