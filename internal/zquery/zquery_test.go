package zquery

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // tests must not depend on the host's zoneinfo

	"github.com/frontline/frontline/internal/errs"
)

func testNow() time.Time { return time.Date(2024, 3, 15, 12, 30, 45, 0, time.UTC) }

func s(text string) Value    { return Value{Kind: KindString, Text: text} }
func wild(text string) Value { return Value{Kind: KindString, Text: text, Wildcard: true} }
func id(n int64, text string) Value {
	return Value{Kind: KindInt, Text: text, Int: n}
}
func me() Value   { return Value{Kind: KindMe, Text: "me"} }
func none() Value { return Value{Kind: KindNone, Text: "none"} }
func day(y int, m time.Month, d int, loc *time.Location) Value {
	from := time.Date(y, m, d, 0, 0, 0, 0, loc)
	return Value{Kind: KindTime, Text: from.Format("2006-01-02"), From: from.UTC(), To: from.AddDate(0, 0, 1).UTC()}
}
func instant(text string, t time.Time) Value {
	t = t.UTC()
	return Value{Kind: KindTime, Text: text, From: t, To: t.Add(time.Second)}
}
func term(field string, op Op, vs ...Value) Term {
	t := Term{Field: field, Op: op, Values: vs, Negated: op == Ne}
	for _, v := range vs {
		t.Wildcard = t.Wildcard || v.Wildcard
	}
	return t
}
func neg(t Term) Term { t.Negated = true; return t }

