package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"sharepanel/internal/testenv"
	"sharepanel/models"
)

var updateUsageGolden = flag.Bool("update-usage-golden", false, "rewrite testdata/usage-replay.golden.json from this build's reports")

// usageGoldenFile holds what analytics usage and api_keys usage answered for the replayed mix on
// the code before the usage rollup (issue 11, the commit that added this test): the rollup must
// give exactly the same numbers for the same requests. Dates are written as days before the day
// of the replay (D-3), times as seconds after that day's midnight (T+3600), so the file holds
// whatever day the test runs.
const usageGoldenFile = "testdata/usage-replay.golden.json"

// replayEndpoints are the endpoints of the mix; the common ones appear more than once, so they
// are drawn more often.
var replayEndpoints = []string{"profile.view", "profile.view", "profile.view", "orgs.list", "orgs.view", "instances.list",
	"instances.list", "instances.view", "billing.invoices", "billing.balance", "analytics.usage", "notifications.list",
	"notifications.mark_read", "api_keys.list", "api_keys.usage", "search", "stats.overview", "orgs.members"}

// replayStatuses are the statuses of the mix: mostly successes, redirects and client and server
// errors around the 400 line that splits success from error.
var replayStatuses = []int{200, 200, 200, 200, 200, 200, 200, 201, 204, 302, 399, 400, 401, 403, 404, 404, 405, 413, 500, 503}

// replayKey is one key of the mix and the account that owns it.
type replayKey struct {
	acct  *testenv.Account
	id    int64
	name  string // "A1": account A's first key
	share int    // relative share of the mix's requests
	from  int    // the key calls replayEndpoints[from:to]
	to    int
}

