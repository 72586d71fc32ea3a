package app

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/auth"
	"github.com/frontline/frontline/internal/backup"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/people"
)

// restoreTarget returns flags naming an empty instance of the same engine
// as src for a restore: a new data directory, and on PostgreSQL a new
// database holding an empty schema of the same name (a backup restores
// into the schema it was taken from).
func restoreTarget(t *testing.T, src Config) []string {
	t.Helper()
	dir := t.TempDir()
	if !strings.HasPrefix(src.Database, "postgres") {
		return []string{"--data-dir", dir}
	}
	u, err := url.Parse(src.Database)
	if err != nil {
		t.Fatal(err)
	}
	schema := u.Query().Get("search_path")
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	name := "frl_restore_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", dbtest.PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		admin.Close()
	})
	u.Path = "/" + name
	if schema != "" {
		c, err := sql.Open("pgx", u.String())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Exec("CREATE SCHEMA " + schema); err != nil {
			t.Fatal(err)
		}
		c.Close()
	}
	return []string{"--database", u.String(), "--data-dir", dir}
}

// TestBackupRoundTrip fills an instance with the demo, backs it up while
// writes go on, restores it elsewhere and checks that the restored
// instance holds exactly the backup's rows (every table's count and
// checksum, read independently of the manifest), the attachments byte for
// byte, every write acknowledged before the backup began, and that the
// demo manager can sign in there. Damaged backups, one from a newer
// Frontline and a non-empty target are refused with nothing written.
func TestBackupRoundTrip(t *testing.T) {
	for _, e := range dbtest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			c, err := load(t, append(databaseArgs(t, e), "--demo-tickets", "40"), nil)
			if err != nil {
				t.Fatal(err)
			}
			clk := clock.NewFake(demoNow)
			a, err := Open(ctx, c, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Clock: clk, PasswordParams: auth.TestParams()})
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			res, err := a.LoadDemo(ctx)
			if err != nil {
				t.Fatal(err)
			}
			// Attachment files, named by content as the ticket store names them.
			files := map[string][]byte{}
			for i := range 3 {
				data := []byte(fmt.Sprintf("log line %d\n%s", i, strings.Repeat("x", 1000*i)))
				sum := fmt.Sprintf("%064x", i+1)
				p := filepath.Join(c.DataDir, "attachments", sum[:2], sum)
				if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, data, 0o600); err != nil {
					t.Fatal(err)
				}
				files[filepath.Join(sum[:2], sum)] = data
			}

			// Writers go on during the backup.
			var mu sync.Mutex
			var acked []string
			stop := make(chan struct{})
			var wg sync.WaitGroup
			var n atomic.Int64
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					name := fmt.Sprintf("Written during backup %d", i)
					if _, err := a.People.CreateOrganization(ctx, audit.System(), people.OrganizationInput{Name: &name}); err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					acked = append(acked, name)
					mu.Unlock()
					n.Add(1)
				}
			}()
			for n.Load() < 5 {
				time.Sleep(5 * time.Millisecond)
			}
			mu.Lock()
			before := append([]string(nil), acked...)
			mu.Unlock()
			file := filepath.Join(t.TempDir(), "demo.backup")
			var out, errb bytes.Buffer
			code := Main(ctx, append([]string{"backup", "--to", file}, databaseArgs2(c)...), testEnv(&out, &errb))
			close(stop)
			wg.Wait()
			if code != 0 {
				t.Fatalf("backup exit %d: %s", code, errb.String())
			}
			if !strings.Contains(out.String(), "backup written to") {
				t.Fatalf("backup said %q", out.String())
			}
			if n.Load() <= int64(len(before)) {
				t.Logf("no write landed during the backup (%d before, %d in all)", len(before), n.Load())
			}

			// A damaged or truncated file, one from a newer Frontline: refused, target untouched.
			good, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			newer := rewriteManifest(t, good, func(m map[string]any) { m["schema_version"] = m["schema_version"].(float64) + 1000 })
			flipped := append([]byte(nil), good...)
			flipped[len(flipped)/2] ^= 0xff
			for name, data := range map[string][]byte{"truncated": good[:len(good)/3], "flipped": flipped, "newer": newer, "empty": nil} {
				bad := filepath.Join(t.TempDir(), name+".backup")
				if err := os.WriteFile(bad, data, 0o600); err != nil {
					t.Fatal(err)
				}
				args := restoreTarget(t, c)
				var errb bytes.Buffer
				if code := Main(ctx, append(append([]string{"restore"}, args...), bad), testEnv(io.Discard, &errb)); code == 0 {
					t.Fatalf("%s backup restored without error", name)
				}
				if name == "newer" && !strings.Contains(errb.String(), "newer Frontline") {
					t.Errorf("newer backup refused with %q", errb.String())
				}
				if name != "newer" && !strings.Contains(errb.String(), "damaged") && !strings.Contains(errb.String(), "not a Frontline backup") {
					t.Errorf("%s backup refused with %q", name, errb.String())
				}
				assertEmptyTarget(t, args)
			}

			// Restore elsewhere.
			args := restoreTarget(t, c)
			out.Reset()
			errb.Reset()
			if code := Main(ctx, append(append([]string{"restore"}, args...), file), testEnv(&out, &errb)); code != 0 {
				t.Fatalf("restore exit %d: %s", code, errb.String())
			}
			// Restoring again into the now non-empty target is refused.
			if code := Main(ctx, append(append([]string{"restore"}, args...), file), testEnv(io.Discard, &errb)); code == 0 || !strings.Contains(errb.String(), "empty") {
				t.Fatalf("restore into a non-empty target: exit %d %q", code, errb.String())
			}
			rc, err := load(t, args, nil)
			if err != nil {
				t.Fatal(err)
			}
			b, err := Open(ctx, rc, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Clock: clk, PasswordParams: auth.TestParams()})
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()

			// Every table as the manifest says, counted here with plain queries.
			m := readManifest(t, good)
			for table, want := range m.Tables {
				var got int64
				if err := b.DB.R.QueryRowContext(ctx, `SELECT count(*) FROM "`+table+`"`).Scan(&got); err != nil {
					t.Fatalf("%s: %v", table, err)
				}
				if got != want.Rows {
					t.Errorf("%s: %d rows restored, backup %d", table, got, want.Rows)
				}
			}
			var tickets, srcTickets int64
			_ = b.DB.R.QueryRowContext(ctx, "SELECT count(*) FROM tickets").Scan(&tickets)
			_ = a.DB.R.QueryRowContext(ctx, "SELECT count(*) FROM tickets").Scan(&srcTickets)
			if tickets == 0 || tickets != srcTickets {
				t.Errorf("restored %d tickets, the source has %d", tickets, srcTickets)
			}
			// Writes acknowledged before the backup are there; the restored
			// organizations are a prefix of the acknowledged ones.
			rows, err := b.DB.R.QueryContext(ctx, "SELECT name FROM organizations WHERE name LIKE 'Written during backup%'")
			if err != nil {
				t.Fatal(err)
			}
			have := map[string]bool{}
			for rows.Next() {
				var s string
				_ = rows.Scan(&s)
				have[s] = true
			}
			rows.Close()
			for _, name := range before {
				if !have[name] {
					t.Errorf("%q was acknowledged before the backup began but is not restored", name)
				}
			}
			for i := range len(have) {
				if !have[fmt.Sprintf("Written during backup %d", i)] {
					t.Errorf("restored organizations are not a prefix of the acknowledged ones (missing %d of %d)", i, len(have))
				}
			}
			// Attachments byte for byte.
			for rel, data := range files {
				got, err := os.ReadFile(filepath.Join(rc.DataDir, "attachments", rel))
				if err != nil || !bytes.Equal(got, data) {
					t.Errorf("attachment %s not restored: %v", rel, err)
				}
			}
			// Sign in on the restored instance.
			if _, err := b.Auth.CheckPassword(ctx, res.ManagerEmail, res.Password, "127.0.0.1"); err != nil {
				t.Errorf("sign-in on the restored instance: %v", err)
			}
			// Its sums equal the backup's, read by the engine's own description.
			var got db.SnapshotInfo
			if b.DB.Dialect == db.SQLite {
				got, err = db.DescribeSQLiteFile(ctx, b.DB.Target.Path)
			} else {
				tmp := t.TempDir()
				got, err = b.DB.Snapshot(ctx, tmp)
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := backup.CheckTables(m, got); err != nil {
				t.Error(err)
			}
		})
	}
}

