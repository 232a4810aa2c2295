package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"sharepanel/faults/processes"
)

// Ports: the suite's range is 18300-18399.
const (
	portRedis   = 18301
	portMariaDB = 18302
	portAPI     = 18310
	portAdmin   = 18311
)

// The gateway's settings under test, short so that the fault windows can be short. The first three
// came with issue 12's fixes (a gateway before them ignores them).
const (
	requestTimeout   = 2 * time.Second        // SHAREPANEL_REQUEST_TIMEOUT
	dbStartupTimeout = 5 * time.Second        // SHAREPANEL_DB_STARTUP_TIMEOUT
	shutdownTimeout  = 3 * time.Second        // SHAREPANEL_SHUTDOWN_TIMEOUT
	redisTimeout     = 250 * time.Millisecond // SHAREPANEL_REDIS_TIMEOUT: well above a loaded machine's scheduling delay
)

// The steady load of the scenarios that need one: 200 requests a second, three profile views to one
// notifications mark_read, at most 64 in flight.
const (
	loadRate    = 200
	loadWorkers = 64
	// A request gets an answer or is given up after this long: longer than any fault here, so that
	// a gateway that hangs through a fault shows its whole hang as latency.
	clientTimeout = 20 * time.Second
	warmup        = 2 * time.Second // load before the fault
)

// The plans the suite creates through the admin API.
const (
	planLoad  = "faults-load"  // limits far above the load, but not 0, so that every request asks the limiter
	planQuota = "faults-quota" // 50 requests a day
	quotaDay  = 50
)

// suite is what every scenario shares: the built gateway, the suite's own Redis and MariaDB, and
// the accounts seeded for the scenarios.
type suite struct {
	repo, work  string
	out, logs   string // -out, and the processes' logs under it
	bin         string // the gateway built from the checkout
	redis       *processes.Redis
	maria       *processes.MariaDB
	mysqlURL    string
	jwtSecret   string
	accounts    map[string]*account // by scenario name
	gatewayRuns int
}

// account is a user of the API with one key. One per scenario, so that each scenario's usage
// records can be counted apart.
type account struct {
	email, username, password, plan string
	id                              int64
	key                             string
}

// gatewayEnv is the environment of every gateway (and command) of the suite on dbURL, then extra
// settings, which win over the defaults (for duplicate names the last one counts).
func (s *suite) gatewayEnv(dbURL string, extra ...string) []string {
	env := append(processes.BaseEnv(),
		fmt.Sprintf("SHAREPANEL_ADDR=127.0.0.1:%d", portAPI),
		fmt.Sprintf("SHAREPANEL_ADMIN_ADDR=127.0.0.1:%d", portAdmin),
		"SHAREPANEL_DATABASE_URL="+dbURL,
		"SHAREPANEL_LOG_FORMAT=json",
		"SHAREPANEL_JWT_SECRET="+s.jwtSecret,
		"SHAREPANEL_REQUEST_TIMEOUT="+requestTimeout.String(),
		"SHAREPANEL_DB_STARTUP_TIMEOUT="+dbStartupTimeout.String(),
		"SHAREPANEL_SHUTDOWN_TIMEOUT="+shutdownTimeout.String(),
		"SHAREPANEL_REDIS_TIMEOUT="+redisTimeout.String(),
		"SHAREPANEL_USAGE_FLUSH_INTERVAL=1s",
		"SHAREPANEL_AUTO_MIGRATE=true",
		"SHAREPANEL_SPOOL_DIR="+filepath.Join(s.work, "spool", "default"),
	)
	return append(env, extra...)
}

// mysqlEnv is gatewayEnv on the suite's MariaDB, with the scenario's own spool directory.
func (s *suite) mysqlEnv(scenario string, extra ...string) []string {
	return s.gatewayEnv(s.mysqlURL, append([]string{"SHAREPANEL_SPOOL_DIR=" + s.spoolDir(scenario)}, extra...)...)
}

func (s *suite) spoolDir(scenario string) string { return filepath.Join(s.work, "spool", scenario) }

// logPath names a fresh log file for a process of a scenario.
func (s *suite) logPath(scenario string) string {
	s.gatewayRuns++
	return filepath.Join(s.logs, fmt.Sprintf("%02d-%s.log", s.gatewayRuns, scenario))
}