// The same requests, recorded through the usage recorder with flushes between them, give the same
// analytics usage and api_keys usage as the code before the usage rollup did: request, success
// and error counts, distinct endpoints and days, the mean response time to the microsecond, the
// last request. The mix: 6,000 requests of three accounts and five keys over 400 days (the
// reports' periods cut through it), 18 endpoints, 20 statuses, durations with sub-microsecond
// parts, recorded in no particular time order with a flush every 1 to 80 requests, so that most
// (key, endpoint, status, day) groups are written by several flushes.
func TestUsageReportsReplay(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	ctx := context.Background()
	base := time.Now().UTC().Truncate(24 * time.Hour)
	a, b, c := env.NewAccount("pro"), env.NewAccount("pro"), env.NewAccount("pro")
	keyID := func(acct *testenv.Account, secret string) int64 {
		var k models.APIKey
		if err := env.Store.DB().Where("key_hash = ?", models.HashKey(secret)).First(&k).Error; err != nil {
			t.Fatal(err)
		}
		return k.ID
	}
	newKey := func(acct *testenv.Account) int64 {
		secret, _, err := env.Store.CreateAPIKey(ctx, acct.User.ID, models.NewKey{Name: "replay", Permissions: "read"})
		if err != nil {
			t.Fatal(err)
		}
		return keyID(acct, secret)
	}
	keys := []replayKey{
		{acct: a, id: keyID(a, a.Key), name: "A1", share: 5, from: 0, to: len(replayEndpoints)},
		{acct: a, id: newKey(a), name: "A2", share: 3, from: 3, to: 12},
		{acct: a, id: newKey(a), name: "A3", share: 1, from: 0, to: 5},
		{acct: b, id: keyID(b, b.Key), name: "B1", share: 3, from: 8, to: len(replayEndpoints)},
		{acct: c, id: keyID(c, c.Key), name: "C1", share: 0}, // no requests: empty reports
	}
	var draw []replayKey
	for _, k := range keys {
		for range k.share {
			draw = append(draw, k)
		}
	}

	rec := env.Store.NewUsageRecorder(testenv.Logger(t), time.Hour, 1_000_000) // flushed by hand only
	rng := rand.New(rand.NewPCG(11, 2025))
	untilFlush := 1 + rng.IntN(80)
	for range 6000 {
		k := draw[rng.IntN(len(draw))]
		day := rng.IntN(400)
		if rng.IntN(3) == 0 {
			day = rng.IntN(8) // a third of the requests in the last week, so that short periods have some
		}
		at := base.AddDate(0, 0, -day).Add(time.Duration(rng.IntN(86400)) * time.Second)
		rec.Record(models.UsageRecord{UserID: k.acct.User.ID, KeyID: k.id, Endpoint: replayEndpoints[k.from+rng.IntN(k.to-k.from)],
			Status: replayStatuses[rng.IntN(len(replayStatuses))], Duration: time.Duration(1 + rng.Int64N(900_000_000)), At: at})
		if untilFlush--; untilFlush == 0 {
			if err := rec.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			untilFlush = 1 + rng.IntN(80)
		}
	}
	if err := rec.Flush(ctx); err != nil {
		t.Fatal(err)
	}

	got := map[string]any{}
	for _, acct := range []struct {
		name string
		a    *testenv.Account
	}{{"A", a}, {"B", b}, {"C", c}} {
		for _, period := range []string{"", "1", "7", "31", "366"} {
			kv := []string{"mode", "analytics", "action", "usage"}
			if period != "" {
				kv = append(kv, "period", period)
			}
			res := callAs(env, acct.a, kv...)
			res.Expect(t, http.StatusOK, "Usage statistics retrieved successfully")
			days := exactList(t, res)
			for _, d := range days {
				d["date"] = relativeDay(t, base, d["date"])
			}
			got[fmt.Sprintf("%s analytics usage period=%s", acct.name, period)] = days
		}
	}
	for _, k := range keys {
		res := callAs(env, k.acct, "mode", "api_keys", "action", "usage", "key_id", strconv.FormatInt(k.id, 10))
		res.Expect(t, http.StatusOK, "API key usage retrieved successfully")
		u := exactData(t, res).(map[string]any)
		u["last_request"] = relativeTime(t, base, u["last_request"])
		got[k.name+" api_keys usage"] = u
	}
	if day := time.Now().UTC().Truncate(24 * time.Hour); !day.Equal(base) {
		t.Skip("the UTC day changed during the test: the periods moved under the mix")
	}

	gotJSON := goldenJSON(t, got)
	if *updateUsageGolden {
		if err := os.WriteFile(usageGoldenFile, append(gotJSON, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	raw, err := os.ReadFile(usageGoldenFile)
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]json.RawMessage
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	var gotRaw map[string]json.RawMessage
	if err := json.Unmarshal(gotJSON, &gotRaw); err != nil {
		t.Fatal(err)
	}
	if len(gotRaw) != len(want) {
		t.Errorf("%d reports, the golden file has %d", len(gotRaw), len(want))
	}
	for name, w := range want {
		if g := gotRaw[name]; compactJSON(t, g) != compactJSON(t, w) {
			t.Errorf("%s:\n got %s\nwant %s", name, compactJSON(t, g), compactJSON(t, w))
		}
	}
}

// relativeDay writes a report's date as days before base: "D-3".
func relativeDay(t *testing.T, base time.Time, v any) string {
	t.Helper()
	s, _ := v.(string)
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		t.Fatalf("date %v: %v", v, err)
	}
	return fmt.Sprintf("D-%d", int(base.Sub(d).Hours()/24))
}

// relativeTime writes a date-time as seconds after base: "T+3600" (null stays null).
func relativeTime(t *testing.T, base time.Time, v any) any {
	t.Helper()
	if v == nil {
		return nil
	}
	s, _ := v.(string)
	at, err := time.Parse(time.DateTime, s)
	if err != nil {
		t.Fatalf("date-time %v: %v", v, err)
	}
	return fmt.Sprintf("T%+d", int64(at.Sub(base)/time.Second))
}

// goldenJSON writes the reports one name per line and, in lists, one item per line: a change
// shows as a few lines in a diff.
func goldenJSON(t *testing.T, reports map[string]any) []byte {
	t.Helper()
	names := slices.Sorted(maps.Keys(reports))
	var b bytes.Buffer
	b.WriteString("{")
	for i, name := range names {
		if i > 0 {
			b.WriteString(",")
		}
		n, _ := json.Marshal(name)
		fmt.Fprintf(&b, "\n  %s: ", n)
		items, isList := reports[name].([]map[string]any)
		if !isList {
			v, err := json.Marshal(reports[name])
			if err != nil {
				t.Fatal(err)
			}
			b.Write(v)
			continue
		}
		b.WriteString("[")
		for j, item := range items {
			if j > 0 {
				b.WriteString(",")
			}
			v, err := json.Marshal(item)
			if err != nil {
				t.Fatal(err)
			}
			b.WriteString("\n    ")
			b.Write(v)
		}
		if len(items) > 0 {
			b.WriteString("\n  ")
		}
		b.WriteString("]")
	}
	b.WriteString("\n}")
	return b.Bytes()
}

func compactJSON(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return string(raw)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}
