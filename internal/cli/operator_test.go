package cli

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"sharepanel/config"
	"sharepanel/models"
)

func TestConfigCommand(t *testing.T) {
	getenv := testGetenv(t)
	out := func(args ...string) (string, error) {
		var b bytes.Buffer
		err := run(args, getenv, &b, &bytes.Buffer{})
		return b.String(), err
	}
	// The document's commands: off from a clean start, then on.
	if got, err := out("config", "get", "api"); err != nil || got != "off\n" {
		t.Fatalf("config get api: %q %v", got, err)
	}
	if got, err := out("config", "update", "api", "on"); err != nil || got != "api is now on\n" {
		t.Fatalf("config update api on: %q %v", got, err)
	}
	if got, _ := out("config", "get", "api"); got != "on\n" {
		t.Fatalf("after update: %q", got)
	}
	if got, _ := out("config", "get", "currency"); got != "USD\n" {
		t.Fatalf("currency: %q", got)
	}
	if _, err := out("config", "update", "default_plan", "Pro"); err != nil {
		t.Fatal(err)
	}
	if got, _ := out("config", "get", "default_plan"); got != "pro\n" {
		t.Fatalf("default_plan: %q", got)
	}
	for _, bad := range [][]string{
		{"config"}, {"config", "get"}, {"config", "update", "api"}, {"config", "get", "jwt_secret"},
		{"config", "update", "api", "maybe"}, {"config", "update", "default_plan", "platinum"}, {"config", "update", "color", "red"},
	} {
		if _, err := out(bad...); err == nil {
			t.Errorf("%v: accepted", bad)
		}
	}
	if got, _ := out("config", "get", "api"); got != "on\n" {
		t.Fatalf("a refused update changed api: %q", got)
	}
}

func TestAdminCommand(t *testing.T) {
	getenv := testGetenv(t)
	out := func(args ...string) (string, error) {
		var b bytes.Buffer
		err := run(args, getenv, &b, &bytes.Buffer{})
		return b.String(), err
	}
	if got, err := out("admin", "new", "stefan", "megamind728"); err != nil || got != "created administrator stefan\n" {
		t.Fatalf("admin new: %q %v", got, err)
	}
	if _, err := out("admin", "new", "stefan", "another-pass"); err == nil || err.Error() != "Administrator stefan already exists" {
		t.Fatalf("duplicate: %v", err)
	}
	if _, err := out("admin", "new", "weak", "short"); err == nil {
		t.Fatal("weak password accepted")
	}
	if _, err := out("admin", "new", "olga", "olga-password"); err != nil {
		t.Fatal(err)
	}
	got, err := out("admin", "list")
	if err != nil || !strings.HasPrefix(got, "stefan\tcreated ") || !strings.Contains(got, "\nolga\tcreated ") || strings.Contains(got, "megamind") {
		t.Fatalf("admin list: %q %v", got, err)
	}
	if got, err := out("admin", "password", "stefan", "new-password-1"); err != nil || !strings.HasPrefix(got, "changed the password of administrator stefan") {
		t.Fatalf("admin password: %q %v", got, err)
	}
	if _, err := out("admin", "password", "nobody", "new-password-1"); err == nil || err.Error() != "Administrator not found" {
		t.Fatalf("password of unknown: %v", err)
	}
	if got, err := out("admin", "delete", "olga"); err != nil || got != "deleted administrator olga\n" {
		t.Fatalf("admin delete: %q %v", got, err)
	}
	if _, err := out("admin", "delete", "olga"); err == nil || err.Error() != "Administrator not found" {
		t.Fatalf("delete twice: %v", err)
	}
	if got, _ := out("admin", "list"); strings.Contains(got, "olga") {
		t.Fatalf("deleted admin listed: %q", got)
	}
	for _, bad := range [][]string{{"admin"}, {"admin", "new", "x"}, {"admin", "remove", "x"}, {"admin", "list", "x"}} {
		if _, err := out(bad...); err == nil {
			t.Errorf("%v: accepted", bad)
		}
	}
}

// sharepanel recount puts right totals that rows written behind their back made wrong (as an
// older replica's writes during a rolling upgrade would), for one account or all.
func TestRecountCommand(t *testing.T) {
	getenv := testGetenv(t)
	out := func(args ...string) (string, error) {
		var b bytes.Buffer
		err := run(args, getenv, &b, &bytes.Buffer{})
		return b.String(), err
	}
	for _, u := range []string{"ada", "bob"} {
		if _, err := out("user", "add", "--email", u+"@example.com", "--password", "password-"+u, "--plan", "pro"); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		t.Fatal(err)
	}
	store, err := models.Open(context.Background(), cfg.DatabaseURL, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	// Two invoices each, written as an older version would: no totals.
	if err := store.DB().Exec(`INSERT INTO invoices (user_id, invoice_number, total_amount, status, created_at)
		SELECT id, 'OLD-' || id || '-' || n, 5, 'pending', '2026-01-02 03:04:05+00:00' FROM users, (SELECT 1 AS n UNION SELECT 2)`).Error; err != nil {
		t.Fatal(err)
	}
	invoices := func(username string) int64 {
		id, err := store.AccountIDByUsername(context.Background(), username)
		if err != nil {
			t.Fatal(err)
		}
		st, err := store.StatsOverviewOf(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		return st.TotalInvoices
	}
	if invoices("ada") != 0 {
		t.Fatal("the totals saw rows written behind their back")
	}
	if got, err := out("recount", "--user", "ada"); err != nil || got != "recounted the totals of ada\n" {
		t.Fatalf("recount --user ada: %q %v", got, err)
	}
	if invoices("ada") != 2 || invoices("bob") != 0 {
		t.Fatalf("after recounting ada: ada %d, bob %d invoices; want 2 and 0", invoices("ada"), invoices("bob"))
	}
	if got, err := out("recount"); err != nil || got != "recounted the totals of 2 accounts\n" {
		t.Fatalf("recount: %q %v", got, err)
	}
	if invoices("bob") != 2 {
		t.Fatalf("after recounting all: bob %d invoices, want 2", invoices("bob"))
	}
	if _, err := out("recount", "--user", "nobody"); err == nil || err.Error() != "User not found" {
		t.Fatalf("recount of an unknown account: %v", err)
	}
}
