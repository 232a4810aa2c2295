package admin_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"sharepanel/handlers/admin"
	"sharepanel/handlers/httpkit"
	"sharepanel/internal/testenv"
	"sharepanel/ratelimit"
)

// The admin API's answers to hostile clients, and what they leave for the user API (issue 10).
// Each test failed before its fix.

// Point 2: no spelling of an identity gets more guesses than the identity itself. After five wrong
// passwords lock an account, every spelling that reaches it (case, width, compatibility forms) is
// refused with 429 even with the right password; every spelling that MariaDB's utf8mb4_unicode_ci
// used to match to it (accents, zero-width characters) reaches no account; invisible characters
// are refused. On SQLite and on MariaDB alike: identities compare exactly, as normalised.
func TestLoginSpellingsShareOneBudget(t *testing.T) {
	const locked = "Rate limit exceeded. Please try again later."
	t.Run("mode=auth", func(t *testing.T) {
		e := newEnv(t, envOptions{Login: ratelimit.NewInProcessAuth()})
		e.as(t, http.MethodPost, "/api/users", map[string]string{"email": "dave@example.com", "username": "dave", "password": "dave-password-1"}).
			expectMessage(t, "Successfully added user dave")
		login := func(email, password string) *testenv.Response {
			return e.Get(map[string]string{"mode": "auth", "email": email, "password": password})
		}
		for range 5 {
			login("dave@example.com", "wrong-password").Expect(t, http.StatusUnauthorized, "Invalid email or password")
		}
		login("dave@example.com", "dave-password-1").Expect(t, http.StatusTooManyRequests, locked)
		for _, same := range []string{"DAVE@example.com", " dave@EXAMPLE.com ", "ｄave@example.com", "dave＠example.com"} {
			login(same, "dave-password-1").Expect(t, http.StatusTooManyRequests, locked)
		}
		for _, other := range []string{"dáve@example.com", "dave@exámple.com", "dâve@example.com"} {
			login(other, "dave-password-1").Expect(t, http.StatusUnauthorized, "Invalid email or password")
		}
		for _, invisible := range []string{"d\u200bave@example.com", "dave@example.com\u200d", "da\u00adve@example.com", "dave\u202e@example.com"} {
			login(invisible, "dave-password-1").Expect(t, http.StatusBadRequest, "email must not contain control or invisible characters")
		}
		// And none of those spellings can be made into an account of its own that collides.
		e.as(t, http.MethodPost, "/api/users", map[string]string{"email": "ＤＡＶＥ@example.com", "username": "dave2", "password": "dave-password-2"}).
			fail(t, http.StatusConflict, "A user with that email or username already exists")
		e.as(t, http.MethodPost, "/api/users", map[string]string{"email": "d\u200bave@example.com", "username": "dave3", "password": "dave-password-3"}).
			fail(t, http.StatusBadRequest, "email must not contain control or invisible characters")
	})
	t.Run("admin", func(t *testing.T) {
		e := newEnv(t, envOptions{Login: ratelimit.NewInProcessAuth()})
		if _, err := e.Store.CreateAdmin(context.Background(), "stefan", "stefan-password-1"); err != nil {
			t.Fatal(err)
		}
		token := func(username, password string) *response {
			return e.call(t, http.MethodPost, "/api/", map[string]string{"username": username, "password": password}, "")
		}
		for range 5 {
			token("stefan", "wrong-password").fail(t, http.StatusUnauthorized, "Invalid username or password")
		}
		res := token("stefan", "stefan-password-1")
		res.expectStatus(t, http.StatusTooManyRequests)
		for _, same := range []string{"STEFAN", "ſtefan", "ｓtefan", " stefan"} {
			token(same, "stefan-password-1").expectStatus(t, http.StatusTooManyRequests)
		}
		for _, other := range []string{"stéfan", "štefan", "stefän"} {
			token(other, "stefan-password-1").fail(t, http.StatusUnauthorized, "Invalid username or password")
		}
		for _, invisible := range []string{"stefan\u200b", "ste\u200cfan", "stefan\x00"} {
			token(invisible, "stefan-password-1").fail(t, http.StatusBadRequest, "username must not contain control or invisible characters")
		}
	})
}

