package admin_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"sharepanel/handlers/admin"
	"sharepanel/models"
	"sharepanel/ratelimit"
)

const testSecret = "test-secret-that-is-long-enough-0123456789"

func TestTokenAndWhoami(t *testing.T) {
	e := newEnv(t, envOptions{Secret: testSecret})
	// The document's flow: POST /api/ with JSON, then GET /api/whoami with the token.
	res := e.call(t, http.MethodPost, "/api/", map[string]string{"username": "root", "password": rootPassword}, "")
	res.expectStatus(t, http.StatusOK)
	tok, _ := res.JSON["access_token"].(string)
	if res.JSON["token_type"] != "Bearer" || res.JSON["expires_in"] != float64(3600) {
		t.Fatalf("token answer %s", res.Body)
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", tok)
	}
	var header, payload map[string]any
	for i, dst := range []*map[string]any{&header, &payload} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil || json.Unmarshal(b, dst) != nil {
			t.Fatalf("JWT part %d: %v", i, err)
		}
	}
	if header["alg"] != "HS256" || payload["sub"] != "root" || payload["exp"].(float64)-payload["iat"].(float64) != 3600 {
		t.Fatalf("JWT header %v payload %v", header, payload)
	}
	if strings.Contains(string(res.Body), rootPassword) {
		t.Fatal("the token answer echoes the password")
	}

	who := e.call(t, http.MethodGet, "/api/whoami", nil, tok)
	who.expectStatus(t, http.StatusOK)
	if len(who.JSON) != 1 || who.JSON["logged_in_as"] != "root" {
		t.Fatalf("whoami %s", who.Body)
	}
	// Without the trailing slash, and with the username in another case, too.
	res = e.call(t, http.MethodPost, "/api", map[string]string{"username": "ROOT", "password": rootPassword}, "")
	res.expectStatus(t, http.StatusOK)
}

func TestTokenErrors(t *testing.T) {
	e := newEnv(t, envOptions{})
	for _, tc := range []struct {
		name string
		body any
		code int
		msg  string
	}{
		{"empty body", nil, 400, "username and password are required"},
		{"no password", map[string]string{"username": "root"}, 400, "username and password are required"},
		{"no username", map[string]string{"password": rootPassword}, 400, "username and password are required"},
		{"bad JSON", `{"username": "root",`, 400, "Invalid JSON body"},
		{"array", `[1]`, 400, "Request body must be a JSON object"},
		{"object as username", `{"username": {}, "password": "x"}`, 400, "username must be a string"},
		{"wrong password", map[string]string{"username": "root", "password": "wrong-password"}, 401, "Invalid username or password"},
		{"unknown admin", map[string]string{"username": "nobody", "password": rootPassword}, 401, "Invalid username or password"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := e.call(t, http.MethodPost, "/api/", tc.body, "")
			res.fail(t, tc.code, tc.msg)
			if _, has := res.JSON["access_token"]; has {
				t.Fatal("error carries a token")
			}
		})
	}
	e.call(t, http.MethodGet, "/api/", nil, "").fail(t, 405, "Method not allowed for this endpoint")
	e.call(t, http.MethodGet, "/api/nothing-here", nil, e.Token).fail(t, 404, "Not found: no such endpoint. See docs/ADMIN_API.md")
}

// sign makes a token as an attacker or a clock in the past would.
func sign(t *testing.T, method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestBadTokensAre401(t *testing.T) {
	e := newEnv(t, envOptions{Secret: testSecret})
	now := time.Now()
	valid := func() jwt.MapClaims {
		return jwt.MapClaims{"aid": 1, "ver": 1, "sub": "root", "iss": "sharepanel", "aud": []string{"sharepanel-admin"},
			"iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	}
	with := func(k string, v any) jwt.MapClaims { c := valid(); c[k] = v; return c }
	without := func(k string) jwt.MapClaims { c := valid(); delete(c, k); return c }
	key := []byte(testSecret)
	// The control: a token made the same way but well-formed works, so the cases below fail for
	// their one defect.
	e.call(t, http.MethodGet, "/api/whoami", nil, sign(t, jwt.SigningMethodHS256, key, valid())).expectStatus(t, 200)

	const missing, invalid = "Missing token: send the header Authorization: Bearer ACCESS_TOKEN", "Invalid or expired token"
	cases := []struct {
		name, header, msg string
	}{
		{"no header", "", missing},
		{"basic auth", "Basic cm9vdDpyb290", missing},
		{"empty bearer", "Bearer ", missing},
		{"garbage", "Bearer not-a-jwt", invalid},
		{"expired", "Bearer " + sign(t, jwt.SigningMethodHS256, key, with("exp", now.Add(-time.Minute).Unix())), invalid},
		{"no expiry", "Bearer " + sign(t, jwt.SigningMethodHS256, key, without("exp")), invalid},
		{"other secret", "Bearer " + sign(t, jwt.SigningMethodHS256, []byte("another-secret-another-secret-xx"), valid()), invalid},
		{"HS384", "Bearer " + sign(t, jwt.SigningMethodHS384, key, valid()), invalid},
		{"alg none", "Bearer " + sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, valid()), invalid},
		{"wrong audience", "Bearer " + sign(t, jwt.SigningMethodHS256, key, with("aud", []string{"someone-else"})), invalid},
		{"wrong version", "Bearer " + sign(t, jwt.SigningMethodHS256, key, with("ver", 2)), invalid},
		{"subject of another admin", "Bearer " + sign(t, jwt.SigningMethodHS256, key, with("sub", "mallory")), invalid},
		{"unknown admin id", "Bearer " + sign(t, jwt.SigningMethodHS256, key, with("aid", 999)), invalid},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/api/users", nil)
			if tc.header != "" {
				req.Header.Set("Authorization", tc.header)
			}
			e.do(t, req).fail(t, http.StatusUnauthorized, tc.msg)
		})
	}
}

