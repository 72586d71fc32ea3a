package db_test

import (
	"reflect"
	"testing"

	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
)

func TestOnCloseRunsLastFirstBeforeThePoolsClose(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		var got []string
		d.OnClose(func() { got = append(got, "first") })
		d.OnClose(func() {
			// The pools are still open while OnClose functions run.
			if err := d.W.Ping(); err != nil {
				t.Errorf("pool closed before OnClose: %v", err)
			}
			got = append(got, "second")
		})
		if err := d.Close(); err != nil {
			t.Fatal(err)
		}
		if want := []string{"second", "first"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("OnClose order %v, want %v", got, want)
		}
		_ = d.Close() // again (dbtest's cleanup): the functions do not run twice
		if len(got) != 2 {
			t.Fatalf("OnClose ran again: %v", got)
		}
	})
}