func TestParse(t *testing.T) {
	tests := []struct {
		q    string
		want Query
	}{
		{`type:ticket status<solved priority:urgent`, Query{Type: "ticket", Terms: []Term{
			term("status", Lt, s("solved")), term("priority", Eq, s("urgent"))}}},
		{`tags:vip -tags:spam`, Query{Terms: []Term{term("tags", Eq, s("vip")), term("tags", Ne, s("spam"))}}},
		{`created>2024-01-01 created<2024-02-01`, Query{Terms: []Term{
			term("created", Gt, day(2024, 1, 1, time.UTC)), term("created", Lt, day(2024, 2, 1, time.UTC))}}},
		{`assignee:me`, Query{Terms: []Term{term("assignee", Eq, me())}}},
		{`requester:jane@example.com`, Query{Terms: []Term{term("requester", Eq, s("jane@example.com"))}}},
		{`organization:"Acme Inc"`, Query{Terms: []Term{term("organization", Eq, s("acme inc"))}}},
		{`"printer on fire"`, Query{FreeText: []string{"printer on fire"}}},
		{`subject:print*`, Query{Terms: []Term{term("subject", Eq, wild("print"))}}},
		{`order_by:updated sort:desc`, Query{OrderBy: "updated", Sort: "desc"}},
		{`created>4hours`, Query{Terms: []Term{term("created", Gt, instant("4hours", testNow().Add(-4*time.Hour)))}}},
		{`updated<2days`, Query{Terms: []Term{term("updated", Lt, instant("2days", testNow().AddDate(0, 0, -2)))}}},
		{`solved>=1week due_date<=3months created>1year updated>90minutes`, Query{Terms: []Term{
			term("solved", Ge, instant("1week", testNow().AddDate(0, 0, -7))),
			term("due_date", Le, instant("3months", testNow().AddDate(0, -3, 0))),
			term("created", Gt, instant("1year", testNow().AddDate(-1, 0, 0))),
			term("updated", Gt, instant("90minutes", testNow().Add(-90*time.Minute)))}}},
		{`created>01HOUR`, Query{Terms: []Term{term("created", Gt, instant("1hour", testNow().Add(-time.Hour)))}}},
		// Same field, same operator: OR'ed into one term.
		{`status:open status:pending`, Query{Terms: []Term{term("status", Eq, s("open"), s("pending"))}}},
		{`-tags:a -tags:b tags:c tags:c`, Query{Terms: []Term{term("tags", Ne, s("a"), s("b")), term("tags", Eq, s("c"))}}},
		// Field names and values are case-insensitive; tag is an alias.
		{`Status:OPEN TAG:Billing Type:Ticket`, Query{Type: "ticket", Terms: []Term{
			term("status", Eq, s("open")), term("tags", Eq, s("billing"))}}},
		{`status:on-hold priority>=high ticket_type:incident`, Query{Terms: []Term{
			term("status", Eq, s("hold")), term("priority", Ge, s("high")), term("ticket_type", Eq, s("incident"))}}},
		{`-status<solved`, Query{Terms: []Term{neg(term("status", Lt, s("solved")))}}},
		{`assignee:none group:none organization:none requester:me`, Query{Terms: []Term{
			term("assignee", Eq, none()), term("group", Eq, none()), term("organization", Eq, none()), term("requester", Eq, me())}}},
		{`assignee:123 group:0042 brand:Main group:Support`, Query{Terms: []Term{
			term("assignee", Eq, id(123, "123")), term("group", Eq, id(42, "42"), s("support")), term("brand", Eq, s("main"))}}},
		// "me" and "none" are only special where Zendesk allows them.
		{`group:me brand:none submitter:none`, Query{Terms: []Term{
			term("group", Eq, s("me")), term("brand", Eq, s("none")), term("submitter", Eq, s("none"))}}},
		{`assignee:jo*`, Query{Terms: []Term{term("assignee", Eq, wild("jo"))}}},
		{`subject:"print*" subject:print**`, Query{Terms: []Term{term("subject", Eq, s("print*"), wild("print"))}}},
		{`via:Email has_attachment:TRUE external_id:ABC-1 fieldvalue:12345 custom_field_0360:Gold`, Query{Terms: []Term{
			term("via", Eq, s("email")), term("has_attachment", Eq, Value{Kind: KindBool, Text: "true", Bool: true}),
			term("external_id", Eq, s("abc-1")), term("fieldvalue", Eq, s("12345")), term("custom_field_360", Eq, s("gold"))}}},
		{`type:user email:*@example.com* role:Agent phone:555`, Query{Type: "user", Terms: []Term{
			term("email", Eq, wild("*@example.com")), term("role", Eq, s("agent")), term("phone", Eq, s("555"))}}},
		{`type:user role:end_user`, Query{Type: "user", Terms: []Term{term("role", Eq, s("end-user"))}}},
		{`type:organization name:acme* details:"big  customer" notes:vip`, Query{Type: "organization", Terms: []Term{
			term("name", Eq, wild("acme")), term("details", Eq, s("big customer")), term("notes", Eq, s("vip"))}}},
		{`type:group name:Tier2 created>2020-05-05`, Query{Type: "group", Terms: []Term{
			term("name", Eq, s("tier2")), term("created", Gt, day(2020, 5, 5, time.UTC))}}},
		// Free text: words and phrases, lowercased, deduplicated; negated ones excluded.
		{`Printer  "on   FIRE" printer -toner -"paper jam" print*`, Query{
			FreeText: []string{"printer", "on fire", "print*"}, ExcludedText: []string{"toner", "paper jam"}}},
		{`"status:open" 10:30 :) -`, Query{FreeText: []string{"status:open", "10:30", ":)"}}},
		{`"say \"hi\"" "back\\slash" "a\b"`, Query{FreeText: []string{`say "hi"`, `back\slash`, `a\b`}}},
		{`subject:"two words" description:x`, Query{Terms: []Term{
			term("subject", Eq, s("two words")), term("description", Eq, s("x"))}}},
		{`-subject:"out of office"`, Query{Terms: []Term{term("subject", Ne, s("out of office"))}}},
		{`subject:a:b<c`, Query{Terms: []Term{term("subject", Eq, s("a:b<c"))}}},
		{`created:2024-01-31T10:15:30Z updated<2024-01-31T10:15:30.999+02:00`, Query{Terms: []Term{
			term("created", Eq, instant("2024-01-31T10:15:30Z", time.Date(2024, 1, 31, 10, 15, 30, 0, time.UTC))),
			term("updated", Lt, instant("2024-01-31T08:15:30Z", time.Date(2024, 1, 31, 8, 15, 30, 0, time.UTC)))}}},
		{`due_date>=2024-01-31T10:15`, Query{Terms: []Term{
			term("due_date", Ge, instant("2024-01-31T10:15:00Z", time.Date(2024, 1, 31, 10, 15, 0, 0, time.UTC)))}}},
		{`order_by:created_at sort:ASC type:ticket order_by:created`, Query{Type: "ticket", OrderBy: "created", Sort: "asc"}},
		{`type:ticket`, Query{Type: "ticket"}},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			got, err := Parse(tt.q, testNow(), time.UTC)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.q, err)
			}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Fatalf("Parse(%q)\n got %#v\nwant %#v", tt.q, *got, tt.want)
			}
			assertRoundTrip(t, got, testNow(), time.UTC)
		})
	}
}

