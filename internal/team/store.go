package team

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/tags"
)

//go:embed queries.sql
var sqlFiles embed.FS

// HolidaySource supplies the public holidays of each region (by region
// name: AMER, EMEA, APAC). The app reads them from the business-hours
// schedules of the SLA module (HolidaysFromSLA).
type HolidaySource func(ctx context.Context) (map[string][]Holiday, error)

// Options configure a Store.
type Options struct {
	Holidays HolidaySource // optional: no holidays without one
}

// Store persists the team. Every write runs in one transaction with its
// audit entry.
type Store struct {
	d     *db.DB
	q     *db.Queries
	audit *audit.Log
	opt   Options

	// nodes is the org graph with each member's flag, per version of the
	// team data (config_versions 'team', bumped by triggers): the org chart,
	// roster counts and summary read it without reading every member again.
	nodes db.Versioned[*graph]
}

// graph is one version of the org graph, with the summary of the last day
// it was asked for (the summary depends on the date through leavers).
type graph struct {
	nodes []Node
	mu    sync.Mutex
	day   string
	sum   Summary
}

// NewStore returns the team store of d.
func NewStore(d *db.DB, a *audit.Log, opt Options) *Store {
	return &Store{d: d, q: db.MustLoadQueries(d.Dialect, sqlFiles, "queries.sql"), audit: a, opt: opt}
}

// Attach makes the people store enforce the team's rules on writes that
// go through it: reporting-line cycles and the Assigned Support Engineer
// limits (see CheckUser, CheckOrganization).
func (s *Store) Attach(p *people.Store) { p.AddChecker(s) }

// today is the UTC date of the transaction's clock.
func today(tx *db.Tx) string { return tx.Now.UTC().Format(DateLayout) }

// Today is the store clock's UTC date.
func (s *Store) Today() string { return s.d.Clock.Now().UTC().Format(DateLayout) }

func nullStr(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}

func nullInt(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

func nullGrade(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

func strPtr(n sql.NullString) *string {
	if !n.Valid {
		return nil
	}
	return &n.String
}

func intPtr(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	return &n.Int64
}

// --- seeding -------------------------------------------------------------------------

// SeedDefaults runs once per database (several nodes may race; one wins):
// it creates the handbook's job families and levels and the built-in
// trainings, catalogues trainings users already hold, and puts every
// existing agent and admin on the roster, matching their free-text job
// title and grade to a level. Titles that match no level, and grades that
// differ from the matched level's, are kept and flagged on the member.
func (s *Store) SeedDefaults(ctx context.Context) (seeded bool, err error) {
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		seeded = false
		res, err := tx.ExecContext(ctx, s.q.Get("MarkSeeded"), db.TS(tx.Now))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		for i, f := range DefaultFamilies() {
			var fid int64
			if err := tx.QueryRowContext(ctx, s.q.Get("InsertFamily"), Slug(f.Name), f.Name, i+1, db.TS(tx.Now)).Scan(&fid); err != nil {
				return err
			}
			for r, l := range f.Levels {
				var grade any
				if l.Grade > 0 {
					grade = l.Grade
				}
				var lid int64
				if err := tx.QueryRowContext(ctx, s.q.Get("InsertLevel"), fid, Slug(l.Name), l.Name, l.Track, grade, r+1, db.TS(tx.Now)).Scan(&lid); err != nil {
					return err
				}
			}
		}
		for _, t := range DefaultTrainings() {
			if _, err := tx.ExecContext(ctx, s.q.Get("InsertTraining"), t.Key, t.Name, t.Description, true, db.TS(tx.Now)); err != nil {
				return err
			}
		}
		keys, err := scanStrings(ctx, tx, s.q.Get("UncataloguedTrainings"))
		if err != nil {
			return err
		}
		for _, k := range keys {
			name := strings.ReplaceAll(strings.ReplaceAll(k, "-", " "), "_", " ")
			if name != "" {
				name = strings.ToUpper(name[:1]) + name[1:]
			}
			if _, err := tx.ExecContext(ctx, s.q.Get("InsertTraining"), k, name, "", false, db.TS(tx.Now)); err != nil {
				return err
			}
		}
		n, err := s.rosterExisting(ctx, tx)
		if err != nil {
			return err
		}
		seeded = true
		return s.audit.Record(ctx, tx, audit.System(), "team.seeded", "team", 0, nil, map[string]int{"members": n})
	})
	return seeded, err
}

