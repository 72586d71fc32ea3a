package app

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/limits"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func load(t *testing.T, args []string, e map[string]string) (Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c, _, err := LoadConfig(fs, args, env(e))
	return c, err
}

func TestConfigDefaults(t *testing.T) {
	c, err := load(t, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPAddr != "127.0.0.1:8080" || c.DataDir != "frontline-data" || c.Database != "" ||
		c.BaseURL != "" || c.LogLevel != slog.LevelInfo || c.SessionTTL != 336*time.Hour {
		t.Fatalf("defaults %+v", c)
	}
}

func TestConfigPrecedenceFileEnvFlag(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "frontline.conf")
	os.WriteFile(file, []byte("# comment\nhttp = 127.0.0.1:9000\nlog-level = debug\ndata-dir = \"/srv/fl\"\nmax-conns = 3\n"), 0o600)

	c, err := load(t, []string{"--config", file}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPAddr != "127.0.0.1:9000" || c.LogLevel != slog.LevelDebug || c.DataDir != "/srv/fl" || c.MaxConns != 3 {
		t.Fatalf("file not applied: %+v", c)
	}
	c, err = load(t, []string{"--config", file, "--max-conns", "7"}, map[string]string{
		"FRONTLINE_HTTP": "127.0.0.1:9100", "FRONTLINE_MAX_CONNS": "5",
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPAddr != "127.0.0.1:9100" || c.MaxConns != 7 || c.DataDir != "/srv/fl" {
		t.Fatalf("env should beat file and flag beat env: %+v", c)
	}
	// The file can be named by the environment too.
	c, err = load(t, nil, map[string]string{"FRONTLINE_CONFIG": file})
	if err != nil || c.HTTPAddr != "127.0.0.1:9000" {
		t.Fatalf("FRONTLINE_CONFIG: %+v %v", c, err)
	}
}

func TestConfigErrorsNameTheProblem(t *testing.T) {
	dir := t.TempDir()
	typo := filepath.Join(dir, "typo.conf")
	os.WriteFile(typo, []byte("http = 127.0.0.1:1\nhtpp-addr = x\n"), 0o600)
	noeq := filepath.Join(dir, "noeq.conf")
	os.WriteFile(noeq, []byte("just words\n"), 0o600)
	cases := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--http", "8080"}, nil, `invalid http (from flag --http): "8080" is not host:port`},
		{nil, map[string]string{"FRONTLINE_LOG_LEVEL": "loud"}, "invalid log-level (from environment variable FRONTLINE_LOG_LEVEL)"},
		{[]string{"--session-ttl", "5s"}, nil, "invalid session-ttl"},
		{[]string{"--max-password-hashes", "-1"}, nil, `invalid max-password-hashes (from flag --max-password-hashes): "-1" is not a number from 0 to 64`},
		{[]string{"--gc-percent", "5"}, nil, `invalid gc-percent (from flag --gc-percent): "5" is not a percentage from 10 to 10000, or off`},
		{nil, map[string]string{"FRONTLINE_MEMORY_LIMIT": "lots"}, `invalid memory-limit (from environment variable FRONTLINE_MEMORY_LIMIT): "lots" is not a size such as 512MiB or 2GiB, or off`},
		{[]string{"--base-url", "ftp://x"}, nil, `"ftp://x" is not an http(s) URL`},
		{[]string{"--config", typo}, nil, `typo.conf:2: unknown setting "htpp-addr"`},
		{[]string{"--config", noeq}, nil, "noeq.conf:1: expected key = value"},
		{[]string{"--config", filepath.Join(dir, "missing.conf")}, nil, "cannot read config file"},
		{[]string{"--demo=maybe"}, nil, `invalid demo (from flag --demo): "maybe" is not true or false`},
		{[]string{"--trusted-proxies", "10.0.0.0/8,proxy.internal"}, nil, `invalid trusted-proxies (from flag --trusted-proxies): "proxy.internal" is not an IP address or CIDR prefix`},
		{[]string{"--trusted-proxies", "10.0.0.0/33"}, nil, `"10.0.0.0/33" is not an IP address or CIDR prefix`},
	}
	for _, tc := range cases {
		_, err := load(t, tc.args, tc.env)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v %v: got %v, want %q", tc.args, tc.env, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("error spans lines: %q", err)
		}
	}
}

// TestReadmeConfigTable keeps README.md's configuration table in step with
// the settings the binary really accepts.
func TestReadmeConfigTable(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), ConfigTable()) {
		t.Fatalf("README.md configuration table is out of date; replace it with:\n%s", ConfigTable())
	}
}

func TestConfigTrustedProxies(t *testing.T) {
	c, err := load(t, nil, nil)
	if err != nil || len(c.TrustedProxies) != 0 {
		t.Fatalf("default trusts %v (%v)", c.TrustedProxies, err)
	}
	c, err = load(t, nil, map[string]string{"FRONTLINE_TRUSTED_PROXIES": "10.0.0.0/8, 192.168.1.7 ,::1,fd00::/8"})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(c.TrustedProxies) != "[10.0.0.0/8 192.168.1.7/32 ::1/128 fd00::/8]" {
		t.Fatalf("trusted proxies %v", c.TrustedProxies)
	}
}

// TestConfigLimits: the size limits of issue 15 are settings (flag, env,
// file) with documented defaults, and reach the ticket and people stores.
func TestConfigLimits(t *testing.T) {
	c, err := load(t, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Limits != limits.Default() || c.Limits.CommentBytes != 65536 || c.Limits.SubjectChars != 255 || c.Limits.TagChars != 80 || c.Limits.Tags != 100 {
		t.Fatalf("defaults %+v", c.Limits)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "frontline.conf")
	os.WriteFile(file, []byte("max-tags = 20\n"), 0o600)
	c, err = load(t, []string{"--config", file, "--max-comment-bytes", "4096", "--max-subject=100"}, map[string]string{"FRONTLINE_MAX_TAG_LENGTH": "40"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Limits != (limits.Limits{CommentBytes: 4096, SubjectChars: 100, TagChars: 40, Tags: 20}) {
		t.Fatalf("%+v", c.Limits)
	}
	for _, args := range [][]string{{"--max-comment-bytes", "100"}, {"--max-subject", "0"}, {"--max-tag-length", "x"}, {"--max-tags", "-1"}} {
		if _, err := load(t, args, nil); err == nil || !strings.Contains(err.Error(), "invalid "+strings.TrimPrefix(args[0], "--")) {
			t.Errorf("%v: %v", args, err)
		}
	}
}
