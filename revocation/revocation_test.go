package revocation_test

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"sharepanel/handlers/admin"
	"sharepanel/internal/testenv"
	"sharepanel/models"
	"sharepanel/ratelimit"
	"sharepanel/revocation"
)

// Issue 10, "revocation everywhere, at once": two gateway replicas, each with its own store over
// one database and its own subscription to one Redis (or Redis Cluster). Their caches hold keys
// and plans for an hour, so a change made through replica A can only reach replica B in time
// through the channel: deleting a key, suspending, deleting or moving an account to another plan,
// and editing a plan, through A, are refused or applied by B within a bounded poll (the measured
// delay is logged). Then B's subscription is cut: B holds its key cache degraded (entries live
// 2 s), logs it once, and a key deleted meanwhile — its message lost to B — is refused by B within
// that TTL; when the subscription is back, B logs it once and leaves degraded mode.
func TestRevocationReachesEveryReplica(t *testing.T) {
	for _, backend := range testenv.RedisBackends(t) {
		t.Run(backend.Name, func(t *testing.T) { testRevocation(t, backend) })
	}
}

// withinBound is how long a poll waits for a change to reach the other replica: far below the
// caches' hour, so that only the channel (or the degraded TTL) can make it in time. It bounds a
// poll; it is not the measure (which is logged).
const withinBound = 10 * time.Second

func testRevocation(t *testing.T, backend *testenv.RedisBackend) {
	ctx := context.Background()
	dbURL := testenv.EmptyDatabase(t)
	channel := backend.Prefix + "invalidations"
	logB := &records{}
	cut := &cutter{}
	replica := func(bus *revocation.Bus) *models.Store {
		s := testenv.OpenStore(t, dbURL)
		s.Keys = models.NewKeyCache(s, models.KeyCacheOptions{TTL: time.Hour, NegativeTTL: time.Hour, DegradedTTL: 2 * time.Second})
		s.Plans = models.NewPlanCache(s, time.Hour)
		s.Broadcast = bus
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { bus.Run(runCtx, s); close(done) }()
		t.Cleanup(func() { stop(); <-done })
		return s
	}
	storeA := replica(revocation.New(backend.Client, channel, testenv.Logger(t)))
	if _, err := storeA.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	busB := revocation.New(backend.NewClient(t, cut.dial), channel, slog.New(logB))
	busB.Retry = 20 * time.Millisecond
	storeB := replica(busB)
	waitFor(t, "both subscriptions up", func() bool { return !storeA.Keys.Degraded() && !storeB.Keys.Degraded() })

	limiter := func() ratelimit.Limiter { return ratelimit.NewMemory(ratelimit.MemoryOptions{}) }
	a := testenv.New(t, testenv.Options{Store: storeA, Limiter: limiter()})
	b := testenv.New(t, testenv.Options{Store: storeB, Limiter: limiter()})
	adminA := admin.New(admin.Deps{Store: storeA, Log: testenv.Logger(t), JWTSecret: strings.Repeat("s", 32), Login: testenv.UnlimitedLogins()})
	if _, err := storeA.UpdateSettings(ctx, map[string]string{models.SettingAPI: "on"}); err != nil {
		t.Fatal(err)
	}
	if _, err := storeA.CreateAdmin(ctx, "root", "root-password-1"); err != nil {
		t.Fatal(err)
	}
	token := adminToken(t, adminA)
	adminCall := func(t *testing.T, method, path, body string) {
		t.Helper()
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		adminA.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body)
		}
	}
	view := func(env *testenv.Env, key string) *testenv.Response {
		return env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": key})
	}
	// accepted checks a key works on B, which then holds it in its cache for an hour.
	accepted := func(t *testing.T, acct *testenv.Account) {
		t.Helper()
		view(b, acct.Key).Expect(t, http.StatusOK, "Profile retrieved successfully")
	}
	// reaches polls B until check holds, and logs how long the change took to get there.
	reaches := func(t *testing.T, what string, check func() bool) {
		t.Helper()
		start := time.Now()
		waitFor(t, what+" on replica B", check)
		t.Logf("%s: replica B followed in %s", what, time.Since(start).Round(time.Microsecond))
	}

	t.Run("key deleted", func(t *testing.T) {
		acct := a.NewAccount("free")
		other, _, err := storeA.CreateAPIKey(ctx, acct.User.ID, models.NewKey{Name: "other", Permissions: "read,write"})
		if err != nil {
			t.Fatal(err)
		}
		accepted(t, acct)
		keys := a.Get(map[string]string{"mode": "api_keys", "action": "list", "api_key": other}).DataList(t)
		a.Post(map[string]any{"mode": "api_keys", "action": "delete", "api_key": other, "key_id": keys[0]["id"]}).
			Expect(t, http.StatusOK, "API key deleted successfully")
		reaches(t, "key deleted", func() bool { return view(b, acct.Key).Code == http.StatusUnauthorized })
	})
	t.Run("account suspended", func(t *testing.T) {
		acct := a.NewAccount("free")
		accepted(t, acct)
		adminCall(t, http.MethodPatch, "/api/users/"+acct.User.Username, `{"action": "suspend"}`)
		reaches(t, "account suspended", func() bool { return view(b, acct.Key).Code == http.StatusForbidden })
		adminCall(t, http.MethodPatch, "/api/users/"+acct.User.Username, `{"action": "unsuspend"}`)
		reaches(t, "account unsuspended", func() bool { return view(b, acct.Key).Code == http.StatusOK })
	})
	t.Run("account deleted", func(t *testing.T) {
		acct := a.NewAccount("free")
		accepted(t, acct)
		adminCall(t, http.MethodDelete, "/api/users/"+acct.User.Username, "")
		reaches(t, "account deleted", func() bool { return view(b, acct.Key).Code == http.StatusUnauthorized })
	})
	t.Run("plan changed", func(t *testing.T) {
		acct := a.NewAccount("free")
		accepted(t, acct)
		adminCall(t, http.MethodPut, "/api/users/"+acct.User.Username, `{"plan_name": "pro"}`)
		reaches(t, "plan changed", func() bool { return view(b, acct.Key).Header.Get("X-RateLimit-Limit") == "100" })
	})
	t.Run("password changed", func(t *testing.T) {
		acct := a.NewAccount("free")
		accepted(t, acct)
		// Keys outlive a new password; what B must see is the account as it is now: suspend it
		// behind B's back (straight in the database), then change the password through A.
		if err := storeA.DB().Model(&models.User{}).Where("id = ?", acct.User.ID).Update("suspended", true).Error; err != nil {
			t.Fatal(err)
		}
		adminCall(t, http.MethodPatch, "/api/users/"+acct.User.Username, `{"password": "a new passphrase"}`)
		reaches(t, "password changed", func() bool { return view(b, acct.Key).Code == http.StatusForbidden })
	})
	t.Run("plan edited", func(t *testing.T) {
		acct := a.NewAccount("basic")
		if got := view(b, acct.Key).Header.Get("X-RateLimit-Limit"); got != "30" {
			t.Fatalf("basic plan limit on B: %s", got)
		}
		adminCall(t, http.MethodPatch, "/api/plans/basic", `{"requests_per_minute": 7}`)
		reaches(t, "plan edited", func() bool { return view(b, acct.Key).Header.Get("X-RateLimit-Limit") == "7" })
	})

	t.Run("subscription cut", func(t *testing.T) {
		acct := a.NewAccount("free")
		cut.set(true)
		waitFor(t, "replica B degraded", storeB.Keys.Degraded)
		// Cached now, for the degraded TTL only.
		accepted(t, acct)
		keys := a.Get(map[string]string{"mode": "api_keys", "action": "list", "api_key": acct.Key}).DataList(t)
		a.Post(map[string]any{"mode": "api_keys", "action": "delete", "api_key": acct.Key, "key_id": keys[0]["id"]}).
			Expect(t, http.StatusOK, "API key deleted successfully") // its message is lost to B
		reaches(t, "key deleted while B's subscription is down", func() bool { return view(b, acct.Key).Code == http.StatusUnauthorized })
		if n := logB.count("subscription lost"); n != 1 {
			t.Errorf("replica B logged the lost subscription %d times, want once", n)
		}
		cut.set(false)
		waitFor(t, "replica B subscribed again", func() bool { return !storeB.Keys.Degraded() })
		if n := logB.count("subscription back"); n != 1 {
			t.Errorf("replica B logged the subscription back %d times, want once", n)
		}
		if n := logB.count("subscription lost"); n != 1 {
			t.Errorf("replica B logged the lost subscription %d times in all, want once", n)
		}
		// And messages reach B again.
		other := a.NewAccount("free")
		accepted(t, other)
		adminCall(t, http.MethodPatch, "/api/users/"+other.User.Username, `{"action": "suspend"}`)
		reaches(t, "account suspended after the subscription came back", func() bool { return view(b, other.Key).Code == http.StatusForbidden })
	})
}