func assertRoundTrip(t *testing.T, q *Query, now time.Time, loc *time.Location) {
	t.Helper()
	str := q.String()
	again, err := Parse(str, now, loc)
	if err != nil {
		t.Fatalf("re-parse of %q: %v", str, err)
	}
	if !reflect.DeepEqual(q, again) {
		t.Fatalf("round trip through %q changed the query\n was %#v\n now %#v", str, q, again)
	}
}

func TestParseLocation(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	// Dates and zone-less timestamps are local; a DST day is 23 hours long.
	q, err := Parse(`created:2024-03-10 updated>2024-03-10T01:30 solved<1day`, testNow(), ny)
	if err != nil {
		t.Fatal(err)
	}
	d := q.Terms[0].Values[0]
	if !d.From.Equal(time.Date(2024, 3, 10, 5, 0, 0, 0, time.UTC)) || d.To.Sub(d.From) != 23*time.Hour {
		t.Errorf("created:2024-03-10 in New York = [%v, %v)", d.From, d.To)
	}
	if got, want := q.Terms[1].Values[0].From, time.Date(2024, 3, 10, 6, 30, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("updated>2024-03-10T01:30 = %v, want %v", got, want)
	}
	if got, want := q.Terms[2].Values[0].From, testNow().AddDate(0, 0, -1); !got.Equal(want) {
		t.Errorf("solved<1day = %v, want %v", got, want)
	}
	assertRoundTrip(t, q, testNow(), ny)
	// A nil location is UTC; now's sub-second part and zone do not matter.
	q, err = Parse(`created:2024-03-10 created>1minute`, testNow().Add(999*time.Millisecond).In(ny), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := q.Terms[0].Values[0]; !got.From.Equal(time.Date(2024, 3, 10, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("nil loc: %v", got.From)
	}
	if got := q.Terms[1].Values[0]; !got.From.Equal(testNow().Add(-time.Minute)) {
		t.Errorf("created>1minute = %v", got.From)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ q, want string }{
		{``, "query is empty"},
		{`   - "" `, "query is empty"},
		{`subject:"unterminated`, "unbalanced quotes"},
		{`"printer on fire`, "unbalanced quotes"},
		{`-"x`, "unbalanced quotes"},
		{`subject:"ok" "bad\"`, "unbalanced quotes"},
		{`subject:`, `empty value for field "subject"`},
		{`subject: printer`, `empty value for field "subject"`},
		{`tags:""`, `empty value for field "tags"`},
		{`organization:"   "`, `empty value for field "organization"`},
		{`created>`, `empty value for field "created"`},
		{`type:`, "empty value for type"},
		{`foo:bar`, `unknown field "foo"`},
		{`type:ticket stauts:open`, `unknown field "stauts"`},
		{`re: invoice`, `unknown field "re"`},
		{`custom_field_abc:1`, `unknown field "custom_field_abc"`},
		{`custom_field_0:1`, `unknown field "custom_field_0"`},
		{`type:user status:open`, `field "status" is not searchable for type:user`},
		{`type:organization email:a@b.c`, `field "email" is not searchable for type:organization`},
		{`type:group tags:x`, `field "tags" is not searchable for type:group`},
		{`status:open role:agent`, "no single type"},
		{`type:ticket type:user`, `conflicting types "ticket" and "user"`},
		{`type:tickets`, `unknown type "tickets"`},
		{`-type:ticket`, "type cannot be negated"},
		{`type>ticket`, "type needs \":\""},
		{`order_by:relevance`, `unknown order_by "relevance"`},
		{`order_by:created order_by:updated`, "conflicting order_by"},
		{`type:user order_by:priority`, "cannot order type:user by priority"},
		{`sort:up`, `unknown sort "up"`},
		{`sort:asc sort:desc`, "conflicting sort"},
		{`status:closedd`, `unknown status "closedd"`},
		{`priority<important`, `unknown priority "important"`},
		{`ticket_type:bug`, `unknown ticket_type "bug"`},
		{`type:user role:owner`, `unknown role "owner"`},
		{`tags>vip`, `field "tags" does not support ">"`},
		{`assignee<=5`, `field "assignee" does not support "<="`},
		{`ticket_type>question`, `field "ticket_type" does not support ">"`},
		{`has_attachment:yes`, `field "has_attachment" needs true or false`},
		{`via:e*mail`, `bad via value`},
		{`status:open*`, `field "status" does not support wildcards`},
		{`created:2024*`, `field "created" does not support wildcards`},
		{`subject:*`, "needs at least one character before *"},
		{`created>2024-13-01`, `bad date "2024-13-01" for created`},
		{`created>2024-02-30`, `bad date "2024-02-30"`},
		{`created>2024-1-1`, `bad date "2024-1-1"`},
		{`updated<yesterday`, `bad date "yesterday"`},
		{`solved>4fortnights`, `bad date "4fortnights"`},
		{`created>2024-01-01T25:00:00Z`, `bad date`},
		{`created>9999-12-31T23:00:00-05:00`, `bad date`},
		{`created>0000-01-01`, `bad date`},
		{`created:4hours`, `relative time "4hours" needs a comparison`},
		{`-created:4hours`, `relative time "4hours" needs a comparison`},
		{`created>123456days`, "too far back"},
		{`created>99999years`, "out of range"},
		{strings.Repeat("a ", MaxQueryLen), "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			q, err := Parse(tt.q, testNow(), time.UTC)
			if err == nil {
				t.Fatalf("Parse(%q) = %#v, want error containing %q", tt.q, q, tt.want)
			}
			if !errs.Is(err, errs.KindInvalid) {
				t.Fatalf("Parse(%q) error %v is not KindInvalid", tt.q, err)
			}
			var e *errs.Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse(%q) error %T is not *errs.Error", tt.q, err)
			}
			if got := strings.Join(e.Fields["query"], "; "); !strings.Contains(got, tt.want) {
				t.Fatalf("Parse(%q) error = %q, want it to contain %q", tt.q, got, tt.want)
			}
		})
	}
}

