package handlers_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"testing"

	"sharepanel/handlers"
	"sharepanel/internal/testenv"
	"sharepanel/metrics"
	"sharepanel/models"
	"sharepanel/ratelimit"
)

// Issue 13, points 1 and 2: keys locked to client addresses (an IP allowlist) and to modes
// (scopes). Each failed before: unknown parameters were ignored, so api_keys create with
// allowed_ips or scopes made an unrestricted key.

// keyOf finds a key of the account by its secret's prefix in api_keys list.
func keyOf(t *testing.T, env *testenv.Env, listKey, secret string) map[string]any {
	t.Helper()
	for _, k := range env.Get(map[string]string{"mode": "api_keys", "action": "list", "api_key": listKey, "limit": "500"}).DataList(t) {
		if k["key_prefix"] == secret[:10] {
			return k
		}
	}
	t.Fatalf("no key %s… in api_keys list", secret[:10])
	return nil
}

// createKey is api_keys create with key and params; it returns the answer.
func createKey(env *testenv.Env, key string, params map[string]any) *testenv.Response {
	body := map[string]any{"mode": "api_keys", "action": "create", "api_key": key}
	for k, v := range params {
		body[k] = v
	}
	return env.Post(body)
}

// newKeyOf is api_keys create that must succeed; it returns the new secret.
func newKeyOf(t *testing.T, env *testenv.Env, key string, params map[string]any) string {
	t.Helper()
	res := createKey(env, key, params)
	res.Expect(t, http.StatusOK, "API key created successfully")
	return res.DataMap(t)["api_key"].(string)
}

// keyCount is how many keys the account has.
func keyCount(t *testing.T, env *testenv.Env, key string) int {
	t.Helper()
	return len(env.Get(map[string]string{"mode": "api_keys", "action": "list", "api_key": key, "limit": "500"}).DataList(t))
}

// expectRequestID checks that an error body carries the X-Request-ID header's value (point 6).
func expectRequestID(t *testing.T, res *testenv.Response) {
	t.Helper()
	if id := res.Env["request_id"]; id == nil || id != res.Header.Get("X-Request-ID") || id == "" {
		t.Fatalf("request_id %v, X-Request-ID %q; body %s", id, res.Header.Get("X-Request-ID"), res.Body)
	}
}

// Point 1: allowed_ips is parsed, kept in a canonical form, listed, and refused when invalid
// (naming every invalid entry) or longer than 20 entries; keys without it list null.
func TestAllowedIPsAreParsedAndListed(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("pro")
	if k := keyOf(t, env, acct.Key, acct.Key); k["allowed_ips"] != nil || k["scopes"] != nil {
		t.Fatalf("an unrestricted key lists allowed_ips %v, scopes %v; want null", k["allowed_ips"], k["scopes"])
	}
	for given, want := range map[string]string{
		"127.0.0.1, 10.0.0.0/8":                     "127.0.0.1,10.0.0.0/8",
		" 10.1.2.3/8 ,, 2001:DB8::/32, 10.0.0.0/8 ": "10.0.0.0/8,2001:db8::/32", // masked, lower-cased, duplicates once
		"::ffff:192.0.2.7,192.0.2.8/32,::1/128":     "192.0.2.7,192.0.2.8,::1",  // IPv4 in IPv6 as IPv4; a one-address block as the address
		"::ffff:10.0.0.0/104":                       "10.0.0.0/8",
	} {
		secret := newKeyOf(t, env, acct.Key, map[string]any{"allowed_ips": given})
		if got := keyOf(t, env, acct.Key, secret)["allowed_ips"]; got != want {
			t.Errorf("allowed_ips %q listed as %v, want %q", given, got, want)
		}
	}
	before := keyCount(t, env, acct.Key)
	for given, msg := range map[string]string{
		"10.0.0.1,example.com":                       "Invalid allowed_ips entry: example.com. Use IPv4 or IPv6 addresses and CIDR blocks, comma-separated",
		"10.0.0.0/33, 1.2.3, fe80::1%eth0, 10.0.0.1": "Invalid allowed_ips entries: 10.0.0.0/33, 1.2.3, fe80::1%eth0. Use IPv4 or IPv6 addresses and CIDR blocks, comma-separated",
		"::ffff:10.0.0.0/64":                         "Invalid allowed_ips entry: ::ffff:10.0.0.0/64. Use IPv4 or IPv6 addresses and CIDR blocks, comma-separated",
		strings.Repeat("10.0.0.1,", 21):              "allowed_ips holds at most 20 entries; this one has 21",
	} {
		res := createKey(env, acct.Key, map[string]any{"allowed_ips": given})
		res.Expect(t, http.StatusBadRequest, msg)
		expectRequestID(t, res)
	}
	twenty := strings.TrimSuffix(strings.Repeat("10.0.0.1,", 10)+strings.Repeat("2001:db8::1,", 10), ",")
	newKeyOf(t, env, acct.Key, map[string]any{"allowed_ips": twenty})
	if got := keyCount(t, env, acct.Key); got != before+1 {
		t.Fatalf("%d keys, want %d: a refused create made a key", got, before+1)
	}
}

