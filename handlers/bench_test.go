package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"sharepanel/handlers"
	"sharepanel/internal/testenv"
	"sharepanel/models"
	"sharepanel/ratelimit"
)

// benchEnv is a service whose access log is JSON, as in production, written to nowhere.
func benchEnv(b *testing.B, limiter ratelimit.Limiter) *testenv.Env {
	return testenv.New(b, testenv.Options{Limiter: limiter, Deps: func(d *handlers.Deps) {
		d.Log = slog.New(slog.NewJSONHandler(io.Discard, nil))
	}})
}

func serveLoop(b *testing.B, env *testenv.Env, key string, want int) {
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodGet, "/api?mode=profile&action=view", nil)
			req.Header.Set("X-API-Key", key)
			rec := httptest.NewRecorder()
			env.Echo.ServeHTTP(rec, req)
			if rec.Code != want {
				b.Fatalf("status %d, want %d: %s", rec.Code, want, rec.Body)
			}
		}
	})
}

// The whole pipeline for a key over its limit, refused from memory: what an abusive client costs
// the gateway, without the network.
func BenchmarkPipelineRefused(b *testing.B) {
	env := benchEnv(b, ratelimit.NewRefusals(ratelimit.NewMemory(ratelimit.MemoryOptions{}), ratelimit.RefusalOptions{}))
	acct := env.NewAccount("free")
	for range 10 {
		env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": acct.Key})
	}
	serveLoop(b, env, acct.Key, http.StatusTooManyRequests)
}

// The whole pipeline for profile view, on the embedded database and the in-process limiter: with
// a key as every key was before issue 13, and with one locked to 20 networks (httptest's client,
// 192.0.2.1, matches the last) and to three modes.
func BenchmarkPipelineProfileView(b *testing.B) {
	env := benchEnv(b, ratelimit.NewMemory(ratelimit.MemoryOptions{}))
	acct := env.NewAccount("enterprise")
	if err := env.Store.DB().Exec("UPDATE plans SET requests_per_minute = 100000000, requests_per_day = 1000000000").Error; err != nil {
		b.Fatal(err)
	}
	env.Store.Plans.Invalidate()
	ips := ""
	for i := range 19 {
		ips += "10." + strconv.Itoa(i) + ".0.0/16,"
	}
	locked, _, err := env.Store.CreateAPIKey(context.Background(), acct.User.ID, models.NewKey{Name: "locked", Permissions: "read,write",
		AllowedIPs: ips + "192.0.2.0/24", Scopes: "profile:read,orgs:write,billing:read"})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("unrestricted", func(b *testing.B) { serveLoop(b, env, acct.Key, http.StatusOK) })
	b.Run("allowlist-20-scopes-3", func(b *testing.B) { serveLoop(b, env, locked, http.StatusOK) })
}
