// Package testenv builds a whole user API for tests: a fresh database (embedded SQLite, or a
// database of its own on the MySQL server named by SHAREPANEL_TEST_MYSQL_URL), the limiter
// (in-process, or Redis when SHAREPANEL_TEST_REDIS_URL is set), and the echo instance, with
// helpers to make accounts and call /api through the real HTTP stack.
package testenv

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"golang.org/x/crypto/bcrypt"

	"sharepanel/handlers"
	"sharepanel/models"
	"sharepanel/ratelimit"
)

// Env is one test's service.
type Env struct {
	T       testing.TB
	Store   *models.Store
	API     *handlers.API
	Echo    *echo.Echo
	Usage   *models.UsageRecorder
	Limiter ratelimit.Limiter
}

// Options adjust New.
type Options struct {
	Store   *models.Store        // default: NewStore
	Limiter ratelimit.Limiter    // default: Unlimited
	Login   *ratelimit.Auth      // default: no login limits
	Deps    func(*handlers.Deps) // last say over the dependencies
}

// Logger is a logger that writes only when tests run with -v.
func Logger(t testing.TB) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// NewStore returns a migrated, empty database for one test.
func NewStore(t testing.TB) *models.Store {
	t.Helper()
	s := OpenStore(t, EmptyDatabase(t))
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return s
}

// EmptyDatabase returns the URL of a database of the test's own with nothing in it: an SQLite file,
// or a database on the MySQL server named by SHAREPANEL_TEST_MYSQL_URL, dropped afterwards.
func EmptyDatabase(t testing.TB) string {
	t.Helper()
	if base := os.Getenv("SHAREPANEL_TEST_MYSQL_URL"); base != "" {
		return mysqlDatabase(t, base)
	}
	return "sqlite://" + filepath.Join(t.TempDir(), "test.db")
}

// OpenStore opens a store on dbURL for the test, closed when it ends; it does not migrate.
func OpenStore(t testing.TB, dbURL string) *models.Store {
	t.Helper()
	s, err := models.Open(context.Background(), dbURL, Logger(t))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	s.PasswordCost = bcrypt.MinCost // the production cost is too slow for hundreds of accounts under -race
	return s
}

// IsMySQL tells whether the tests run on MySQL (SHAREPANEL_TEST_MYSQL_URL) rather than SQLite.
func IsMySQL() bool { return os.Getenv("SHAREPANEL_TEST_MYSQL_URL") != "" }

// mysqlDatabase creates a database of its own for the test and drops it afterwards.
func mysqlDatabase(t testing.TB, base string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("SHAREPANEL_TEST_MYSQL_URL: %v", err)
	}
	admin, err := models.Open(context.Background(), base, Logger(t))
	if err != nil {
		t.Fatalf("connect to MySQL: %v", err)
	}
	name := "sp_test_" + randomHex(6)
	if err := admin.DB().Exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci").Error; err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		_ = admin.DB().Exec("DROP DATABASE IF EXISTS " + name).Error
		_ = admin.Close()
	})
	u.Path = "/" + name
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// New builds the service over a fresh database.
func New(t testing.TB, opts Options) *Env {
	t.Helper()
	store := opts.Store
	if store == nil {
		store = NewStore(t)
	}
	log := Logger(t)
	if opts.Limiter == nil {
		opts.Limiter = Unlimited{}
	}
	if opts.Login == nil {
		opts.Login = UnlimitedLogins()
	}
	usage := store.NewUsageRecorder(log, 0, 0)
	deps := handlers.Deps{Store: store, Limiter: opts.Limiter, Login: opts.Login, Usage: usage, Log: log, CORSOrigins: []string{"*"}}
	if opts.Deps != nil {
		opts.Deps(&deps)
	}
	e, api := handlers.New(deps)
	return &Env{T: t, Store: store, API: api, Echo: e, Usage: usage, Limiter: opts.Limiter}
}

// UnlimitedLogins are login limits that never refuse: for tests that are not about them.
func UnlimitedLogins() *ratelimit.Auth {
	none := ratelimit.Limits{PerMinute: -1, PerDay: -1}
	return ratelimit.NewAuth(ratelimit.NewMemory(ratelimit.MemoryOptions{}), ratelimit.AuthLimits{IP: none, LoginAttempts: none, FailedLogins: none})
}

// Unlimited allows everything: for tests that are not about limits.
type Unlimited struct{}

// Allow always allows.
func (Unlimited) Allow(context.Context, string, ratelimit.Limits) (ratelimit.Decision, error) {
	return ratelimit.Decision{Allowed: true, Minute: ratelimit.Window{Limit: 1 << 30, Remaining: 1 << 30}, Day: ratelimit.Window{Limit: 1 << 30, Remaining: 1 << 30}, Backend: "test"}, nil
}

