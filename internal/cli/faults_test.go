package cli

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"gorm.io/gorm"

	"sharepanel/config"
	"sharepanel/internal/testenv"
	"sharepanel/models"
)

// The command line and the server write the same SQLite file at once: `sharepanel user add` runs
// five times at once, twice over, while the API takes writes as fast as it can. No command fails ("database is
// locked"), and no API write fails.
func TestSQLiteCommandLineAndAPIWriteTogether(t *testing.T) {
	if testenv.IsMySQL() {
		t.Skip("SQLite's locking")
	}
	dbURL := "sqlite://" + filepath.Join(t.TempDir(), "shared.db")
	getenv := func(k string) string {
		switch k {
		case "SHAREPANEL_DATABASE_URL":
			return dbURL
		case "SHAREPANEL_LOG_FORMAT":
			return "text"
		}
		return ""
	}
	if err := run([]string{"migrate"}, getenv, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	env := testenv.New(t, testenv.Options{Store: testenv.OpenStore(t, dbURL)})
	acct := env.NewAccount("enterprise")

	var stop atomic.Bool
	var writes, failures atomic.Int64
	var failure atomic.Value
	var api sync.WaitGroup
	for w := range 6 {
		api.Go(func() {
			for i := 0; !stop.Load(); i++ {
				// A transaction that reads then writes (orgs new: its plan's limit, then the rows;
				// 403 once the limit is reached, still a transaction), and single writes.
				params := map[string]any{"mode": "orgs", "action": "new", "api_key": acct.Key, "title": fmt.Sprintf("Org %d-%d", w, i)}
				switch i % 3 {
				case 1:
					params = map[string]any{"mode": "notifications", "action": "mark_read", "api_key": acct.Key}
				case 2:
					params = map[string]any{"mode": "profile", "action": "update", "api_key": acct.Key, "bio": fmt.Sprintf("w%d-%d", w, i)}
				}
				res := env.Post(params)
				writes.Add(1)
				if res.Code >= 500 {
					failures.Add(1)
					failure.Store(fmt.Sprintf("%d %s", res.Code, res.Body))
				}
			}
		})
	}
	var cli sync.WaitGroup
	errs := make([]error, 10)
	for round := range 2 {
		for i := range 5 {
			cli.Go(func() {
				n := 5*round + i
				errs[n] = run([]string{"user", "add", "--email", fmt.Sprintf("cli-%d@example.com", n), "--password", "correct horse", "--plan", "free"},
					getenv, &bytes.Buffer{}, &bytes.Buffer{})
			})
		}
		cli.Wait()
	}
	stop.Store(true)
	api.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("user add #%d: %v", i+1, err)
		}
	}
	if failures.Load() > 0 {
		t.Fatalf("%d of %d API writes failed, e.g. %v", failures.Load(), writes.Load(), failure.Load())
	}
	t.Logf("%d API writes", writes.Load())
	if writes.Load() == 0 {
		t.Fatal("no API write ran while the commands did")
	}
}

// A stop ends within SHAREPANEL_SHUTDOWN_TIMEOUT whatever the requests in flight and the database
// do: a request that never ends has its connection closed, and usage the database does not take
// is spooled for the next start.
func TestStopKeepsItsDeadline(t *testing.T) {
	store := testenv.NewStore(t)
	var frozen atomic.Bool
	frozen.Store(true)
	err := store.DB().Callback().Create().Before("gorm:create").Register("test:frozen_usage", func(db *gorm.DB) {
		if frozen.Load() && db.Statement.Table == "api_usage_rollup" {
			<-db.Statement.Context.Done() // a database that stopped answering
			_ = db.AddError(db.Statement.Context.Err())
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	usage := store.NewUsageRecorder(testenv.Logger(t), time.Hour, 100)
	usage.SpoolDir = t.TempDir()
	for range 7 {
		usage.Record(models.UsageRecord{UserID: 1, KeyID: 1, Endpoint: "profile.view", Status: 200, At: time.Now()})
	}

	hang := make(chan struct{})
	defer close(hang)
	inFlight := make(chan struct{})
	srv := newServer("127.0.0.1:0", http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		close(inFlight)
		<-hang // ignores its context: nothing but closing the connection ends it for the client
	}), config.Config{ReadTimeout: 30 * time.Second})
	ln, err := net.Listen("tcp", srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	answered := make(chan error, 1)
	go func() {
		res, err := http.Get("http://" + ln.Addr().String() + "/")
		if err == nil {
			res.Body.Close()
		}
		answered <- err
	}()
	<-inFlight

	stop(800*time.Millisecond, []*http.Server{srv}, usage, func() {}, func() { _ = store.Close() }, testenv.Logger(t))
	if err := <-answered; err == nil {
		t.Fatal("the request in flight got an answer")
	}
	files, err := filepath.Glob(filepath.Join(usage.SpoolDir, "sharepanel-usage-spool-*.json"))
	if err != nil || len(files) != 1 {
		t.Fatalf("spool files %v, %v", files, err)
	}
	if st := usage.Stats(); st.Spooled != 7 || st.Written != 0 {
		t.Fatalf("stats %+v, want 7 spooled", st)
	}
}

// go-redis's own log lines (a failed dial) go through the service's logger as JSON, not as plain
// text in the stream.
func TestDriverLogsGoThroughTheLogger(t *testing.T) {
	var buf safeBuffer
	routeDriverLogs(slog.New(slog.NewJSONHandler(&buf, nil)))
	defer routeDriverLogs(slog.New(slog.DiscardHandler))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialerRetries: 1})
	defer c.Close()
	if err := c.Ping(context.Background()).Err(); err == nil {
		t.Fatal("ping of a closed port succeeded")
	}
	out := buf.String()
	if !strings.Contains(out, `"source":"go-redis"`) || !strings.Contains(out, `"level":"WARN"`) || !strings.HasPrefix(out, "{") {
		t.Fatalf("go-redis's line is not the service's JSON: %q", out)
	}
}

type safeBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *safeBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *safeBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