// Point 1: a key with an allowlist is refused from any other client address with 403, before
// anything else is done for it (not charged to the limits), counted in the metrics and in the
// key's usage; from an address in the list it works. The client address is the usual rule's:
// the socket's, or X-Forwarded-For from SHAREPANEL_TRUSTED_PROXIES.
func TestAllowlistRefusesOtherAddresses(t *testing.T) {
	m := metrics.New()
	env := testenv.New(t, testenv.Options{
		Limiter: ratelimit.NewMemory(ratelimit.MemoryOptions{}),
		Deps: func(d *handlers.Deps) {
			d.Metrics = m
			d.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}
		},
	})
	acct := env.NewAccount("pro")
	locked := newKeyOf(t, env, acct.Key, map[string]any{"allowed_ips": "198.51.100.7,2001:db8:1::/48"})
	view := func(remote, forwarded string) *testenv.Response {
		h := http.Header{"X-Api-Key": {locked}}
		if forwarded != "" {
			h.Set("X-Forwarded-For", forwarded)
		}
		return env.DoFrom(remote, http.MethodGet, "/api?mode=profile&action=view", nil, h)
	}
	remaining := func(res *testenv.Response) int {
		n, err := strconv.Atoi(res.Header.Get("X-RateLimit-Remaining"))
		if err != nil {
			t.Fatalf("X-RateLimit-Remaining %q", res.Header.Get("X-RateLimit-Remaining"))
		}
		return n
	}

	ok := view("198.51.100.7:4000", "")
	ok.Expect(t, http.StatusOK, "Profile retrieved successfully")
	left := remaining(ok)
	view("[2001:db8:1:ff::9]:4000", "").Expect(t, http.StatusOK, "Profile retrieved successfully")
	left--
	for _, c := range []struct{ remote, forwarded, shown string }{
		{"203.0.113.9:4000", "", "203.0.113.9"},
		{"[2001:db8:2::1]:4000", "", "2001:db8:2::1"},
		{"192.0.2.10:4000", "203.0.113.50", "203.0.113.50"}, // through a trusted proxy: the forwarded address
		{"203.0.113.9:4000", "198.51.100.7", "203.0.113.9"}, // an untrusted client's X-Forwarded-For is not believed
		{"[::ffff:203.0.113.9]:4000", "", "203.0.113.9"},    // IPv4 in IPv6 is the IPv4 address
	} {
		res := view(c.remote, c.forwarded)
		res.Expect(t, http.StatusForbidden, "This API key may not be used from "+c.shown)
		expectRequestID(t, res)
		if h := res.Header.Get("X-RateLimit-Remaining"); h != "" {
			t.Fatalf("a refused address got rate-limit headers (%s): the limiter was asked", h)
		}
	}
	view("192.0.2.10:4000", "198.51.100.7").Expect(t, http.StatusOK, "Profile retrieved successfully")
	left--
	// The five refusals cost the account nothing: the next allowed request finds its limits as the
	// last allowed one left them.
	if got := remaining(view("198.51.100.7:4000", "")); got != left-1 {
		t.Fatalf("X-RateLimit-Remaining %d after the refusals, want %d", got, left-1)
	}
	// A write from elsewhere changes nothing.
	env.DoFrom("203.0.113.9:4000", http.MethodPost, "/api", map[string]any{"mode": "orgs", "action": "new", "title": "Stolen"}, http.Header{"X-Api-Key": {locked}}).
		Expect(t, http.StatusForbidden, "This API key may not be used from 203.0.113.9")
	if n := len(env.Get(map[string]string{"mode": "orgs", "action": "list", "api_key": acct.Key}).DataList(t)); n != 0 {
		t.Fatalf("%d organizations after a refused write", n)
	}
	// Keys without an allowlist work from anywhere, as before.
	env.DoFrom("203.0.113.9:4000", http.MethodGet, "/api?mode=profile&action=view", nil, http.Header{"X-Api-Key": {acct.Key}}).
		Expect(t, http.StatusOK, "Profile retrieved successfully")

	expectLine(t, scrape(t, m), `sharepanel_api_key_refusals_total{reason="ip"} 6`)
	expectLine(t, scrape(t, m), `sharepanel_http_requests_total{api="user",route="profile.view",status="403"} 5`)
	// The key's usage: 4 allowed requests, 6 refused.
	env.FlushUsage()
	id := keyOf(t, env, acct.Key, locked)["id"]
	u := env.Get(map[string]string{"mode": "api_keys", "action": "usage", "api_key": acct.Key, "key_id": toString(id)}).DataMap(t)
	if u["total_requests"] != float64(10) || u["success_count"] != float64(4) || u["error_count"] != float64(6) {
		t.Fatalf("usage of the locked key %v: want 10 requests, 4 successful, 6 errors", u)
	}
}