// rosterExisting puts the staff users that are not on the roster on it.
func (s *Store) rosterExisting(ctx context.Context, tx *db.Tx) (int, error) {
	levels, err := s.levels(ctx, tx)
	if err != nil {
		return 0, err
	}
	families, err := s.familyKeys(ctx, tx)
	if err != nil {
		return 0, err
	}
	type staff struct {
		id           int64
		title, grade string
	}
	rows, err := tx.QueryContext(ctx, s.q.Get("StaffUsers"))
	if err != nil {
		return 0, err
	}
	var all []staff
	for rows.Next() {
		var st staff
		if err := rows.Scan(&st.id, &st.title, &st.grade); err != nil {
			rows.Close()
			return 0, err
		}
		all = append(all, st)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, st := range all {
		lvl, note := MatchLevel(levels, st.title, st.grade)
		var lid *int64
		if lvl != nil {
			lid = &lvl.ID
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("InsertMember"), st.id, nullInt(lid), "", nil, nil, "", note, db.TS(tx.Now)); err != nil {
			return 0, err
		}
		if lvl != nil && note == "" { // write the title as the handbook spells it
			if _, err := tx.ExecContext(ctx, s.q.Get("SetUserLevelFields"), st.id, lvl.Name, families[lvl.FamilyID], gradeText(lvl.Grade)); err != nil {
				return 0, err
			}
		}
	}
	ases, err := scanInts(ctx, tx, s.q.Get("ASEUsers"))
	if err != nil {
		return 0, err
	}
	for _, id := range ases {
		if _, err := tx.ExecContext(ctx, s.q.Get("InsertSpecialty"), id, SpecialtyASE); err != nil {
			return 0, err
		}
	}
	return len(all), nil
}

func gradeText(g *int) string {
	if g == nil {
		return ""
	}
	return strconv.Itoa(*g)
}

func scanStrings(ctx context.Context, tx *db.Tx, query string, args ...any) ([]string, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func scanInts(ctx context.Context, tx *db.Tx, query string, args ...any) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// --- families and levels -------------------------------------------------------------

func scanLevel(r db.Scanner) (*Level, error) {
	var l Level
	var grade sql.NullInt64
	if err := r.Scan(&l.ID, &l.FamilyID, &l.Key, &l.Name, &l.Track, &grade, &l.Rank, db.Time(&l.CreatedAt), db.Time(&l.UpdatedAt)); err != nil {
		return nil, err
	}
	if grade.Valid {
		g := int(grade.Int64)
		l.Grade = &g
	}
	return &l, nil
}

func (s *Store) levels(ctx context.Context, tx *db.Tx) ([]Level, error) {
	rows, err := tx.QueryContext(ctx, s.q.Get("ListLevels"))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Level{}
	for rows.Next() {
		l, err := scanLevel(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *l)
	}
	return out, rows.Err()
}

func (s *Store) familyKeys(ctx context.Context, tx *db.Tx) (map[int64]string, error) {
	fs, err := s.families(ctx, tx, false)
	if err != nil {
		return nil, err
	}
	out := map[int64]string{}
	for _, f := range fs {
		out[f.ID] = f.Key
	}
	return out, nil
}

func (s *Store) families(ctx context.Context, tx *db.Tx, withLevels bool) ([]Family, error) {
	rows, err := tx.QueryContext(ctx, s.q.Get("ListFamilies"))
	if err != nil {
		return nil, err
	}
	out := []Family{}
	for rows.Next() {
		var f Family
		if err := rows.Scan(&f.ID, &f.Key, &f.Name, &f.Position, db.Time(&f.CreatedAt), db.Time(&f.UpdatedAt)); err != nil {
			rows.Close()
			return nil, err
		}
		f.Levels = []Level{}
		out = append(out, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil || !withLevels {
		return out, err
	}
	levels, err := s.levels(ctx, tx)
	if err != nil {
		return nil, err
	}
	for _, l := range levels {
		for i := range out {
			if out[i].ID == l.FamilyID {
				out[i].Levels = append(out[i].Levels, l)
			}
		}
	}
	return out, nil
}

// Families lists the job families with their levels.
func (s *Store) Families(ctx context.Context) (out []Family, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		out, err = s.families(ctx, tx, true)
		return err
	})
	return out, err
}

// Levels lists every level.
func (s *Store) Levels(ctx context.Context) (out []Level, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		out, err = s.levels(ctx, tx)
		return err
	})
	return out, err
}

// GetFamily returns one family with its levels.
func (s *Store) GetFamily(ctx context.Context, id int64) (*Family, error) {
	fs, err := s.Families(ctx)
	if err != nil {
		return nil, err
	}
	for i := range fs {
		if fs[i].ID == id {
			return &fs[i], nil
		}
	}
	return nil, errs.NotFound("job family")
}

// CreateFamily adds a job family.
func (s *Store) CreateFamily(ctx context.Context, actor audit.Actor, in FamilyInput) (*Family, error) {
	f := Family{}
	set(&f.Name, in.Name)
	set(&f.Position, in.Position)
	if err := f.Validate(); err != nil {
		return nil, err
	}
	var id int64
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx, s.q.Get("InsertFamily"), Slug(f.Name), f.Name, f.Position, db.TS(tx.Now)).Scan(&id); err != nil {
			return uniqueName(err)
		}
		return s.audit.Record(ctx, tx, actor, "team_job_family.created", "team_job_family", id, nil, f)
	})
	if err != nil {
		return nil, err
	}
	return s.GetFamily(ctx, id)
}

// UpdateFamily renames or reorders a job family (its key stays).
func (s *Store) UpdateFamily(ctx context.Context, actor audit.Actor, id int64, in FamilyInput) (*Family, error) {
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		var f Family
		err := tx.QueryRowContext(ctx, s.q.Get("GetFamily"), id).Scan(&f.ID, &f.Key, &f.Name, &f.Position, db.Time(&f.CreatedAt), db.Time(&f.UpdatedAt))
		if err != nil {
			return db.MapError(err, "job family")
		}
		before := f
		set(&f.Name, in.Name)
		set(&f.Position, in.Position)
		if err := f.Validate(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("UpdateFamily"), id, f.Name, f.Position, db.TS(tx.Now)); err != nil {
			return uniqueName(err)
		}
		return s.audit.Record(ctx, tx, actor, "team_job_family.updated", "team_job_family", id, before, f)
	})
	if err != nil {
		return nil, err
	}
	return s.GetFamily(ctx, id)
}

func uniqueName(err error) error {
	if db.IsUnique(err) {
		return errs.Invalid("name", "has already been taken")
	}
	return err
}

// GetLevel returns one level.
func (s *Store) GetLevel(ctx context.Context, id int64) (l *Level, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		l, err = s.getLevel(ctx, tx, id)
		return err
	})
	return l, err
}

func (s *Store) getLevel(ctx context.Context, tx *db.Tx, id int64) (*Level, error) {
	l, err := scanLevel(tx.QueryRowContext(ctx, s.q.Get("GetLevel"), id))
	if err != nil {
		return nil, db.MapError(err, "level")
	}
	return l, nil
}

