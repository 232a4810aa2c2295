package handlers_test

import (
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"sharepanel/handlers"
	"sharepanel/internal/testenv"
	"sharepanel/wire"
)

// freezeReads makes every read wait until its context ends while frozen is set, before the driver
// runs it with that context (a database that stopped answering), and records whether the read had
// a deadline.
func freezeReads(t *testing.T, env *testenv.Env, frozen *atomic.Bool, sawDeadline *atomic.Bool) {
	t.Helper()
	freeze := func(db *gorm.DB) {
		if !frozen.Load() {
			return
		}
		ctx := db.Statement.Context
		if _, ok := ctx.Deadline(); ok {
			sawDeadline.Store(true)
		}
		<-ctx.Done()
	}
	cb := env.Store.DB().Callback()
	for _, err := range []error{
		cb.Query().Before("gorm:query").Register("test:freeze_query", freeze),
		cb.Row().Before("gorm:row").Register("test:freeze_row", freeze),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// Every request has a deadline that reaches the database through its context: a database that
// does not answer in time, or is down, is a 503 "Service temporarily unavailable" with Retry-After,
// never a hang or a 500; and each such request is still counted as usage.
func TestDatabaseFailuresAnswer503(t *testing.T) {
	var sink lockedBuffer
	env := testenv.New(t, testenv.Options{Deps: func(d *handlers.Deps) {
		d.RequestTimeout = 200 * time.Millisecond
		d.Log = slog.New(slog.NewJSONHandler(&sink, nil))
	}})
	acct := env.NewAccount("free")
	view := func() *testenv.Response {
		return env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": acct.Key})
	}
	view().Expect(t, http.StatusOK, "Profile retrieved successfully") // the key and plan are cached now

	var frozen, sawDeadline atomic.Bool
	freezeReads(t, env, &frozen, &sawDeadline)
	frozen.Store(true)
	const failures = 12
	for range failures {
		res := view()
		res.Expect(t, http.StatusServiceUnavailable, wire.UnavailableMessage)
		if res.Header.Get("Retry-After") != "5" || res.Env["code"] != "unavailable" {
			t.Fatalf("Retry-After %q, code %v", res.Header.Get("Retry-After"), res.Env["code"])
		}
	}
	if !sawDeadline.Load() {
		t.Fatal("the database call had no deadline")
	}
	// One sampled line with the cause for the whole run, not one per request; no "unexpected error".
	logs := sink.String()
	if n := strings.Count(logs, "dependency unavailable"); n != 1 || strings.Contains(logs, "unexpected error") {
		t.Fatalf("%d sampled lines for %d failed requests (want 1), or an unexpected error:\n%s", n, failures, logs)
	}
	if !strings.Contains(logs, "context deadline exceeded") {
		t.Fatalf("the cause is not logged:\n%s", logs)
	}
	frozen.Store(false)
	view().Expect(t, http.StatusOK, "Profile retrieved successfully")

	env.FlushUsage()
	var counted int64
	if err := env.Store.DB().Raw("SELECT COALESCE(SUM(request_count), 0) FROM api_usage_rollup WHERE user_id = ? AND status_code = 503", acct.User.ID).Scan(&counted).Error; err != nil {
		t.Fatal(err)
	}
	if counted != failures {
		t.Fatalf("%d requests answered 503 counted as usage, want %d", counted, failures)
	}

	// The database gone altogether (its pool closed): 503 too, not 500.
	if err := env.Store.Close(); err != nil {
		t.Fatal(err)
	}
	res := view()
	res.Expect(t, http.StatusServiceUnavailable, wire.UnavailableMessage)
	if res.Header.Get("Retry-After") == "" {
		t.Fatal("no Retry-After")
	}
}
