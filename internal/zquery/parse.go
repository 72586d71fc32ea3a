package zquery

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// token is one lexed query item.
type token struct {
	neg    bool
	field  string // lowercased field name; "" for free text
	op     Op     // Eq, Lt, Le, Gt or Ge
	value  string
	quoted bool
}

func isSpace(r rune) bool { return unicode.IsSpace(r) }

// spaceAt reports whether a whitespace rune starts at s[i].
func spaceAt(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return isSpace(r)
}

func lex(q string) ([]token, error) {
	var toks []token
	i := 0
	for {
		for i < len(q) {
			r, n := utf8.DecodeRuneInString(q[i:])
			if !isSpace(r) {
				break
			}
			i += n
		}
		if i >= len(q) {
			return toks, nil
		}
		var tok token
		if q[i] == '-' {
			i++
			if i >= len(q) || spaceAt(q, i) {
				continue // a lone "-" means nothing
			}
			tok.neg = true
		}
		if q[i] == '"' {
			s, next, err := readQuoted(q, i)
			if err != nil {
				return nil, err
			}
			tok.value, tok.quoted, i = s, true, next
			toks = append(toks, tok)
			continue
		}
		start := i
		for i < len(q) && q[i] != '"' {
			r, n := utf8.DecodeRuneInString(q[i:])
			if isSpace(r) {
				break
			}
			i += n
		}
		run := q[start:i]
		if field, op, rest, ok := splitField(run); ok {
			tok.field, tok.op, tok.value = field, op, rest
			if rest == "" && i < len(q) && q[i] == '"' {
				s, next, err := readQuoted(q, i)
				if err != nil {
					return nil, err
				}
				tok.value, tok.quoted, i = s, true, next
			}
		} else {
			tok.value = run
		}
		toks = append(toks, tok)
	}
}