func applyLevel(l *Level, in LevelInput) {
	set(&l.Name, in.Name)
	if in.Track != nil {
		l.Track = strings.ToLower(strings.TrimSpace(*in.Track))
	}
	if in.Grade != nil {
		g := *in.Grade
		l.Grade = &g
	}
	if in.ClearGrade {
		l.Grade = nil
	}
	set(&l.Rank, in.Rank)
}

// CreateLevel adds a level to a family.
func (s *Store) CreateLevel(ctx context.Context, actor audit.Actor, familyID int64, in LevelInput) (*Level, error) {
	l := Level{FamilyID: familyID, Track: TrackIC}
	applyLevel(&l, in)
	if err := l.Validate(); err != nil {
		return nil, err
	}
	var id int64
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		var f Family
		if err := tx.QueryRowContext(ctx, s.q.Get("GetFamily"), familyID).Scan(&f.ID, &f.Key, &f.Name, &f.Position, db.Time(&f.CreatedAt), db.Time(&f.UpdatedAt)); err != nil {
			return db.MapError(err, "job family")
		}
		if err := tx.QueryRowContext(ctx, s.q.Get("InsertLevel"), familyID, Slug(l.Name), l.Name, l.Track, nullGrade(l.Grade), l.Rank, db.TS(tx.Now)).Scan(&id); err != nil {
			return uniqueName(err)
		}
		return s.audit.Record(ctx, tx, actor, "team_level.created", "team_level", id, nil, l)
	})
	if err != nil {
		return nil, err
	}
	return s.GetLevel(ctx, id)
}

// UpdateLevel changes a level's name, track, grade or rank; the members at
// the level get the new title and grade (users.job_title and grade too).
func (s *Store) UpdateLevel(ctx context.Context, actor audit.Actor, id int64, in LevelInput) (*Level, error) {
	var out *Level
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		before, err := s.getLevel(ctx, tx, id)
		if err != nil {
			return err
		}
		l := *before
		applyLevel(&l, in)
		if err := l.Validate(); err != nil {
			return err
		}
		if l.Track != before.Track {
			if n, err := s.count(ctx, tx, "LevelInUse", id); err != nil || n > 0 {
				if err != nil {
					return err
				}
				return errs.Invalid("track", fmt.Sprintf("can't change while %d members hold the level", n))
			}
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("UpdateLevel"), id, l.Name, l.Track, nullGrade(l.Grade), l.Rank, db.TS(tx.Now)); err != nil {
			return uniqueName(err)
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("SyncLevelUsers"), id, l.Name, gradeText(l.Grade), db.TS(tx.Now)); err != nil {
			return err
		}
		if out, err = s.getLevel(ctx, tx, id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "team_level.updated", "team_level", id, before, out)
	})
	return out, err
}

// DeleteLevel removes a level no member holds.
func (s *Store) DeleteLevel(ctx context.Context, actor audit.Actor, id int64) error {
	return s.d.Write(ctx, func(tx *db.Tx) error {
		before, err := s.getLevel(ctx, tx, id)
		if err != nil {
			return err
		}
		if n, err := s.count(ctx, tx, "LevelInUse", id); err != nil || n > 0 {
			if err != nil {
				return err
			}
			return errs.Invalid("level", fmt.Sprintf("%d members hold %s; move them to another level first", n, before.Name))
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("DeleteLevel"), id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "team_level.deleted", "team_level", id, before, nil)
	})
}

func (s *Store) count(ctx context.Context, tx *db.Tx, query string, args ...any) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, s.q.Get(query), args...).Scan(&n)
	return n, err
}

// --- trainings catalog ---------------------------------------------------------------

func scanTraining(r db.Scanner) (*Training, error) {
	var t Training
	err := r.Scan(&t.ID, &t.Key, &t.Name, &t.Description, &t.Builtin, db.Time(&t.CreatedAt), db.Time(&t.UpdatedAt))
	return &t, err
}

func (s *Store) trainings(ctx context.Context, tx *db.Tx) ([]Training, error) {
	rows, err := tx.QueryContext(ctx, s.q.Get("ListTrainings"))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Training{}
	for rows.Next() {
		t, err := scanTraining(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *t)
	}
	return out, rows.Err()
}

// Trainings lists the catalog, built-in entries first.
func (s *Store) Trainings(ctx context.Context) (out []Training, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		out, err = s.trainings(ctx, tx)
		return err
	})
	return out, err
}

// GetTraining returns one catalog entry.
func (s *Store) GetTraining(ctx context.Context, id int64) (t *Training, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		t, err = scanTraining(tx.QueryRowContext(ctx, s.q.Get("GetTraining"), id))
		return db.MapError(err, "training")
	})
	return t, err
}

// CreateTraining adds an admin-defined training to the catalog.
func (s *Store) CreateTraining(ctx context.Context, actor audit.Actor, in TrainingInput) (*Training, error) {
	t := Training{}
	set(&t.Name, in.Name)
	set(&t.Description, in.Description)
	if in.Key != nil {
		t.Key = strings.TrimSpace(*in.Key)
	} else {
		t.Key = Slug(t.Name)
	}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	var id int64
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, s.q.Get("InsertTraining"), t.Key, t.Name, t.Description, false, db.TS(tx.Now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.Invalid("key", "has already been taken")
		}
		if err := tx.QueryRowContext(ctx, s.q.Get("TrainingIDByKey"), t.Key).Scan(&id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "team_training.created", "team_training", id, nil, t)
	})
	if err != nil {
		return nil, err
	}
	return s.GetTraining(ctx, id)
}

