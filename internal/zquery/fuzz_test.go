package zquery

import (
	"reflect"
	"testing"
	"time"
)

// FuzzParse checks that Parse never panics, that every error is
// errs.Invalid, and that a parsed query survives a trip through String:
// re-parsing q.String() with the same now and location yields an equal AST.
func FuzzParse(f *testing.F) {
	for _, q := range []string{
		`type:ticket status<solved priority:urgent`, `tags:vip -tags:spam`,
		`created>2024-01-01 created<2024-02-01`, `assignee:me`, `requester:jane@example.com`,
		`organization:"Acme Inc"`, `"printer on fire"`, `subject:print*`, `order_by:updated sort:desc`,
		`created>4hours`, `"say \"hi\"" a\b -"x"`, `subject:"a*" subject:a**`, `updated<=2024-01-31T10:15:30.5+02:00`,
		`type:user role:end_user email:*@x.com`, `custom_field_01:Gold -status>=hold`, "t\u00e9st \u0130 \xff:\xfe",
		`- -- --x "" -""`, `group:0042 assignee:none brand:me`, `created>1year solved>=2weeks`,
	} {
		f.Add(q)
	}
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q string) {
		if len(q) > 1024 { // String may be longer than q; stay clear of MaxQueryLen
			return
		}
		for _, loc := range []*time.Location{time.UTC, ny} {
			p, err := Parse(q, testNow(), loc)
			if err != nil {
				if p != nil {
					t.Fatalf("Parse(%q) returned both a query and %v", q, err)
				}
				assertInvalid(t, q, err)
				continue
			}
			str := p.String()
			again, err := Parse(str, testNow(), loc)
			if err != nil {
				t.Fatalf("Parse(%q) ok, but re-parsing its String %q: %v", q, str, err)
			}
			if !reflect.DeepEqual(p, again) {
				t.Fatalf("Parse(%q) and Parse(%q) differ:\n%#v\n%#v", q, str, p, again)
			}
			for _, term := range p.Terms {
				if len(term.Values) == 0 {
					t.Fatalf("Parse(%q): term without values", q)
				}
				_ = ExpandOrdered(term)
			}
		}
	})
}
