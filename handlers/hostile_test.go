package handlers_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"sharepanel/internal/testenv"
	"sharepanel/models"
)

// The user API's answers to hostile clients (issue 10). Each test failed before its fix.

// Point 3: a key creates keys with at most its own permissions; by default, its own.
func TestAKeyCreatesKeysWithAtMostItsOwnPermissions(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("free")
	ctx := context.Background()
	writeOnly, _, err := env.Store.CreateAPIKey(ctx, acct.User.ID, models.NewKey{Name: "wo", Permissions: "write"})
	if err != nil {
		t.Fatal(err)
	}
	create := func(key string, params map[string]any) *testenv.Response {
		params["mode"], params["action"], params["api_key"] = "api_keys", "create", key
		return env.Post(params)
	}
	for _, perms := range []string{"read,write", "read", "write,read"} {
		create(writeOnly, map[string]any{"permissions": perms}).
			Expect(t, http.StatusForbidden, "An API key may only create keys with its own permissions or fewer: this key has write")
	}
	// Without permissions, the new key gets the creating key's: write.
	res := create(writeOnly, map[string]any{"name": "child"})
	res.Expect(t, http.StatusOK, "API key created successfully")
	child := res.DataMap(t)["api_key"].(string)
	env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": child}).
		Expect(t, http.StatusForbidden, "This API key does not have read permission")
	create(writeOnly, map[string]any{"permissions": "write"}).Expect(t, http.StatusOK, "API key created successfully")
	// A read-write key may still make any key.
	create(acct.Key, map[string]any{"permissions": "read"}).Expect(t, http.StatusOK, "API key created successfully")
	create(acct.Key, map[string]any{}).Expect(t, http.StatusOK, "API key created successfully")
	var perms []string
	for _, k := range env.Get(map[string]string{"mode": "api_keys", "action": "list", "api_key": acct.Key}).DataList(t) {
		perms = append(perms, k["name"].(string)+"="+k["permissions"].(string))
	}
	if got := strings.Join(perms, " "); got != "test=read,write wo=write child=write New API Key=write New API Key=read New API Key=read,write" {
		t.Fatalf("keys: %s", got)
	}
}

// Point 5: expires_at has a range, so that nothing out of the databases' range is stored (year
// 10000 once made every use of the account's keys a 500 on SQLite, and create a 500 on MariaDB).
func TestTimeParametersHaveARange(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	key := env.NewAccount("free").Key
	create := func(expires string) *testenv.Response {
		return env.Post(map[string]any{"mode": "api_keys", "action": "create", "api_key": key, "expires_at": expires})
	}
	const msg = "expires_at must be in the future and at most 10 years from now"
	now := time.Now().UTC()
	for _, bad := range []string{
		"9999-12-31T23:59:59-12:00", // year 10000 in UTC
		"9999-12-31",
		"0001-01-01",
		"2001-01-01",
		now.Add(-time.Minute).Format(time.RFC3339),
		now.AddDate(10, 0, 2).Format(time.RFC3339),
	} {
		create(bad).Expect(t, http.StatusBadRequest, msg)
	}
	for _, good := range []string{now.Add(time.Hour).Format(time.RFC3339), now.AddDate(9, 11, 0).Format("2006-01-02")} {
		create(good).Expect(t, http.StatusOK, "API key created successfully")
	}
	env.Get(map[string]string{"mode": "api_keys", "action": "list", "api_key": key}).Expect(t, http.StatusOK, "API keys retrieved successfully")
	env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": key}).Expect(t, http.StatusOK, "Profile retrieved successfully")
}

// Point 8: a HEAD answer has no body, so HEAD with mode=auth must not make a key nobody can see.
func TestHeadAuthCreatesNothing(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("free")
	target := "/api?mode=auth&email=" + url.QueryEscape(acct.User.Email) + "&password=" + url.QueryEscape(acct.Password)
	res := env.Do(http.MethodHead, target, nil, nil)
	if res.Code != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "GET, POST" || len(res.Body) != 0 {
		t.Fatalf("HEAD mode=auth: %d Allow %q body %q", res.Code, res.Header.Get("Allow"), res.Body)
	}
	if n := len(env.Get(map[string]string{"mode": "api_keys", "action": "list", "api_key": acct.Key}).DataList(t)); n != 1 {
		t.Fatalf("%d keys after HEAD mode=auth, want the 1 the account had", n)
	}
	// HEAD still works where it reads.
	if res := env.Do(http.MethodHead, "/api?mode=profile&action=view&api_key="+acct.Key, nil, nil); res.Code != http.StatusOK {
		t.Fatalf("HEAD profile view: %d", res.Code)
	}
}

