package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"sharepanel/handlers"
	"sharepanel/internal/testenv"
	"sharepanel/models"
	"sharepanel/ratelimit"
	"sharepanel/wire"
)

const rateLimited = "Rate limit exceeded. Please try again later."

// Two gateway replicas, each with its own limiter over one Redis, share a free plan's 10 requests a
// minute exactly: 40 concurrent requests give 10 successes and 30 refusals with Retry-After.
func TestRateLimitIsExactAcrossReplicas(t *testing.T) {
	for _, backend := range testenv.RedisBackends(t) {
		t.Run(backend.Name, func(t *testing.T) {
			first := testenv.New(t, testenv.Options{Limiter: backend.Limiter(t)})
			acct := first.NewAccount("free")
			second, _ := handlers.New(handlers.Deps{Store: first.Store, Limiter: backend.Limiter(t), Log: testenv.Logger(t), Usage: first.Usage})
			replicas := []*echo.Echo{first.Echo, second}

			var wg sync.WaitGroup
			codes := make([]*httptest.ResponseRecorder, 40)
			for i := range codes {
				wg.Add(1)
				go func() {
					defer wg.Done()
					req := httptest.NewRequest(http.MethodGet, "/api?mode=profile&action=view", nil)
					req.Header.Set("X-API-Key", acct.Key)
					codes[i] = httptest.NewRecorder()
					replicas[i%2].ServeHTTP(codes[i], req)
				}()
			}
			wg.Wait()
			var ok, limited int
			for _, rec := range codes {
				switch rec.Code {
				case http.StatusOK:
					ok++
				case http.StatusTooManyRequests:
					limited++
					if s, err := strconv.Atoi(rec.Header().Get("Retry-After")); err != nil || s < 1 || s > 60 {
						t.Errorf("Retry-After %q", rec.Header().Get("Retry-After"))
					}
					if !strings.Contains(rec.Body.String(), `"message":"`+rateLimited+`"`) || !strings.Contains(rec.Body.String(), `"code":"rate_limited"`) {
						t.Errorf("429 body %s", rec.Body)
					}
				default:
					t.Errorf("unexpected %d %s", rec.Code, rec.Body)
				}
			}
			if ok != 10 || limited != 30 {
				t.Fatalf("%d allowed and %d limited, want 10 and 30", ok, limited)
			}
		})
	}
}

// Every authenticated answer, success or error, carries the limit headers; the tightest window
// is reported and Remaining counts down; an unauthenticated answer carries none.
func TestRateLimitHeaders(t *testing.T) {
	now := time.Now()
	env := testenv.New(t, testenv.Options{Limiter: ratelimit.NewMemory(ratelimit.MemoryOptions{})})
	acct := env.NewAccount("basic") // 30/min, 1000/day
	for i, params := range []map[string]string{
		{"mode": "profile", "action": "view"},
		{"mode": "orgs", "action": "view", "org_id": "999999"}, // 404
		{"mode": "orgs", "action": "view"},                     // 400
	} {
		params["api_key"] = acct.Key
		res := env.Get(params)
		h := res.Header
		if h.Get("X-RateLimit-Limit") != "30" || h.Get("X-RateLimit-Remaining") != strconv.Itoa(29-i) {
			t.Fatalf("request %d (%d): limit %q remaining %q", i, res.Code, h.Get("X-RateLimit-Limit"), h.Get("X-RateLimit-Remaining"))
		}
		reset, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64)
		if err != nil || reset < now.Unix() || reset > now.Add(2*time.Minute).Unix() {
			t.Fatalf("X-RateLimit-Reset %q is not a Unix time in the next minute", h.Get("X-RateLimit-Reset"))
		}
		if !strings.HasPrefix(h.Get("RateLimit-Policy"), `"minute";q=30;w=60, "day";q=1000;w=86400`) || h.Get("RateLimit") == "" {
			t.Fatalf("IETF headers %q / %q", h.Get("RateLimit-Policy"), h.Get("RateLimit"))
		}
	}
	res := env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": "sp_wrong"})
	if res.Code != 401 || res.Header.Get("X-RateLimit-Limit") != "" {
		t.Fatalf("unauthenticated: %d with headers %v", res.Code, res.Header)
	}
}