func TestTokenRevocation(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := context.Background()
	if _, err := e.Store.CreateAdmin(ctx, "temp", "temp-password-1"); err != nil {
		t.Fatal(err)
	}
	tok := e.login(t, "temp", "temp-password-1")
	e.call(t, http.MethodGet, "/api/whoami", nil, tok).expectStatus(t, 200)

	// A password change revokes the tokens issued before it.
	if err := e.Store.SetAdminPassword(ctx, "temp", "temp-password-2"); err != nil {
		t.Fatal(err)
	}
	e.call(t, http.MethodGet, "/api/whoami", nil, tok).fail(t, 401, "Invalid or expired token")
	e.call(t, http.MethodPost, "/api/", map[string]string{"username": "temp", "password": "temp-password-1"}, "").
		fail(t, 401, "Invalid username or password")
	tok = e.login(t, "temp", "temp-password-2")
	e.call(t, http.MethodGet, "/api/whoami", nil, tok).expectStatus(t, 200)

	// Deleting the administrator kills its token at once, and re-creating the name does not revive it.
	if err := e.Store.DeleteAdmin(ctx, "temp"); err != nil {
		t.Fatal(err)
	}
	e.call(t, http.MethodGet, "/api/whoami", nil, tok).fail(t, 401, "Invalid or expired token")
	if _, err := e.Store.CreateAdmin(ctx, "temp", "temp-password-2"); err != nil {
		t.Fatal(err)
	}
	e.call(t, http.MethodGet, "/api/whoami", nil, tok).fail(t, 401, "Invalid or expired token")
	// The root token was never affected.
	e.as(t, http.MethodGet, "/api/whoami", nil).expectStatus(t, 200)
}

