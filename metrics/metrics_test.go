package metrics_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"sharepanel/handlers"
	"sharepanel/handlers/admin"
	"sharepanel/handlers/httpkit"
	"sharepanel/internal/testenv"
	"sharepanel/metrics"
	"sharepanel/models"
	"sharepanel/ratelimit"
)

// scrape returns the metrics listener's /metrics text.
func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("/metrics: %d", rec.Code)
	}
	return rec.Body.String()
}

func expectLine(t *testing.T, text, line string) {
	t.Helper()
	for _, l := range strings.Split(text, "\n") {
		if l == line {
			return
		}
	}
	t.Errorf("no line %q in /metrics", line)
}

// Both APIs report every request to the same histogram and counter, by route from their own route
// tables (an unknown mode, action or path is "unmatched", never the path itself); the docs and
// health endpoints are not API traffic. The limiters' decisions are counted by limiter: the
// per-key limits as "requests", the login limits of both APIs as "logins".
func TestBothAPIsAreMeasured(t *testing.T) {
	m := metrics.New()
	twoLogins := ratelimit.Limits{PerMinute: 2, PerDay: -1}
	login := ratelimit.NewAuth(ratelimit.NewMemory(ratelimit.MemoryOptions{}), ratelimit.AuthLimits{IP: twoLogins,
		LoginAttempts: ratelimit.Limits{PerMinute: -1, PerDay: -1}, FailedLogins: ratelimit.Limits{PerMinute: -1, PerDay: -1}})
	env := testenv.New(t, testenv.Options{Login: login, Deps: func(d *handlers.Deps) { d.Metrics = m }})
	m.WatchUsageBuffer(env.Usage.Pending)
	m.WatchUsageLag(env.Usage.Lag)
	m.WatchKeyCache(func() int64 { h, _ := env.Store.Keys.Stats(); return h }, func() int64 { _, m := env.Store.Keys.Stats(); return m })
	sqlDB, err := env.Store.DB().DB()
	if err != nil {
		t.Fatal(err)
	}
	m.WatchDB(sqlDB)
	acct := env.NewAccount("pro")

	for range 2 {
		env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": acct.Key}).Expect(t, http.StatusOK, "Profile retrieved successfully")
	}
	env.Get(map[string]string{"mode": "profile", "action": "update", "api_key": acct.Key}).Expect(t, http.StatusMethodNotAllowed, "Method not allowed. Use POST for this action")
	env.Get(map[string]string{"mode": "nope"}).Expect(t, http.StatusBadRequest, "Invalid mode. Available modes: auth, profile, orgs, instances, billing, analytics, notifications, api_keys, search, stats")
	env.Get(map[string]string{"mode": "profile", "action": "made-up"}).Expect(t, http.StatusBadRequest, "Invalid action for profile mode")
	env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": "wrong"}).Expect(t, http.StatusUnauthorized, "Invalid or expired API key")
	for range 3 { // the third is refused by the login limit
		env.Post(map[string]any{"mode": "auth", "email": "nobody@example.com", "password": "wrong password"})
	}
	env.Do(http.MethodGet, "/docs/openapi.json", nil, nil)
	env.Do(http.MethodGet, "/healthz", nil, nil)

	adminAPI := admin.New(admin.Deps{Store: env.Store, Log: testenv.Logger(t), JWTSecret: strings.Repeat("s", 32), Login: login, Metrics: m})
	if _, err := env.Store.CreateAdmin(context.Background(), "root", "root password 1"); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Store.UpdateSettings(context.Background(), map[string]string{models.SettingAPI: "on"}); err != nil {
		t.Fatal(err)
	}
	adminCall := func(method, path, body, token string) int {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		rec := httptest.NewRecorder()
		adminAPI.ServeHTTP(rec, req)
		return rec.Code
	}
	// The admin login shares the per-address budget with mode=auth (spent above): refused.
	if code := adminCall(http.MethodPost, "/api/", `{"username":"root","password":"root password 1"}`, ""); code != http.StatusTooManyRequests {
		t.Fatalf("admin login past the address's budget: %d", code)
	}
	adminCall(http.MethodGet, "/api/users", "", "not-a-token")
	adminCall(http.MethodGet, "/api/users/someone", "", "not-a-token")
	adminCall(http.MethodGet, "/api/no/such/thing", "", "")
	adminCall(http.MethodGet, "/healthz", "", "")

	text := scrape(t, m)
	for _, line := range []string{
		`sharepanel_http_requests_total{api="user",route="profile.view",status="200"} 2`,
		`sharepanel_http_requests_total{api="user",route="profile.update",status="405"} 1`,
		`sharepanel_http_requests_total{api="user",route="unmatched",status="400"} 2`,
		`sharepanel_http_requests_total{api="user",route="profile.view",status="401"} 1`,
		`sharepanel_http_requests_total{api="user",route="auth",status="401"} 2`,
		`sharepanel_http_requests_total{api="user",route="auth",status="429"} 1`,
		`sharepanel_http_request_duration_seconds_count{api="user",route="profile.view"} 3`,
		`sharepanel_http_requests_total{api="admin",route="POST /api",status="429"} 1`,
		`sharepanel_http_requests_total{api="admin",route="GET /api/users",status="401"} 1`,
		`sharepanel_http_requests_total{api="admin",route="GET /api/users/:username",status="401"} 1`,
		`sharepanel_http_requests_total{api="admin",route="unmatched",status="404"} 1`,
		`sharepanel_http_request_duration_seconds_count{api="admin",route="POST /api"} 1`,
		// Two allowed decisions of the per-key limits: the 405 and the 401 are refused before them.
		`sharepanel_ratelimit_decisions_total{backend="test",limiter="requests",outcome="allowed"} 2`,
		// Logins: the address check of each of the three mode=auth calls and of the admin login
		// (two allowed, two refused), and the email check of the two allowed.
		`sharepanel_ratelimit_decisions_total{backend="local",limiter="logins",outcome="allowed"} 4`,
		`sharepanel_ratelimit_decisions_total{backend="local",limiter="logins",outcome="limited"} 2`,
		// Usage is recorded only for requests whose key resolved: the two views.
		`sharepanel_usage_buffer_pending 2`,
		// The first view looked the key up, the second found it cached; "wrong" is not a key.
		`sharepanel_key_cache_hits_total 1`,
		`sharepanel_key_cache_misses_total 1`,
	} {
		expectLine(t, text, line)
	}
	if !strings.Contains(text, `go_sql_max_open_connections{db_name="sharepanel"}`) {
		t.Error("no database pool statistics")
	}
	for _, leak := range []string{"openapi", "healthz", "nope", "made-up", "no/such", "someone", "wrong"} {
		if strings.Contains(text, leak) {
			t.Errorf("%q is in the metrics: a path or parameter became a label", leak)
		}
	}
	if lag := gauge(t, text, "sharepanel_usage_flush_lag_seconds"); lag <= 0 {
		t.Errorf("usage lag %v with 2 records waiting", lag)
	}
	env.FlushUsage()
	text = scrape(t, m)
	expectLine(t, text, `sharepanel_usage_buffer_pending 0`)
	expectLine(t, text, `sharepanel_usage_flush_lag_seconds 0`)
}

