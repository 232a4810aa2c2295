package main

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"sharepanel/internal/testenv"
)

// The benchmark measures every read action of the gateway: a read action added to the dispatch
// table without a row in endpoints fails here (and the benchmark refuses to run), as does a row
// whose action is gone or writes.
func TestEndpointsCoverEveryReadAction(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	res := env.Do(http.MethodGet, "/docs/openapi.json", nil, nil)
	if res.Code != http.StatusOK {
		t.Fatalf("GET /docs/openapi.json: %d", res.Code)
	}
	reads, err := readActions(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	unmeasured, unknown := coverage(endpoints, reads)
	if len(unmeasured) > 0 {
		t.Errorf("read actions the benchmark does not measure (add them to endpoints): %v", unmeasured)
	}
	if len(unknown) > 0 {
		t.Errorf("endpoints that are not read actions of the gateway: %v", unknown)
	}
	ids := map[string]string{"org": "1", "instance": "2", "invoice": "3", "key": "4"}
	for _, e := range endpoints {
		q, err := e.query(reads, ids)
		if err != nil {
			t.Errorf("%s: %v", e.Label(), err)
			continue
		}
		// Every query is one the gateway accepts: without a key it is refused for the key, not
		// for its mode, action or parameters (those are checked first).
		got := env.Do(http.MethodGet, "/api?"+q, nil, nil)
		if got.Code != http.StatusUnauthorized {
			t.Errorf("%s (%s) without a key: %d %s, want 401", e.Label(), q, got.Code, got.Body)
		}
	}
}

func TestCoverageNamesMissingAndUnknownActions(t *testing.T) {
	reads, err := readActions([]byte(`{"x-actions": [
		{"mode": "auth", "action": "", "public": true},
		{"mode": "profile", "action": "view", "selector": "action"},
		{"mode": "profile", "action": "update", "selector": "action", "write": true},
		{"mode": "stats", "action": "overview", "selector": "type"},
		{"mode": "search", "action": ""}]}`))
	if err != nil {
		t.Fatal(err)
	}
	eps := []endpoint{{Mode: "profile", Action: "view"}, {Mode: "profile", Action: "update"}, {Mode: "search"}, {Mode: "search", Params: "query=x"}}
	unmeasured, unknown := coverage(eps, reads)
	if !slices.Equal(unmeasured, []string{"stats.overview"}) || !slices.Equal(unknown, []string{"profile.update"}) {
		t.Fatalf("coverage = %v, %v; want [stats.overview], [profile.update]", unmeasured, unknown)
	}
	q, err := endpoint{Mode: "stats", Action: "overview"}.query(reads, nil)
	if err != nil || q != "mode=stats&type=overview" {
		t.Fatalf("query = %q, %v; want mode=stats&type=overview", q, err)
	}
	if _, err := (endpoint{Mode: "profile", Action: "view", Params: "org_id={org}"}).query(reads, map[string]string{}); err == nil {
		t.Fatal("a parameter without its ID made a query")
	}
}

func TestPercentileIsNearestRank(t *testing.T) {
	var lat []time.Duration
	for i := 200; i >= 1; i-- { // any order
		lat = append(lat, time.Duration(i)*time.Millisecond)
	}
	for _, tc := range []struct {
		lat  []time.Duration
		p    float64
		want time.Duration
	}{
		{lat, 50, 100 * time.Millisecond},
		{lat, 99, 198 * time.Millisecond},
		{lat, 100, 200 * time.Millisecond},
		{lat[:10], 99, 200 * time.Millisecond}, // 10 samples: p99 is the largest (lat[:10] is 200…191 ms)
		{lat[199:], 50, time.Millisecond},
		{nil, 50, 0},
	} {
		if got := percentile(tc.lat, tc.p); got != tc.want {
			t.Errorf("percentile of %d samples, p%g = %s, want %s", len(tc.lat), tc.p, got, tc.want)
		}
	}
}

func TestEvaluateFlagsTheIssueTargets(t *testing.T) {
	demo, year := &account{Name: demoAccount}, &account{Name: yearAccount}
	same := func(ms float64) []time.Duration {
		return []time.Duration{time.Duration(ms * float64(time.Millisecond))}
	}
	fast, slow, grown := endpoint{Mode: "a"}, endpoint{Mode: "b"}, endpoint{Mode: "c"}
	cells := []*cell{
		{acct: demo, ep: baseline, lat: same(1)}, {acct: year, ep: baseline, lat: same(2)},
		{acct: demo, ep: fast, lat: same(3)}, {acct: year, ep: fast, lat: same(6)}, // ratio 3 on both
		{acct: demo, ep: slow, lat: same(4)}, {acct: year, ep: slow, lat: same(26)}, // 4 → 13: all three missed
		{acct: demo, ep: grown, lat: same(1)}, {acct: year, ep: grown, lat: same(5)}, // 1 → 2.5: growth only
	}
	rows := evaluate([]endpoint{baseline, fast, slow, grown}, cells)
	want := map[string][]string{
		"profile view": nil,
		"a":            nil,
		"b":            {"p50 > 6×", "p99 > 10×", "growth > 2×"},
		"c":            {"growth > 2×"},
	}
	for _, r := range rows {
		if !slices.Equal(r.misses, want[r.ep.Label()]) {
			t.Errorf("%s: misses %v, want %v (one-year ratio %.2f, growth %.2f)", r.ep.Label(), r.misses, want[r.ep.Label()], r.year.ratio50, r.growth50)
		}
	}
	if r := rows[2]; r.year.ratio50 != 13 || r.demo.ratio50 != 4 || r.growth50 != 3.25 {
		t.Errorf("slow endpoint: ratios %.2f and %.2f, growth %.2f; want 4, 13, 3.25", r.demo.ratio50, r.year.ratio50, r.growth50)
	}
}

// Every deep page of the table is paired with its own list's first page, whichever way the first
// page is written (no parameters, or offset=0), and nothing else is.
func TestDeepPagesArePairedWithTheirFirstPages(t *testing.T) {
	var rows []row
	for _, e := range endpoints {
		rows = append(rows, row{ep: e})
	}
	got := map[string]string{}
	for _, p := range deepPages(rows) {
		got[p[0].ep.Label()] = p[1].ep.Label()
	}
	want := map[string]string{
		"billing invoices offset=16000":     "billing invoices",
		"billing transactions offset=40000": "billing transactions",
		"billing purchases offset=8000":     "billing purchases",
		"analytics activity offset=150000":  "analytics activity offset=0",
		"notifications list offset=40000":   "notifications list",
	}
	if !maps.Equal(got, want) {
		t.Errorf("pairs %v, want %v", got, want)
	}
}

// The seed writes what the gateway reads: on a small history of the same shape, every total the
// API reports is the one seeded. This is the check to run after adapting a function of seed.go
// to a new schema. MariaDB only: the seed uses its sequence engine.
func TestSeedIsWhatTheAPIReports(t *testing.T) {
	if os.Getenv("SHAREPANEL_TEST_MYSQL_URL") == "" {
		t.Skip("SHAREPANEL_TEST_MYSQL_URL is not set: the seed needs MariaDB")
	}
	ctx := context.Background()
	env := testenv.New(t, testenv.Options{})
	now := time.Now().UTC()
	sqlDB, err := env.Store.DB().DB()
	if err != nil {
		t.Fatal(err)
	}
	seeder := func(sizes Sizes) *seeder {
		s, err := newSeeder(env.Store, sizes, now)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	sizes := Sizes{UsageRequests: 10_007, RequestsPerRow: 2, Keys: 30, Activity: 300, Invoices: 100, Transactions: 150,
		Purchases: 20, Notifications: 60, Instances: 25, Organizations: 6, Members: 3}
	s := seeder(sizes)
	if err := s.run(ctx); err != nil {
		t.Fatal(err)
	}
	if !s.done(ctx) || seeder(OneYear).done(ctx) {
		t.Error("done does not tell this seed from another")
	}
	var perMinute, perDay int
	if err := sqlDB.QueryRow("SELECT requests_per_minute, requests_per_day FROM plans p JOIN users u ON u.plan_id = p.id WHERE u.username = ?",
		YearUsername).Scan(&perMinute, &perDay); err != nil || perMinute != 0 || perDay != 0 {
		t.Fatalf("the account's plan limits: %d a minute, %d a day, %v; want 0 and 0 (none)", perMinute, perDay, err)
	}

	get := func(params ...string) *testenv.Response {
		t.Helper()
		q := map[string]string{"api_key": YearKey()}
		for i := 0; i+1 < len(params); i += 2 {
			q[params[i]] = params[i+1]
		}
		res := env.Get(q)
		if res.Code != http.StatusOK {
			t.Fatalf("%v: %d %s", params, res.Code, res.Body)
		}
		return res
	}
	num := func(m map[string]any, field string) int {
		t.Helper()
		v, ok := m[field].(float64)
		if !ok {
			t.Fatalf("%s is %T in %v", field, m[field], m)
		}
		return int(v)
	}

	days := get("mode", "analytics", "action", "usage", "period", "366").DataList(t)
	if today := time.Now().UTC().Format("2006-01-02"); today != now.Format("2006-01-02") {
		t.Skip("the UTC day changed since the seed: its oldest day is out of the period now")
	}
	total := 0
	for _, d := range days {
		total += num(d, "request_count")
	}
	// The history runs evenly from the oldest day's start to now, both included (spread): its last
	// flush is today's, whatever the time of day.
	last, wantDays := now.Format("2006-01-02"), 365
	if total != sizes.UsageRequests || len(days) != wantDays {
		t.Errorf("analytics usage: %d requests on %d days, want %d on %d", total, len(days), sizes.UsageRequests, wantDays)
	}
	if len(days) > 0 && (days[0]["date"] != last || days[len(days)-1]["date"] != now.AddDate(0, 0, -364).Format("2006-01-02")) {
		t.Errorf("analytics usage runs from %v to %v, want the 365 days to %s", days[len(days)-1]["date"], days[0]["date"], last)
	}

	keys := get("mode", "api_keys", "action", "list").DataList(t)
	if len(keys) != sizes.Keys || keys[0]["key_prefix"] != YearKey()[:10] {
		t.Fatalf("api_keys list: %d keys, the first %v; want %d, the first the benchmark's", len(keys), keys[0]["key_prefix"], sizes.Keys)
	}
	total = 0
	for _, k := range keys {
		total += num(get("mode", "api_keys", "action", "usage", "key_id", strconv.Itoa(num(k, "id"))).DataMap(t), "total_requests")
	}
	if total != sizes.UsageRequests {
		t.Errorf("api_keys usage: %d requests over all keys, want %d", total, sizes.UsageRequests)
	}

	overview := get("mode", "analytics", "action", "overview").DataMap(t)
	stats := get("mode", "stats", "type", "overview").DataMap(t)
	for _, c := range []struct {
		what      string
		got, want int
	}{
		{"active API keys", num(overview, "active_api_keys"), 25},
		{"organizations", num(stats, "orgs"), sizes.Organizations},
		{"instances", num(stats, "total_instances"), sizes.Instances},
		{"invoices", num(stats, "total_invoices"), sizes.Invoices},
		{"activity entries", len(get("mode", "analytics", "action", "activity", "limit", "500").DataList(t)), sizes.Activity},
		{"transactions", len(get("mode", "billing", "action", "transactions", "limit", "500").DataList(t)), sizes.Transactions},
		{"purchases", len(get("mode", "billing", "action", "purchases", "limit", "500").DataList(t)), sizes.Purchases},
		{"notifications", len(get("mode", "notifications", "action", "list", "limit", "500").DataList(t)), sizes.Notifications},
		{"organizations listed", len(get("mode", "orgs", "action", "list").DataList(t)), sizes.Organizations},
	} {
		if c.got != c.want {
			t.Errorf("%s: %d, want %d", c.what, c.got, c.want)
		}
	}
	if paid, pending := num(stats, "paid_invoices"), num(stats, "pending_invoices"); paid == 0 || pending == 0 || paid+pending >= sizes.Invoices {
		t.Errorf("invoices: %d paid, %d pending of %d; want some of each, and some overdue", paid, pending, sizes.Invoices)
	}

	activity := get("mode", "analytics", "action", "activity", "limit", "500").DataList(t)
	if !slices.IsSortedFunc(activity, func(a, b map[string]any) int { return num(b, "id") - num(a, "id") }) ||
		activity[0]["created_at"].(string) < activity[len(activity)-1]["created_at"].(string) {
		t.Error("activity is not newest first, ids following time")
	}
	orgs := get("mode", "orgs", "action", "list").DataList(t)
	members := get("mode", "orgs", "action", "members", "org_id", fmt.Sprint(num(orgs[0], "id"))).DataList(t)
	if len(members) < 2 {
		t.Errorf("the first organization has %d members, want the account and at least one more", len(members))
	}
	if hits := get("mode", "search", "query", "site").DataList(t); len(hits) == 0 {
		t.Error("search for site finds nothing")
	}
}