// UpdateTraining renames or redescribes an entry (keys never change).
func (s *Store) UpdateTraining(ctx context.Context, actor audit.Actor, id int64, in TrainingInput) (*Training, error) {
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		before, err := scanTraining(tx.QueryRowContext(ctx, s.q.Get("GetTraining"), id))
		if err != nil {
			return db.MapError(err, "training")
		}
		t := *before
		if in.Key != nil && *in.Key != t.Key {
			return errs.Invalid("key", "can't be changed")
		}
		set(&t.Name, in.Name)
		set(&t.Description, in.Description)
		if err := t.Validate(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("UpdateTraining"), id, t.Name, t.Description, db.TS(tx.Now)); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "team_training.updated", "team_training", id, before, t)
	})
	if err != nil {
		return nil, err
	}
	return s.GetTraining(ctx, id)
}

// DeleteTraining removes an admin-defined entry nobody has completed.
func (s *Store) DeleteTraining(ctx context.Context, actor audit.Actor, id int64) error {
	return s.d.Write(ctx, func(tx *db.Tx) error {
		before, err := scanTraining(tx.QueryRowContext(ctx, s.q.Get("GetTraining"), id))
		if err != nil {
			return db.MapError(err, "training")
		}
		if before.Builtin {
			return errs.Invalid("training", "built-in trainings gate hiring and can't be deleted")
		}
		if n, err := s.count(ctx, tx, "TrainingInUse", before.Key); err != nil || n > 0 {
			if err != nil {
				return err
			}
			return errs.Invalid("training", fmt.Sprintf("%d people have completed it", n))
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("DeleteTraining"), id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "team_training.deleted", "team_training", id, before, nil)
	})
}

// --- members -----------------------------------------------------------------------

// memberScan reads a member row; names of trainings come from catalog.
func scanMember(r db.Scanner, catalog map[string]string) (*Member, error) {
	var m Member
	var mgr, levelID, lgrade sql.NullInt64
	var start, end sql.NullString
	var hours, skills, specs, trainings string
	err := r.Scan(&m.ID, &m.Name, &m.Email, &m.Role, &m.Active, &m.Region, &m.TimeZone, &mgr, &m.VerifiedCitizenship,
		&m.LegacyTitle, &m.LegacyGrade, &levelID, &m.LevelKey, &m.Level, &m.track, &lgrade,
		&m.FamilyKey, &m.JobFamily, &hours, &start, &end, &skills, &m.MigrationNote,
		db.Time(&m.CreatedAt), db.Time(&m.UpdatedAt), &specs, &trainings, &m.AssignedCount)
	if err != nil {
		return nil, err
	}
	m.UserID = m.ID
	m.ManagerID, m.LevelID = intPtr(mgr), intPtr(levelID)
	if lgrade.Valid {
		g := int(lgrade.Int64)
		m.Grade = &g
	}
	m.Title = m.Level
	m.IsManager = m.track == TrackManager
	m.StartDate, m.EndDate = strPtr(start), strPtr(end)
	m.Skills = decodeList(skills)
	m.Specialties = tags.Decode(specs)
	m.WorkingHours = DefaultHours()
	if hours != "" {
		var h WorkingHours
		if err := json.Unmarshal([]byte(hours), &h); err != nil {
			return nil, fmt.Errorf("member %d: working hours: %w", m.ID, err)
		}
		m.WorkingHours = h
	}
	m.Trainings = []MemberTraining{}
	for _, t := range strings.Fields(trainings) {
		key, at, _ := strings.Cut(t, "=")
		micros, _ := strconv.ParseInt(at, 10, 64)
		name := catalog[key]
		if name == "" {
			name = key
		}
		m.Trainings = append(m.Trainings, MemberTraining{Key: key, Name: name, CompletedAt: db.FromMicros(micros).Format(DateLayout)})
	}
	m.Flags = m.computeFlags()
	return &m, nil
}

// skills are stored like tags but keep their case and spaces: "\x1f"-joined.
func encodeList(in []string) string { return strings.Join(in, "\x1f") }

func decodeList(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, "\x1f")
}

func normalizeSkills(in []string) []string {
	out := []string{}
	for _, s := range in {
		s = strings.Join(strings.Fields(s), " ")
		if s != "" && !slices.ContainsFunc(out, func(x string) bool { return strings.EqualFold(x, s) }) {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	return out
}

func (s *Store) catalog(ctx context.Context, tx *db.Tx) (map[string]string, error) {
	ts, err := s.trainings(ctx, tx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(ts))
	for _, t := range ts {
		out[t.Key] = t.Name
	}
	return out, nil
}

func (s *Store) getMember(ctx context.Context, tx *db.Tx, id int64) (*Member, error) {
	cat, err := s.catalog(ctx, tx)
	if err != nil {
		return nil, err
	}
	m, err := scanMember(tx.QueryRowContext(ctx, s.q.Get("GetMember"), id), cat)
	if err != nil {
		return nil, db.MapError(err, "team member")
	}
	return m, nil
}

// GetMember returns one member (leavers too).
func (s *Store) GetMember(ctx context.Context, id int64) (m *Member, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		m, err = s.getMember(ctx, tx, id)
		return err
	})
	return m, err
}

// MemberFilter narrows ListMembers and CountMembers.
type MemberFilter struct {
	Region    string
	LevelID   int64
	Specialty string
	ManagerID int64
	Status    string // current (default), former, all
	Query     string // substring of name or email
	ByName    bool   // order by name instead of id
	people.Page
}

func (f MemberFilter) args(today string) ([]any, error) {
	st := f.Status
	if st == "" {
		st = "current"
	}
	if st != "current" && st != "former" && st != "all" {
		return nil, errs.BadRequest("status: must be current, former or all")
	}
	if f.Region != "" && !ValidRegion(f.Region) {
		return nil, errs.BadRequest("region: must be AMER, EMEA or APAC")
	}
	if f.Specialty != "" && !slices.Contains(Specialties(), f.Specialty) {
		return nil, errs.BadRequest("specialty: must be one of %s", strings.Join(Specialties(), ", "))
	}
	q := strings.ToLower(strings.TrimSpace(f.Query))
	if q != "" {
		q = "%" + strings.NewReplacer("%", "", "_", "").Replace(q) + "%"
	}
	return []any{f.Region, f.LevelID, f.Specialty, f.ManagerID, st, today, q, f.AfterID}, nil
}

