package admin_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"sharepanel/handlers/admin"
)

func TestSettings(t *testing.T) {
	e := newEnv(t, envOptions{})
	got := e.as(t, http.MethodGet, "/api/settings", nil).object(t)
	if len(got) != 3 || got["api"] != "on" || got["default_plan"] != "free" || got["currency"] != "USD" {
		t.Fatalf("settings %v", got)
	}
	res := e.as(t, http.MethodPatch, "/api/settings", map[string]string{"default_plan": "Basic", "currency": "eur"})
	obj := res.object(t)
	if s := obj["settings"].(map[string]any); obj["message"] != "Settings updated" || s["default_plan"] != "basic" || s["currency"] != "EUR" {
		t.Fatalf("after update %s", res.Body)
	}
	if v, _ := e.Store.Setting(context.Background(), "currency", ""); v != "EUR" {
		t.Fatalf("stored currency %q", v)
	}
	for _, tc := range []struct {
		body any
		msg  string
	}{
		{map[string]string{"api": "maybe"}, "api must be on or off"},
		{map[string]string{"default_plan": "platinum"}, "Unknown plan: platinum"},
		{map[string]string{"currency": "EURO"}, "currency must be a three-letter code such as USD"},
		{map[string]string{"jwt_secret": "mine"}, `Unknown setting "jwt_secret". Settings: api, default_plan, currency`},
		{map[string]string{}, "No settings to update. Settings: api, default_plan, currency"},
		// All are checked before any is stored: the valid currency is not applied either.
		{map[string]string{"currency": "GBP", "default_plan": "platinum"}, "Unknown plan: platinum"},
	} {
		e.as(t, http.MethodPatch, "/api/settings", tc.body).fail(t, 400, tc.msg)
	}
	if got := e.as(t, http.MethodGet, "/api/settings", nil).object(t); got["currency"] != "EUR" || got["default_plan"] != "basic" {
		t.Fatalf("a refused update changed settings: %v", got)
	}
	// The generated JWT secret is a stored setting but never shown.
	if strings.Contains(string(e.as(t, http.MethodGet, "/api/settings", nil).Body), "jwt") {
		t.Fatal("settings show the JWT secret")
	}
}

func TestServices(t *testing.T) {
	e := newEnv(t, envOptions{})
	res := e.as(t, http.MethodGet, "/api/services", nil)
	items := res.items(t)
	if len(items) != 2 || items[0]["name"] != "database" || items[0]["status"] != "ok" || items[1]["name"] != "redis" ||
		items[1]["status"] != "not_configured" || items[1]["latency_ms"] != nil {
		t.Fatalf("services %s", res.Body)
	}
	if _, isNum := items[0]["latency_ms"].(float64); !isNum {
		t.Fatalf("database latency is not a number: %s", res.Body)
	}

	down := newEnv(t, envOptions{Deps: func(d *admin.Deps) {
		d.Redis = func(context.Context) error { return errors.New("dial tcp 127.0.0.1:6379: connect: connection refused") }
	}})
	items = down.as(t, http.MethodGet, "/api/services", nil).items(t)
	if items[1]["status"] != "down" || items[1]["error"] != "dial tcp 127.0.0.1:6379: connect: connection refused" {
		t.Fatalf("redis down: %v", items[1])
	}
	if _, isNum := items[1]["latency_ms"].(float64); !isNum {
		t.Fatalf("redis latency: %v", items[1])
	}
}

func TestAuditLog(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := context.Background()
	if _, err := e.Store.CreateAdmin(ctx, "second", "second-password"); err != nil {
		t.Fatal(err)
	}
	other := e.login(t, "second", "second-password")
	e.createUser(t, "ada", "free")
	e.as(t, http.MethodPatch, "/api/users/ada", map[string]string{"password": "secret-new-password"}).object(t)
	e.call(t, http.MethodPut, "/api/users/ada", map[string]string{"plan_name": "pro"}, other).object(t)
	e.as(t, http.MethodPut, "/api/users/ada", map[string]string{"plan_name": "platinum"}).fail(t, 400, "Unknown plan: platinum")
	e.as(t, http.MethodGet, "/api/backups/ada", nil).object(t)
	e.as(t, http.MethodDelete, "/api/users/ada", nil).object(t)

	res := e.as(t, http.MethodGet, "/api/admin/log", nil)
	entries := res.items(t)
	var got []string
	for _, en := range entries {
		got = append(got, en["admin"].(string)+" "+en["action"].(string)+" "+en["target"].(string)+" "+itoa(en["status"]))
	}
	want := []string{
		"root user_delete user:ada 200",
		"root backup_export user:ada 200",
		"root user_plan user:ada 400",
		"second user_plan user:ada 200",
		"root user_password user:ada 200",
		"root user_create user:ada 200",
		"second login admin:second 200",
		"root login admin:root 200",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("audit log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if res.Header.Get("X-Total-Count") != "8" || entries[0]["ip_address"] != "192.0.2.1" || len(entries[0]["created_at"].(string)) != 19 {
		t.Fatalf("audit entry %v", entries[0])
	}
	for _, secret := range []string{"secret-new-password", "pw-ada-123", rootPassword, "second-password", e.Token} {
		if strings.Contains(string(res.Body), secret) {
			t.Fatalf("the audit log holds a password or token")
		}
	}
	// Paging and filters.
	page := e.as(t, http.MethodGet, "/api/admin/log?limit=2&offset=1", nil).items(t)
	if len(page) != 2 || page[0]["action"] != "backup_export" {
		t.Fatalf("page %v", page)
	}
	if n := len(e.as(t, http.MethodGet, "/api/admin/log?admin=second", nil).items(t)); n != 2 {
		t.Fatalf("admin filter: %d entries", n)
	}
	e.as(t, http.MethodGet, "/api/admin/log?limit=501", nil).fail(t, 400, "limit must be an integer between 1 and 500")
}

func itoa(v any) string {
	f, _ := v.(float64)
	return strconv.Itoa(int(f))
}
