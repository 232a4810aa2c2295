// Command runner is the load benchmark (bench/run.sh starts it): it builds the gateway and the
// two baselines, seeds MariaDB (10,000 accounts) and an embedded SQLite file, starts each server
// in turn on 127.0.0.1:391xx (-port-base), loads it with wrk from this machine, and prints throughput, latency,
// peak RSS, CPU per request, Redis and database work per request, and the ratios the targets are
// set in. Every figure of one table comes from one run on one machine, so the ratios hold even
// where the absolute numbers move from run to run.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"gorm.io/gorm"

	"sharepanel/bench/internal/benchkit"
	"sharepanel/models"
)

// options are the command line.
type options struct {
	conns     []int
	rounds    int
	threads   int
	duration  time.Duration
	warmup    time.Duration
	accounts  int
	work      string
	mysqlURL  string
	redisURL  string
	only      map[string]bool
	skipBuild bool
	portBase  int    // the servers listen on portBase+1 … portBase+44
	pprof     string // directory for CPU profiles of the gateways; empty: none
	// redisTimeout is the limiter's Redis deadline for the gateway and the minimal pipeline alike.
	redisTimeout time.Duration

	loadBefore           string
	mariadbPID, redisPID int // to read their CPU time; 0: unknown
}

func main() {
	var o options
	conns := flag.String("conns", "16,64", "wrk connection counts, comma-separated: each scenario runs at each")
	flag.IntVar(&o.rounds, "rounds", 4, "measured runs per scenario and connection count, interleaved (the table shows medians)")
	flag.IntVar(&o.threads, "threads", 2, "wrk threads")
	flag.DurationVar(&o.duration, "duration", 5*time.Second, "one measured run")
	flag.DurationVar(&o.warmup, "warmup", 2*time.Second, "unmeasured run before each measured one (caches warm, connections up)")
	flag.IntVar(&o.accounts, "accounts", 10_000, "accounts (and keys) for the many-keys scenario")
	flag.StringVar(&o.work, "work", filepath.Join(os.TempDir(), "sharepanel-bench"), "working directory (binaries, databases, logs)")
	flag.StringVar(&o.mysqlURL, "mysql", "mysql://sharepanel:sharepanel@127.0.0.1:3306/sharepanel_bench", "MariaDB database for the benchmark (dropped and recreated)")
	flag.StringVar(&o.redisURL, "redis", "redis://127.0.0.1:6379/9", "Redis database for the benchmark (flushed)")
	only := flag.String("only", "", "run only these scenarios, comma-separated (bare, minimal, one-key, many-keys, over-limit, embedded)")
	flag.BoolVar(&o.skipBuild, "skip-build", false, "reuse the binaries in -work/bin")
	flag.IntVar(&o.portBase, "port-base", 39100, "the servers listen on 127.0.0.1, ports port-base+1 to port-base+44")
	flag.DurationVar(&o.redisTimeout, "redis-timeout", 500*time.Millisecond, "SHAREPANEL_REDIS_TIMEOUT for the gateways (and the minimal pipeline's): "+
		"the 50ms default is exceeded by scheduling delay alone on a saturated 2-core machine, and a fallback would measure the local limiter instead")
	flag.StringVar(&o.pprof, "pprof", "", "save a CPU profile of each gateway scenario's first round in this directory (served by the gateway's metrics listener)")
	flag.Parse()
	for _, s := range strings.Split(*conns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "runner: bad -conns %q\n", *conns)
			os.Exit(2)
		}
		o.conns = append(o.conns, n)
	}
	if o.rounds < 1 {
		fmt.Fprintln(os.Stderr, "runner: -rounds must be at least 1")
		os.Exit(2)
	}
	if *only != "" {
		o.only = map[string]bool{}
		for _, s := range strings.Split(*only, ",") {
			o.only[strings.TrimSpace(s)] = true
		}
	}
	if err := run(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, "runner:", err)
		os.Exit(1)
	}
}

// scenario is one row group of the table: a server and how to load it.
type scenario struct {
	name   string
	title  string
	start  func() (*benchkit.Server, error)
	key    string // static X-API-Key
	keys   string // or a file of keys, one per request
	status int    // what the probe must answer
	shared bool   // on MariaDB and Redis: count their work

	srv *benchkit.Server
	// After the run: the peak RSS of its process, and the gateway's own counts from its log.
	rssKB, records, rows, inserts, fallbacks int64
}

