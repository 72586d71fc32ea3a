package limits

import (
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/errs"
)

func TestProblem(t *testing.T) {
	for in, want := range map[string]string{
		"fine":          "",
		"tab\tnl\ncr\r": "",
		"\x1b[0m":       "",
		"é😀":            "",
		"a\x00b":        "must not contain NUL characters (U+0000)",
		"a\xffb":        "is not valid UTF-8 text",
		"caf\xc3":       "is not valid UTF-8 text",
		"\xed\xa0\x80":  "is not valid UTF-8 text", // a surrogate
		"\xc0\x80":      "is not valid UTF-8 text", // over-long NUL
	} {
		if got := Problem(in); got != want {
			t.Errorf("Problem(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormalise(t *testing.T) {
	if got := Text("a\tb\nc\r\n\x01\x1b[31m\x7f"); got != "a\tb\nc\r\n␁␛[31m␡" {
		t.Errorf("Text = %q", got)
	}
	if got := Line("a\tb\nc\r\x1b\x7f\u2028d\u2029\u0085"); got != "a b c ␛␡ d  " {
		t.Errorf("Line = %q", got)
	}
	if s := "unchanged é"; Text(s) != s || Line(s) != s {
		t.Error("clean text must not change")
	}
}

func TestChecks(t *testing.T) {
	var v errs.Validation
	s := strings.Repeat("é", 5)
	if !CheckLine(&v, "a", &s, 5) || CheckLine(&v, "b", ptr(strings.Repeat("é", 6)), 5) {
		t.Fatal("CheckLine counts characters")
	}
	if !CheckText(&v, "c", ptr(strings.Repeat("é", 5)), 10) || CheckText(&v, "d", ptr(strings.Repeat("é", 6)), 10) {
		t.Fatal("CheckText counts bytes")
	}
	// Normalising can lengthen text (a control character is one byte, its
	// picture three); the limit applies to what is stored.
	if CheckText(&v, "e", ptr("\x01\x01\x01\x01"), 10) {
		t.Fatal("the stored form is measured")
	}
	CheckLine(&v, "f", ptr("x\x00"), 5)
	e := v.Err().(*errs.Error)
	for _, f := range []string{"b", "d", "e", "f"} {
		if len(e.Fields[f]) != 1 {
			t.Errorf("%s: %v", f, e.Fields)
		}
	}
	if len(e.Fields) != 4 {
		t.Errorf("%v", e.Fields)
	}
}

func TestCut(t *testing.T) {
	if got := Cut("aé", 2); got != "a" {
		t.Errorf("%q", got)
	}
	if got := CutChars("aéb", 2); got != "aé" {
		t.Errorf("%q", got)
	}
	if (Limits{}).OrDefault() != Default() || (Limits{Tags: 3}).OrDefault().Tags != 3 {
		t.Error("OrDefault")
	}
}

func ptr(s string) *string { return &s }
