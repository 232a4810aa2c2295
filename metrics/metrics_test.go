package metrics_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"sharepanel/handlers"
	"sharepanel/internal/testenv"
	"sharepanel/metrics"
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

// The user API reports every /api request and limiter decision to the metrics; other paths
// (docs, health) are not API traffic.
func TestAPIRequestsAreCounted(t *testing.T) {
	m := metrics.New()
	env := testenv.New(t, testenv.Options{Deps: func(d *handlers.Deps) { d.Metrics = m }})
	m.WatchUsageBuffer(env.Usage.Pending)
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
	env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": "wrong"}).Expect(t, http.StatusUnauthorized, "Invalid or expired API key")
	env.Do(http.MethodGet, "/docs/openapi.json", nil, nil)
	env.Do(http.MethodGet, "/healthz", nil, nil)

	text := scrape(t, m)
	expectLine(t, text, `sharepanel_api_requests_total{action="view",mode="profile",status="200"} 2`)
	expectLine(t, text, `sharepanel_api_requests_total{action="update",mode="profile",status="405"} 1`)
	expectLine(t, text, `sharepanel_api_requests_total{action="",mode="",status="400"} 1`)
	expectLine(t, text, `sharepanel_api_requests_total{action="view",mode="profile",status="401"} 1`)
	expectLine(t, text, `sharepanel_api_request_duration_seconds_count{action="view",mode="profile"} 3`)
	// Two allowed decisions: the 405 and the 401 are refused before the limiter is asked.
	expectLine(t, text, `sharepanel_ratelimit_decisions_total{backend="test",outcome="allowed"} 2`)
	// Usage is recorded only for requests whose key resolved: the two views (the 405 is refused
	// before the key is read, the 401 has no key).
	expectLine(t, text, `sharepanel_usage_buffer_pending 2`)
	if !strings.Contains(text, `go_sql_max_open_connections{db_name="sharepanel"}`) {
		t.Error("no database pool statistics")
	}
	if strings.Contains(text, "openapi") || strings.Contains(text, "healthz") {
		t.Error("non-API paths are counted")
	}
	env.FlushUsage()
	expectLine(t, scrape(t, m), `sharepanel_usage_buffer_pending 0`)
}

func TestLimiterOutcomes(t *testing.T) {
	m := metrics.New()
	m.ObserveLimit("redis", "allowed")
	m.ObserveLimit("redis", "limited")
	m.ObserveLimit("local", "allowed")
	m.ObserveLimit("local", "allowed")
	m.ObserveRequest("orgs", "new", 201, 30*time.Millisecond)
	text := scrape(t, m)
	expectLine(t, text, `sharepanel_ratelimit_decisions_total{backend="redis",outcome="limited"} 1`)
	expectLine(t, text, `sharepanel_ratelimit_decisions_total{backend="local",outcome="allowed"} 2`)
	expectLine(t, text, `sharepanel_api_request_duration_seconds_bucket{action="new",mode="orgs",le="0.025"} 0`)
	expectLine(t, text, `sharepanel_api_request_duration_seconds_bucket{action="new",mode="orgs",le="0.05"} 1`)
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

var _ handlers.Observer = (*metrics.Metrics)(nil)

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