// A plan's limits are read from the plans table: a changed plan, or a user moved to another plan,
// applies on the next request.
func TestPlanChangesApplyOnTheNextRequest(t *testing.T) {
	env := testenv.New(t, testenv.Options{Limiter: ratelimit.NewMemory(ratelimit.MemoryOptions{})})
	acct := env.NewAccount("free")
	limit := func() string {
		return env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": acct.Key}).Header.Get("X-RateLimit-Limit")
	}
	if got := limit(); got != "10" {
		t.Fatalf("free plan limit %s", got)
	}
	if err := env.Store.DB().Model(&models.Plan{}).Where("name = ?", "free").Update("requests_per_minute", 3).Error; err != nil {
		t.Fatal(err)
	}
	env.Store.Plans.Invalidate()
	if got := limit(); got != "3" {
		t.Fatalf("after editing the plan: %s", got)
	}
	var pro models.Plan
	env.Store.DB().Where("name = ?", "pro").First(&pro)
	env.Store.DB().Model(&models.User{}).Where("id = ?", acct.User.ID).Update("plan_id", pro.ID)
	env.Store.Keys.ForgetUser(acct.User.ID)
	if got := limit(); got != "100" {
		t.Fatalf("after moving to pro: %s", got)
	}
}

// A body at the plan's maximum is accepted, one byte more is 413 (with or without Content-Length),
// for every plan; the message names the plan's maximum.
func TestPayloadLimitPerPlan(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	for _, plan := range []struct {
		name string
		max  int
	}{{"free", 1 << 20}, {"basic", 5 << 20}, {"pro", 15 << 20}, {"enterprise", 50 << 20}} {
		t.Run(plan.name, func(t *testing.T) {
			acct := env.NewAccount(plan.name)
			body := func(size int) string {
				head := `{"mode":"profile","action":"view","api_key":"` + acct.Key + `","pad":"`
				return head + strings.Repeat("x", size-len(head)-2) + `"}`
			}
			send := func(b string, chunked bool) *httptest.ResponseRecorder {
				req := httptest.NewRequest(http.MethodPost, "/api", strings.NewReader(b))
				if chunked {
					req = httptest.NewRequest(http.MethodPost, "/api", struct{ *strings.Reader }{strings.NewReader(b)})
					req.ContentLength = -1
				}
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				env.Echo.ServeHTTP(rec, req)
				return rec
			}
			if rec := send(body(plan.max), false); rec.Code != http.StatusOK {
				t.Fatalf("at the limit: %d %.200s", rec.Code, rec.Body)
			}
			for _, chunked := range []bool{false, true} {
				want := fmt.Sprintf("Payload too large. The %s plan accepts at most %d MB (%d bytes)", plan.name, plan.max>>20, plan.max)
				if plan.name == "enterprise" && !chunked {
					// Over the largest plan by its Content-Length: refused before the key is even looked at.
					want = fmt.Sprintf("Payload too large. No plan accepts more than %d MB (%d bytes)", plan.max>>20, plan.max)
				}
				rec := send(body(plan.max+1), chunked)
				if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), `"message":"`+want+`"`) {
					t.Fatalf("one byte over (chunked=%v): %d %.300s", chunked, rec.Code, rec.Body)
				}
			}
		})
	}
}