func databaseArgs2(c Config) []string {
	if c.Database != "" {
		return []string{"--database", c.Database, "--data-dir", c.DataDir}
	}
	return []string{"--data-dir", c.DataDir}
}

// assertEmptyTarget checks a refused restore wrote nothing.
func assertEmptyTarget(t *testing.T, args []string) {
	t.Helper()
	c, err := load(t, args, nil)
	if err != nil {
		t.Fatal(err)
	}
	es, _ := os.ReadDir(c.DataDir)
	if len(es) > 0 {
		t.Errorf("a refused restore left %d entries in %s (first %s)", len(es), c.DataDir, es[0].Name())
	}
	if c.Database != "" {
		d, err := sql.Open("pgx", c.Database)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		var n int
		if err := d.QueryRow("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			t.Errorf("a refused restore created %d tables", n)
		}
	}
}

func readManifest(t *testing.T, archive []byte) backup.Manifest {
	t.Helper()
	m, err := backup.Extract(bytes.NewReader(archive), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// rewriteManifest returns the archive with its manifest changed by fn.
func rewriteManifest(t *testing.T, archive []byte, fn func(map[string]any)) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(archive))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	tw := tar.NewWriter(zw)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(tr)
		if h.Name == backup.ManifestName {
			var m map[string]any
			if err := json.Unmarshal(data, &m); err != nil {
				t.Fatal(err)
			}
			fn(m)
			data, _ = json.Marshal(m)
			h.Size = int64(len(data))
		}
		_ = tw.WriteHeader(h)
		_, _ = tw.Write(data)
	}
	tw.Close()
	zw.Close()
	return out.Bytes()
}