func TestExpandOrdered(t *testing.T) {
	tests := []struct {
		q    string
		want []string
	}{
		{`status<solved`, []string{"new", "open", "pending", "hold"}},
		{`status<=pending`, []string{"new", "open", "pending"}},
		{`status>pending`, []string{"hold", "solved", "closed"}},
		{`status>=solved`, []string{"solved", "closed"}},
		{`status:closed status:new`, []string{"new", "closed"}},
		{`-status:open`, []string{"open"}},
		{`-status<open`, []string{"new"}},
		{`status<new`, []string{}},
		{`status>closed`, []string{}},
		{`priority>normal`, []string{"high", "urgent"}},
		{`priority<=normal`, []string{"low", "normal"}},
		{`priority:urgent`, []string{"urgent"}},
		{`tags:vip`, nil},
		{`created>2024-01-01`, nil},
	}
	for _, tt := range tests {
		q, err := Parse(tt.q, testNow(), time.UTC)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.q, err)
		}
		if got := ExpandOrdered(q.Terms[0]); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ExpandOrdered(%q) = %#v, want %#v", tt.q, got, tt.want)
		}
	}
}

func TestInterval(t *testing.T) {
	d := day(2024, 1, 1, time.UTC)
	jan1, jan2 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)
	var zero time.Time
	tests := []struct {
		op       Op
		from, to time.Time
	}{
		{Eq, jan1, jan2}, {Ne, jan1, jan2}, {Lt, zero, jan1}, {Le, zero, jan2}, {Gt, jan2, zero}, {Ge, jan1, zero},
	}
	for _, tt := range tests {
		from, to := d.Interval(tt.op)
		if !from.Equal(tt.from) || !to.Equal(tt.to) {
			t.Errorf("Interval(%v) = [%v, %v), want [%v, %v)", tt.op, from, to, tt.from, tt.to)
		}
	}
}