// gateway starts a gateway and waits until it is healthy.
func (s *suite) gateway(scenario string, env []string) (*processes.Gateway, error) {
	return processes.StartGateway("gateway", s.logPath(scenario), s.bin, env,
		fmt.Sprintf("127.0.0.1:%d", portAPI), fmt.Sprintf("127.0.0.1:%d", portAdmin), 30*time.Second)
}

// launch starts a gateway without waiting for it.
func (s *suite) launch(scenario string, env []string) (*processes.Gateway, error) {
	return processes.LaunchGateway("gateway", s.logPath(scenario), s.bin, env,
		fmt.Sprintf("127.0.0.1:%d", portAPI), fmt.Sprintf("127.0.0.1:%d", portAdmin))
}

// stopGateway ends a gateway with its dependencies healthy; one that needs more than 20 s is
// killed, and the row says so.
func stopGateway(gw *processes.Gateway, r *row) {
	if took, killed := gw.Terminate(20 * time.Second); killed {
		r.note("the gateway did not stop within %s of SIGTERM with its dependencies healthy: killed", seconds(took))
	}
}

// command runs one of the gateway's commands and fails with its output when it fails.
func (s *suite) command(env []string, args ...string) error {
	_, stderr, err := processes.RunCommand(time.Minute, s.bin, env, args...)
	if err != nil {
		return fmt.Errorf("sharepanel %s: %v: %s", args[0], err, strings.TrimSpace(stderr))
	}
	return nil
}

// seed prepares the database at dbURL through the gateway's own commands and APIs: the schema, the
// admin API and an administrator, the suite's two plans, and one account with a key for each name.
func (s *suite) seed(dbURL string, accounts map[string]string) (map[string]*account, error) {
	env := s.gatewayEnv(dbURL)
	adminPassword := randomHex(16)
	for _, args := range [][]string{{"migrate"}, {"config", "update", "api", "on"}, {"admin", "new", "faults", adminPassword}} {
		if err := s.command(env, args...); err != nil {
			return nil, err
		}
	}
	gw, err := s.gateway("seed", env)
	if err != nil {
		return nil, err
	}
	defer gw.Terminate(20 * time.Second)

	var token struct {
		AccessToken string `json:"access_token"`
	}
	if err := adminCall(gw, http.MethodPost, "/api/", "", map[string]any{"username": "faults", "password": adminPassword}, &token); err != nil {
		return nil, fmt.Errorf("admin login: %w", err)
	}
	jwt := token.AccessToken
	plans := []map[string]any{
		{"name": planLoad, "requests_per_minute": 1_000_000, "requests_per_day": 100_000_000, "org_limit": 1_000_000},
		{"name": planQuota, "requests_per_minute": 1000, "requests_per_day": quotaDay},
	}
	for _, p := range plans {
		if err := adminCall(gw, http.MethodPost, "/api/plans", jwt, p, nil); err != nil {
			return nil, fmt.Errorf("create plan %s: %w", p["name"], err)
		}
	}
	out := map[string]*account{}
	for name, plan := range accounts {
		a := &account{username: "faults-" + strings.ReplaceAll(name, "_", "-"), password: randomHex(12), plan: plan}
		a.email = a.username + "@faults.example"
		err := adminCall(gw, http.MethodPost, "/api/users", jwt,
			map[string]any{"email": a.email, "username": a.username, "password": a.password, "plan_name": plan}, nil)
		if err != nil {
			return nil, fmt.Errorf("create account %s: %w", a.username, err)
		}
		var user struct {
			Response struct {
				ID int64 `json:"id"`
			} `json:"response"`
		}
		if err := adminCall(gw, http.MethodGet, "/api/users/"+a.username, jwt, nil, &user); err != nil {
			return nil, fmt.Errorf("read account %s: %w", a.username, err)
		}
		a.id = user.Response.ID
		if a.key, err = login(gw, a.email, a.password); err != nil {
			return nil, fmt.Errorf("mode=auth for %s: %w", a.username, err)
		}
		out[name] = a
	}
	return out, nil
}

// adminCall sends a JSON request to the admin API and decodes a 2xx answer into into (when not nil).
func adminCall(gw *processes.Gateway, method, path, jwt string, body, into any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, gw.AdminURL()+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if jwt != "" {
		req.Header.Set("Authorization", "Bearer "+jwt)
	}
	return doJSON(req, into)
}

