package cli

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sharepanel/handlers"
	"sharepanel/internal/testenv"
	"sharepanel/models"
)

var demoKeyLine = regexp.MustCompile(`API key:\s+(sp_[A-Za-z0-9_-]+)`)

// runDemo runs `sharepanel demo args...` against dbURL and returns the key it printed.
func runDemo(t *testing.T, dbURL string, args ...string) (key, out string) {
	t.Helper()
	env := map[string]string{"SHAREPANEL_DATABASE_URL": dbURL, "SHAREPANEL_LOG_FORMAT": "text"}
	var stdout, stderr bytes.Buffer
	if err := run(append([]string{"demo"}, args...), func(k string) string { return env[k] }, &stdout, &stderr); err != nil {
		t.Fatalf("demo: %v\n%s", err, stderr.String())
	}
	m := demoKeyLine.FindStringSubmatch(stdout.String())
	if m == nil {
		t.Fatalf("no API key in the output:\n%s", stdout.String())
	}
	return m[1], stdout.String()
}

func TestDemoCommand(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "demo.db")
	dbURL := "sqlite://" + dbPath
	firstKey, out := runDemo(t, dbURL)
	for _, want := range []string{
		"Created the demo account in " + dbURL,
		"email:     demo@sharepanel.local",
		"member:    demo-member@sharepanel.local",
		"open the console at http://localhost:8080/ and sign in",
		`curl "http://localhost:8080/api?mode=billing&action=invoices&api_key=` + firstKey + `"`,
	} {
		if !strings.Contains(out, want) {
			t.Fatalf("output lacks %q:\n%s", want, out)
		}
	}
	password := regexp.MustCompile(`password:\s+(\S+)`).FindStringSubmatch(out)
	if password == nil || len(password[1]) < 16 {
		t.Fatalf("no generated password in the output:\n%s", out)
	}

	key, out := runDemo(t, dbURL, "--password", "chosen-password")
	if !strings.Contains(out, "Reset the demo account in "+dbURL) || !strings.Contains(out, "password:  chosen-password") {
		t.Fatalf("second run output:\n%s", out)
	}

	ctx := context.Background()
	store, err := models.Open(ctx, dbURL, testenv.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	e, api := handlers.New(handlers.Deps{Store: store, Limiter: testenv.Unlimited{}, Log: testenv.Logger(t)})
	env := &testenv.Env{T: t, Store: store, API: api, Echo: e}
	call := func(kv ...string) *testenv.Response {
		t.Helper()
		p := map[string]string{"api_key": key}
		for i := 0; i+1 < len(kv); i += 2 {
			p[kv[i]] = kv[i+1]
		}
		res := env.Get(p)
		if res.Code != http.StatusOK {
			t.Fatalf("%v: %d %s", kv, res.Code, res.Body)
		}
		return res
	}

	// The first run's key died with the reset; the password is the second run's.
	env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": firstKey}).Expect(t, http.StatusUnauthorized, "Invalid or expired API key")
	env.Get(map[string]string{"mode": "auth", "email": "demo@sharepanel.local", "password": "chosen-password"}).Expect(t, http.StatusOK, "Authentication successful")

	// Every list of the billing, analytics and notifications modes has data.
	for _, q := range [][]string{
		{"mode", "billing", "action", "invoices"},
		{"mode", "billing", "action", "invoices", "status", "pending"},
		{"mode", "billing", "action", "invoices", "status", "paid"},
		{"mode", "billing", "action", "invoices", "status", "overdue"},
		{"mode", "billing", "action", "transactions"},
		{"mode", "billing", "action", "purchases"},
		{"mode", "billing", "action", "plans"},
		{"mode", "analytics", "action", "usage"},
		{"mode", "analytics", "action", "activity"},
		{"mode", "analytics", "action", "spending"},
		{"mode", "notifications", "action", "list"},
		{"mode", "notifications", "action", "list", "unread_only", "true"},
		{"mode", "api_keys", "action", "list"},
	} {
		if l := call(q...).DataList(t); len(l) == 0 {
			t.Errorf("%v: no data", q)
		}
	}
	usage := call("mode", "analytics", "action", "usage").DataList(t)
	if len(usage) < 5 {
		t.Errorf("usage covers %d days, want several", len(usage))
	}
	read := 0
	for _, n := range call("mode", "notifications", "action", "list").DataList(t) {
		if n["is_read"] == 1.0 {
			read++
		}
	}
	if read == 0 {
		t.Errorf("no read notification")
	}
	if c := call("mode", "notifications", "action", "unread_count").DataMap(t)["count"]; c == 0.0 {
		t.Errorf("no unread notification")
	}
	if b := call("mode", "billing", "action", "balance").DataMap(t)["balance"]; b == 0.0 {
		t.Errorf("balance %v", b)
	}
	o := call("mode", "analytics", "action", "overview").DataMap(t)
	for _, k := range []string{"total_orgs", "total_instances", "active_instances", "total_invoices", "total_spent", "current_balance", "active_api_keys"} {
		if o[k] == 0.0 {
			t.Errorf("overview %s is 0: %v", k, o)
		}
	}
	if o["total_orgs"].(float64) < 2 {
		t.Errorf("total_orgs %v, want at least 2", o["total_orgs"])
	}
	p := call("mode", "profile", "action", "view").DataMap(t)
	if p["plan"] != "pro" || p["username"] != "demo" {
		t.Errorf("profile %v", p)
	}
}

func TestDemoCommandFlags(t *testing.T) {
	dbURL := "sqlite://" + filepath.Join(t.TempDir(), "demo.db")
	var stdout bytes.Buffer
	getenv := func(k string) string { return map[string]string{"SHAREPANEL_DATABASE_URL": dbURL}[k] }
	if err := run([]string{"demo", "--password", "short"}, getenv, &stdout, &bytes.Buffer{}); err == nil || err.Error() != "demo: Password must be at least 8 characters" {
		t.Fatalf("short password: %v", err)
	}
	if err := run([]string{"demo", "extra"}, getenv, &stdout, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), `unexpected argument "extra"`) {
		t.Fatalf("extra argument: %v", err)
	}
	_, out := runDemo(t, dbURL, "--email", "showcase@example.org", "--password", "password-123")
	if !strings.Contains(out, "email:     showcase@example.org") || !strings.Contains(out, "member:    demo-member@example.org") {
		t.Fatalf("custom email output:\n%s", out)
	}
}

func TestRedactURL(t *testing.T) {
	if got := redactURL("mysql://sp:hunter2@db:3306/sharepanel"); strings.Contains(got, "hunter2") || !strings.Contains(got, "db:3306/sharepanel") {
		t.Fatalf("redacted %q", got)
	}
	if got := redactURL("sqlite:///var/lib/sp.db"); got != "sqlite:///var/lib/sp.db" {
		t.Fatalf("absolute sqlite %q", got)
	}
	if got := redactURL("sqlite://sp.db"); !strings.HasPrefix(got, "sqlite://sp.db (/") {
		t.Fatalf("relative sqlite %q: want the absolute path too", got)
	}
}
