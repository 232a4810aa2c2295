package handlers_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"sharepanel/handlers"
	"sharepanel/internal/testenv"
	"sharepanel/ratelimit"
)

// Issue 13, point 5: conditional reads, GitHub's way.

// dataETag is the strong ETag the issue asks for, computed from the answer: the first 128 bits of
// the SHA-256 of its data member as sent, base64url, quoted.
func dataETag(t *testing.T, body []byte) string {
	t.Helper()
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &env); err != nil || len(env.Data) == 0 {
		t.Fatalf("no data in %s: %v", body, err)
	}
	sum := sha256.Sum256(env.Data)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:16]) + `"`
}

// Read answers carry a strong ETag of their data; a GET or HEAD whose If-None-Match names it gets
// 304 with the rate-limit headers and no body, and counts against the limits like any answer.
func TestConditionalReads(t *testing.T) {
	env := testenv.New(t, testenv.Options{Limiter: ratelimit.NewMemory(ratelimit.MemoryOptions{})})
	acct := env.NewAccount("pro")
	h := func(kv ...string) http.Header {
		out := http.Header{"X-Api-Key": {acct.Key}}
		for i := 0; i+1 < len(kv); i += 2 {
			out.Add(kv[i], kv[i+1])
		}
		return out
	}
	const view = "/api?mode=profile&action=view"
	first := env.Do(http.MethodGet, view, nil, h())
	first.Expect(t, http.StatusOK, "Profile retrieved successfully")
	tag := first.Header.Get("ETag")
	if tag == "" || tag != dataETag(t, first.Body) {
		t.Fatalf("ETag %q, want %q (the data's)", tag, dataETag(t, first.Body))
	}
	if again := env.Do(http.MethodGet, view, nil, h()); again.Header.Get("ETag") != tag {
		t.Fatalf("the same data got ETag %q, then %q", tag, again.Header.Get("ETag"))
	}
	remaining := func(res *testenv.Response) int {
		n, err := strconv.Atoi(res.Header.Get("X-RateLimit-Remaining"))
		if err != nil {
			t.Fatalf("X-RateLimit-Remaining %q on %d", res.Header.Get("X-RateLimit-Remaining"), res.Code)
		}
		return n
	}
	left := remaining(env.Do(http.MethodGet, view, nil, h()))
	for i, inm := range []string{tag, "W/" + tag, `"nope", ` + tag, "*"} {
		for _, method := range []string{http.MethodGet, http.MethodHead} {
			res := env.Do(method, view, nil, h("If-None-Match", inm))
			left--
			if res.Code != http.StatusNotModified || len(res.Body) != 0 || res.Header.Get("ETag") != tag ||
				res.Header.Get("X-Request-ID") == "" || res.Header.Get("X-RateLimit-Limit") == "" || res.Header.Get("RateLimit") == "" {
				t.Fatalf("%s If-None-Match %s: %d, body %q, headers %v", method, inm, res.Code, res.Body, res.Header)
			}
			if got := remaining(res); got != left {
				t.Fatalf("304 #%d: X-RateLimit-Remaining %d, want %d (a 304 counts)", i, got, left)
			}
		}
	}
	// Another tag, or a POST (which If-None-Match does not apply to), is answered whole.
	env.Do(http.MethodGet, view, nil, h("If-None-Match", `"other"`)).Expect(t, http.StatusOK, "Profile retrieved successfully")
	post := env.Do(http.MethodPost, "/api", map[string]any{"mode": "profile", "action": "view"}, h("If-None-Match", tag))
	post.Expect(t, http.StatusOK, "Profile retrieved successfully")
	if post.Header.Get("ETag") != tag {
		t.Fatalf("POST read ETag %q", post.Header.Get("ETag"))
	}

	// A change makes another tag: the old one is answered whole.
	upd := env.Do(http.MethodPost, "/api", map[string]any{"mode": "profile", "action": "update", "bio": "changed"}, h())
	upd.Expect(t, http.StatusOK, "Profile updated successfully")
	if upd.Header.Get("ETag") != "" {
		t.Fatalf("a write answered ETag %q", upd.Header.Get("ETag"))
	}
	changed := env.Do(http.MethodGet, view, nil, h("If-None-Match", tag))
	changed.Expect(t, http.StatusOK, "Profile retrieved successfully")
	if changed.Header.Get("ETag") == tag || changed.Header.Get("ETag") != dataETag(t, changed.Body) {
		t.Fatalf("after a change: ETag %q (was %q)", changed.Header.Get("ETag"), tag)
	}

	// Lists too, page by page, with their paging headers; mode=auth (a secret) has none.
	page := env.Do(http.MethodGet, "/api?mode=api_keys&action=list&limit=1", nil, h())
	if page.Header.Get("ETag") != dataETag(t, page.Body) || page.Header.Get("X-Total-Count") != "1" {
		t.Fatalf("list: ETag %q, X-Total-Count %q", page.Header.Get("ETag"), page.Header.Get("X-Total-Count"))
	}
	if res := env.Do(http.MethodGet, "/api?mode=api_keys&action=list&limit=1", nil, h("If-None-Match", page.Header.Get("ETag"))); res.Code != http.StatusNotModified || res.Header.Get("Link") == "" {
		t.Fatalf("list 304: %d, Link %q", res.Code, res.Header.Get("Link"))
	}
	login := env.Get(map[string]string{"mode": "auth", "email": acct.User.Email, "password": acct.Password})
	login.Expect(t, http.StatusOK, "Authentication successful")
	if login.Header.Get("ETag") != "" {
		t.Fatalf("mode=auth answered ETag %q", login.Header.Get("ETag"))
	}

	// A 304 is usage like any answer: the key's requests so far, all successful.
	env.FlushUsage()
	id := keyOf(t, env, acct.Key, acct.Key)["id"]
	u := env.Get(map[string]string{"mode": "api_keys", "action": "usage", "api_key": acct.Key, "key_id": toString(id)}).DataMap(t)
	if u["error_count"] != float64(0) || u["total_requests"] != float64(17) {
		t.Fatalf("usage %v: want 17 requests, none an error", u)
	}
}