// Point 8: the reference's clients log in with mode=auth on every run. Keys made by logins are
// capped at 10 per account, the oldest revoked when an 11th is made; keys made with api_keys
// create keep their own cap of 25 and are never revoked by logins.
func TestLoginKeysAreCappedAndTheOldestRevoked(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("free") // holds 1 key made with api_keys create
	login := func() string {
		res := env.Get(map[string]string{"mode": "auth", "email": acct.User.Email, "password": acct.Password})
		res.Expect(t, http.StatusOK, "Authentication successful")
		return res.DataMap(t)["api_key"].(string)
	}
	var keys []string
	for range 30 { // well past the old cap of 25 keys in all
		keys = append(keys, login())
	}
	for i, k := range keys {
		res := env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": k})
		if i < 20 {
			res.Expect(t, http.StatusUnauthorized, "Invalid or expired API key")
		} else {
			res.Expect(t, http.StatusOK, "Profile retrieved successfully")
		}
	}
	list := env.Get(map[string]string{"mode": "api_keys", "action": "list", "api_key": acct.Key}).DataList(t)
	if len(list) != 11 {
		t.Fatalf("%d keys listed, want the created one and 10 login keys", len(list))
	}
	// api_keys create still has its own 24 more.
	for i := 1; i < models.MaxActiveKeys; i++ {
		env.Post(map[string]any{"mode": "api_keys", "action": "create", "api_key": acct.Key}).Expect(t, 200, "API key created successfully")
	}
	env.Post(map[string]any{"mode": "api_keys", "action": "create", "api_key": acct.Key}).
		Expect(t, http.StatusForbidden, "API key limit reached: an account may hold 25 active keys. Delete one first")
	k := login() // and logins go on, revoking login keys only
	env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": k}).Expect(t, http.StatusOK, "Profile retrieved successfully")
	env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": keys[20]}).Expect(t, http.StatusUnauthorized, "Invalid or expired API key")
	env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": acct.Key}).Expect(t, http.StatusOK, "Profile retrieved successfully")
}

// Point 8: expired keys are purged when the account makes a key, so they neither pile up nor
// show in api_keys list.
func TestExpiredKeysArePurged(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("free")
	past := time.Now().Add(-time.Hour)
	if _, _, err := env.Store.CreateAPIKey(context.Background(), acct.User.ID, models.NewKey{Name: "old", Permissions: "read", ExpiresAt: &past}); err != nil {
		t.Fatal(err)
	}
	env.Post(map[string]any{"mode": "api_keys", "action": "create", "api_key": acct.Key, "name": "new"}).Expect(t, 200, "API key created successfully")
	var names []string
	for _, k := range env.Get(map[string]string{"mode": "api_keys", "action": "list", "api_key": acct.Key}).DataList(t) {
		names = append(names, k["name"].(string))
	}
	if got := strings.Join(names, ","); got != "test,new" {
		t.Fatalf("keys after a creation: %s, want the expired one purged", got)
	}
}

// Point 10: answers that carry a key are never stored by a cache; other reads are kept by the
// browser's only, revalidated (TestReadAnswersArePrivate), not no-store.
func TestSecretAnswersAreNeverCached(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("free")
	for name, res := range map[string]*testenv.Response{
		"auth":         env.Get(map[string]string{"mode": "auth", "email": acct.User.Email, "password": acct.Password}),
		"create":       env.Post(map[string]any{"mode": "api_keys", "action": "create", "api_key": acct.Key}),
		"auth refused": env.Get(map[string]string{"mode": "auth", "email": acct.User.Email, "password": "wrong-password"}),
	} {
		if res.Header.Get("Cache-Control") != "no-store" || res.Header.Get("Pragma") != "no-cache" {
			t.Errorf("%s (%d): Cache-Control %q Pragma %q", name, res.Code, res.Header.Get("Cache-Control"), res.Header.Get("Pragma"))
		}
	}
	res := env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": acct.Key})
	if res.Header.Get("Cache-Control") != "private, no-cache" || res.Header.Get("Pragma") != "" {
		t.Errorf("profile view: Cache-Control %q Pragma %q", res.Header.Get("Cache-Control"), res.Header.Get("Pragma"))
	}
}

