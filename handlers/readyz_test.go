package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"sharepanel/handlers"
	"sharepanel/internal/testenv"
	"sharepanel/ratelimit"
)

// readyz calls /readyz and decodes its body.
func readyz(t *testing.T, env *testenv.Env) (int, map[string]string) {
	t.Helper()
	res := env.Do(http.MethodGet, "/readyz", nil, nil)
	var body map[string]string
	if err := json.Unmarshal(res.Body, &body); err != nil {
		t.Fatalf("/readyz body %s: %v", res.Body, err)
	}
	return res.Code, body
}

// /readyz is "can serve as configured": with Redis unreachable the fallback limiter serves in
// local and open modes (200, degraded), not in closed mode (503).
func TestReadyzDuringARedisOutage(t *testing.T) {
	for _, tc := range []struct {
		mode   string
		code   int
		status string
	}{
		{ratelimit.ModeLocal, http.StatusOK, "degraded"},
		{ratelimit.ModeOpen, http.StatusOK, "degraded"},
		{ratelimit.ModeClosed, http.StatusServiceUnavailable, "unavailable"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			backend := testenv.RedisBackends(t)[0] // miniredis: the one a test may stop
			failover, err := ratelimit.NewFailover(backend.Limiter(t), ratelimit.NewMemory(ratelimit.MemoryOptions{}), tc.mode, testenv.Logger(t))
			if err != nil {
				t.Fatal(err)
			}
			env := testenv.New(t, testenv.Options{Limiter: failover, Deps: func(d *handlers.Deps) {
				d.Redis = func(ctx context.Context) error { return backend.Client.Ping(ctx).Err() }
				d.LimiterDegraded = failover.Degraded
				d.RedisRequired = tc.mode == ratelimit.ModeClosed
			}})
			acct := env.NewAccount("free")
			if code, body := readyz(t, env); code != http.StatusOK || body["status"] != "ok" || body["redis"] != "ok" || body["ratelimit"] != "redis" {
				t.Fatalf("healthy: %d %v", code, body)
			}

			backend.Mini.Close()
			for range ratelimit.DefaultTrip.Consecutive { // trip the limiter
				env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": acct.Key})
			}
			if !failover.Degraded() {
				t.Fatal("the limiter did not switch to its fallback")
			}
			code, body := readyz(t, env)
			want := map[string]string{"status": tc.status, "database": "ok", "redis": "unreachable", "ratelimit": "fallback"}
			if code != tc.code || len(body) != len(want) {
				t.Fatalf("Redis down: %d %v, want %d %v", code, body, tc.code, want)
			}
			for k, v := range want {
				if body[k] != v {
					t.Fatalf("Redis down: %d %v, want %d %v", code, body, tc.code, want)
				}
			}
		})
	}
}

// Each check has its own deadline: a Redis that never answers does not make the database look
// unreachable; a database that is down makes the gateway unready whatever Redis does.
func TestReadyzChecksApart(t *testing.T) {
	env := testenv.New(t, testenv.Options{Deps: func(d *handlers.Deps) {
		d.Redis = func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() } // frozen
	}})
	code, body := readyz(t, env)
	if code != http.StatusOK || body["status"] != "degraded" || body["database"] != "ok" || body["redis"] != "unreachable" {
		t.Fatalf("Redis frozen: %d %v", code, body)
	}

	env = testenv.New(t, testenv.Options{Deps: func(d *handlers.Deps) {
		d.Redis = func(context.Context) error { return nil }
	}})
	if err := env.Store.Close(); err != nil {
		t.Fatal(err)
	}
	code, body = readyz(t, env)
	if code != http.StatusServiceUnavailable || body["status"] != "unavailable" || body["database"] != "unreachable" || body["redis"] != "ok" {
		t.Fatalf("database down: %d %v", code, body)
	}
}
