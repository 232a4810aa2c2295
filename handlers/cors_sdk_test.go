package handlers_test

import (
	"net/http"
	"testing"

	"sharepanel/handlers"
	"sharepanel/internal/testenv"
)

// The TypeScript SDK in a browser: its writes carry an Idempotency-Key (so that they may be
// retried), which the preflight must allow, and its iterators and replay detection read Link,
// X-Total-Count and Idempotent-Replayed, which must be exposed; a dashboard's conditional reads
// send If-None-Match and read ETag.
func TestCORSAllowsWhatTheSDKsSendAndRead(t *testing.T) {
	env := testenv.New(t, testenv.Options{Deps: func(d *handlers.Deps) { d.CORSOrigins = []string{"https://dash.example.net"} }})
	rec := preflight(env, "https://dash.example.net", http.MethodPost, "authorization, content-type, idempotency-key, if-none-match")
	if rec.Code != http.StatusNoContent {
		t.Fatalf("preflight status %d", rec.Code)
	}
	if allowed := headerList(rec.Header().Get("Access-Control-Allow-Headers")); !allowed["idempotency-key"] || !allowed["if-none-match"] {
		t.Fatalf("Allow-Headers %q lacks Idempotency-Key or If-None-Match", rec.Header().Get("Access-Control-Allow-Headers"))
	}

	acct := env.NewAccount("pro")
	res := env.Do(http.MethodGet, "/api?mode=notifications&action=list", nil,
		http.Header{"Origin": {"https://dash.example.net"}, "Authorization": {"Bearer " + acct.Key}})
	res.Expect(t, http.StatusOK, "Notifications retrieved successfully")
	exposed := headerList(res.Header.Get("Access-Control-Expose-Headers"))
	for _, name := range []string{"link", "x-total-count", "idempotent-replayed", "etag"} {
		if !exposed[name] {
			t.Errorf("%s not exposed (Expose-Headers %q)", name, res.Header.Get("Access-Control-Expose-Headers"))
		}
	}
}