func limitOf(p people.Page) int {
	if p.Limit <= 0 {
		return 100
	}
	return p.Limit
}

// ListMembers lists members by id (or name), leavers only when asked.
func (s *Store) ListMembers(ctx context.Context, f MemberFilter) ([]Member, error) {
	out := []Member{}
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		out = out[:0]
		args, err := f.args(today(tx))
		if err != nil {
			return err
		}
		cat, err := s.catalog(ctx, tx)
		if err != nil {
			return err
		}
		if f.ByName { // a page of ids by name, then their rows (the sort reads names only)
			ids, err := scanInts(ctx, tx, s.q.Get("MemberIDsByName"), append(args, limitOf(f.Page), max(f.Offset, 0))...)
			if err != nil {
				return err
			}
			if len(ids) == 0 {
				return nil
			}
			args := make([]any, len(ids))
			for i, id := range ids {
				args[i] = id
			}
			// One "row" of len(ids) markers is the parenthesised IN list.
			rows, err := tx.QueryContext(ctx, s.q.Get("MembersByIDs")+" "+tx.Dialect.ValuesRows(1, len(ids)), args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			byID := make(map[int64]Member, len(ids))
			for rows.Next() {
				m, err := scanMember(rows, cat)
				if err != nil {
					return err
				}
				byID[m.ID] = *m
			}
			if err := rows.Err(); err != nil {
				return err
			}
			for _, id := range ids {
				out = append(out, byID[id])
			}
			return nil
		}
		rows, err := tx.QueryContext(ctx, s.q.Get("ListMembers"), append(args, limitOf(f.Page), max(f.Offset, 0))...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			m, err := scanMember(rows, cat)
			if err != nil {
				return err
			}
			out = append(out, *m)
		}
		return rows.Err()
	})
	return out, err
}

// CountMembers counts the members matching f.
func (s *Store) CountMembers(ctx context.Context, f MemberFilter) (n int, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		args, err := f.args(today(tx))
		if err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, s.q.Get("CountMembers"), args...).Scan(&n)
	})
	return n, err
}

// AllMembers lists every member matching f, unpaged (exports, summaries).
func (s *Store) AllMembers(ctx context.Context, f MemberFilter) ([]Member, error) {
	f.Page = people.Page{Limit: 1 << 30}
	return s.ListMembers(ctx, f)
}

// Nodes returns every member as the org chart sees them, with Flagged set
// (leavers too; Current drops them). The slice is shared by every caller
// until the team data changes: do not modify it.
func (s *Store) Nodes(ctx context.Context) ([]Node, error) {
	g, err := s.graph(ctx)
	if err != nil {
		return nil, err
	}
	return g.nodes, nil
}

func (s *Store) graph(ctx context.Context) (g *graph, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		var version int64
		if err := tx.QueryRowContext(ctx, s.q.Get("TeamVersion")).Scan(&version); err != nil {
			return err
		}
		g, err = s.nodes.Get(tx, version, func() (*graph, error) {
			nodes, err := s.readNodes(ctx, tx)
			return &graph{nodes: nodes}, err
		})
		return err
	})
	return g, err
}

func (s *Store) readNodes(ctx context.Context, tx *db.Tx) ([]Node, error) {
	rows, err := tx.QueryContext(ctx, s.q.Get("OrgNodes"))
	if err != nil {
		return nil, err
	}
	var out []Node
	for rows.Next() {
		var n Node
		var mgr sql.NullInt64
		var end sql.NullString
		if err := rows.Scan(&n.ID, &n.Name, &mgr, &n.LevelKey, &n.Level, &n.Track, &n.Region, &end); err != nil {
			rows.Close()
			return nil, err
		}
		n.ManagerID, n.EndDate = intPtr(mgr), strPtr(end)
		out = append(out, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	flagged, err := s.flagged(ctx, tx)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Flagged = flagged[out[i].ID]
	}
	return out, nil
}

// OrgChart is the tree of current members.
func (s *Store) OrgChart(ctx context.Context) (Tree, error) {
	nodes, err := s.Nodes(ctx)
	if err != nil {
		return Tree{}, err
	}
	return BuildTree(Current(nodes, s.Today())), nil
}

// Summary counts the current members (the result is shared until the team
// data or the day changes: do not modify it): headcount by region and level, the
// IC:manager ratio overall, per region and per manager, span warnings and
// how many records are flagged.
func (s *Store) Summary(ctx context.Context) (Summary, error) {
	g, err := s.graph(ctx)
	if err != nil {
		return Summary{}, err
	}
	day := s.Today()
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.day != day {
		g.sum, g.day = Summarize(Current(g.nodes, day)), day
	}
	return g.sum, nil
}

// flagged reads which members carry a flag, from the few columns the
// flags look at (the full member rows cost several times more at
// thousands of members).
func (s *Store) flagged(ctx context.Context, tx *db.Tx) (map[int64]bool, error) {
	out := map[int64]bool{}
	err := func() error {
		rows, err := tx.QueryContext(ctx, s.q.Get("FlagFacts"))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m Member
			var lid, lgrade sql.NullInt64
			var hours, specs string
			if err := rows.Scan(&m.ID, &lid, &m.LevelKey, &lgrade, &m.LegacyTitle, &m.LegacyGrade, &m.MigrationNote, &m.Region,
				&m.VerifiedCitizenship, &hours, &specs, &m.AssignedCount); err != nil {
				return err
			}
			m.LevelID = intPtr(lid)
			if lgrade.Valid {
				g := int(lgrade.Int64)
				m.Grade = &g
			}
			m.Specialties = strings.Fields(specs)
			if hours != "" { // the default hours follow the region: nothing to check
				if err := json.Unmarshal([]byte(hours), &m.WorkingHours); err != nil {
					return fmt.Errorf("member %d: working hours: %w", m.ID, err)
				}
			}
			if len(m.computeFlags()) > 0 {
				out[m.ID] = true
			}
		}
		return rows.Err()
	}()
	return out, err
}