// readQuoted reads the quoted string starting at q[i] == '"'. Inside, \" and
// \\ are escapes; any other backslash is literal.
func readQuoted(q string, i int) (s string, next int, err error) {
	var b strings.Builder
	for j := i + 1; j < len(q); j++ {
		switch c := q[j]; {
		case c == '"':
			return b.String(), j + 1, nil
		case c == '\\' && j+1 < len(q) && (q[j+1] == '"' || q[j+1] == '\\'):
			b.WriteByte(q[j+1])
			j++
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, invalid("unbalanced quotes")
}

// splitField splits "name<op>rest" where name is [A-Za-z][A-Za-z0-9_]*.
func splitField(run string) (field string, op Op, rest string, ok bool) {
	if run == "" || !isLetter(run[0]) {
		return "", 0, "", false
	}
	i := 1
	for i < len(run) && (isLetter(run[i]) || run[i] >= '0' && run[i] <= '9' || run[i] == '_') {
		i++
	}
	if i >= len(run) {
		return "", 0, "", false
	}
	field = strings.ToLower(run[:i])
	switch run[i] {
	case ':':
		return field, Eq, run[i+1:], true
	case '<', '>':
		op, n := Lt, 1
		if run[i] == '>' {
			op = Gt
		}
		if i+1 < len(run) && run[i+1] == '=' {
			op++ // Lt->Le, Gt->Ge
			n = 2
		}
		return field, op, run[i+n:], true
	}
	return "", 0, "", false
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// normText lowercases s and collapses whitespace runs to single spaces.
func normText(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

// Parse parses a Zendesk search query. Relative times are resolved against
// now; dates and zone-less timestamps are read in loc (UTC when nil). Every
// error is errs.Invalid("query", ...).
func Parse(q string, now time.Time, loc *time.Location) (*Query, error) {
	if len(q) > MaxQueryLen {
		return nil, invalid("query is too long (at most %d bytes)", MaxQueryLen)
	}
	if loc == nil {
		loc = time.UTC
	}
	toks, err := lex(q)
	if err != nil {
		return nil, err
	}
	out := &Query{}
	// type: first, since it decides which fields are valid.
	for _, t := range toks {
		if t.field != "type" {
			continue
		}
		if err := checkSpecial(t); err != nil {
			return nil, err
		}
		v := strings.ToLower(t.value)
		if _, ok := typeBit(v); !ok {
			return nil, invalid("unknown type %q (want ticket, user, organization or group)", t.value)
		}
		if out.Type != "" && out.Type != v {
			return nil, invalid("conflicting types %q and %q", out.Type, v)
		}
		out.Type = v
	}
	typeSetOf := tAll
	if out.Type != "" {
		typeSetOf, _ = typeBit(out.Type)
	}
	index := map[termKey]int{}
	for _, t := range toks {
		switch t.field {
		case "":
			s := normText(t.value)
			if s == "" {
				continue
			}
			if t.neg {
				out.ExcludedText = appendUnique(out.ExcludedText, s)
			} else {
				out.FreeText = appendUnique(out.FreeText, s)
			}
			continue
		case "type":
			continue
		case "order_by":
			if err := checkSpecial(t); err != nil {
				return nil, err
			}
			v, ok := canonicalOrderBy(strings.ToLower(t.value))
			if !ok {
				return nil, invalid("unknown order_by %q (want created, updated, priority, status or ticket_type)", t.value)
			}
			if v != "created" && v != "updated" && out.Type != "" && out.Type != TypeTicket {
				return nil, invalid("cannot order type:%s by %s", out.Type, v)
			}
			if out.OrderBy != "" && out.OrderBy != v {
				return nil, invalid("conflicting order_by %q and %q", out.OrderBy, v)
			}
			out.OrderBy = v
			continue
		case "sort":
			if err := checkSpecial(t); err != nil {
				return nil, err
			}
			v := strings.ToLower(t.value)
			if v != "asc" && v != "desc" {
				return nil, invalid("unknown sort %q (want asc or desc)", t.value)
			}
			if out.Sort != "" && out.Sort != v {
				return nil, invalid("conflicting sort %q and %q", out.Sort, v)
			}
			out.Sort = v
			continue
		}
		spec, ok := lookupField(t.field)
		if !ok {
			return nil, invalid("unknown field %q (put text containing \":\", \"<\" or \">\" in quotes to search for it)", t.field)
		}
		if spec.types&typeSetOf == 0 {
			return nil, invalid("field %q is not searchable for type:%s", t.field, out.Type)
		}
		v, err := parseValue(spec, t, now, loc)
		if err != nil {
			return nil, err
		}
		op := t.op
		if t.neg && op == Eq {
			op = Ne
		}
		if op == Eq || op == Ne {
			k := termKey{spec.name, op}
			if i, ok := index[k]; ok {
				term := &out.Terms[i]
				if !hasValue(term.Values, v) {
					term.Values = append(term.Values, v)
					term.Wildcard = term.Wildcard || v.Wildcard
				}
				continue
			}
			index[k] = len(out.Terms)
		}
		out.Terms = append(out.Terms, Term{Field: spec.name, Op: op, Values: []Value{v}, Negated: t.neg, Wildcard: v.Wildcard})
	}
	if out.Type == "" && len(out.Terms) > 0 && len(out.Types()) == 0 {
		return nil, invalid("no single type (ticket, user, organization, group) has all the fields searched")
	}
	if out.Type == "" && len(out.Terms) == 0 && len(out.FreeText) == 0 && len(out.ExcludedText) == 0 &&
		out.OrderBy == "" && out.Sort == "" {
		return nil, invalid("query is empty")
	}
	return out, nil
}

type termKey struct {
	field string
	op    Op
}

func appendUnique(list []string, s string) []string {
	for _, e := range list {
		if e == s {
			return list
		}
	}
	return append(list, s)
}

func hasValue(vs []Value, v Value) bool {
	for _, e := range vs {
		if e.Kind == v.Kind && e.Text == v.Text && e.Wildcard == v.Wildcard {
			return true
		}
	}
	return false
}

// checkSpecial validates a type:, order_by: or sort: token.
func checkSpecial(t token) error {
	switch {
	case t.neg:
		return invalid("%s cannot be negated", t.field)
	case t.op != Eq:
		return invalid("%s needs \":\", not a comparison", t.field)
	case t.value == "":
		return invalid("empty value for %s", t.field)
	}
	return nil
}

func parseValue(spec fieldSpec, t token, now time.Time, loc *time.Location) (Value, error) {
	raw := t.value
	if t.op != Eq && spec.kind != fkOrdered && spec.kind != fkTime {
		return Value{}, invalid("field %q does not support %q (only status, priority and dates can be compared)", t.field, t.op.symbol())
	}
	wildcard := false
	if !t.quoted && strings.HasSuffix(raw, "*") {
		raw = strings.TrimRight(raw, "*")
		if raw == "" {
			return Value{}, invalid("wildcard for field %q needs at least one character before *", t.field)
		}
		switch spec.kind {
		case fkText, fkPerson, fkRef:
		default:
			return Value{}, invalid("field %q does not support wildcards", t.field)
		}
		if t.op != Eq {
			return Value{}, invalid("wildcards cannot be used with %q", t.op.symbol())
		}
		wildcard = true
	}
	if spec.kind == fkTime {
		if strings.TrimSpace(raw) == "" {
			return Value{}, invalid("empty value for field %q", t.field)
		}
		return parseTime(t.field, raw, t.op, now, loc)
	}
	text := normText(raw)
	if text == "" {
		return Value{}, invalid("empty value for field %q", t.field)
	}
	str := Value{Kind: KindString, Text: text, Wildcard: wildcard}
	if wildcard {
		return str, nil
	}
	switch spec.kind {
	case fkEnum, fkOrdered:
		v, ok := canonicalEnum(spec.name, text)
		if !ok {
			return Value{}, invalid("unknown %s %q (want one of %s)", spec.name, raw, strings.Join(enumValues(spec.name), ", "))
		}
		return Value{Kind: KindString, Text: v}, nil
	case fkBool:
		switch text {
		case "true":
			return Value{Kind: KindBool, Text: "true", Bool: true}, nil
		case "false":
			return Value{Kind: KindBool, Text: "false"}, nil
		}
		return Value{}, invalid("field %q needs true or false, not %q", t.field, raw)
	case fkToken:
		for _, c := range text {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
				return Value{}, invalid("bad %s value %q", spec.name, raw)
			}
		}
		return str, nil
	case fkPerson, fkRef:
		switch {
		case spec.me && text == "me":
			return Value{Kind: KindMe, Text: "me"}, nil
		case spec.none && text == "none":
			return Value{Kind: KindNone, Text: "none"}, nil
		case allDigits(text):
			if n, err := strconv.ParseInt(text, 10, 64); err == nil {
				return Value{Kind: KindInt, Text: strconv.FormatInt(n, 10), Int: n}, nil
			}
		}
	}
	return str, nil
}

// parseTime parses a date, timestamp or relative time for a time field.
func parseTime(field, raw string, op Op, now time.Time, loc *time.Location) (Value, error) {
	if v, ok, err := parseRelative(field, raw, op, now, loc); ok || err != nil {
		return v, err
	}
	bad := func() (Value, error) {
		return Value{}, invalid("bad date %q for %s (use YYYY-MM-DD, an ISO 8601 timestamp such as 2024-01-31T09:30:00Z, or a relative time such as 4hours)", raw, field)
	}
	if len(raw) == len("2006-01-02") {
		d, err := time.ParseInLocation("2006-01-02", raw, loc)
		if err != nil || d.Year() < 1 || d.Year() > 9999 {
			return bad()
		}
		from, to := d.UTC(), d.AddDate(0, 0, 1).UTC()
		if from.Year() < 1 || to.Year() > 9999 {
			return bad()
		}
		return Value{Kind: KindTime, Text: d.Format("2006-01-02"), From: from, To: to}, nil
	}
	var ts time.Time
	var err error
	if strings.HasSuffix(raw, "Z") || strings.HasSuffix(raw, "z") || strings.LastIndexAny(raw, "+-") > len("2006-01-02") {
		ts, err = time.Parse(time.RFC3339, raw)
	} else if len(raw) == len("2006-01-02T15:04") {
		ts, err = time.ParseInLocation("2006-01-02T15:04", raw, loc)
	} else {
		ts, err = time.ParseInLocation("2006-01-02T15:04:05", raw, loc)
	}
	if err != nil {
		return bad()
	}
	ts = ts.Truncate(time.Second).UTC()
	if ts.Year() < 1 || ts.Year() > 9999 {
		return bad()
	}
	return Value{Kind: KindTime, Text: ts.Format(time.RFC3339), From: ts, To: ts.Add(time.Second)}, nil
}

// parseRelative parses "<n><unit>" (4hours, 1day, 2weeks). ok is false when
// raw does not have that shape.
func parseRelative(field, raw string, op Op, now time.Time, loc *time.Location) (v Value, ok bool, err error) {
	lower := strings.ToLower(raw)
	i := 0
	for i < len(lower) && lower[i] >= '0' && lower[i] <= '9' {
		i++
	}
	if i == 0 || i == len(lower) {
		return Value{}, false, nil
	}
	unit := strings.TrimSuffix(lower[i:], "s")
	switch unit {
	case "minute", "hour", "day", "week", "month", "year":
	default:
		return Value{}, false, nil
	}
	if i > 5 {
		return Value{}, true, invalid("relative time %q is too far back", raw)
	}
	n, _ := strconv.Atoi(lower[:i])
	if op == Eq {
		return Value{}, true, invalid("relative time %q needs a comparison, such as %s>%s or %s<%s", raw, field, raw, field, raw)
	}
	local := now.In(loc)
	var t time.Time
	switch unit {
	case "minute":
		t = local.Add(-time.Duration(n) * time.Minute)
	case "hour":
		t = local.Add(-time.Duration(n) * time.Hour)
	case "day":
		t = local.AddDate(0, 0, -n)
	case "week":
		t = local.AddDate(0, 0, -7*n)
	case "month":
		t = local.AddDate(0, -n, 0)
	case "year":
		t = local.AddDate(-n, 0, 0)
	}
	t = t.Truncate(time.Second).UTC()
	if t.Year() < 1 || t.Year() > 9999 {
		return Value{}, true, invalid("relative time %q is out of range", raw)
	}
	if n != 1 {
		unit += "s"
	}
	return Value{Kind: KindTime, Text: strconv.Itoa(n) + unit, From: t, To: t.Add(time.Second)}, true, nil
}