// Point 9: an administrator's actions appear in the customer's activity log without the
// administrator's IP address (null); the customer's own actions keep the customer's.
func TestAdminActionsShowNoIPToCustomers(t *testing.T) {
	e := newEnv(t, envOptions{})
	_, _, key := e.createUser(t, "ada", "free")
	req := httptest.NewRequest(http.MethodPost, "/api/users/ada/balance", strings.NewReader(`{"amount": "2.50"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+e.Token)
	req.RemoteAddr = "10.9.8.7:4000" // the administrator's
	e.do(t, req).object(t)
	req = httptest.NewRequest(http.MethodPatch, "/api/users/ada", strings.NewReader(`{"password": "a new passphrase"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+e.Token)
	req.RemoteAddr = "10.9.8.7:4000"
	e.do(t, req).object(t)
	res := e.Get(map[string]string{"mode": "analytics", "action": "activity", "api_key": key})
	seen := map[string]bool{}
	for _, a := range res.DataList(t) {
		action := a["action"].(string)
		seen[action] = true
		ip, has := a["ip_address"]
		switch action {
		case "balance_credited", "password_changed":
			if !has || ip != nil {
				t.Errorf("%s by an administrator: ip_address %v (present %v), want null", action, ip, has)
			}
		case "api_key_created": // the customer's own login
			if ip != "192.0.2.1" {
				t.Errorf("%s by the customer: ip_address %v", action, ip)
			}
		}
	}
	if !seen["balance_credited"] || !seen["password_changed"] || !seen["api_key_created"] {
		t.Fatalf("activity %s", res.Body)
	}
	if strings.Contains(string(res.Body), "10.9.8.7") {
		t.Fatalf("the administrator's address is in the customer's activity: %s", res.Body)
	}
}

// Point 10: the admin answers that carry a secret (a token, an autologin token, a backup with the
// password hash) are never stored by a cache.
func TestAdminSecretsAreNeverCached(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createUser(t, "ada", "free")
	for name, res := range map[string]*response{
		"token":     e.call(t, http.MethodPost, "/api/", map[string]string{"username": "root", "password": rootPassword}, ""),
		"autologin": e.as(t, http.MethodPost, "/api/users/ada/autologin", nil),
		"export":    e.as(t, http.MethodGet, "/api/backups/ada", nil),
	} {
		res.expectStatus(t, http.StatusOK)
		if res.Header.Get("Cache-Control") != "no-store" || res.Header.Get("Pragma") != "no-cache" {
			t.Errorf("%s: Cache-Control %q Pragma %q", name, res.Header.Get("Cache-Control"), res.Header.Get("Pragma"))
		}
	}
}

// Point 11: notification links are same-site paths (one leading /, no backslash) or https URLs;
// protocol-relative and backslash forms, which browsers follow off-site, are refused.
func TestNotificationLinksStayOnSiteOrHTTPS(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createUser(t, "ada", "free")
	send := func(link string) *response {
		return e.as(t, http.MethodPost, "/api/notifications", map[string]any{"username": "ada", "title": "Hi", "link": link})
	}
	const msg = "link must be a path starting with a single / or an https URL"
	for _, bad := range []string{"//evil.example/x", `/\evil.example`, `/\/evil.example`, `\\evil.example`, "http://evil.example",
		"javascript:alert(1)", "https:/evil.example", "https://", "/ok\\path", "https://user@evil.example\\@good"} {
		send(bad).fail(t, http.StatusBadRequest, msg)
	}
	for _, good := range []string{"/billing/invoice/1", "/", "https://status.example.com/incident?id=1#top", "/search?q=a//b"} {
		send(good).object(t)
	}
}

// Point 11: the admin API refuses a JSON body that names a member twice, holds invalid UTF-8, or
// puts control characters in text.
func TestAdminBodiesAreStrict(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createUser(t, "ada", "free")
	e.as(t, http.MethodPost, "/api/users/ada/balance", `{"amount": "1.00", "amount": "5000.00"}`).
		fail(t, http.StatusBadRequest, `Invalid JSON body: "amount" is given twice`)
	e.as(t, http.MethodPost, "/api/notifications", "{\"username\": \"ada\", \"title\": \"Hi \xff\"}").
		fail(t, http.StatusBadRequest, "Invalid JSON body: text must be valid UTF-8")
	e.as(t, http.MethodPost, "/api/notifications", `{"username": "ada", "title": "Hi \ud800"}`).
		fail(t, http.StatusBadRequest, "Invalid JSON body: text must be valid UTF-8")
	e.as(t, http.MethodPost, "/api/notifications", map[string]any{"username": "ada", "title": "Hi\x00there"}).
		fail(t, http.StatusBadRequest, "title must not contain control characters")
	e.as(t, http.MethodPost, "/api/users/ada/instances", map[string]any{"name": "Shop\x1b[31m", "type": "SNCS"}).
		fail(t, http.StatusBadRequest, "name must not contain control characters")
	e.as(t, http.MethodPost, "/api/notifications", map[string]any{"username": "ada", "title": "Hi", "message": "a\x00b"}).
		fail(t, http.StatusBadRequest, "message must not contain control characters other than tab and newline")
	// Long text keeps its lines.
	e.as(t, http.MethodPost, "/api/notifications", map[string]any{"username": "ada", "title": "Hi", "message": "line one\n\tline two"}).object(t)
	if bal := e.as(t, http.MethodGet, "/api/users/ada", nil).object(t)["balance"]; bal != 0.0 {
		t.Fatalf("balance %v after a refused body", bal)
	}
}

// Point 11: a backup cannot grant its account a membership of an organization it does not hold:
// memberships of organizations outside the backup are not restored (and say so), nor are its
// instances put in them.
func TestRestoreRefusesForeignMemberships(t *testing.T) {
	e := newEnv(t, envOptions{})
	_, _, victimKey := e.createUser(t, "victim", "pro")
	vOrg := e.Post(map[string]any{"mode": "orgs", "action": "new", "api_key": victimKey, "title": "Victim Corp"}).DataMap(t)["org_id"].(float64)
	e.createUser(t, "mallory", "free")
	doc := e.as(t, http.MethodGet, "/api/backups/mallory", nil).object(t)
	doc["memberships"] = []map[string]any{{"org_path": "victim-corp", "isAdmin": 1, "permissionlevel": 3, "created_at": "2024-01-01 00:00:00"}}
	doc["instances"] = []map[string]any{{"id": 0, "instance_name": "Implant", "instance_path": "implant", "type": "SNCS", "instance_type": "default",
		"status": "active", "created_at": "2024-01-01 00:00:00", "org_path": "victim-corp"}}
	res := e.as(t, http.MethodPost, "/api/backups", map[string]any{"backup": doc, "username": "mallory2", "email": "mallory2@example.com"}).object(t)
	skipped, _ := res["skipped"].([]any)
	want := []string{
		"membership of organization victim-corp: not in this backup; a restore cannot grant access to another account's organization",
		"organization victim-corp of instance implant: not in this backup; the instance is restored outside any organization",
	}
	if len(skipped) != 2 || skipped[0] != want[0] || skipped[1] != want[1] {
		t.Fatalf("skipped %v, want %v", skipped, want)
	}
	members := e.Get(map[string]string{"mode": "orgs", "action": "members", "org_id": strconv.Itoa(int(vOrg)), "api_key": victimKey}).DataList(t)
	if len(members) != 1 {
		t.Fatalf("victim's organization has %d members after the restore: %v", len(members), members)
	}
}

// Point 8: spending an autologin token and making its key are one transaction: when the key
// cannot be made, the token is not spent and works again.
func TestAutologinIsOneTransaction(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createUser(t, "ada", "free")
	var fail atomic.Bool
	err := e.Store.DB().Callback().Create().Before("gorm:create").Register("test:fail_api_keys", func(db *gorm.DB) {
		if fail.Load() && db.Statement.Table == "api_keys" {
			_ = db.AddError(errors.New("injected failure"))
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	token := e.as(t, http.MethodPost, "/api/users/ada/autologin", nil).object(t)["autologin_token"].(string)
	fail.Store(true)
	e.Get(map[string]string{"mode": "auth", "autologin_token": token}).Expect(t, http.StatusInternalServerError, "Internal server error")
	fail.Store(false)
	e.Get(map[string]string{"mode": "auth", "autologin_token": token}).Expect(t, http.StatusOK, "Authentication successful")
	e.Get(map[string]string{"mode": "auth", "autologin_token": token}).Expect(t, http.StatusUnauthorized, "Invalid or expired autologin token")
}

// Point 1, on the admin API: bodies count in the process's body budget only once a handler reads
// them, after the token check (an unauthenticated request reserves nothing, however large it says
// it is); the token request, read before anyone is known, takes at most 64 KB.
func TestAdminBodiesBeforeTheToken(t *testing.T) {
	budget := httpkit.NewBodyBudget(1<<20, 50*time.Millisecond)
	e := newEnv(t, envOptions{Deps: func(d *admin.Deps) { d.Bodies = budget }})
	chunked := func(path, token string) *response {
		req := httptest.NewRequest(http.MethodPost, path, struct{ io.Reader }{strings.NewReader(`{"backup": {}}`)})
		req.ContentLength = -1 // chunked: the route's most (64 MB for a restore) would be reserved
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		return e.do(t, req)
	}
	chunked("/api/backups", "").fail(t, http.StatusUnauthorized, "Missing token: send the header Authorization: Bearer ACCESS_TOKEN")
	chunked("/api/backups", e.Token).fail(t, http.StatusRequestEntityTooLarge, "Payload too large. This server holds at most 1048576 bytes of request bodies at once")
	if budget.InUse() != 0 {
		t.Fatalf("%d bytes held after the requests", budget.InUse())
	}
	big := `{"username":"root","password":"` + strings.Repeat("x", 64<<10) + `"}`
	e.call(t, http.MethodPost, "/api/", big, "").fail(t, http.StatusRequestEntityTooLarge, "Request body too large: at most 65536 bytes")
}

// Form bodies hold to the same rule as JSON ones: invalid UTF-8 is a 400, not text silently
// mangled to U+FFFD ("Hi\ufffdthere") on its way to the customer (the form is re-encoded as JSON).
func TestAdminFormBodiesRefuseInvalidUTF8(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createUser(t, "ada", "free")
	req := httptest.NewRequest(http.MethodPost, "/api/notifications", strings.NewReader("username=ada&title=Hi%FFthere&message=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+e.Token)
	res := e.do(t, req)
	if res.Code != http.StatusBadRequest || !strings.Contains(string(res.Body), "valid UTF-8") {
		t.Fatalf("a form with invalid UTF-8: %d %s, want 400 naming UTF-8 (as its JSON form is)", res.Code, res.Body)
	}
}
