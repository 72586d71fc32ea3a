package team

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The roster file is what an HR system exports: one row per person, the
// manager by email. Columns (header names are matched ignoring case, spaces
// and underscores; common HR names are accepted as aliases):
//
//	email, name, title, region                      required
//	grade                                           checked against the level's grade
//	time_zone, manager_email, start_date, end_date  optional
//	specialties, skills                             ";"-separated
//	verified_us_citizen                             true/false
//
// A column that is absent leaves that field of existing members unchanged;
// an empty cell in a present column clears it.
var rosterColumns = []string{"email", "name", "title", "grade", "region", "time_zone", "manager_email",
	"start_date", "end_date", "specialties", "skills", "verified_us_citizen"}

var rosterAliases = map[string]string{
	"work email": "email", "employee email": "email", "email address": "email",
	"full name": "name", "employee name": "name", "preferred name": "name",
	"job title": "title", "level": "title", "position": "title",
	"job grade": "grade",
	"location":  "region",
	"timezone":  "time_zone", "tz": "time_zone",
	"manager": "manager_email", "manager work email": "manager_email", "reports to": "manager_email", "supervisor email": "manager_email",
	"hire date": "start_date", "start": "start_date",
	"termination date": "end_date", "last day": "end_date", "end": "end_date",
	"specialty": "specialties",
	"skill":     "skills", "knowledge areas": "skills",
	"us citizen": "verified_us_citizen", "verified citizenship": "verified_us_citizen", "us citizenship verified": "verified_us_citizen",
}

// RosterColumns lists the canonical header of an exported roster.
func RosterColumns() []string { return slices.Clone(rosterColumns) }

// MaxRosterRows bounds one import.
const MaxRosterRows = 20000

// RosterRow is one person of an imported roster. Pointer fields are nil
// when their column is absent from the file.
type RosterRow struct {
	Line            int
	Email           string
	Name            string
	Title           string
	Grade           *string
	Region          string
	TimeZone        *string
	ManagerEmail    *string
	StartDate       *string
	EndDate         *string
	Specialties     *[]string
	Skills          *[]string
	VerifiedCitizen *bool
}

// RowError is a problem with one line of the file (line 1 is the header).
type RowError struct {
	Line    int
	Problem string
}

func (e RowError) String() string { return fmt.Sprintf("line %d: %s", e.Line, e.Problem) }

func canonicalColumn(h string) string {
	k := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
	k = strings.Join(strings.Fields(strings.ReplaceAll(k, "_", " ")), " ")
	if a, ok := rosterAliases[k]; ok {
		return a
	}
	k = strings.ReplaceAll(k, " ", "_")
	if slices.Contains(rosterColumns, k) {
		return k
	}
	return ""
}

// specialtyKey reads a specialty by key or handbook name ("ASE" too).
func specialtyKey(s string) (string, bool) {
	k := strings.ToLower(strings.TrimSpace(s))
	switch k {
	case "ase":
		return SpecialtyASE, true
	case "us government", "us gov", "us federal", "usgov":
		return SpecialtyUSGov, true
	}
	for key, name := range specialtyNames {
		if k == key || k == strings.ToLower(name) || strings.ReplaceAll(k, " ", "_") == key {
			return key, true
		}
	}
	return "", false
}

func splitList(s string) []string {
	out := []string{}
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '|' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func parseBool(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes", "y", "1", "verified":
		return true, true
	case "false", "no", "n", "0", "":
		return false, true
	}
	return false, false
}

// ParseRoster reads a roster file and checks every row on its own (the
// store checks levels, managers and the rules against the database). Every
// problem is reported with its line. The rows that could be read are
// returned even when some have problems, so that the store can report its
// own problems with them too (ImportRoster then imports nothing).
func ParseRoster(r io.Reader) ([]RosterRow, []RowError) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, []RowError{{1, "the file is empty; the first line must name the columns (" + strings.Join(rosterColumns, ", ") + ")"}}
	}
	if err != nil {
		return nil, []RowError{{csvLine(err, 1), csvProblem(err)}}
	}
	var problems []RowError
	col := map[string]int{}
	for i, h := range header {
		c := canonicalColumn(h)
		switch {
		case c == "":
			problems = append(problems, RowError{1, fmt.Sprintf("unknown column %q (known: %s)", strings.TrimSpace(h), strings.Join(rosterColumns, ", "))})
		case col[c] != 0:
			problems = append(problems, RowError{1, fmt.Sprintf("column %q appears twice", c)})
		default:
			col[c] = i + 1
		}
	}
	for _, req := range []string{"email", "name", "title", "region"} {
		if col[req] == 0 {
			problems = append(problems, RowError{1, fmt.Sprintf("the required column %q is missing", req)})
		}
	}
	if len(problems) > 0 {
		return nil, problems
	}
	var rows []RosterRow
	emails := map[string]int{}
	for {
		line, _ := cr.FieldPos(0)
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			problems = append(problems, RowError{csvLine(err, line), csvProblem(err)})
			break // the rest of the file cannot be read reliably
		}
		line, _ = cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		if len(rows) >= MaxRosterRows {
			problems = append(problems, RowError{line, fmt.Sprintf("a roster has at most %d rows", MaxRosterRows)})
			break
		}
		if len(rec) != len(header) {
			problems = append(problems, RowError{line, fmt.Sprintf("has %d fields; the header has %d", len(rec), len(header))})
			continue
		}
		row, bad := parseRow(line, rec, col)
		problems = append(problems, bad...)
		if row.Email != "" {
			key := strings.ToLower(row.Email)
			if first, dup := emails[key]; dup {
				problems = append(problems, RowError{line, fmt.Sprintf("email %s is already on line %d", row.Email, first)})
			} else {
				emails[key] = line
			}
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 && len(problems) == 0 {
		problems = append(problems, RowError{1, "the file has a header but no rows"})
	}
	// A manager named by email must be in the file or already on the
	// roster: that is checked by the store; a self-reference is not.
	for _, row := range rows {
		if row.ManagerEmail != nil && strings.EqualFold(*row.ManagerEmail, row.Email) && row.Email != "" {
			problems = append(problems, RowError{row.Line, "manager_email is the person themself"})
		}
	}
	sort.SliceStable(problems, func(i, j int) bool { return problems[i].Line < problems[j].Line })
	return rows, problems
}