// sample is one measured run.
type sample struct {
	wrk      wrkResult
	cpu      time.Duration // the server's CPU time during the run
	dbCPU    time.Duration // MariaDB's
	redisCPU time.Duration // Redis's
	work     counters
}

// cell is one scenario at one connection count: its samples, one per round.
type cell struct {
	sc      *scenario
	conns   int
	samples []sample
}

// Every server listens on 127.0.0.1, ports -port-base+1 … +44 (391xx by default), away from what
// the gateway and other tools use by default.
const host = "127.0.0.1:"

func run(ctx context.Context, o options) error {
	began := time.Now()
	o.loadBefore = benchkit.LoadAvg()
	bin := filepath.Join(o.work, "bin")
	logs := filepath.Join(o.work, "logs")
	for _, d := range []string{bin, logs} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	if !o.skipBuild {
		benchkit.Step("building")
		for name, pkg := range map[string]string{"sharepanel": ".", "bare": "./bench/bare", "minimal": "./bench/minimal", "seed": "./bench/seed"} {
			args := []string{"build", "-o", filepath.Join(bin, name)}
			if err := benchkit.Sh("go", append(args, pkg)...); err != nil {
				return err
			}
		}
	}

	benchkit.Step("seeding MariaDB with %d accounts, and an embedded SQLite database", o.accounts)
	keys, tightKey := filepath.Join(o.work, "keys.txt"), filepath.Join(o.work, "tight-key.txt")
	if err := benchkit.Sh(filepath.Join(bin, "seed"), "-db", o.mysqlURL, "-recreate", "-accounts", strconv.Itoa(o.accounts),
		"-keys", keys, "-tight-key", tightKey); err != nil {
		return err
	}
	sqlitePath := filepath.Join(o.work, "embedded.db")
	for _, suffix := range []string{"", "-wal", "-shm"} {
		_ = os.Remove(sqlitePath + suffix)
	}
	sqliteURL := "sqlite://" + sqlitePath
	embKeys := filepath.Join(o.work, "embedded-keys.txt")
	if err := benchkit.Sh(filepath.Join(bin, "seed"), "-db", sqliteURL, "-accounts", "1", "-keys", embKeys,
		"-tight-key", filepath.Join(o.work, "embedded-tight-key.txt")); err != nil {
		return err
	}
	oneKey, err := benchkit.FirstLine(keys)
	if err != nil {
		return err
	}
	tight, err := benchkit.FirstLine(tightKey)
	if err != nil {
		return err
	}
	embKey, err := benchkit.FirstLine(embKeys)
	if err != nil {
		return err
	}

	ropt, err := redis.ParseURL(o.redisURL)
	if err != nil {
		return err
	}
	rdb := redis.NewClient(ropt)
	defer rdb.Close()
	if err := rdb.FlushDB(ctx).Err(); err != nil {
		return fmt.Errorf("flush the benchmark's Redis database: %w", err)
	}
	_, redisPort, _ := strings.Cut(ropt.Addr, ":")
	o.mariadbPID, o.redisPID = servicePIDs(redisPort)
	statsDB, err := models.Open(ctx, o.mysqlURL, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	defer statsDB.Close()

	// gateway starts the real service: ports base (API), base+1 (admin API), base+4 (metrics and pprof,
	// only with -pprof).
	gateway := func(name string, base int, db, redisURL string) func() (*benchkit.Server, error) {
		return func() (*benchkit.Server, error) {
			port := func(off int) string { return host + strconv.Itoa(base+off) }
			env := []string{"SHAREPANEL_ADDR=" + port(0), "SHAREPANEL_ADMIN_ADDR=" + port(1), "SHAREPANEL_DATABASE_URL=" + db,
				"SHAREPANEL_LOG_FORMAT=json", "SHAREPANEL_LOG_LEVEL=info", "SHAREPANEL_REDIS_TIMEOUT=" + o.redisTimeout.String()}
			if redisURL != "" {
				env = append(env, "SHAREPANEL_REDIS_URL="+redisURL)
			}
			if o.pprof != "" {
				env = append(env, "SHAREPANEL_METRICS_ADDR="+port(4))
			}
			s, err := benchkit.Start(name, port(0), filepath.Join(logs, name+".log"), filepath.Join(bin, "sharepanel"), nil, env)
			if s != nil && o.pprof != "" {
				s.PprofAddr = port(4)
			}
			return s, err
		}
	}
	at := func(off int) string { return host + strconv.Itoa(o.portBase+off) }
	all := []*scenario{
		{name: "bare", title: "bare echo (fixed envelope)", key: oneKey, status: 200, start: func() (*benchkit.Server, error) {
			return benchkit.Start("bare", at(1), filepath.Join(logs, "bare.log"), filepath.Join(bin, "bare"), []string{"-addr", at(1)}, nil)
		}},
		{name: "minimal", title: "minimal pipeline", key: oneKey, status: 200, shared: true, start: func() (*benchkit.Server, error) {
			args := []string{"-addr", at(2), "-db", o.mysqlURL, "-redis", o.redisURL, "-timeout", o.redisTimeout.String()}
			if o.pprof != "" {
				args = append(args, "-pprof", at(6))
			}
			s, err := benchkit.Start("minimal", at(2), filepath.Join(logs, "minimal.log"), filepath.Join(bin, "minimal"), args, nil)
			if s != nil && o.pprof != "" {
				s.PprofAddr = at(6)
			}
			return s, err
		}},
		{name: "one-key", title: "1. gateway, one key", key: oneKey, status: 200, shared: true, start: gateway("one-key", o.portBase+10, o.mysqlURL, o.redisURL)},
		{name: "many-keys", title: fmt.Sprintf("2. gateway, %d keys", o.accounts), keys: keys, status: 200, shared: true,
			start: gateway("many-keys", o.portBase+20, o.mysqlURL, o.redisURL)},
		{name: "over-limit", title: "3. gateway, key over its limit (429)", key: tight, status: 429, shared: true, start: gateway("over-limit", o.portBase+30, o.mysqlURL, o.redisURL)},
		{name: "embedded", title: "4. gateway, embedded (SQLite, in-process limiter)", key: embKey, status: 200, start: gateway("embedded", o.portBase+40, sqliteURL, "")},
	}
	var scenarios []*scenario
	for _, sc := range all {
		if o.only == nil || o.only[sc.name] {
			scenarios = append(scenarios, sc)
		}
	}
	// All servers run side by side (idle ones cost nothing), so that the rounds can interleave the
	// scenarios: each ratio compares runs a few seconds apart, not minutes, on a shared machine
	// whose load drifts.
	defer func() {
		for _, sc := range scenarios {
			if sc.srv != nil {
				sc.srv.Stop()
			}
		}
	}()
	for _, sc := range scenarios {
		benchkit.Step("%s: starting", sc.title)
		if sc.srv, err = sc.start(); err != nil {
			return fmt.Errorf("%s: %w", sc.name, err)
		}
		if err := check(ctx, sc); err != nil {
			return fmt.Errorf("%s: %w", sc.name, err)
		}
	}

	script, err := filepath.Abs("bench/wrk/bench.lua")
	if err != nil {
		return err
	}
	var cells []*cell
	for _, c := range o.conns {
		row := make([]*cell, len(scenarios))
		for i, sc := range scenarios {
			row[i] = &cell{sc: sc, conns: c}
		}
		for round := 1; round <= o.rounds; round++ {
			benchkit.Step("%d connections, round %d of %d", c, round, o.rounds)
			for _, cl := range row {
				profile := round == 1 && cl.sc.srv.PprofAddr != ""
				s, err := measure(ctx, o, cl.sc, c, profile, script, rdb, statsDB)
				if err != nil {
					return fmt.Errorf("%s: %w", cl.sc.name, err)
				}
				cl.samples = append(cl.samples, s)
			}
		}
		cells = append(cells, row...)
	}
	for _, sc := range scenarios {
		sc.rssKB = sc.srv.ProcStatus("VmHWM")
		sc.srv.Stop()
		sc.records, sc.rows, sc.inserts, sc.fallbacks = logStats(sc.srv.LogPath)
	}
	rows, err := usageRows(ctx, statsDB)
	if err != nil {
		return err
	}
	report(os.Stdout, o, scenarios, cells, rows, time.Since(began))
	return nil
}

// usageTable is what the gateways that share MariaDB left in the usage rollup: its rows, the
// requests they hold, the keys and days they are on, the most rows one key has on one day, the same
// for successful requests alone, and the failed requests by status (wrk cuts the requests in flight
// when a run ends: 499, client closed; a saturated database answers 500).
type usageTable struct {
	Rows          int64 `gorm:"column:usage_rows"`
	Requests      int64 `gorm:"column:usage_requests"`
	Keys          int64 `gorm:"column:usage_keys"`
	KeyDays       int64 `gorm:"column:key_days"`
	MaxPerKeyDay  int64 `gorm:"column:max_per_key_day"`
	MaxSuccessful int64 `gorm:"column:max_successful"` // rows of requests with a status below 400, per key and day
	Failed        []struct {
		StatusCode int64
		Rows       int64 `gorm:"column:status_rows"`
		Requests   int64 `gorm:"column:status_requests"`
	} `gorm:"-"`
}

// usageRows reads the usage rollup once every gateway has stopped (and flushed).
func usageRows(ctx context.Context, db *models.Store) (usageTable, error) {
	var u usageTable
	q := db.DB().WithContext(ctx)
	err := q.Raw(`SELECT COALESCE(SUM(n), 0) AS usage_rows, COALESCE(SUM(requests), 0) AS usage_requests,
			COUNT(DISTINCT key_id) AS usage_keys, COUNT(*) AS key_days, COALESCE(MAX(n), 0) AS max_per_key_day,
			COALESCE(MAX(successful), 0) AS max_successful
		FROM (SELECT key_id, day, COUNT(*) AS n, SUM(request_count) AS requests, SUM(status_code < 400) AS successful
			FROM api_usage_rollup GROUP BY key_id, day) g`).Scan(&u).Error
	if err != nil {
		return u, err
	}
	err = q.Raw(`SELECT status_code, COUNT(*) AS status_rows, SUM(request_count) AS status_requests FROM api_usage_rollup
		WHERE status_code >= 400 GROUP BY status_code ORDER BY status_code`).Scan(&u.Failed).Error
	return u, err
}

// check sends a request or three and makes sure the scenario answers what it should.
func check(ctx context.Context, sc *scenario) error {
	url := "http://" + sc.srv.Addr + "/api?mode=profile&action=view"
	key := sc.key
	if sc.keys != "" {
		var err error
		if key, err = benchkit.FirstLine(sc.keys); err != nil {
			return err
		}
	}
	// The over-limit key's plan allows one request a minute: the first probe spends it.
	for range 2 {
		if _, _, err := probe(ctx, url, key); err != nil {
			return err
		}
	}
	status, header, err := probe(ctx, url, key)
	if err != nil {
		return err
	}
	if status != sc.status {
		return fmt.Errorf("probe answered %d, want %d (log: %s)", status, sc.status, sc.srv.LogPath)
	}
	if sc.name != "bare" && sc.name != "minimal" && header.Get("X-RateLimit-Limit") == "" {
		return fmt.Errorf("probe answered without rate-limit headers")
	}
	return nil
}

// measure runs wrk against the scenario twice: a warm-up (the key cache's entries of the many-keys
// scenario have expired since its last round, and connections are new), then the measured run with
// the servers' counters and the CPU time of the processes read around it, and a CPU profile taken
// during it when asked.
func measure(ctx context.Context, o options, sc *scenario, conns int, profile bool, script string, rdb *redis.Client, statsDB *models.Store) (sample, error) {
	l := load{url: "http://" + sc.srv.Addr + "/api?mode=profile&action=view", key: sc.key, keysFile: sc.keys,
		threads: o.threads, conns: conns, duration: o.warmup}
	if _, err := runWrk(script, l); err != nil {
		return sample{}, err
	}
	l.duration = o.duration
	var db *gorm.DB
	var r *redis.Client
	if sc.shared {
		db, r = statsDB.DB(), rdb
	}
	profiled := make(chan error, 1)
	if profile {
		go func() { profiled <- cpuProfile(sc.srv.PprofAddr, o.pprof, sc.name, conns, o.duration) }()
	} else {
		profiled <- nil
	}
	before, cpu0, db0, r0 := readCounters(ctx, r, db), sc.srv.CPUTime(), benchkit.ProcCPU(o.mariadbPID), benchkit.ProcCPU(o.redisPID)
	w, err := runWrk(script, l)
	if err != nil {
		return sample{}, err
	}
	after, cpu1, db1, r1 := readCounters(ctx, r, db), sc.srv.CPUTime(), benchkit.ProcCPU(o.mariadbPID), benchkit.ProcCPU(o.redisPID)
	if err := <-profiled; err != nil {
		return sample{}, err
	}
	return sample{wrk: w, cpu: cpu1 - cpu0, dbCPU: db1 - db0, redisCPU: r1 - r0, work: after.sub(before)}, nil
}