// Without SHAREPANEL_JWT_SECRET, the secret is generated once and kept in the database: a token from
// one replica works on another.
func TestGeneratedSecretIsSharedByReplicas(t *testing.T) {
	e := newEnv(t, envOptions{})
	other := admin.New(admin.Deps{Store: e.Store, Log: e.API.Log})
	req := httptest.NewRequest(http.MethodGet, "/api/whoami", nil)
	req.Header.Set("Authorization", "Bearer "+e.Token)
	rec := httptest.NewRecorder()
	other.ServeHTTP(rec, req)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"logged_in_as":"root"`) {
		t.Fatalf("other replica: %d %s", rec.Code, rec.Body)
	}
	// A replica configured with its own secret refuses the stored secret's tokens.
	third := admin.New(admin.Deps{Store: e.Store, Log: e.API.Log, JWTSecret: testSecret})
	rec = httptest.NewRecorder()
	third.ServeHTTP(rec, req)
	if rec.Code != 401 {
		t.Fatalf("configured secret accepted a token of the stored one: %d", rec.Code)
	}
}

// Concurrent first uses of the generated secret agree on one.
func TestGeneratedSecretRace(t *testing.T) {
	e := newEnv(t, envOptions{APIOff: true})
	keys := make([][]byte, 8)
	var wg sync.WaitGroup
	for i := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k, err := e.Store.JWTSecret(context.Background())
			if err != nil {
				t.Error(err)
			}
			keys[i] = k
		}()
	}
	wg.Wait()
	for _, k := range keys[1:] {
		if string(k) != string(keys[0]) || len(k) < 32 {
			t.Fatalf("secrets differ or are short: %d bytes", len(k))
		}
	}
}

func TestAPISwitch(t *testing.T) {
	e := newEnv(t, envOptions{APIOff: true})
	const off = "API access is disabled. Enable it with: sharepanel config update api on"
	// Off from a clean start: no token, and nothing else either.
	res := e.call(t, http.MethodPost, "/api/", map[string]string{"username": "root", "password": rootPassword}, "")
	res.fail(t, http.StatusForbidden, off)
	e.call(t, http.MethodGet, "/api/whoami", nil, "").fail(t, http.StatusForbidden, off)

	e.setAPI(t, "on")
	tok := e.login(t, "root", rootPassword)
	e.call(t, http.MethodGet, "/api/whoami", nil, tok).expectStatus(t, 200)

	// Switched off through the API itself: the very next request is refused, token or not.
	res = e.call(t, http.MethodPatch, "/api/settings", map[string]string{"api": "off"}, tok)
	if got := res.object(t)["settings"].(map[string]any)["api"]; got != "off" {
		t.Fatalf("settings after switching off: %s", res.Body)
	}
	e.call(t, http.MethodGet, "/api/whoami", nil, tok).fail(t, http.StatusForbidden, off)
	e.call(t, http.MethodGet, "/api/users", nil, tok).fail(t, http.StatusForbidden, off)

	// And on again: the same token works, no restart.
	e.setAPI(t, "on")
	e.call(t, http.MethodGet, "/api/whoami", nil, tok).expectStatus(t, 200)
	if v, _ := e.Store.Setting(context.Background(), models.SettingAPI, ""); v != "on" {
		t.Fatalf("stored switch %q", v)
	}
}

func TestFailedLoginsAreLimited(t *testing.T) {
	clock := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	mem := ratelimit.NewMemory(ratelimit.MemoryOptions{Now: func() time.Time { return clock }})
	limits := ratelimit.NewAuth(mem, ratelimit.AuthLimits{IP: ratelimit.Limits{PerMinute: 7},
		FailedLogins: ratelimit.Limits{PerMinute: 3, PerDay: 10}})
	e := newEnv(t, envOptions{Login: limits, APIOff: true})
	e.setAPI(t, "on")
	attempt := func(ip, username, password string) *response {
		req := httptest.NewRequest(http.MethodPost, "/api/", strings.NewReader(`{"username":"`+username+`","password":"`+password+`"}`))
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = ip + ":40000"
		return e.do(t, req)
	}
	for i := 0; i < 3; i++ {
		attempt("192.0.2.1", "root", "wrong-password").fail(t, 401, "Invalid username or password")
	}
	// Per username: even the right password waits now, from any IP.
	res := attempt("192.0.2.1", "root", rootPassword)
	res.fail(t, http.StatusTooManyRequests, "Too many login attempts. Try again in 20 seconds.")
	if res.Header.Get("Retry-After") != "20" {
		t.Fatalf("Retry-After %q", res.Header.Get("Retry-After"))
	}
	attempt("198.51.100.7", "root", rootPassword).expectStatus(t, http.StatusTooManyRequests)

	// Per IP: this IP has made 4 requests of its 7 a minute; three more on other usernames use
	// them up, and the next is refused whatever the username. Another IP is not limited.
	attempt("192.0.2.1", "alice", "x-password").expectStatus(t, 401)
	attempt("192.0.2.1", "bob", "x-password").expectStatus(t, 401)
	attempt("192.0.2.1", "dave", "x-password").expectStatus(t, 401)
	attempt("192.0.2.1", "carol", "x-password").expectStatus(t, http.StatusTooManyRequests)
	attempt("198.51.100.7", "carol", "x-password").expectStatus(t, 401)

	// After a minute, root may log in again.
	clock = clock.Add(time.Minute)
	ok := attempt("192.0.2.1", "root", rootPassword)
	ok.expectStatus(t, 200)
	e.Token, _ = ok.JSON["access_token"].(string)

	// Failed logins are in the audit log, without the password.
	log := e.as(t, http.MethodGet, "/api/admin/log?action=login_failed", nil)
	entries := log.items(t)
	if len(entries) != 7 || entries[0]["target"] != "admin:carol" || strings.Contains(string(log.Body), "wrong-password") {
		t.Fatalf("login_failed entries: %s", log.Body)
	}
}

// Over the user API's login limiter (what main wires): failures per username are counted under
// "admin:", apart from mode=auth's emails, and end in 429 with Retry-After.
func TestAdminLoginsShareTheUserAPILimits(t *testing.T) {
	clock := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	mem := ratelimit.NewMemory(ratelimit.MemoryOptions{Now: func() time.Time { return clock }})
	auth := ratelimit.NewAuth(mem, ratelimit.AuthLimits{FailedLogins: ratelimit.Limits{PerMinute: 2, PerDay: 10}})
	e := newEnv(t, envOptions{Login: auth})
	for i := 0; i < 2; i++ {
		e.call(t, http.MethodPost, "/api/", map[string]string{"username": "root", "password": "wrong-password"}, "").
			fail(t, 401, "Invalid username or password")
	}
	res := e.call(t, http.MethodPost, "/api/", map[string]string{"username": "root", "password": rootPassword}, "")
	if res.Code != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" ||
		!strings.HasPrefix(res.JSON["error"].(string), "Too many login attempts. Try again in ") {
		t.Fatalf("after 2 failures: %d %s %v", res.Code, res.Body, res.Header)
	}
	// A user's email of the same name is another count.
	if d, err := auth.CheckLogin(context.Background(), "root"); err != nil || !d.Allowed {
		t.Fatalf("the email count was charged: %+v %v", d, err)
	}
	clock = clock.Add(time.Minute)
	e.call(t, http.MethodPost, "/api/", map[string]string{"username": "root", "password": rootPassword}, "").expectStatus(t, 200)
}
