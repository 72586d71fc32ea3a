package web

import (
	"net/url"
	"testing"

	"github.com/frontline/frontline/internal/errs"
)

func TestPagerDutyTokenHeader(t *testing.T) {
	for in, want := range map[string]string{
		"token=abc123":       "abc123",
		`token="abc123"`:     "abc123",
		" token = abc123 ":   "abc123",
		"Token=abc":          "abc",
		"token=":             "",
		"abc123":             "",
		"key=abc":            "",
		`token="a b"`:        "",
		"token=abc, other=1": "",
	} {
		got, ok := pagerDutyToken(in)
		if got != want || ok != (want != "") {
			t.Errorf("pagerDutyToken(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestPagerDutyErrorAndPaging(t *testing.T) {
	status, body := pagerDutyErrorBody(errs.Invalid("user_id", "US Government rule: only members with the US Government specialty"))
	if status != 422 || body.Error.Code != 2001 || len(body.Error.Errors) != 1 || body.Error.Errors[0] != "User id US Government rule: only members with the US Government specialty" {
		t.Fatalf("invalid: %d %+v", status, body)
	}
	if status, body = pagerDutyErrorBody(errs.NotFound("schedule")); status != 404 || body.Error.Code != 2100 {
		t.Fatalf("not found: %d %+v", status, body)
	}
	if status, body = pagerDutyErrorBody(errs.Unauthorized("x")); status != 401 || body.Error.Code != 2006 {
		t.Fatalf("unauthorized: %d %+v", status, body)
	}
	p, err := pdParsePage(url.Values{"limit": {"2"}, "offset": {"3"}, "total": {"true"}})
	if err != nil {
		t.Fatal(err)
	}
	l := pdList("oncalls", p, []int{1, 2, 3, 4, 5, 6})
	if got := l["oncalls"].([]int); len(got) != 2 || got[0] != 4 || l["more"] != true || l["total"] != 6 {
		t.Fatalf("page: %+v", l)
	}
	l = pdList("oncalls", pdPage{Limit: 25, Offset: 4}, []int{1, 2, 3, 4, 5, 6})
	if got := l["oncalls"].([]int); len(got) != 2 || l["more"] != false || l["total"] != nil {
		t.Fatalf("last page: %+v", l)
	}
	if _, err := pdParsePage(url.Values{"limit": {"0"}}); err == nil {
		t.Fatal("limit 0 accepted")
	}
	if err := pdCheckParams(url.Values{"since": {"x"}, "limit": {"1"}, "bogus": {"1"}}, "since"); err == nil {
		t.Fatal("unknown parameter accepted")
	}
	ids, err := pdIDs(url.Values{"schedule_ids[]": {"1", "2,3"}}, "schedule_ids")
	if err != nil || len(ids) != 3 {
		t.Fatalf("ids %v %v", ids, err)
	}
}
