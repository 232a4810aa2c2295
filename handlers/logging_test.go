package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"sharepanel/handlers"
	"sharepanel/internal/testenv"
)

// lockedBuffer is a log sink safe for the request goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// One JSON line per request with its request ID, mode, action, status and duration; never an API
// key or a password, wherever the client put them.
func TestRequestLogsCarryNoSecrets(t *testing.T) {
	var sink lockedBuffer
	env := testenv.New(t, testenv.Options{Deps: func(d *handlers.Deps) {
		d.Log = slog.New(slog.NewJSONHandler(&sink, nil))
	}})
	acct := env.NewAccount("free")
	env.Get(map[string]string{"mode": "auth", "email": acct.User.Email, "password": acct.Password}).Expect(t, 200, "Authentication successful")
	env.Get(map[string]string{"mode": "auth", "email": acct.User.Email, "password": "wrong-" + acct.Password})
	env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": acct.Key}).Expect(t, 200, "Profile retrieved successfully")
	env.Do(http.MethodGet, "/api?mode=orgs&action=view&org_id=0", nil, http.Header{"Authorization": {"Bearer " + acct.Key}})
	env.Post(map[string]any{"mode": "profile", "action": "update", "api_key": acct.Key, "bio": "x"}).Expect(t, 200, "Profile updated successfully")
	// A key where the path form wants a mode or an action (a mis-built URL; a hostile pass found
	// the access log writing the path as it came).
	env.Do(http.MethodGet, "/api/"+acct.Key+"/view", nil, nil)
	env.Do(http.MethodGet, "/api/profile/"+acct.Key, nil, nil)

	logs := sink.String()
	for _, secret := range []string{acct.Key, acct.Password, acct.Key[3:20]} {
		if strings.Contains(logs, secret) {
			t.Fatalf("a secret is in the logs:\n%s", logs)
		}
	}
	lines := strings.Split(strings.TrimSpace(logs), "\n")
	var requests int
	for _, line := range lines {
		var entry map[string]any
		if err := json.Unmarshal([]byte(line), &entry); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		if entry["msg"] != "request" {
			continue
		}
		requests++
		for _, field := range []string{"request_id", "mode", "action", "status", "duration_ms"} {
			if _, ok := entry[field]; !ok {
				t.Errorf("request log line without %s: %s", field, line)
			}
		}
	}
	if requests != 7 {
		t.Fatalf("%d request lines for 7 requests:\n%s", requests, logs)
	}
}

// A client that goes away mid-request is not an "unexpected error" in the logs.
func TestClientGoneIsNotLoggedAsAnError(t *testing.T) {
	var sink lockedBuffer
	env := testenv.New(t, testenv.Options{Deps: func(d *handlers.Deps) {
		d.Log = slog.New(slog.NewJSONHandler(&sink, nil))
	}})
	acct := env.NewAccount("free")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequest(http.MethodGet, "/api?mode=profile&action=stats&api_key="+acct.Key, nil).WithContext(ctx)
	env.Echo.ServeHTTP(httptest.NewRecorder(), req)
	if strings.Contains(sink.String(), `"level":"ERROR"`) {
		t.Fatalf("a cancelled request was logged as an error:\n%s", sink.String())
	}
}

// A request whose client went away mid-way is recorded as 499 (client closed request), not as a
// server error.
func TestClientGoneIsRecordedAs499(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("free")
	env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": acct.Key}).Expect(t, http.StatusOK, "Profile retrieved successfully")
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the key and the plan are cached: the request gets as far as its handler's query
	req := httptest.NewRequest(http.MethodGet, "/api?mode=profile&action=stats&api_key="+acct.Key, nil).WithContext(ctx)
	env.Echo.ServeHTTP(httptest.NewRecorder(), req)
	env.FlushUsage()
	var rows []struct {
		StatusCode   int
		RequestCount int64
	}
	if err := env.Store.DB().Table("api_usage_rollup").Select("status_code, request_count").
		Where("user_id = ? AND endpoint = ?", acct.User.ID, "profile.stats").Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].StatusCode != 499 || rows[0].RequestCount != 1 {
		t.Fatalf("the cancelled request was recorded as %+v, want one request with status 499", rows)
	}
}

// A key anywhere in a path segment stays out of the access log, not only a segment that is the
// key: a client that appends "&api_key=…" to a path-form URL that has no query yet (or ";", or
// "api_key=" alone) sends it inside the action's segment. (A hostile pass found these logged.)
func TestRequestLogsCutKeysInsideAPathSegment(t *testing.T) {
	var sink lockedBuffer
	env := testenv.New(t, testenv.Options{Deps: func(d *handlers.Deps) {
		d.Log = slog.New(slog.NewJSONHandler(&sink, nil))
	}})
	acct := env.NewAccount("free")
	for _, path := range []string{
		"/api/profile/view&api_key=" + acct.Key,
		"/api/profile/view;api_key=" + acct.Key,
		"/api/api_key=" + acct.Key,
		"/api/profile/view%26api_key=" + acct.Key,
		"/api/auth/spal_0123456789abcdefghijABCDEFGHIJ", // an autologin token, as secret for its minute
	} {
		env.Do(http.MethodGet, path, nil, nil)
	}
	if logs := sink.String(); strings.Contains(logs, acct.Key[3:20]) || strings.Contains(logs, "0123456789abcdefghij") {
		t.Fatalf("a key is in the logs:\n%s", logs)
	}
}
