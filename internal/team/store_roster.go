package team

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
)

// ImportResult says what a roster import did.
type ImportResult struct {
	Rows      int `json:"rows"`
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
}

// RowsError turns row problems into one validation error whose fields are
// "line N", so that every bad row is reported.
func RowsError(problems []RowError) error {
	e := &errs.Error{Kind: errs.KindInvalid, Fields: map[string][]string{},
		Message: fmt.Sprintf("the roster was not imported: %d problems; nothing was changed", len(problems))}
	for _, p := range problems {
		k := fmt.Sprintf("line %d", p.Line)
		e.Fields[k] = append(e.Fields[k], p.Problem)
	}
	return e
}

// errRejected aborts the import transaction after row problems were found.
var errRejected = errors.New("roster rejected")

type rowPlan struct {
	row    RosterRow
	level  *Level
	userID int64 // 0: a new user
	member bool
	key    string // lower-case email
}

// ImportRoster applies a parsed roster in one transaction: people are
// matched by email (new ones become agents), placed at the level their
// title names, under the manager their row names (in the file or already
// on the roster). Every row is checked against the rules first; if any row
// is bad, every problem is returned with its line and nothing is written.
// Importing the same file again changes nothing. Members missing from the
// file stay as they are (leavers are marked with end_date, never deleted).
func (s *Store) ImportRoster(ctx context.Context, actor audit.Actor, rows []RosterRow, parsed []RowError) (res ImportResult, err error) {
	var problems []RowError
	// Rows whose email could not be read are checked no further.
	rows = slices.DeleteFunc(slices.Clone(rows), func(r RosterRow) bool { return r.Email == "" })
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		res, problems = ImportResult{Rows: len(rows)}, slices.Clone(parsed)
		bad := func(line int, format string, a ...any) {
			problems = append(problems, RowError{line, fmt.Sprintf(format, a...)})
		}
		levels, err := s.levels(ctx, tx)
		if err != nil {
			return err
		}
		var levelNames []string
		for _, l := range levels {
			levelNames = append(levelNames, l.Name)
		}
		plans := make([]rowPlan, len(rows))
		inFile := map[string]int{}
		for i, row := range rows {
			p := rowPlan{row: row, key: strings.ToLower(row.Email)}
			inFile[p.key] = i
			lvl, _ := MatchLevel(levels, row.Title, "")
			if lvl == nil {
				bad(row.Line, "title %q is not a level (one of: %s)", row.Title, strings.Join(levelNames, "; "))
			} else {
				p.level = lvl
				if row.Grade != nil && *row.Grade != "" && *row.Grade != gradeText(lvl.Grade) {
					want := gradeText(lvl.Grade)
					if want == "" {
						want = "none"
					}
					bad(row.Line, "grade %s does not match %s (grade %s)", *row.Grade, lvl.Name, want)
				}
			}
			id, role, err := s.userByEmail(ctx, tx, row.Email)
			if err != nil {
				return err
			}
			if id != 0 {
				if !people.IsStaff(role) {
					bad(row.Line, "%s is a customer (end-user) account; make them an agent first", row.Email)
				}
				n, err := s.count(ctx, tx, "IsMember", id)
				if err != nil {
					return err
				}
				p.userID, p.member = id, n > 0
			}
			plans[i] = p
		}
		// Managers: in the file, or on the roster already.
		outside := map[string]int64{} // manager emails not in the file -> member id
		for _, p := range plans {
			if p.row.ManagerEmail == nil || *p.row.ManagerEmail == "" {
				continue
			}
			mk := strings.ToLower(*p.row.ManagerEmail)
			if _, ok := inFile[mk]; ok {
				continue
			}
			id, _, err := s.userByEmail(ctx, tx, mk)
			if err != nil {
				return err
			}
			n := 0
			if id != 0 {
				if n, err = s.count(ctx, tx, "IsMember", id); err != nil {
					return err
				}
			}
			if n == 0 {
				bad(p.row.Line, "manager_email %s is neither in the file nor on the roster", *p.row.ManagerEmail)
				continue
			}
			outside[mk] = id
		}
		// Reporting lines of the file as they will be, above it as they are.
		dbManager := s.managerOf(ctx, tx)
		up := func(n node) (node, bool) {
			if i, ok := inFile[n.key]; ok && n.key != "" {
				p := plans[i]
				switch {
				case p.row.ManagerEmail == nil: // column absent: the line stays
					if p.userID == 0 {
						return node{}, false
					}
					m, ok := dbManager(p.userID)
					if !ok || m == nil {
						return node{}, false
					}
					return s.nodeOf(ctx, tx, *m, inFile), true
				case *p.row.ManagerEmail == "":
					return node{}, false
				default:
					mk := strings.ToLower(*p.row.ManagerEmail)
					if _, ok := inFile[mk]; ok {
						return node{key: mk}, true
					}
					if id, ok := outside[mk]; ok {
						return s.nodeOf(ctx, tx, id, inFile), true
					}
					return node{}, false
				}
			}
			m, ok := dbManager(n.id)
			if !ok || m == nil {
				return node{}, false
			}
			return s.nodeOf(ctx, tx, *m, inFile), true
		}
		for _, p := range plans {
			start := node{key: p.key}
			path := []string{p.row.Email}
			seen := map[node]bool{start: true}
			cur := start
			for range len(plans) + 10000 {
				next, ok := up(cur)
				if !ok {
					break
				}
				label := next.key
				if label == "" {
					label = s.nameOf(ctx, tx)(next.id)
				}
				path = append(path, label)
				if next == start {
					bad(p.row.Line, "the reporting line loops: %s", strings.Join(path, " → "))
					break
				}
				if seen[next] {
					break // a loop above, reported on its own rows
				}
				seen[next] = true
				cur = next
			}
		}
		// Specialty rules against what each person will be.
		for _, p := range plans {
			if p.level == nil {
				continue
			}
			facts := SpecialtyFacts{LevelKey: p.level.Key, Hours: DefaultHours()}
			var specs []string
			if p.member {
				m, err := s.getMember(ctx, tx, p.userID)
				if err != nil {
					return err
				}
				facts.VerifiedCitizen, facts.AssignedCount, facts.Hours, specs = m.VerifiedCitizenship, m.AssignedCount, m.WorkingHours, m.Specialties
			} else if p.userID != 0 {
				var name, role, email string
				if err := tx.QueryRowContext(ctx, s.q.Get("UserBrief"), p.userID).Scan(&name, &role, &email, &facts.VerifiedCitizen); err != nil {
					return err
				}
				if err := tx.QueryRowContext(ctx, s.q.Get("AssignedElsewhere"), p.userID, 0).Scan(&facts.AssignedCount); err != nil {
					return err
				}
			}
			if p.row.VerifiedCitizen != nil {
				facts.VerifiedCitizen = *p.row.VerifiedCitizen
			}
			if p.row.Specialties != nil {
				specs = *p.row.Specialties
			}
			var de *errs.Error
			if errors.As(CheckSpecialties(specs, facts), &de) {
				for f, ps := range de.Fields {
					for _, pr := range ps {
						bad(p.row.Line, "%s: %s", f, pr)
					}
				}
			}
		}
		if len(problems) > 0 {
			return errRejected
		}
		// Write: managers before their reports.
		for _, i := range importOrder(plans, inFile) {
			p := &plans[i]
			create := !p.member
			if p.userID == 0 {
				tz := "UTC"
				if p.row.TimeZone != nil {
					tz = *p.row.TimeZone
				}
				if err := tx.QueryRowContext(ctx, s.q.Get("InsertAgent"), p.row.Name, p.row.Email, tz, p.row.Region, db.TS(tx.Now)).Scan(&p.userID); err != nil {
					return err
				}
				if err := s.audit.Record(ctx, tx, actor, "user.created", "user", p.userID, nil,
					map[string]any{"name": p.row.Name, "email": p.row.Email, "role": people.RoleAgent, "via": "roster import"}); err != nil {
					return err
				}
			}
			in := MemberInput{Name: &p.row.Name, LevelID: &p.level.ID, Region: &p.row.Region, TimeZone: p.row.TimeZone,
				StartDate: p.row.StartDate, EndDate: p.row.EndDate, Specialties: p.row.Specialties, Skills: p.row.Skills,
				VerifiedCitizenship: p.row.VerifiedCitizen}
			if p.row.ManagerEmail != nil {
				var mid int64
				if *p.row.ManagerEmail != "" {
					mk := strings.ToLower(*p.row.ManagerEmail)
					if j, ok := inFile[mk]; ok {
						mid = plans[j].userID
					} else {
						mid = outside[mk]
					}
				}
				in.ManagerID = &mid
			}
			_, changed, err := s.saveMember(ctx, tx, actor, p.userID, in, create)
			var de *errs.Error
			if errors.As(err, &de) && de.Kind == errs.KindInvalid {
				for f, ps := range de.Fields {
					for _, pr := range ps {
						bad(p.row.Line, "%s: %s", f, pr)
					}
				}
				continue
			}
			if err != nil {
				return err
			}
			switch {
			case create:
				res.Created++
			case changed:
				res.Updated++
			default:
				res.Unchanged++
			}
		}
		if len(problems) > 0 {
			return errRejected
		}
		return s.audit.Record(ctx, tx, actor, "team.roster_imported", "team", 0, nil, res)
	})
	if errors.Is(err, errRejected) {
		sort.SliceStable(problems, func(i, j int) bool { return problems[i].Line < problems[j].Line })
		return ImportResult{}, RowsError(problems)
	}
	return res, err
}