// Every read action answers an ETag of its data.
func TestEveryReadAnswersAnETag(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("pro")
	org := orgsCreate(t, env, acct.Key, nil)
	for _, q := range []string{
		"mode=profile&action=view", "mode=profile&action=stats", "mode=orgs&action=list", "mode=orgs&action=view&org_id=" + strconv.FormatInt(org, 10),
		"mode=orgs&action=members&org_id=" + strconv.FormatInt(org, 10), "mode=instances&action=list", "mode=billing&action=balance",
		"mode=billing&action=invoices", "mode=billing&action=transactions", "mode=billing&action=purchases", "mode=billing&action=plans",
		"mode=analytics&action=overview", "mode=analytics&action=usage", "mode=analytics&action=activity", "mode=analytics&action=spending",
		"mode=notifications&action=list", "mode=notifications&action=unread_count", "mode=api_keys&action=list",
		"mode=search&query=a", "mode=stats&type=overview", "mode=stats&type=instances", "mode=stats&type=organizations",
	} {
		res := env.Do(http.MethodGet, "/api?"+q, nil, http.Header{"X-Api-Key": {acct.Key}})
		if res.Code != http.StatusOK || res.Header.Get("ETag") != dataETag(t, res.Body) {
			t.Errorf("%s: %d, ETag %q", q, res.Code, res.Header.Get("ETag"))
		}
	}
}

// A read's answer (and its 304) is one account's data chosen by a header, so it says so: no shared
// cache keeps it, a browser's asks again, and caches that key on headers key on the API key's.
// (A hostile pass found reads with an ETag and no Cache-Control: a CDN rule keyed on the URL could
// hand one account's profile to another.)
func TestReadAnswersArePrivate(t *testing.T) {
	env := testenv.New(t, testenv.Options{Deps: func(d *handlers.Deps) { d.CORSOrigins = []string{"https://dash.example.net"} }})
	acct := env.NewAccount("pro")
	h := http.Header{"X-Api-Key": {acct.Key}, "Origin": {"https://dash.example.net"}}
	res := env.Do(http.MethodGet, "/api/profile/view", nil, h)
	res.Expect(t, http.StatusOK, "Profile retrieved successfully")
	check := func(res *testenv.Response) {
		t.Helper()
		vary := strings.ToLower(strings.Join(res.Header.Values("Vary"), ", "))
		if cc := res.Header.Get("Cache-Control"); cc != "private, no-cache" {
			t.Errorf("%d: Cache-Control %q, want private, no-cache", res.Code, cc)
		}
		for _, name := range []string{"origin", "authorization", "x-api-key"} {
			if !strings.Contains(vary, name) {
				t.Errorf("%d: Vary %q lacks %s", res.Code, vary, name)
			}
		}
	}
	check(res)
	h.Set("If-None-Match", res.Header.Get("ETag"))
	again := env.Do(http.MethodGet, "/api/profile/view", nil, h)
	if again.Code != http.StatusNotModified {
		t.Fatalf("If-None-Match of the same answer: %d", again.Code)
	}
	check(again)
}