// login exchanges a password for an API key (mode=auth).
func login(gw *processes.Gateway, email, password string) (string, error) {
	q := url.Values{"mode": {"auth"}, "email": {email}, "password": {password}}
	req, err := http.NewRequest(http.MethodGet, gw.URL()+"/api?"+q.Encode(), nil)
	if err != nil {
		return "", err
	}
	var env struct {
		Data struct {
			APIKey string `json:"api_key"`
		} `json:"data"`
	}
	if err := doJSON(req, &env); err != nil {
		return "", err
	}
	if !strings.HasPrefix(env.Data.APIKey, "sp_") {
		return "", fmt.Errorf("no api_key in the answer")
	}
	return env.Data.APIKey, nil
}

func doJSON(req *http.Request, into any) error {
	client := &http.Client{Timeout: 30 * time.Second}
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %d %s", req.Method, req.URL.Path, res.StatusCode, bytes.TrimSpace(b))
	}
	if into == nil {
		return nil
	}
	return json.Unmarshal(b, into)
}

// usageSQL counts an account's usage records of 2xx answers (what "usage counted" means), in the
// usage rollup table it is given.
const usageSQL = "SELECT COALESCE(SUM(request_count), 0) FROM %s WHERE user_id = ? AND status_code BETWEEN 200 AND 299"

// mysqlDatabase is the suite's database on its MariaDB.
const mysqlDatabase = "faults"

// mysqlUsage counts on the suite's MariaDB.
func (s *suite) mysqlUsage(a *account) func() (int64, error) {
	return func() (int64, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return s.maria.Int(ctx, fmt.Sprintf(usageSQL, mysqlDatabase+".api_usage_rollup"), a.id)
	}
}

// sqliteUsage counts in a SQLite file (opened only once the gateway has stopped), through the
// gateway's own SQLite driver.
func sqliteUsage(path string, a *account) func() (int64, error) {
	return func() (int64, error) {
		db, err := gorm.Open(sqlite.Open("file:"+path+"?mode=ro"), &gorm.Config{Logger: logger.Default.LogMode(logger.Silent)})
		if err != nil {
			return 0, err
		}
		sqlDB, err := db.DB()
		if err != nil {
			return 0, err
		}
		defer sqlDB.Close()
		var n int64
		err = sqlDB.QueryRow(fmt.Sprintf(usageSQL, "api_usage_rollup"), a.id).Scan(&n)
		return n, err
	}
}

// checkUsage asserts "usage counted equals 2xx answers received" for a: every 2xx answer the load
// generator got is one usage record, none lost, none counted twice.
func checkUsage(r *row, received int, count func() (int64, error)) {
	counted, err := count()
	if err != nil {
		r.broken(fmt.Errorf("counting usage: %w", err))
		return
	}
	lost := int64(received) - counted
	r.lost = fmt.Sprint(lost)
	r.check(lost == 0, "usage counted %d ≠ 2xx answers received %d", counted, received)
}

// waitUsage polls until count reaches want or d passes: a restarted gateway replays its spool in
// its own time.
func waitUsage(count func() (int64, error), want int, d time.Duration) {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if n, err := count(); err == nil && n >= int64(want) {
			return
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// steadyLoad puts the scenario's load on gw for a: three profile views to one notifications
// mark_read (a write), at loadRate.
func steadyLoad(gw *processes.Gateway, a *account) *load {
	base := gw.URL() + "/api"
	return startLoad(loadOptions{rate: loadRate, workers: loadWorkers, timeout: clientTimeout, build: func(seq int) (*http.Request, error) {
		var req *http.Request
		var err error
		if seq%4 == 3 {
			req, err = http.NewRequest(http.MethodPost, base, strings.NewReader("mode=notifications&action=mark_read"))
			if req != nil {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
		} else {
			req, err = http.NewRequest(http.MethodGet, base+"?mode=profile&action=view", nil)
		}
		if req != nil {
			req.Header.Set("X-API-Key", a.key)
		}
		return req, err
	}})
}

// get sends one GET and returns the status and body.
func get(u string) (int, string, error) {
	client := &http.Client{Timeout: 10 * time.Second}
	res, err := client.Get(u)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, strings.TrimSpace(string(b)), err
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// mkdirs makes each directory.
func mkdirs(dirs ...string) error {
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	return nil
}
