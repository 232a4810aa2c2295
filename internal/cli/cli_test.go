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
