package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"

	"github.com/labstack/echo/v4"

	"sharepanel/handlers"
	"sharepanel/internal/testenv"
	"sharepanel/ratelimit"
)

// productionLimiter is the request limiter as main wires it over Redis: Redis with the in-process
// fallback, behind the memory of refusals.
func productionLimiter(t *testing.T, b *testenv.RedisBackend) ratelimit.Limiter {
	t.Helper()
	f, err := ratelimit.NewFailover(b.Limiter(t), ratelimit.NewMemory(ratelimit.MemoryOptions{}), ratelimit.ModeLocal, nil)
	if err != nil {
		t.Fatal(err)
	}
	return ratelimit.NewRefusals(f, ratelimit.RefusalOptions{})
}

// Through the whole HTTP stack, an allowed request costs exactly one Redis command (the limiter's
// script) and, once its key is cached, no database query but its action's own; usage is written
// in one batched INSERT for all of them, not one per request.
func TestAllowedRequestCostsOneRedisCallAndNoKeyQuery(t *testing.T) {
	for _, backend := range testenv.RedisBackends(t) {
		t.Run(backend.Name, func(t *testing.T) {
			env := testenv.New(t, testenv.Options{Limiter: productionLimiter(t, backend)})
			acct := env.NewAccount("pro")
			sql := testenv.LogSQL(t, env.Store)
			commands := testenv.LogRedis(backend.Client)
			view := map[string]string{"mode": "profile", "action": "view", "api_key": acct.Key}
			env.Get(view).Expect(t, http.StatusOK, "Profile retrieved successfully") // caches the key, the plans and the script
			env.FlushUsage()
			if sql.ReadsMentioning("api_keys") != 1 {
				t.Fatalf("first request: %d key lookups, want 1: %q", sql.ReadsMentioning("api_keys"), sql.Reads())
			}
			sql.Reset()
			commands.Reset()

			const n = 40
			for range n {
				env.Get(view).Expect(t, http.StatusOK, "Profile retrieved successfully")
			}
			if all, scripts := commands.Count(""), commands.Count("evalsha"); all != n || scripts != n {
				t.Fatalf("%d requests sent %d Redis commands (%d EVALSHA), want %d and %d", n, all, scripts, n, n)
			}
			reads := sql.Reads()
			if len(reads) != n || sql.ReadsMentioning("api_keys") != 0 {
				t.Fatalf("%d requests ran %d queries (%d on api_keys), want %d (the profile's own) and 0: %q", n, len(reads), sql.ReadsMentioning("api_keys"), n, reads)
			}
			for _, q := range reads {
				if q != reads[0] {
					t.Fatalf("queries differ: %q and %q", reads[0], q)
				}
			}

			env.FlushUsage()
			inserts, _ := sql.Inserts("api_usage_rollup")
			var rows, requests int64
			if err := env.Store.DB().Raw("SELECT COUNT(*), COALESCE(SUM(request_count), 0) FROM api_usage_rollup").Row().Scan(&rows, &requests); err != nil {
				t.Fatal(err)
			}
			// One key, endpoint, status and day: one group, upserted by one statement, holding the
			// first request (flushed before) and the n since. (Unless the UTC day turned meanwhile.)
			if inserts != 1 || rows != 1 || requests != n+1 {
				t.Fatalf("usage of %d requests written by %d upserts: %d rows holding %d requests, want 1 upsert, 1 row of %d", n, inserts, rows, requests, n+1)
			}
			t.Logf("%d requests: %d Redis commands, %d queries (none for the key), %d usage row, upserted by %d statement", n, commands.Count(""), len(reads), rows, inserts)
		})
	}
}

// A key over its limit is refused from memory: two replicas, each with its own memory of refusals
// over one Redis, still share the free plan's 10 requests a minute exactly; then refusals cost no
// Redis command at all, with the headers Redis itself would give.
func TestRefusedKeyCostsNoRedisCall(t *testing.T) {
	for _, backend := range testenv.RedisBackends(t) {
		t.Run(backend.Name, func(t *testing.T) {
			first := testenv.New(t, testenv.Options{Limiter: productionLimiter(t, backend)})
			acct := first.NewAccount("free")
			second, _ := handlers.New(handlers.Deps{Store: first.Store, Limiter: productionLimiter(t, backend), Log: testenv.Logger(t), Usage: first.Usage})
			replicas := []*echo.Echo{first.Echo, second}
			send := func(i int) *httptest.ResponseRecorder {
				req := httptest.NewRequest(http.MethodGet, "/api?mode=profile&action=view", nil)
				req.Header.Set("X-API-Key", acct.Key)
				rec := httptest.NewRecorder()
				replicas[i%2].ServeHTTP(rec, req)
				return rec
			}

			codes := make([]int, 40)
			var wg sync.WaitGroup
			for i := range codes {
				wg.Go(func() { codes[i] = send(i).Code })
			}
			wg.Wait()
			count := map[int]int{}
			for _, c := range codes {
				count[c]++
			}
			if count[http.StatusOK] != 10 || count[http.StatusTooManyRequests] != 30 {
				t.Fatalf("40 concurrent requests on two replicas: %v, want 10 allowed and 30 refused", count)
			}

			commands := testenv.LogRedis(backend.Client)
			for i := range 20 {
				rec := send(i)
				if rec.Code != http.StatusTooManyRequests {
					t.Fatalf("request %d over the limit: %d %s", i, rec.Code, rec.Body)
				}
				// What Redis says now, without charging: the same windows.
				d, err := backend.Limiter(t).Peek(t.Context(), "u:"+strconv.FormatInt(acct.User.ID, 10), ratelimit.Limits{PerMinute: 10, PerDay: 100})
				if err != nil {
					t.Fatal(err)
				}
				want := http.Header{}
				d.WriteHeaders(want)
				for _, h := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} {
					if rec.Header().Get(h) != want.Get(h) {
						t.Fatalf("request %d: %s %q, Redis says %q", i, h, rec.Header().Get(h), want.Get(h))
					}
				}
				got, _ := strconv.Atoi(rec.Header().Get("Retry-After"))
				if exp, _ := strconv.Atoi(want.Get("Retry-After")); got < 1 || got > exp+1 || got < exp-1 {
					t.Fatalf("request %d: Retry-After %d, Redis says %d", i, got, exp)
				}
			}
			if n := commands.Count("evalsha") + commands.Count("eval"); n != 20 {
				// The Peeks above are the only script calls: the 20 refusals sent none.
				t.Fatalf("%d script calls for 20 refusals and 20 peeks, want 20 (the peeks')", n)
			}
		})
	}
}