// Account is a user made for a test, with a read-write key.
type Account struct {
	User     *models.User
	Key      string
	Password string
}

// NewAccount creates a user on plan with a read-write key.
func (e *Env) NewAccount(plan string) *Account {
	e.T.Helper()
	email := "u" + randomHex(4) + "@example.com"
	pw := "password-" + randomHex(4)
	u, err := e.Store.CreateAccount(context.Background(), models.NewAccount{Email: email, Password: pw, PlanName: plan})
	if err != nil {
		e.T.Fatalf("create user: %v", err)
	}
	secret, _, err := e.Store.CreateAPIKey(context.Background(), u.ID, models.NewKey{Name: "test", Permissions: "read,write"})
	if err != nil {
		e.T.Fatalf("create key: %v", err)
	}
	return &Account{User: u, Key: secret, Password: pw}
}

// Response is a recorded answer with its envelope decoded.
type Response struct {
	Code   int
	Header http.Header
	Body   []byte
	Env    map[string]any
}

// Status, Message and Data read the envelope.
func (r *Response) Status() string  { s, _ := r.Env["status"].(string); return s }
func (r *Response) Message() string { s, _ := r.Env["message"].(string); return s }
func (r *Response) Data() any       { return r.Env["data"] }

// DataMap is data as an object (fails the test when it is not).
func (r *Response) DataMap(t testing.TB) map[string]any {
	t.Helper()
	m, ok := r.Env["data"].(map[string]any)
	if !ok {
		t.Fatalf("data is %T, want object; body %s", r.Env["data"], r.Body)
	}
	return m
}

// DataList is data as an array of objects.
func (r *Response) DataList(t testing.TB) []map[string]any {
	t.Helper()
	l, ok := r.Env["data"].([]any)
	if !ok {
		t.Fatalf("data is %T, want array; body %s", r.Env["data"], r.Body)
	}
	out := make([]map[string]any, len(l))
	for i, v := range l {
		out[i], _ = v.(map[string]any)
	}
	return out
}

// Do sends a request through the echo instance. body may be nil, a string (sent as is with
// contentType), url.Values (urlencoded) or anything else (JSON).
func (e *Env) Do(method, target string, body any, header http.Header) *Response {
	e.T.Helper()
	return e.DoFrom("", method, target, body, header)
}

// DoFrom is Do from the client address remoteAddr ("host:port"; "" for httptest's 192.0.2.1:1234).
func (e *Env) DoFrom(remoteAddr, method, target string, body any, header http.Header) *Response {
	e.T.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	case url.Values:
		rd, ct = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.T.Fatal(err)
		}
		rd, ct = bytes.NewReader(j), "application/json"
	}
	req := httptest.NewRequest(method, target, rd)
	if remoteAddr != "" {
		req.RemoteAddr = remoteAddr
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	e.Echo.ServeHTTP(rec, req)
	res := &Response{Code: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
	if len(res.Body) > 0 && method != http.MethodHead {
		if err := json.Unmarshal(res.Body, &res.Env); err != nil {
			e.T.Fatalf("%s %s: body is not a JSON object: %v: %s", method, target, err, res.Body)
		}
	}
	return res
}

// Get calls /api with GET and the given query parameters.
func (e *Env) Get(params map[string]string) *Response {
	e.T.Helper()
	q := url.Values{}
	for k, v := range params {
		q.Set(k, v)
	}
	return e.Do(http.MethodGet, "/api?"+q.Encode(), nil, nil)
}

// Post calls /api with POST and a JSON body.
func (e *Env) Post(params map[string]any) *Response {
	e.T.Helper()
	return e.Do(http.MethodPost, "/api", params, nil)
}

// FlushUsage writes buffered usage records now.
func (e *Env) FlushUsage() {
	e.T.Helper()
	if err := e.Usage.Flush(context.Background()); err != nil {
		e.T.Fatalf("flush usage: %v", err)
	}
}

// Expect fails the test unless the response has the status code and message.
func (r *Response) Expect(t testing.TB, code int, message string) {
	t.Helper()
	if r.Code != code || r.Message() != message {
		t.Fatalf("got %d %q, want %d %q; body %s", r.Code, r.Message(), code, message, r.Body)
	}
	wantStatus := "success"
	if code >= 400 {
		wantStatus = "error"
	}
	if r.Status() != wantStatus {
		t.Fatalf("envelope status %q, want %q; body %s", r.Status(), wantStatus, r.Body)
	}
}