// Point 11: a JSON body that names a parameter twice is refused (query strings and forms keep the
// first, JSON kept the last: a proxy and the gateway could read different requests).
func TestDuplicateJSONKeysAreRefused(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("free")
	jsonType := http.Header{"Content-Type": {"application/json"}}
	body := `{"mode":"profile","action":"update","api_key":"` + acct.Key + `","bio":"first","bio":"second"}`
	env.Do(http.MethodPost, "/api", body, jsonType).Expect(t, http.StatusBadRequest, `Invalid JSON body: "bio" is given twice`)
	body = `{"mode":"profile","mode":"orgs","action":"view","api_key":"` + acct.Key + `"}`
	env.Do(http.MethodPost, "/api", body, jsonType).Expect(t, http.StatusBadRequest, `Invalid JSON body: "mode" is given twice`)
	if bio := env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": acct.Key}).DataMap(t)["bio"]; bio != "" {
		t.Fatalf("bio %q stored from a refused body", bio)
	}
	// A form's first value wins, as the query's does (and a multipart form's).
	form := url.Values{"mode": {"profile"}, "action": {"update"}, "api_key": {acct.Key}, "bio": {"first", "second"}}
	env.Do(http.MethodPost, "/api", form, nil).Expect(t, http.StatusOK, "Profile updated successfully")
	if bio := env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": acct.Key}).DataMap(t)["bio"]; bio != "first" {
		t.Fatalf("bio %q, want the form's first", bio)
	}
}

// Point 11: invalid UTF-8 in a JSON string is a 400 (encoding/json would store U+FFFD), raw or as
// an escaped lone surrogate; a valid escaped pair and a real U+FFFD are text like any other.
func TestInvalidUTF8InJSONIsRefused(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("free")
	jsonType := http.Header{"Content-Type": {"application/json"}}
	update := func(bioJSON string) *testenv.Response {
		return env.Do(http.MethodPost, "/api", `{"mode":"profile","action":"update","api_key":"`+acct.Key+`","bio":`+bioJSON+`}`, jsonType)
	}
	for _, bad := range []string{"\"a\xffb\"", `"a\ud800b"`, `"a\udc00b"`, `"\ud800\ud800"`} {
		update(bad).Expect(t, http.StatusBadRequest, "Invalid JSON body: text must be valid UTF-8")
	}
	for bioJSON, want := range map[string]string{`"\ud83d\ude00"`: "\U0001F600", `"\ufffd"`: "\ufffd", `"caf\u00e9 \\ud800"`: `café \ud800`} {
		update(bioJSON).Expect(t, http.StatusOK, "Profile updated successfully")
		if bio := env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": acct.Key}).DataMap(t)["bio"]; bio != want {
			t.Fatalf("bio %q, want %q", bio, want)
		}
	}
}