func TestTypes(t *testing.T) {
	tests := []struct {
		q    string
		want []string
	}{
		{`printer`, []string{"ticket", "user", "organization", "group"}},
		{`created>2024-01-01`, []string{"ticket", "user", "organization", "group"}},
		{`name:acme`, []string{"user", "organization", "group"}},
		{`tags:vip`, []string{"ticket", "user", "organization"}},
		{`organization:acme`, []string{"ticket", "user"}},
		{`status:open`, []string{"ticket"}},
		{`type:user name:jane`, []string{"user"}},
	}
	for _, tt := range tests {
		q, err := Parse(tt.q, testNow(), time.UTC)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.q, err)
		}
		if got := q.Types(); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Types(%q) = %v, want %v", tt.q, got, tt.want)
		}
	}
	if AppliesTo("status", "user") || !AppliesTo("status", "ticket") || AppliesTo("nope", "ticket") || AppliesTo("name", "nope") {
		t.Error("AppliesTo is wrong")
	}
}

func TestString(t *testing.T) {
	tests := []struct{ q, want string }{
		{`Tag:VIP -tag:spam status:open status:pending type:TICKET sort:desc order_by:updated`,
			`type:ticket tags:vip -tags:spam status:open status:pending order_by:updated sort:desc`},
		{`printer -"paper  jam" subject:"two words" subject:"ends*" subject:pre*`,
			`subject:"two words" subject:"ends*" subject:pre* "printer" -"paper jam"`},
		{`-created>=2024-01-01 updated<4HOURS created:2024-01-01T10:00:00+01:00`,
			`-created>=2024-01-01 updated<4hours created:2024-01-01T09:00:00Z`},
		{`subject:"say \"hi\"" "a\\b"`, `subject:"say \"hi\"" "a\\b"`},
	}
	for _, tt := range tests {
		q, err := Parse(tt.q, testNow(), time.UTC)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.q, err)
		}
		if got := q.String(); got != tt.want {
			t.Errorf("String(%q) = %q, want %q", tt.q, got, tt.want)
		}
	}
	var nilQ *Query
	if nilQ.String() != "" {
		t.Error("nil Query String is not empty")
	}
}

func assertInvalid(t *testing.T, q string, err error) {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) || e.Kind != errs.KindInvalid || len(e.Fields["query"]) == 0 {
		t.Fatalf("Parse(%q) error %#v is not errs.Invalid(\"query\", ...)", q, err)
	}
}

// TestFieldsListsEveryParsableField: Fields names exactly the fields Parse
// accepts for a type (custom fields by their prefix), so code that walks it
// (the customer rules of internal/search) sees every field.
func TestFieldsListsEveryParsableField(t *testing.T) {
	want := map[string][]string{
		TypeTicket: {"status", "priority", "ticket_type", "tags", "assignee", "requester", "submitter", "cc", "commenter",
			"group", "organization", "brand", "subject", "description", "comment", "fieldvalue", "via", "created", "updated",
			"solved", "due_date", "external_id", "has_attachment", "custom_field_<id>"},
		TypeUser:         {"role", "tags", "organization", "created", "updated", "external_id", "email", "phone", "name"},
		TypeOrganization: {"tags", "created", "updated", "external_id", "name", "details", "notes"},
		TypeGroup:        {"created", "updated", "name"},
	}
	for typ, fields := range want {
		got := Fields(typ)
		if !reflect.DeepEqual(got, fields) {
			t.Errorf("Fields(%s) = %v, want %v", typ, got, fields)
		}
		for _, f := range got {
			name := strings.Replace(f, "<id>", "7", 1)
			if !AppliesTo(name, typ) {
				t.Errorf("%s listed for %s but does not apply", f, typ)
			}
		}
	}
	if Fields("nope") != nil {
		t.Error("Fields of an unknown type")
	}
}
