package tags

import (
	"slices"
	"testing"
)

func TestNormalizeEncodeDecode(t *testing.T) {
	got := Normalize([]string{"B", "a c", "  ", "b", "A"})
	if !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Fatalf("%v", got)
	}
	if got := Normalize(nil); got == nil || len(got) != 0 {
		t.Fatalf("%#v", got)
	}
	if e := Encode([]string{"VIP", "b vip"}); e != " b vip " {
		t.Fatalf("%q", e)
	}
	if Encode([]string{" "}) != "" {
		t.Fatal("blank tags stored")
	}
	if d := Decode(" b vip "); !slices.Equal(d, []string{"b", "vip"}) {
		t.Fatalf("%v", d)
	}
	if d := Decode(""); d == nil || len(d) != 0 {
		t.Fatalf("%#v", d)
	}
}
