package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"sharepanel/handlers"
	"sharepanel/internal/testenv"
)

// headerList splits a comma-separated header into lower-case names.
func headerList(h string) map[string]bool {
	out := map[string]bool{}
	for _, v := range strings.Split(h, ",") {
		if v = strings.ToLower(strings.TrimSpace(v)); v != "" {
			out[v] = true
		}
	}
	return out
}

func preflight(env *testenv.Env, origin, method, headers string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodOptions, "/api", nil)
	req.Header.Set("Origin", origin)
	req.Header.Set("Access-Control-Request-Method", method)
	if headers != "" {
		req.Header.Set("Access-Control-Request-Headers", headers)
	}
	rec := httptest.NewRecorder()
	env.Echo.ServeHTTP(rec, req)
	return rec
}

// A dashboard on another origin POSTs JSON with its key in a header: the browser asks first.
func TestCORSPreflight(t *testing.T) {
	for _, tc := range []struct {
		name       string
		configured []string
		origin     string
		wantOrigin string // "" means the browser must refuse
	}{
		{"any origin", []string{"*"}, "https://dash.example.net", "*"},
		{"listed origin", []string{"https://dash.example.net", "http://localhost:3000"}, "http://localhost:3000", "http://localhost:3000"},
		{"unlisted origin", []string{"https://dash.example.net"}, "https://evil.example.org", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := testenv.New(t, testenv.Options{Deps: func(d *handlers.Deps) { d.CORSOrigins = tc.configured }})
			for _, reqHeaders := range []string{"content-type, authorization", "content-type, x-api-key", "Content-Type,X-API-Key,X-Request-ID"} {
				rec := preflight(env, tc.origin, http.MethodPost, reqHeaders)
				h := rec.Header()
				if got := h.Get("Access-Control-Allow-Origin"); got != tc.wantOrigin {
					t.Fatalf("%s: Allow-Origin %q, want %q", reqHeaders, got, tc.wantOrigin)
				}
				if tc.wantOrigin == "" {
					continue
				}
				if rec.Code != http.StatusNoContent {
					t.Fatalf("preflight status %d", rec.Code)
				}
				if !headerList(h.Get("Access-Control-Allow-Methods"))["post"] {
					t.Fatalf("Allow-Methods %q lacks POST", h.Get("Access-Control-Allow-Methods"))
				}
				allowed := headerList(h.Get("Access-Control-Allow-Headers"))
				for name := range headerList(reqHeaders) {
					if !allowed[name] {
						t.Fatalf("Allow-Headers %q lacks %s", h.Get("Access-Control-Allow-Headers"), name)
					}
				}
				if h.Get("Access-Control-Max-Age") != "600" {
					t.Fatalf("Max-Age %q", h.Get("Access-Control-Max-Age"))
				}
				if tc.wantOrigin != "*" && !headerList(h.Get("Vary"))["origin"] {
					t.Fatalf("Vary %q: caches must key on Origin when it is echoed", h.Get("Vary"))
				}
			}
		})
	}
}

// The actual request: the browser lets the page read the rate-limit headers and the request ID
// only if they are exposed.
func TestCORSExposesRateLimitHeaders(t *testing.T) {
	env := testenv.New(t, testenv.Options{Deps: func(d *handlers.Deps) { d.CORSOrigins = []string{"https://dash.example.net"} }})
	acct := env.NewAccount("pro")
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		var res *testenv.Response
		h := http.Header{"Origin": {"https://dash.example.net"}, "Authorization": {"Bearer " + acct.Key}}
		if method == http.MethodGet {
			res = env.Do(method, "/api?mode=profile&action=view", nil, h)
		} else {
			res = env.Do(method, "/api", map[string]any{"mode": "profile", "action": "view"}, h)
		}
		res.Expect(t, http.StatusOK, "Profile retrieved successfully")
		if got := res.Header.Get("Access-Control-Allow-Origin"); got != "https://dash.example.net" {
			t.Fatalf("%s: Allow-Origin %q", method, got)
		}
		exposed := headerList(res.Header.Get("Access-Control-Expose-Headers"))
		for _, name := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After", "X-Request-ID"} {
			if !exposed[strings.ToLower(name)] {
				t.Errorf("%s: %s not exposed (Expose-Headers %q)", method, name, res.Header.Get("Access-Control-Expose-Headers"))
			}
			if name != "Retry-After" && res.Header.Get(name) == "" {
				t.Errorf("%s: no %s header to expose", method, name)
			}
		}
	}
	// An error answer is readable too: the page can show the message and the limit.
	res := env.Do(http.MethodGet, "/api?mode=profile&action=view&api_key=nope", nil, http.Header{"Origin": {"https://dash.example.net"}})
	res.Expect(t, http.StatusUnauthorized, "Invalid or expired API key")
	if res.Header.Get("Access-Control-Allow-Origin") != "https://dash.example.net" {
		t.Fatalf("401 without Allow-Origin: the page could not read the error")
	}
}