func (s *Store) managerOf(ctx context.Context, tx *db.Tx) func(id int64) (*int64, bool) {
	return func(id int64) (*int64, bool) {
		var m sql.NullInt64
		if err := tx.QueryRowContext(ctx, s.q.Get("ManagerOf"), id).Scan(&m); err != nil {
			return nil, false
		}
		return intPtr(m), true
	}
}

func (s *Store) nameOf(ctx context.Context, tx *db.Tx) func(id int64) string {
	return func(id int64) string {
		var name, role, email string
		var cit bool
		if err := tx.QueryRowContext(ctx, s.q.Get("UserBrief"), id).Scan(&name, &role, &email, &cit); err != nil {
			return fmt.Sprintf("user %d", id)
		}
		return name
	}
}

// Chain lists a member's managers, direct manager first.
func (s *Store) Chain(ctx context.Context, id int64) (out []int64, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		out = Chain(s.managerOf(ctx, tx), id)
		return nil
	})
	return out, err
}

// Reports lists the ids of a member's direct reports on the roster, by name.
func (s *Store) Reports(ctx context.Context, id int64) (out []int64, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		out, err = scanInts(ctx, tx, s.q.Get("Reports"), id)
		return err
	})
	return out, err
}

// Account is an organization an Assigned Support Engineer leads.
type Account struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// AssignedAccounts lists the organizations naming the member as their ASE.
func (s *Store) AssignedAccounts(ctx context.Context, id int64) ([]Account, error) {
	return db.ReadList(ctx, s.d, s.q.Get("AssignedAccounts"), []any{id}, func(r db.Scanner) (*Account, error) {
		var a Account
		return &a, r.Scan(&a.ID, &a.Name)
	})
}

// CreateMember puts a person on the roster: an existing agent or admin
// (user_id), or a new agent made from name and email.
func (s *Store) CreateMember(ctx context.Context, actor audit.Actor, in MemberInput) (out *Member, err error) {
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		id, err := s.memberUser(ctx, tx, actor, in)
		if err != nil {
			return err
		}
		out, _, err = s.saveMember(ctx, tx, actor, id, in, true)
		return err
	})
	return out, err
}

// memberUser finds or makes the user a new member is.
func (s *Store) memberUser(ctx context.Context, tx *db.Tx, actor audit.Actor, in MemberInput) (int64, error) {
	if in.UserID != nil && *in.UserID != 0 {
		var name, role, email string
		var cit bool
		err := tx.QueryRowContext(ctx, s.q.Get("UserBrief"), *in.UserID).Scan(&name, &role, &email, &cit)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, errs.Invalid("user_id", "does not refer to an existing user")
		}
		if err != nil {
			return 0, err
		}
		if !people.IsStaff(role) {
			return 0, errs.Invalid("user_id", "is a customer (end-user); make them an agent first")
		}
		if n, err := s.count(ctx, tx, "IsMember", *in.UserID); err != nil || n > 0 {
			if err != nil {
				return 0, err
			}
			return 0, errs.Invalid("user_id", "is already on the roster")
		}
		return *in.UserID, nil
	}
	var v errs.Validation
	name, email := "", ""
	if in.Name != nil {
		name = strings.TrimSpace(*in.Name)
	}
	if in.Email != nil {
		email = strings.TrimSpace(*in.Email)
	}
	v.Check(name != "", "name", "can't be blank (or give user_id)")
	u := people.User{Name: name, Email: email, Role: people.RoleAgent, TimeZone: "UTC"}
	if in.TimeZone != nil {
		u.TimeZone = *in.TimeZone
	}
	if in.Region != nil {
		u.Region = strings.ToUpper(*in.Region)
	}
	if err := u.Validate(); err != nil {
		merge(&v, err)
	}
	if email == "" {
		v.Add("email", "is required for a new member (or give user_id)")
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	var existing int64
	err := tx.QueryRowContext(ctx, s.q.Get("UserByEmail"), email).Scan(&existing)
	if err == nil {
		return 0, errs.Invalid("email", "belongs to an existing user; give their user_id")
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	var id int64
	if err := tx.QueryRowContext(ctx, s.q.Get("InsertAgent"), u.Name, u.Email, u.TimeZone, u.Region, db.TS(tx.Now)).Scan(&id); err != nil {
		if db.IsUnique(err) {
			return 0, errs.Invalid("email", "has already been taken")
		}
		return 0, err
	}
	return id, s.audit.Record(ctx, tx, actor, "user.created", "user", id, nil, map[string]any{"name": u.Name, "email": u.Email, "role": u.Role})
}

// UpdateMember changes the given fields of a member.
func (s *Store) UpdateMember(ctx context.Context, actor audit.Actor, id int64, in MemberInput) (out *Member, err error) {
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		out, _, err = s.saveMember(ctx, tx, actor, id, in, false)
		return err
	})
	return out, err
}