func toString(v any) string {
	if f, ok := v.(float64); ok {
		return strconv.FormatInt(int64(f), 10)
	}
	return v.(string)
}

// scrape is the metrics listener's /metrics text.
func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	return rec.Body.String()
}

// expectLine fails unless the metrics text has the line.
func expectLine(t *testing.T, text, line string) {
	t.Helper()
	if !slices.Contains(strings.Split(text, "\n"), line) {
		t.Errorf("no line %q in /metrics", line)
	}
}

// Point 2: scopes limit a key to modes, and to reading where it has read; write implies read;
// permissions keep their meaning across every mode and combine with scopes; an unknown mode is a 400.
func TestScopesLimitModes(t *testing.T) {
	m := metrics.New()
	env := testenv.New(t, testenv.Options{Deps: func(d *handlers.Deps) { d.Metrics = m }})
	acct := env.NewAccount("pro")
	scoped := newKeyOf(t, env, acct.Key, map[string]any{"scopes": "orgs:write, BILLING:read,billing:read"})
	if got := keyOf(t, env, acct.Key, scoped)["scopes"]; got != "orgs:write,billing:read" {
		t.Fatalf("scopes listed as %v", got)
	}
	get := func(key string, params ...string) *testenv.Response {
		q := map[string]string{"api_key": key}
		for i := 0; i+1 < len(params); i += 2 {
			q[params[i]] = params[i+1]
		}
		return env.Get(q)
	}
	post := func(key string, params map[string]any) *testenv.Response {
		params["api_key"] = key
		return env.Post(params)
	}
	// In scope: orgs read and write (write implies read), billing read.
	res := post(scoped, map[string]any{"mode": "orgs", "action": "new", "title": "Scoped"})
	res.Expect(t, http.StatusOK, "Organization created successfully")
	orgID := toString(res.DataMap(t)["org_id"])
	get(scoped, "mode", "orgs", "action", "view", "org_id", orgID).Expect(t, http.StatusOK, "Organization retrieved successfully")
	get(scoped, "mode", "billing", "action", "balance").Expect(t, http.StatusOK, "Balance retrieved successfully")
	// Out of scope.
	for _, c := range []struct {
		res *testenv.Response
		msg string
	}{
		{get(scoped, "mode", "profile", "action", "view"), "This API key may not use profile"},
		{get(scoped, "mode", "stats"), "This API key may not use stats"},
		{get(scoped, "mode", "search", "query", "Scoped"), "This API key may not use search"},
		{get(scoped, "mode", "api_keys", "action", "list"), "This API key may not use api_keys"},
		{post(scoped, map[string]any{"mode": "notifications", "action": "mark_read"}), "This API key may not use notifications"},
		{post(scoped, map[string]any{"mode": "billing", "action": "nope"}), ""}, // an unknown action is a 400 first
	} {
		if c.msg == "" {
			c.res.Expect(t, http.StatusBadRequest, "Invalid action for billing mode")
			continue
		}
		c.res.Expect(t, http.StatusForbidden, c.msg)
		expectRequestID(t, c.res)
	}
	// billing:read may not change billing; a read-only key with orgs:write may not change orgs.
	readOnly := newKeyOf(t, env, acct.Key, map[string]any{"permissions": "read", "scopes": "orgs:write,profile:read"})
	post(readOnly, map[string]any{"mode": "orgs", "action": "delete", "org_id": orgID}).Expect(t, http.StatusForbidden, "This API key does not have write permission")
	post(readOnly, map[string]any{"mode": "profile", "action": "update", "bio": "x"}).Expect(t, http.StatusForbidden, "This API key does not have write permission")
	writeOnly := newKeyOf(t, env, acct.Key, map[string]any{"permissions": "write", "scopes": "profile:read,orgs:write"})
	post(writeOnly, map[string]any{"mode": "profile", "action": "update", "bio": "x"}).Expect(t, http.StatusForbidden, "This API key may not change profile")
	get(writeOnly, "mode", "orgs", "action", "list").Expect(t, http.StatusForbidden, "This API key does not have read permission")
	post(writeOnly, map[string]any{"mode": "orgs", "action": "update", "org_id": orgID, "title": "Renamed"}).Expect(t, http.StatusOK, "Organization updated successfully")

	before := keyCount(t, env, acct.Key)
	for given, msg := range map[string]string{
		"orgs:write,auth:read": `Invalid scope "auth:read": use <mode>:read or <mode>:write, where mode is one of profile, orgs, instances, billing, analytics, notifications, api_keys, search, stats`,
		"orgs":                 `Invalid scope "orgs": use <mode>:read or <mode>:write, where mode is one of profile, orgs, instances, billing, analytics, notifications, api_keys, search, stats`,
		"orgs:admin":           `Invalid scope "orgs:admin": use <mode>:read or <mode>:write, where mode is one of profile, orgs, instances, billing, analytics, notifications, api_keys, search, stats`,
		"servers:read":         `Invalid scope "servers:read": use <mode>:read or <mode>:write, where mode is one of profile, orgs, instances, billing, analytics, notifications, api_keys, search, stats`,
	} {
		createKey(env, acct.Key, map[string]any{"scopes": given}).Expect(t, http.StatusBadRequest, msg)
	}
	if got := keyCount(t, env, acct.Key); got != before {
		t.Fatalf("%d keys after refused creates, want %d", got, before)
	}
	expectLine(t, scrape(t, m), `sharepanel_api_key_refusals_total{reason="scope"} 6`)
}

