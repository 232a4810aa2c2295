package cli

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// testGetenv returns a getenv that points the database at a fresh SQLite file.
func testGetenv(t *testing.T) func(string) string {
	db := "sqlite://" + filepath.Join(t.TempDir(), "cli.db")
	return func(k string) string {
		if k == "SHAREPANEL_DATABASE_URL" {
			return db
		}
		if k == "SHAREPANEL_LOG_FORMAT" {
			return "text"
		}
		return ""
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	getenv := testGetenv(t)
	for i := 0; i < 2; i++ {
		var out bytes.Buffer
		if err := run([]string{"migrate"}, getenv, &out, &bytes.Buffer{}); err != nil {
			t.Fatalf("migrate #%d: %v", i+1, err)
		}
		if !strings.Contains(out.String(), "schema is up to date") {
			t.Fatalf("output %q", out.String())
		}
	}
}

func TestUserAdd(t *testing.T) {
	getenv := testGetenv(t)
	var out bytes.Buffer
	args := []string{"user", "add", "--email", "Ada@Example.com", "--password", "correct horse", "--plan", "basic"}
	if err := run(args, getenv, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); !strings.Contains(got, "created user ada") || !strings.Contains(got, "plan basic") {
		t.Fatalf("output %q", got)
	}
	err := run(args, getenv, &out, &bytes.Buffer{})
	if err == nil || err.Error() != "A user with that email or username already exists" {
		t.Fatalf("duplicate: %v", err)
	}
	for _, bad := range [][]string{
		{"user", "add", "--email", "x@example.com", "--password", "short", "--plan", "free"},
		{"user", "add", "--email", "not-an-email", "--password", "long enough", "--plan", "free"},
		{"user", "add", "--email", "y@example.com", "--password", "long enough", "--plan", "platinum"},
		{"user", "add", "--email", "y@example.com"},
	} {
		if err := run(bad, getenv, &out, &bytes.Buffer{}); err == nil {
			t.Errorf("%v: accepted", bad)
		}
	}
}

func TestBadConfigNamesTheVariable(t *testing.T) {
	getenv := func(k string) string {
		if k == "SHAREPANEL_RATELIMIT_ON_REDIS_ERROR" {
			return "maybe"
		}
		return ""
	}
	err := run([]string{"migrate"}, getenv, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "SHAREPANEL_RATELIMIT_ON_REDIS_ERROR") {
		t.Fatalf("error %v does not name the variable", err)
	}
}

// Without SHAREPANEL_AUTO_MIGRATE, commands refuse a schema that is behind and say what to run;
// migrate --status lists the steps and changes nothing; migrate applies them and says which.
func TestMigrateStatusAndTheSchemaCheck(t *testing.T) {
	base := testGetenv(t)
	manual := func(k string) string {
		if k == "SHAREPANEL_AUTO_MIGRATE" {
			return "false"
		}
		return base(k)
	}
	var out bytes.Buffer
	err := run([]string{"user", "add", "--email", "ada@example.com", "--password", "correct horse"}, manual, &out, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "it is at version 0, this build needs") || !strings.Contains(err.Error(), "Run `sharepanel migrate` first") {
		t.Fatalf("user add on an empty database: %v", err)
	}
	for i := 0; i < 2; i++ {
		out.Reset()
		if err := run([]string{"migrate", "--status"}, manual, &out, &bytes.Buffer{}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "pending  0001  initial schema") || !strings.Contains(out.String(), "schema version 0;") {
			t.Fatalf("status #%d: %q", i+1, out.String())
		}
	}
	out.Reset()
	if err := run([]string{"migrate"}, manual, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "applied  0001  initial schema") {
		t.Fatalf("migrate: %q", out.String())
	}
	out.Reset()
	if err := run([]string{"migrate", "--status"}, manual, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "applied  0001  initial schema") || strings.Contains(out.String(), "pending") {
		t.Fatalf("status after migrate: %q", out.String())
	}
	if err := run([]string{"user", "add", "--email", "ada@example.com", "--password", "correct horse"}, manual, &out, &bytes.Buffer{}); err != nil {
		t.Fatalf("user add after migrate: %v", err)
	}
}

// Every command refuses what it does not take, with its usage on stderr and exit code 2; --help
// prints the usage and exits 0.
func TestCommandLineIsStrict(t *testing.T) {
	getenv := testGetenv(t)
	for _, args := range [][]string{
		{"serve", "--port", "9000"},
		{"--port", "9000"},
		{"serve", "extra"},
		{"serve", "--addr", ":99999"},
		{"migrate", "--dry-run"},
		{"migrate", "now"},
		{"recount", "--all"},
		{"recount", "everyone"},
		{"user"},
		{"user", "remove"},
		{"user", "add", "--email", "a@example.com", "--password", "long enough", "--colour", "red"},
		{"user", "add", "--email", "a@example.com"},
		{"demo", "extra"},
		{"demo", "--name", "x"},
		{"config"},
		{"config", "get"},
		{"config", "update", "api"},
		{"admin", "new", "root"},
		{"admin", "rename", "a", "b"},
		{"version", "--long"},
		{"frobnicate"},
	} {
		var stdout, stderr bytes.Buffer
		if code := exitCode(run(args, getenv, &stdout, &stderr), &stderr); code != 2 {
			t.Errorf("%v: exit code %d, want 2; stderr %q", args, code, stderr.String())
			continue
		}
		if !strings.Contains(stderr.String(), "usage: sharepanel") && !strings.Contains(stderr.String(), "Usage:") {
			t.Errorf("%v: no usage on stderr: %q", args, stderr.String())
		}
	}
	for _, args := range [][]string{{"--help"}, {"help"}, {"serve", "--help"}, {"migrate", "-h"}, {"recount", "--help"}, {"user", "add", "--help"}, {"config", "--help"}, {"admin", "-h"}, {"demo", "--help"}} {
		var stdout, stderr bytes.Buffer
		if code := exitCode(run(args, getenv, &stdout, &stderr), &stderr); code != 0 || !strings.Contains(strings.ToLower(stdout.String()), "usage") {
			t.Errorf("%v: exit %d, stdout %q", args, code, stdout.String())
		}
	}
}

// version and --version print the module version, the VCS revision and its time.
func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		var out bytes.Buffer
		if err := run(args, func(string) string { return "" }, &out, &bytes.Buffer{}); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		if len(lines) != 4 || !strings.HasPrefix(lines[0], "sharepanel ") || !strings.HasPrefix(lines[1], "revision ") ||
			!strings.HasPrefix(lines[2], "built from a commit of ") || !strings.HasPrefix(lines[3], "go1.") {
			t.Fatalf("%v: %q", args, out.String())
		}
	}
}