// resolveLevel reads the level an input names (by id, name or key).
func (s *Store) resolveLevel(ctx context.Context, tx *db.Tx, in MemberInput) (*Level, bool, error) {
	switch {
	case in.LevelID != nil && *in.LevelID != 0:
		l, err := s.getLevel(ctx, tx, *in.LevelID)
		if errs.Is(err, errs.KindNotFound) {
			return nil, true, errs.Invalid("level_id", "does not refer to an existing level")
		}
		return l, true, err
	case in.Level != nil && strings.TrimSpace(*in.Level) != "":
		l, err := scanLevel(tx.QueryRowContext(ctx, s.q.Get("LevelByName"), strings.TrimSpace(*in.Level)))
		if errors.Is(err, sql.ErrNoRows) {
			levels, _ := s.levels(ctx, tx)
			if lvl, _ := MatchLevel(levels, *in.Level, ""); lvl != nil {
				return lvl, true, nil
			}
			return nil, true, errs.Invalid("level", fmt.Sprintf("%q is not a level", *in.Level))
		}
		return l, true, err
	case in.LevelID != nil || in.Level != nil:
		return nil, true, nil // cleared
	}
	return nil, false, nil
}

// memberState is what a write compares to decide whether anything changed.
func memberState(m *Member) string {
	b, _ := json.Marshal([]any{m.Name, m.LevelID, m.Region, m.TimeZone, m.ManagerID, m.Specialties, m.Skills, m.Trainings,
		m.StartDate, m.EndDate, m.WorkingHours, m.VerifiedCitizenship, m.MigrationNote})
	return string(b)
}

