package handlers_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"sharepanel/handlers"
	"sharepanel/internal/testenv"
	"sharepanel/models"
	"sharepanel/ratelimit"
)

// A plan's day survives a Redis outage and an empty restart on one gateway: 50 a day allowed
// before, none more during the outage (the fallback goes on from Redis's count), none more after
// Redis came back empty (the lost count is seeded from the usage in the database).
func TestDailyQuotaSurvivesARedisRestart(t *testing.T) {
	env, backend, failover, acct, _ := redisRestartRig(t)
	send := func(n int) int { return sendViews(t, env, acct.Key, n) }

	dayKey := backend.Prefix + "{u:" + strconv.FormatInt(acct.User.ID, 10) + "}:d"

	before := send(100)
	env.FlushUsage()
	backend.Mini.Close()
	during := send(100)
	if !failover.Degraded() {
		t.Fatal("the limiter never switched to its fallback")
	}
	env.FlushUsage()
	if err := backend.Mini.Restart(); err != nil {
		t.Fatal(err)
	}
	backend.Mini.FlushAll() // back empty
	// The fallback tries Redis again once a second: until then requests are the fallback's.
	after := 0
	for deadline := time.Now().Add(10 * time.Second); !backend.Mini.Exists(dayKey) && time.Now().Before(deadline); {
		after += send(1)
	}
	if !backend.Mini.Exists(dayKey) || failover.Degraded() {
		t.Fatal("not back on Redis after its restart")
	}
	after += send(100)
	if n := backend.Mini.HGet(dayKey, "n"); n != "50" {
		t.Fatalf("Redis's count after the restart %q, want 50, seeded from the database", n)
	}
	if before != 50 || during != 0 || after != 0 {
		t.Fatalf("2xx: %d with Redis, %d during the outage, %d after the empty restart; want 50, 0, 0", before, during, after)
	}
}

// Without Redis the in-process limiter is the only one, and a restart (a deploy, a crash) used to
// give every account a whole new day (a hostile pass measured 5 + 5 on a plan of 5 a day): seeded
// from the usage in the database, as the embedded default builds it, the day goes on.
func TestDailyQuotaSurvivesAGatewayRestartWithoutRedis(t *testing.T) {
	store := testenv.NewStore(t)
	embedded := func() *testenv.Env { // what `sharepanel serve` builds without SHAREPANEL_REDIS_URL
		return testenv.New(t, testenv.Options{Store: store, Limiter: ratelimit.NewMemory(ratelimit.MemoryOptions{Seed: handlers.UsageToday(store)})})
	}
	first := embedded()
	name, perDay, perMinute := "five", int64(5), int64(10_000)
	if _, err := store.CreatePlan(context.Background(), planInput(name, perDay, perMinute)); err != nil {
		t.Fatal(err)
	}
	acct := first.NewAccount(name)
	send := func(env *testenv.Env, n int) int { return sendViews(t, env, acct.Key, n) }
	before := send(first, 3)
	first.FlushUsage()
	restarted := embedded() // the same database, a new process
	after := send(restarted, 10)
	if before != 3 || after != 2 {
		t.Fatalf("2xx: %d before the restart, %d after; want 3 and 2 (one day of %d)", before, after, perDay)
	}
}

// Requests refused by a key's allowlist cost the account nothing: not at the time, and not later
// through the usage that seeds a day Redis has lost. A hostile pass found a leaked allowlisted key,
// used from elsewhere 200 times for free, locking the account out after a Redis restart.
func TestAllowlistRefusalsDoNotSeedTheDailyQuota(t *testing.T) {
	env, backend, _, acct, perDay := redisRestartRig(t)
	store := env.Store
	locked := newKeyOf(t, env, acct.Key, map[string]any{"allowed_ips": "198.51.100.7"}) // 1 request of the day
	view := func(remote string) int {
		return env.DoFrom(remote, http.MethodGet, "/api?mode=profile&action=view", nil, http.Header{"X-Api-Key": {locked}}).Code
	}
	for range 200 { // the thief, from elsewhere
		if code := view("203.0.113.9:4000"); code != http.StatusForbidden {
			t.Fatalf("from outside the allowlist: %d, want 403", code)
		}
	}
	env.FlushUsage()
	backend.Mini.Close()
	if err := backend.Mini.Restart(); err != nil {
		t.Fatal(err)
	}
	backend.Mini.FlushAll() // back empty: the day is seeded from the database
	ok := 0
	for range 100 {
		if view("198.51.100.7:4000") == http.StatusOK {
			ok++
		}
	}
	if ok != int(perDay)-1 {
		t.Fatalf("the owner got %d requests after the restart, want the %d left of its day: the refusals were charged", ok, perDay-1)
	}
	// The report still shows the refusals, as errors of the key.
	days, err := store.UsageDays(context.Background(), acct.User.ID, 1)
	if err != nil || len(days) != 1 || days[0].ErrorCount < 200 {
		t.Fatalf("today's report %+v, %v: want the 200 refusals among its errors", days, err)
	}
}

// sendViews sends n profile views with key and returns how many were allowed; any answer but 200
// and 429 fails the test.
func sendViews(t *testing.T, env *testenv.Env, key string, n int) (ok int) {
	t.Helper()
	for range n {
		res := env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": key})
		switch res.Code {
		case http.StatusOK:
			ok++
		case http.StatusTooManyRequests:
		default:
			t.Fatalf("%d %s", res.Code, res.Body)
		}
	}
	return ok
}

// redisRestartRig is a gateway whose limiter is miniredis (the Redis a test may stop and restart)
// behind a local-mode failover seeded from the database, and an account on a plan of 50 a day.
// No ratelimit.Refusals in front, unlike production: it would remember the day's refusal until
// midnight, and no request would reach Redis after its restart.
func redisRestartRig(t *testing.T) (*testenv.Env, *testenv.RedisBackend, *ratelimit.Failover, *testenv.Account, int64) {
	t.Helper()
	backend := testenv.RedisBackends(t)[0]
	store := testenv.NewStore(t)
	failover, err := ratelimit.NewFailoverWith(backend.Limiter(t), ratelimit.NewMemory(ratelimit.MemoryOptions{}),
		ratelimit.FailoverOptions{Mode: ratelimit.ModeLocal, Log: testenv.Logger(t), Seed: handlers.UsageToday(store)})
	if err != nil {
		t.Fatal(err)
	}
	env := testenv.New(t, testenv.Options{Store: store, Limiter: failover})
	name, perDay, perMinute := "fifty", int64(50), int64(10_000)
	if _, err := store.CreatePlan(context.Background(), planInput(name, perDay, perMinute)); err != nil {
		t.Fatal(err)
	}
	return env, backend, failover, env.NewAccount(name), perDay
}

// planInput is a plan with these request limits and the defaults for the rest.
func planInput(name string, perDay, perMinute int64) models.PlanInput {
	return models.PlanInput{Name: &name, RequestsPerDay: &perDay, RequestsPerMinute: &perMinute}
}