// nodeOf names a user for the import's loop check: by email when the file
// has them, by id otherwise.
func (s *Store) nodeOf(ctx context.Context, tx *db.Tx, id int64, inFile map[string]int) node {
	var name, role, email string
	var cit bool
	if err := tx.QueryRowContext(ctx, s.q.Get("UserBrief"), id).Scan(&name, &role, &email, &cit); err == nil {
		if _, ok := inFile[strings.ToLower(email)]; ok {
			return node{key: strings.ToLower(email)}
		}
	}
	return node{id: id}
}

// node is a person in the import's loop check: a row's email, or a user id
// outside the file.
type node struct {
	key string
	id  int64
}

// importOrder puts each row after the row of its manager.
func importOrder(plans []rowPlan, inFile map[string]int) []int {
	state := make([]int, len(plans)) // 0 new, 1 visiting, 2 done
	var out []int
	var visit func(i int)
	visit = func(i int) {
		if state[i] != 0 {
			return
		}
		state[i] = 1
		if m := plans[i].row.ManagerEmail; m != nil && *m != "" {
			if j, ok := inFile[strings.ToLower(*m)]; ok {
				visit(j)
			}
		}
		state[i] = 2
		out = append(out, i)
	}
	for i := range plans {
		visit(i)
	}
	return out
}

func (s *Store) userByEmail(ctx context.Context, tx *db.Tx, email string) (int64, string, error) {
	var id int64
	err := tx.QueryRowContext(ctx, s.q.Get("UserByEmail"), email).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", nil
	}
	if err != nil {
		return 0, "", err
	}
	var name, role, em string
	var cit bool
	if err := tx.QueryRowContext(ctx, s.q.Get("UserBrief"), id).Scan(&name, &role, &em, &cit); err != nil {
		return 0, "", err
	}
	return id, role, nil
}

// ExportRoster writes the members matching f as a roster file.
func (s *Store) ExportRoster(ctx context.Context, w io.Writer, f MemberFilter) error {
	all, err := s.AllMembers(ctx, MemberFilter{Status: "all"})
	if err != nil {
		return err
	}
	emails := make(map[int64]string, len(all))
	for _, m := range all {
		emails[m.ID] = m.Email
	}
	members, err := s.AllMembers(ctx, f)
	if err != nil {
		return err
	}
	return WriteRoster(w, members, func(id int64) string { return emails[id] })
}