// Guessing passwords on mode=auth ends in 429, for the email under attack (even with the right
// password, until the window passes) and for a client IP that tries too many logins.
func TestPasswordGuessingIsLimited(t *testing.T) {
	// The limiter's clock stands still, so that no token refills while bcrypt runs.
	frozen := time.Now()
	newEnv := func() *testenv.Env {
		clock := ratelimit.NewMemory(ratelimit.MemoryOptions{Now: func() time.Time { return frozen }})
		return testenv.New(t, testenv.Options{Login: ratelimit.NewAuth(clock, ratelimit.AuthLimits{})})
	}
	env := newEnv()
	acct := env.NewAccount("free")
	guess := func(pw string) *testenv.Response {
		return env.Get(map[string]string{"mode": "auth", "email": acct.User.Email, "password": pw})
	}
	for i := 0; i < 5; i++ {
		guess(fmt.Sprintf("guess-%d", i)).Expect(t, http.StatusUnauthorized, "Invalid email or password")
	}
	res := guess("guess-5")
	res.Expect(t, http.StatusTooManyRequests, rateLimited)
	if res.Header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
	guess(acct.Password).Expect(t, http.StatusTooManyRequests, rateLimited)

	// Per IP: 30 attempts a minute, whatever the emails.
	env = newEnv()
	for i := 0; i < 30; i++ {
		env.Get(map[string]string{"mode": "auth", "email": fmt.Sprintf("nobody%d@example.com", i), "password": "x"}).
			Expect(t, http.StatusUnauthorized, "Invalid email or password")
	}
	env.Get(map[string]string{"mode": "auth", "email": "nobody@example.com", "password": "x"}).Expect(t, http.StatusTooManyRequests, rateLimited)
}

// The client IP is the socket's unless the request came through a trusted proxy; it is what the
// activity log records and what mode=auth is limited by.
func TestTrustedProxies(t *testing.T) {
	for _, tc := range []struct {
		name    string
		trusted []netip.Prefix
		want    string
	}{
		{"untrusted", nil, "10.1.2.3"},
		{"trusted", []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, "203.0.113.7"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := testenv.New(t, testenv.Options{Deps: func(d *handlers.Deps) { d.TrustedProxies = tc.trusted }})
			acct := env.NewAccount("free")
			req := httptest.NewRequest(http.MethodGet, "/api?mode=auth&email="+acct.User.Email+"&password="+acct.Password, nil)
			req.RemoteAddr = "10.1.2.3:5555"
			req.Header.Set("X-Forwarded-For", "203.0.113.7")
			rec := httptest.NewRecorder()
			env.Echo.ServeHTTP(rec, req)
			if rec.Code != 200 {
				t.Fatalf("auth: %d %s", rec.Code, rec.Body)
			}
			acts, _, err := env.Store.ListActivity(context.Background(), acct.User.ID, wire.Page{Limit: 1})
			if err != nil || len(acts) != 1 {
				t.Fatalf("activity: %v %v", acts, err)
			}
			if string(acts[0].IPAddress) != tc.want {
				t.Fatalf("recorded IP %q, want %q", acts[0].IPAddress, tc.want)
			}
		})
	}
}

// When Redis fails, the configured behaviour applies within the timeout: the in-process limiter,
// allow, or 503; and the gateway returns to Redis when it is back.
func TestRedisDown(t *testing.T) {
	for _, mode := range []string{ratelimit.ModeLocal, ratelimit.ModeOpen, ratelimit.ModeClosed} {
		t.Run(mode, func(t *testing.T) {
			backend := testenv.RedisBackends(t)[0] // miniredis: the one a test may stop
			failover, err := ratelimit.NewFailover(backend.Limiter(t), ratelimit.NewMemory(ratelimit.MemoryOptions{}), mode, testenv.Logger(t))
			if err != nil {
				t.Fatal(err)
			}
			env := testenv.New(t, testenv.Options{Limiter: failover})
			acct := env.NewAccount("free")
			view := func() *testenv.Response {
				return env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": acct.Key})
			}
			view().Expect(t, 200, "Profile retrieved successfully")
			backend.Mini.Close()
			start := time.Now()
			res := view()
			if elapsed := time.Since(start); elapsed > time.Second {
				t.Fatalf("answered after %v with Redis down", elapsed)
			}
			switch mode {
			case ratelimit.ModeClosed:
				res.Expect(t, http.StatusServiceUnavailable, "Service temporarily unavailable. Please try again later.")
				if got := res.Header.Get("Retry-After"); got != "5" {
					t.Fatalf("Retry-After %q, want 5", got)
				}
			default:
				res.Expect(t, 200, "Profile retrieved successfully")
			}
		})
	}
}