// saveMember applies in to member id (new when create) with every rule
// checked, and writes it unless nothing changed.
func (s *Store) saveMember(ctx context.Context, tx *db.Tx, actor audit.Actor, id int64, in MemberInput, create bool) (*Member, bool, error) {
	var before *Member
	m := &Member{ID: id, UserID: id, WorkingHours: DefaultHours(), Specialties: []string{}, Skills: []string{}, Trainings: []MemberTraining{}}
	var name, role, email string
	if err := tx.QueryRowContext(ctx, s.q.Get("UserBrief"), id).Scan(&name, &role, &email, &m.VerifiedCitizenship); err != nil {
		return nil, false, db.MapError(err, "team member")
	}
	if create {
		var u people.User
		m.Name, m.Email = name, email
		if err := s.userStaffFields(ctx, tx, id, &u); err != nil {
			return nil, false, err
		}
		m.Region, m.TimeZone, m.ManagerID, m.LegacyTitle, m.LegacyGrade = u.Region, u.TimeZone, u.ManagerID, u.JobTitle, u.Grade
	} else {
		cur, err := s.getMember(ctx, tx, id)
		if err != nil {
			return nil, false, err
		}
		before = cur
		c := *cur
		c.Specialties = slices.Clone(cur.Specialties)
		c.Skills = slices.Clone(cur.Skills)
		c.Trainings = slices.Clone(cur.Trainings)
		m = &c
	}
	var v errs.Validation
	// level
	lvl, given, err := s.resolveLevel(ctx, tx, in)
	if err != nil {
		merge(&v, err)
		if !errs.Is(err, errs.KindInvalid) {
			return nil, false, err
		}
	}
	if given && err == nil {
		m.LevelID, m.LevelKey, m.Level, m.Title, m.Grade, m.track = nil, "", "", "", nil, ""
		if lvl != nil {
			m.LevelID, m.LevelKey, m.Level, m.Title, m.Grade, m.track = &lvl.ID, lvl.Key, lvl.Name, lvl.Name, lvl.Grade, lvl.Track
		}
		m.MigrationNote = "" // an explicit level settles what the migration flagged
	} else if m.LevelID != nil && lvl == nil {
		if cur, err := s.getLevel(ctx, tx, *m.LevelID); err == nil {
			lvl = cur
		}
	}
	if in.Name != nil {
		m.Name = strings.TrimSpace(*in.Name)
		v.Check(m.Name != "", "name", "can't be blank")
	}
	if in.Region != nil {
		m.Region = strings.ToUpper(strings.TrimSpace(*in.Region))
	}
	set(&m.TimeZone, in.TimeZone)
	if in.ManagerID != nil {
		m.ManagerID = nil
		if *in.ManagerID != 0 {
			mid := *in.ManagerID
			m.ManagerID = &mid
		}
	}
	if in.Specialties != nil {
		specs := []string{}
		for _, sp := range *in.Specialties {
			k, ok := specialtyKey(sp)
			if !ok {
				k = sp
			}
			if !slices.Contains(specs, k) {
				specs = append(specs, k)
			}
		}
		slices.Sort(specs)
		m.Specialties = specs
	}
	if in.Skills != nil {
		m.Skills = normalizeSkills(*in.Skills)
	}
	dateIn := func(p *string) *string {
		if p == nil || strings.TrimSpace(*p) == "" {
			return nil
		}
		d := strings.TrimSpace(*p)
		return &d
	}
	if in.StartDate != nil {
		m.StartDate = dateIn(in.StartDate)
	}
	if in.EndDate != nil {
		m.EndDate = dateIn(in.EndDate)
	}
	if in.WorkingHours != nil {
		m.WorkingHours = *in.WorkingHours
		if m.WorkingHours == nil {
			m.WorkingHours = WorkingHours{}
		}
	}
	set(&m.VerifiedCitizenship, in.VerifiedCitizenship)
	merge(&v, m.Validate())
	// trainings
	if in.Trainings != nil {
		cat, err := s.catalog(ctx, tx)
		if err != nil {
			return nil, false, err
		}
		var ts []MemberTraining
		for i, t := range *in.Trainings {
			f := fmt.Sprintf("trainings[%d]", i)
			key := strings.TrimSpace(t.Key)
			name, ok := cat[key]
			if !ok {
				for k, n := range cat { // a name works as well as a key
					if strings.EqualFold(n, key) {
						key, name, ok = k, n, true
					}
				}
			}
			if !ok {
				v.Add(f+".key", fmt.Sprintf("%q is not in the training catalog", t.Key))
				continue
			}
			at := t.CompletedAt
			if at == "" {
				at = today(tx)
			}
			if _, ok := ParseDate(at); !ok {
				v.Add(f+".completed_at", "must be a date (YYYY-MM-DD)")
				continue
			}
			if at > today(tx) {
				v.Add(f+".completed_at", "can't be in the future")
				continue
			}
			if slices.ContainsFunc(ts, func(x MemberTraining) bool { return x.Key == key }) {
				v.Add(f+".key", "is listed twice")
				continue
			}
			ts = append(ts, MemberTraining{Key: key, Name: name, CompletedAt: at})
		}
		slices.SortFunc(ts, func(a, b MemberTraining) int { return strings.Compare(a.Key, b.Key) })
		if ts == nil {
			ts = []MemberTraining{}
		}
		m.Trainings = ts
	}
	// manager: on the roster, no loop
	if m.ManagerID != nil && (before == nil || before.ManagerID == nil || *before.ManagerID != *m.ManagerID) && *m.ManagerID != id {
		if n, err := s.count(ctx, tx, "IsMember", *m.ManagerID); err != nil {
			return nil, false, err
		} else if n == 0 {
			v.Add("manager_id", "is not on the roster")
		} else if err := CheckManager(s.managerOf(ctx, tx), s.nameOf(ctx, tx), id, *m.ManagerID); err != nil {
			merge(&v, err)
		}
	}
	// specialties
	var assigned int
	if err := tx.QueryRowContext(ctx, s.q.Get("AssignedElsewhere"), id, 0).Scan(&assigned); err != nil {
		return nil, false, err
	}
	m.AssignedCount = assigned
	levelKey := ""
	if lvl != nil {
		levelKey = lvl.Key
	}
	specsChanged := before == nil || !slices.Equal(before.Specialties, m.Specialties) || in.WorkingHours != nil ||
		(before.LevelID == nil) != (m.LevelID == nil) || (before.LevelID != nil && m.LevelID != nil && *before.LevelID != *m.LevelID) ||
		before.VerifiedCitizenship != m.VerifiedCitizenship
	if specsChanged {
		merge(&v, CheckSpecialties(m.Specialties, SpecialtyFacts{LevelKey: levelKey, VerifiedCitizen: m.VerifiedCitizenship,
			AssignedCount: assigned, Hours: m.WorkingHours}))
	}
	if err := v.Err(); err != nil {
		return nil, false, err
	}
	if before != nil && memberState(before) == memberState(m) {
		return before, false, nil // nothing changed: no write, no audit entry
	}
	hours := ""
	if !sameHours(m.WorkingHours, DefaultHours()) {
		b, err := json.Marshal(m.WorkingHours)
		if err != nil {
			return nil, false, err
		}
		hours = string(b)
	}
	title, family, grade := m.LegacyTitle, "", m.LegacyGrade
	if before != nil {
		title, grade = before.LegacyTitle, before.LegacyGrade
		family = before.FamilyKey
	}
	if lvl != nil {
		fk, err := s.familyKeys(ctx, tx)
		if err != nil {
			return nil, false, err
		}
		title, family, grade = lvl.Name, fk[lvl.FamilyID], gradeText(lvl.Grade)
	}
	if _, err := tx.ExecContext(ctx, s.q.Get("UpdateMemberUser"), id, m.Region, m.TimeZone, nullInt(m.ManagerID),
		m.VerifiedCitizenship, title, family, grade, db.TS(tx.Now), m.Name); err != nil {
		return nil, false, err
	}
	q := "UpdateMember"
	if create {
		q = "InsertMember"
	}
	args := []any{id, nullInt(m.LevelID), hours, nullStr(m.StartDate), nullStr(m.EndDate), encodeList(m.Skills), m.MigrationNote, db.TS(tx.Now)}
	if _, err := tx.ExecContext(ctx, s.q.Get(q), args...); err != nil {
		return nil, false, err
	}
	if before == nil || !slices.Equal(before.Specialties, m.Specialties) {
		if _, err := tx.ExecContext(ctx, s.q.Get("DeleteSpecialties"), id); err != nil {
			return nil, false, err
		}
		for _, sp := range m.Specialties {
			if _, err := tx.ExecContext(ctx, s.q.Get("InsertSpecialty"), id, sp); err != nil {
				return nil, false, err
			}
		}
	}
	if in.Trainings != nil {
		var old []MemberTraining
		if before != nil {
			old = before.Trainings
		}
		for _, t := range old {
			if !slices.ContainsFunc(m.Trainings, func(x MemberTraining) bool { return x.Key == t.Key }) {
				if _, err := tx.ExecContext(ctx, s.q.Get("DeleteUserTraining"), id, t.Key); err != nil {
					return nil, false, err
				}
			}
		}
		for _, t := range m.Trainings {
			d, _ := ParseDate(t.CompletedAt)
			if _, err := tx.ExecContext(ctx, s.q.Get("UpsertUserTraining"), id, t.Key, db.TS(d)); err != nil {
				return nil, false, err
			}
		}
	}
	out, err := s.getMember(ctx, tx, id)
	if err != nil {
		return nil, false, err
	}
	action := "team_member.updated"
	if create {
		action = "team_member.created"
	}
	var b any
	if before != nil {
		b = before
	}
	return out, true, s.audit.Record(ctx, tx, actor, action, "team_member", id, b, out)
}

func sameHours(a, b WorkingHours) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// userStaffFields reads the staff fields a new member starts from.
func (s *Store) userStaffFields(ctx context.Context, tx *db.Tx, id int64, u *people.User) error {
	var mgr sql.NullInt64
	err := tx.QueryRowContext(ctx, s.q.Get("UserStaffFields"), id).Scan(&u.Region, &u.TimeZone, &mgr, &u.JobTitle, &u.Grade)
	if err != nil {
		return db.MapError(err, "user")
	}
	u.ManagerID = intPtr(mgr)
	return nil
}