// waitFor polls cond until it holds, failing the test past withinBound.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(withinBound)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, withinBound)
		}
		time.Sleep(5 * time.Millisecond) // a poll of another goroutine's effect: nothing to wait on
	}
}

func adminToken(t *testing.T, e *echo.Echo) string {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/api/", strings.NewReader(`{"username":"root","password":"root-password-1"}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	body := rec.Body.String()
	i := strings.Index(body, `"access_token":"`)
	if rec.Code != http.StatusOK || i < 0 {
		t.Fatalf("admin token: %d %s", rec.Code, body)
	}
	tok := body[i+len(`"access_token":"`):]
	return tok[:strings.IndexByte(tok, '"')]
}

// cutter dials Redis until it is cut: then it closes every connection it opened and refuses new
// ones, as a network partition between one replica and Redis would.
type cutter struct {
	mu    sync.Mutex
	cut   bool
	conns []net.Conn
}

func (c *cutter) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cut {
		return nil, errors.New("cut off from Redis by the test")
	}
	conn, err := (&net.Dialer{}).DialContext(ctx, network, addr)
	if err == nil {
		c.conns = append(c.conns, conn)
	}
	return conn, err
}

func (c *cutter) set(cut bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cut = cut
	if cut {
		for _, conn := range c.conns {
			_ = conn.Close()
		}
		c.conns = nil
	}
}

// records is a slog.Handler that keeps every message logged, with its level.
type records struct {
	mu   sync.Mutex
	msgs []string
}

func (r *records) Enabled(context.Context, slog.Level) bool { return true }
func (r *records) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, rec.Level.String()+" "+rec.Message)
	return nil
}
func (r *records) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *records) WithGroup(string) slog.Handler      { return r }

func (r *records) count(part string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, m := range r.msgs {
		if strings.Contains(m, part) {
			n++
		}
	}
	return n
}