// gauge is the value of the unlabelled metric name.
func gauge(t *testing.T, text, name string) float64 {
	t.Helper()
	for _, l := range strings.Split(text, "\n") {
		if v, ok := strings.CutPrefix(l, name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
	}
	t.Fatalf("no %s in /metrics", name)
	return 0
}

// The build is a metric: sharepanel_build_info, always 1, the build in its labels.
func TestBuildInfo(t *testing.T) {
	m := metrics.New()
	m.WatchBuild("v1.2.3", "0123abc", "go1.26.8")
	expectLine(t, scrape(t, m), `sharepanel_build_info{goversion="go1.26.8",revision="0123abc",version="v1.2.3"} 1`)
}

func TestLimiterOutcomes(t *testing.T) {
	m := metrics.New()
	m.ObserveLimit("requests", "redis", "allowed")
	m.ObserveLimit("requests", "redis", "limited")
	m.ObserveLimit("requests", "local", "allowed")
	m.ObserveLimit("requests", "local", "allowed")
	m.ObserveLimit("logins", "redis", "error")
	m.ObserveRequest("user", "orgs.new", 201, 30*time.Millisecond)
	text := scrape(t, m)
	expectLine(t, text, `sharepanel_ratelimit_decisions_total{backend="redis",limiter="requests",outcome="limited"} 1`)
	expectLine(t, text, `sharepanel_ratelimit_decisions_total{backend="local",limiter="requests",outcome="allowed"} 2`)
	expectLine(t, text, `sharepanel_ratelimit_decisions_total{backend="redis",limiter="logins",outcome="error"} 1`)
	expectLine(t, text, `sharepanel_http_request_duration_seconds_bucket{api="user",route="orgs.new",le="0.025"} 0`)
	expectLine(t, text, `sharepanel_http_request_duration_seconds_bucket{api="user",route="orgs.new",le="0.05"} 1`)
}

// pprof is on the metrics listener, and only there.
func TestPprofOnlyOnMetricsListener(t *testing.T) {
	m := metrics.New()
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	res, err := http.Get(srv.URL + "/debug/pprof/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "goroutine") {
		t.Fatalf("/debug/pprof/ on the metrics listener: %d", res.StatusCode)
	}

	env := testenv.New(t, testenv.Options{Deps: func(d *handlers.Deps) { d.Metrics = m }})
	for _, path := range []string{"/debug/pprof/", "/debug/pprof/goroutine", "/metrics"} {
		rec := httptest.NewRecorder()
		env.Echo.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusNotFound {
			t.Errorf("%s on the API listener: %d, want 404", path, rec.Code)
		}
	}
}

var _ httpkit.Observer = (*metrics.Metrics)(nil)

// Usage records lost or spooled, and the limiters' fallback, are metrics (read at scrape time).
func TestDependencyMetrics(t *testing.T) {
	m := metrics.New()
	dropped, spooled, switches, degraded := int64(3), int64(41), int64(2), true
	m.WatchUsageLoss(func() int64 { return dropped }, func() int64 { return spooled })
	m.WatchLimiterFailover("requests", func() bool { return degraded }, func() int64 { return switches })
	text := scrape(t, m)
	expectLine(t, text, `sharepanel_usage_records_dropped_total 3`)
	expectLine(t, text, `sharepanel_usage_records_spooled_total 41`)
	expectLine(t, text, `sharepanel_ratelimit_degraded{limiter="requests"} 1`)
	expectLine(t, text, `sharepanel_ratelimit_fallback_switches_total{limiter="requests"} 2`)
	degraded = false
	expectLine(t, scrape(t, m), `sharepanel_ratelimit_degraded{limiter="requests"} 0`)
}