// Point 11: control characters are refused in text parameters (a bio may hold tab and newline).
func TestControlCharactersAreRefused(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("free")
	post := func(p map[string]any) *testenv.Response {
		p["api_key"] = acct.Key
		return env.Post(p)
	}
	post(map[string]any{"mode": "orgs", "action": "new", "title": "Acme\x00Corp"}).
		Expect(t, http.StatusBadRequest, "title must not contain control characters")
	post(map[string]any{"mode": "orgs", "action": "new", "title": "Acme\nCorp"}).
		Expect(t, http.StatusBadRequest, "title must not contain control characters")
	post(map[string]any{"mode": "profile", "action": "update", "first_name": "Ada\x1b[2J"}).
		Expect(t, http.StatusBadRequest, "first_name must not contain control characters")
	post(map[string]any{"mode": "profile", "action": "update", "bio": "one\x00two"}).
		Expect(t, http.StatusBadRequest, "bio must not contain control characters other than tab and newline")
	post(map[string]any{"mode": "profile", "action": "update", "bio": "one\u0085two"}).
		Expect(t, http.StatusBadRequest, "bio must not contain control characters other than tab and newline")
	post(map[string]any{"mode": "api_keys", "action": "create", "name": "ci\x07"}).
		Expect(t, http.StatusBadRequest, "name must not contain control characters")
	if n := len(env.Get(map[string]string{"mode": "orgs", "action": "list", "api_key": acct.Key}).DataList(t)); n != 0 {
		t.Fatalf("%d organizations made by refused requests", n)
	}
	post(map[string]any{"mode": "profile", "action": "update", "bio": "line one\r\n\tline two"}).Expect(t, http.StatusOK, "Profile updated successfully")
	if bio := env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": acct.Key}).DataMap(t)["bio"]; bio != "line one\r\n\tline two" {
		t.Fatalf("bio %q", bio)
	}
}

// Point 11: keys the database does not know are throttled per client address like failed logins:
// past 30 failures a minute, a key the key cache cannot answer is refused with 429 before any
// database lookup; keys in the cache go on working from that address, other addresses are not
// affected.
//
// Forged keys of the current, checksummed shape never reach the database (keyshape_test.go); the
// guesses here have the shape of keys issued before checksums, which still cost a lookup.
func TestFailedKeyLookupsAreThrottledPerIP(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("free")
	from := func(ip, key string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/api?mode=profile&action=view", nil)
		req.RemoteAddr = net.JoinHostPort(ip, "4000")
		req.Header.Set("X-API-Key", key)
		rec := httptest.NewRecorder()
		env.Echo.ServeHTTP(rec, req)
		return rec
	}
	if rec := from("203.0.113.5", acct.Key); rec.Code != http.StatusOK { // now in the key cache
		t.Fatalf("valid key: %d", rec.Code)
	}
	sql := testenv.LogSQL(t, env.Store)
	for i := range 30 {
		if rec := from("203.0.113.5", legacyShapedGuess(i)); rec.Code != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d %s", i, rec.Code, rec.Body)
		}
	}
	if n := sql.ReadsMentioning("api_keys"); n != 30 {
		t.Fatalf("%d key lookups for 30 unknown keys", n)
	}
	sql.Reset()
	rec := from("203.0.113.5", legacyShapedGuess(31))
	if rec.Code != http.StatusTooManyRequests || !strings.Contains(rec.Body.String(), `"message":"Too many invalid API keys from this address. Please try again later."`) {
		t.Fatalf("31st unknown key: %d %s", rec.Code, rec.Body)
	}
	if s, err := strconv.Atoi(rec.Header().Get("Retry-After")); err != nil || s < 1 || s > 60 {
		t.Fatalf("Retry-After %q", rec.Header().Get("Retry-After"))
	}
	if n := sql.ReadsMentioning("api_keys"); n != 0 {
		t.Fatalf("a throttled key was looked up (%d queries)", n)
	}
	// The same /64 in IPv6 is one address; the cached key still works; another address is not throttled.
	if rec := from("203.0.113.5", acct.Key); rec.Code != http.StatusOK {
		t.Fatalf("cached valid key from a throttled address: %d %s", rec.Code, rec.Body)
	}
	if rec := from("198.51.100.7", legacyShapedGuess(32)); rec.Code != http.StatusUnauthorized {
		t.Fatalf("another address: %d", rec.Code)
	}
	for i := range 30 {
		from(fmt.Sprintf("2001:db8::%x", i+1), legacyShapedGuess(100+i))
	}
	if rec := from("2001:db8::ffff", legacyShapedGuess(200)); rec.Code != http.StatusTooManyRequests {
		t.Fatalf("IPv6 /64 after 30 failures from it: %d", rec.Code)
	}
}

// legacyShapedGuess is an unknown key of the pre-checksum shape: "sp_" and 43 base64url characters.
func legacyShapedGuess(i int) string { return fmt.Sprintf("sp_guess%038d", i) }