func parseRow(line int, rec []string, col map[string]int) (RosterRow, []RowError) {
	var bad []RowError
	add := func(format string, a ...any) { bad = append(bad, RowError{line, fmt.Sprintf(format, a...)}) }
	get := func(c string) (string, bool) {
		if i := col[c]; i > 0 {
			v := strings.TrimSpace(rec[i-1])
			if len(v) > 1 && v[0] == '\'' && strings.ContainsRune("=+-@", rune(v[1])) {
				v = v[1:] // as WriteRoster escaped it
			}
			return v, true
		}
		return "", false
	}
	opt := func(c string) *string {
		if v, ok := get(c); ok {
			return &v
		}
		return nil
	}
	row := RosterRow{Line: line}
	row.Email, _ = get("email")
	if a, err := mail.ParseAddress(row.Email); err != nil || a.Address != row.Email {
		add("email %q is not a valid email address", row.Email)
		row.Email = ""
	}
	if row.Name, _ = get("name"); row.Name == "" {
		add("name can't be blank")
	} else if len(row.Name) > 255 {
		add("name is too long (maximum is 255 characters)")
	}
	if row.Title, _ = get("title"); row.Title == "" {
		add("title can't be blank")
	}
	row.Grade = opt("grade")
	row.Region, _ = get("region")
	row.Region = strings.ToUpper(row.Region)
	if !ValidRegion(row.Region) {
		add("region %q must be one of AMER, EMEA, APAC", row.Region)
	}
	if tz := opt("time_zone"); tz != nil {
		row.TimeZone = tz
		if _, err := time.LoadLocation(*tz); *tz == "" || *tz == "Local" || err != nil {
			add("time_zone %q is not a known IANA time zone", *tz)
		}
	}
	if m := opt("manager_email"); m != nil {
		row.ManagerEmail = m
		if *m != "" {
			if a, err := mail.ParseAddress(*m); err != nil || a.Address != *m {
				add("manager_email %q is not a valid email address", *m)
			}
		}
	}
	for _, c := range []struct {
		name string
		dst  **string
	}{{"start_date", &row.StartDate}, {"end_date", &row.EndDate}} {
		if v := opt(c.name); v != nil {
			*c.dst = v
			if *v != "" {
				if _, ok := ParseDate(*v); !ok {
					add("%s %q must be a date (YYYY-MM-DD)", c.name, *v)
				}
			}
		}
	}
	if row.StartDate != nil && row.EndDate != nil && *row.StartDate != "" && *row.EndDate != "" && *row.EndDate < *row.StartDate {
		add("end_date is before start_date")
	}
	if v, ok := get("specialties"); ok {
		specs := []string{}
		for _, s := range splitList(v) {
			k, ok := specialtyKey(s)
			if !ok {
				add("specialty %q is not one of %s", s, strings.Join(Specialties(), ", "))
				continue
			}
			if !slices.Contains(specs, k) {
				specs = append(specs, k)
			}
		}
		slices.Sort(specs)
		row.Specialties = &specs
	}
	if v, ok := get("skills"); ok {
		skills := splitList(v)
		row.Skills = &skills
	}
	if v, ok := get("verified_us_citizen"); ok {
		b, ok := parseBool(v)
		if !ok {
			add("verified_us_citizen %q must be true or false", v)
		}
		row.VerifiedCitizen = &b
	}
	return row, bad
}

func csvLine(err error, fallback int) int {
	var pe *csv.ParseError
	if errors.As(err, &pe) && pe.StartLine > 0 {
		return pe.StartLine
	}
	return fallback
}

func csvProblem(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return "not valid CSV: " + pe.Err.Error()
	}
	return "not valid CSV: " + err.Error()
}

// WriteRoster writes members as a roster file (the import's shape), with
// managers by email; emailOf resolves a manager's id.
func WriteRoster(w io.Writer, members []Member, emailOf func(id int64) string) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(rosterColumns); err != nil {
		return err
	}
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	for _, m := range members {
		grade, mgr := "", ""
		if m.Grade != nil {
			grade = strconv.Itoa(*m.Grade)
		}
		if m.ManagerID != nil {
			mgr = emailOf(*m.ManagerID)
		}
		title := m.Title
		if title == "" {
			title = m.LegacyTitle
		}
		rec := []string{m.Email, m.Name, title, grade, m.Region, m.TimeZone, mgr, str(m.StartDate), str(m.EndDate),
			strings.Join(m.Specialties, ";"), strings.Join(m.Skills, ";"), strconv.FormatBool(m.VerifiedCitizenship)}
		SafeCells(rec)
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// SafeCells keeps spreadsheet formulas out of an exported CSV record: a
// cell starting with = + - @ or a tab or carriage return gets a leading
// apostrophe.
func SafeCells(rec []string) {
	for i, v := range rec {
		if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
			rec[i] = "'" + v
		}
	}
}