// Point 2 with issue 10's rule: a key creates keys only within its own permissions, lifetime,
// scopes and allowlist; by default a new key gets the creating key's.
func TestAKeyCreatesKeysWithinItsOwnScopesAndAllowlist(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("pro")
	ctx := context.Background()
	parent, _, err := env.Store.CreateAPIKey(ctx, acct.User.ID, models.NewKey{Name: "parent", Permissions: "read,write",
		Scopes: "orgs:read,api_keys:write", AllowedIPs: "192.0.2.0/24,2001:db8::/32"})
	if err != nil {
		t.Fatal(err)
	}
	// httptest's client address is 192.0.2.1: in the parent's allowlist.
	const scopesMsg = "An API key with scopes may only create keys within its own scopes: this key has orgs:read,api_keys:write"
	const ipsMsg = "An API key with an IP allowlist may only create keys whose allowlist is within its own: this key allows 192.0.2.0/24,2001:db8::/32"
	for _, c := range []struct {
		params map[string]any
		msg    string
	}{
		{map[string]any{"scopes": "orgs:write"}, scopesMsg},
		{map[string]any{"scopes": "orgs:read,billing:read"}, scopesMsg},
		{map[string]any{"allowed_ips": "192.0.0.0/16"}, ipsMsg},
		{map[string]any{"allowed_ips": "192.0.2.1,198.51.100.1"}, ipsMsg},
		{map[string]any{"allowed_ips": "2001:db8::/31"}, ipsMsg},
	} {
		createKey(env, parent, c.params).Expect(t, http.StatusForbidden, c.msg)
	}
	// Within: narrower scopes and allowlist; by default the parent's own.
	narrow := newKeyOf(t, env, parent, map[string]any{"scopes": "orgs:read", "allowed_ips": "192.0.2.128/25,2001:db8:5::1"})
	same := newKeyOf(t, env, parent, map[string]any{"name": "inherits"})
	for secret, want := range map[string][2]string{
		narrow: {"orgs:read", "192.0.2.128/25,2001:db8:5::1"},
		same:   {"orgs:read,api_keys:write", "192.0.2.0/24,2001:db8::/32"},
	} {
		k := keyOf(t, env, acct.Key, secret)
		if k["scopes"] != want[0] || k["allowed_ips"] != want[1] {
			t.Errorf("child key: scopes %v allowed_ips %v, want %q %q", k["scopes"], k["allowed_ips"], want[0], want[1])
		}
	}
	// The narrow child is refused from 192.0.2.1 (outside 192.0.2.128/25), and may only read orgs.
	env.Get(map[string]string{"mode": "orgs", "action": "list", "api_key": narrow}).
		Expect(t, http.StatusForbidden, "This API key may not be used from 192.0.2.1")
	env.DoFrom("192.0.2.200:1", http.MethodGet, "/api?mode=orgs&action=list", nil, http.Header{"X-Api-Key": {narrow}}).
		Expect(t, http.StatusOK, "Organizations retrieved successfully")
	env.DoFrom("192.0.2.200:1", http.MethodPost, "/api", map[string]any{"mode": "api_keys", "action": "create"}, http.Header{"X-Api-Key": {narrow}}).
		Expect(t, http.StatusForbidden, "This API key may not use api_keys")
	// An unrestricted key may make any.
	newKeyOf(t, env, acct.Key, map[string]any{"scopes": "stats:read", "allowed_ips": "0.0.0.0/0"})
	// The activity log records the restrictions.
	last := env.Get(map[string]string{"mode": "analytics", "action": "activity", "api_key": acct.Key}).DataList(t)[0]
	if d, _ := last["details"].(map[string]any); last["action"] != "api_key_created" || d["scopes"] != "stats:read" || d["allowed_ips"] != "0.0.0.0/0" {
		t.Fatalf("activity of the last key: %v", last)
	}
}
