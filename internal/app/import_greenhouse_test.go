package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestImportGreenhouseCommand(t *testing.T) {
	dir, data := t.TempDir(), t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	jobs := write("jobs.json", `[{"id": 1, "name": "Support Engineer", "requisition_id": "4001", "status": "open", "offices": [{"name": "APAC"}],
  "openings": [{"id": 11, "opening_id": "4001-1", "status": "open"}]}]`)
	cands := write("candidates.json", `[{"id": 21, "first_name": "Ivy", "last_name": "Ito", "email_addresses": [{"value": "ivy@mail.example"}]}]`)
	bad := write("applications.json", `[
  {"id": 31, "candidate_id": 21, "status": "active", "applied_at": "2026-02-01T09:00:00Z", "jobs": [{"id": 1}], "current_stage": {"name": "Recruiter Screen"}},
  {"id": 32, "candidate_id": 99, "status": "active", "applied_at": "yesterday", "jobs": [{"id": 1}]}
]`)
	run := func(files ...string) (int, string) {
		var out, errOut bytes.Buffer
		env := Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }}
		code := Main(context.Background(), append([]string{"import", "greenhouse", "--data-dir", data}, files...), env)
		return code, out.String() + errOut.String()
	}
	code, out := run(jobs, cands, bad)
	if code == 0 || !strings.Contains(out, "applications.json:3: application 32: candidate 99") || !strings.Contains(out, "nothing was imported") {
		t.Fatalf("malformed: exit %d\n%s", code, out)
	}
	good := write("applications.json", `[
  {"id": 31, "candidate_id": 21, "status": "active", "applied_at": "2026-02-01T09:00:00Z", "jobs": [{"id": 1}], "current_stage": {"name": "Recruiter Screen"}}
]`)
	code, out = run(jobs, cands, good)
	if code != 0 || !strings.Contains(out, "applications       1 created") {
		t.Fatalf("import: exit %d\n%s", code, out)
	}
	code, out = run(jobs, cands, good)
	if code != 0 || !strings.Contains(out, "applications       0 created,      1 already imported") {
		t.Fatalf("again: exit %d\n%s", code, out)
	}
}
