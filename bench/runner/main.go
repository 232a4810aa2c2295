// Command runner is the load benchmark (bench/run.sh starts it): it builds the gateway and the
// two baselines, seeds MariaDB (10,000 accounts) and an embedded SQLite file, starts each server
// in turn on 127.0.0.1:391xx, loads it with wrk from this machine, and prints throughput, latency,
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
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"sharepanel/models"
)

// options are the command line.
type options struct {
	conns     []int
	threads   int
	duration  time.Duration
	warmup    time.Duration
	accounts  int
	work      string
	mysqlURL  string
	redisURL  string
	only      map[string]bool
	skipBuild bool
	pprof     string // directory for CPU profiles of the gateway; empty: none

	loadBefore string
}

func main() {
	var o options
	conns := flag.String("conns", "16,64", "wrk connection counts, comma-separated: each scenario runs at each")
	flag.IntVar(&o.threads, "threads", 2, "wrk threads")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "measured run per scenario and connection count")
	flag.DurationVar(&o.warmup, "warmup", 3*time.Second, "unmeasured run before each measured one")
	flag.IntVar(&o.accounts, "accounts", 10_000, "accounts (and keys) for the many-keys scenario")
	flag.StringVar(&o.work, "work", filepath.Join(os.TempDir(), "sharepanel-bench"), "working directory (binaries, databases, logs)")
	flag.StringVar(&o.mysqlURL, "mysql", "mysql://sharepanel:sharepanel@127.0.0.1:3306/sharepanel_bench", "MariaDB database for the benchmark (dropped and recreated)")
	flag.StringVar(&o.redisURL, "redis", "redis://127.0.0.1:6379/9", "Redis database for the benchmark (flushed)")
	only := flag.String("only", "", "run only these scenarios, comma-separated (bare, minimal, one-key, many-keys, over-limit, embedded)")
	flag.BoolVar(&o.skipBuild, "skip-build", false, "reuse the binaries in -work/bin")
	flag.StringVar(&o.pprof, "pprof", "", "build the gateway with -tags pprof and save a CPU profile of each gateway run in this directory")
	flag.Parse()
	for _, s := range strings.Split(*conns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "runner: bad -conns %q\n", *conns)
			os.Exit(2)
		}
		o.conns = append(o.conns, n)
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

// Ports of this benchmark: 391xx, away from what the gateway and other tools use by default.
const (
	portBare     = "127.0.0.1:39101"
	portMinimal  = "127.0.0.1:39102"
	portGateway  = "127.0.0.1:39103"
	portAdmin    = "127.0.0.1:39104"
	portEmbedded = "127.0.0.1:39105"
	portEmbAdmin = "127.0.0.1:39106"
	portPprof    = "127.0.0.1:39107"
)

// scenario is one row group of the table: a server to start and how to load it.
type scenario struct {
	name   string
	title  string
	start  func() (*server, error)
	key    string // static X-API-Key
	keys   string // or a file of keys, one per request
	status int    // what the probe must answer
	shared bool   // on MariaDB and Redis: count their work
}

// result is one measured run.
type result struct {
	sc      *scenario
	conns   int
	wrk     wrkResult
	cpu     time.Duration
	work    counters
	rssKB   int64 // peak RSS of the process over all its runs
	records int64 // usage records written over the process's life (gateway only)
	inserts int64
}

func run(ctx context.Context, o options) error {
	began := time.Now()
	o.loadBefore = loadAvg()
	bin := filepath.Join(o.work, "bin")
	logs := filepath.Join(o.work, "logs")
	for _, d := range []string{bin, logs} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	if !o.skipBuild {
		step("building")
		for name, pkg := range map[string]string{"sharepanel": ".", "bare": "./bench/bare", "minimal": "./bench/minimal", "seed": "./bench/seed"} {
			args := []string{"build", "-o", filepath.Join(bin, name)}
			if name == "sharepanel" && o.pprof != "" {
				args = append(args, "-tags", "pprof")
			}
			if err := sh("go", append(args, pkg)...); err != nil {
				return err
			}
		}
	}

	step("seeding MariaDB with %d accounts, and an embedded SQLite database", o.accounts)
	keys, tightKey := filepath.Join(o.work, "keys.txt"), filepath.Join(o.work, "tight-key.txt")
	if err := sh(filepath.Join(bin, "seed"), "-db", o.mysqlURL, "-recreate", "-accounts", strconv.Itoa(o.accounts),
		"-keys", keys, "-tight-key", tightKey); err != nil {
		return err
	}
	sqlitePath := filepath.Join(o.work, "embedded.db")
	for _, suffix := range []string{"", "-wal", "-shm"} {
		_ = os.Remove(sqlitePath + suffix)
	}
	sqliteURL := "sqlite://" + sqlitePath
	embKeys := filepath.Join(o.work, "embedded-keys.txt")
	if err := sh(filepath.Join(bin, "seed"), "-db", sqliteURL, "-accounts", "1", "-keys", embKeys,
		"-tight-key", filepath.Join(o.work, "embedded-tight-key.txt")); err != nil {
		return err
	}
	oneKey, err := firstLine(keys)
	if err != nil {
		return err
	}
	tight, err := firstLine(tightKey)
	if err != nil {
		return err
	}
	embKey, err := firstLine(embKeys)
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
	statsDB, err := models.Open(ctx, o.mysqlURL, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	defer statsDB.Close()

	gatewayEnv := func(addr, admin, db, redisURL string) []string {
		env := []string{"SHAREPANEL_ADDR=" + addr, "SHAREPANEL_ADMIN_ADDR=" + admin, "SHAREPANEL_DATABASE_URL=" + db,
			"SHAREPANEL_LOG_FORMAT=json", "SHAREPANEL_LOG_LEVEL=info", "SHAREPANEL_PPROF_ADDR=" + portPprof}
		if redisURL != "" {
			env = append(env, "SHAREPANEL_REDIS_URL="+redisURL)
		}
		return env
	}
	gateway := func(name string) func() (*server, error) {
		return func() (*server, error) {
			s, err := start(name, portGateway, filepath.Join(logs, name+".log"), filepath.Join(bin, "sharepanel"), nil,
				gatewayEnv(portGateway, portAdmin, o.mysqlURL, o.redisURL))
			if s != nil {
				s.pprof = o.pprof != ""
			}
			return s, err
		}
	}
	scenarios := []*scenario{
		{name: "bare", title: "bare echo (fixed envelope)", key: oneKey, status: 200, start: func() (*server, error) {
			return start("bare", portBare, filepath.Join(logs, "bare.log"), filepath.Join(bin, "bare"), []string{"-addr", portBare}, nil)
		}},
		{name: "minimal", title: "minimal pipeline", key: oneKey, status: 200, shared: true, start: func() (*server, error) {
			return start("minimal", portMinimal, filepath.Join(logs, "minimal.log"), filepath.Join(bin, "minimal"),
				[]string{"-addr", portMinimal, "-db", o.mysqlURL, "-redis", o.redisURL}, nil)
		}},
		{name: "one-key", title: "1. gateway, one key", key: oneKey, status: 200, shared: true, start: gateway("one-key")},
		{name: "many-keys", title: fmt.Sprintf("2. gateway, %d keys", o.accounts), keys: keys, status: 200, shared: true, start: gateway("many-keys")},
		{name: "over-limit", title: "3. gateway, key over its limit (429)", key: tight, status: 429, shared: true, start: gateway("over-limit")},
		{name: "embedded", title: "4. gateway, embedded (SQLite, in-process limiter)", key: embKey, status: 200, start: func() (*server, error) {
			s, err := start("embedded", portEmbedded, filepath.Join(logs, "embedded.log"), filepath.Join(bin, "sharepanel"), nil,
				gatewayEnv(portEmbedded, portEmbAdmin, sqliteURL, ""))
			if s != nil {
				s.pprof = o.pprof != ""
			}
			return s, err
		}},
	}

	script, err := filepath.Abs("bench/wrk/bench.lua")
	if err != nil {
		return err
	}
	var results []result
	for _, sc := range scenarios {
		if o.only != nil && !o.only[sc.name] {
			continue
		}
		rs, err := measure(ctx, o, sc, script, rdb, statsDB)
		if err != nil {
			return fmt.Errorf("%s: %w", sc.name, err)
		}
		results = append(results, rs...)
	}
	report(os.Stdout, o, results, time.Since(began))
	return nil
}

// measure starts the scenario's server, checks one request, and runs wrk at each connection count
// (a warm-up, then the measured run with the servers' counters read around it).
func measure(ctx context.Context, o options, sc *scenario, script string, rdb *redis.Client, statsDB *models.Store) ([]result, error) {
	step("%s: starting", sc.title)
	srv, err := sc.start()
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	url := "http://" + srv.addr + "/api?mode=profile&action=view"
	probeKey := sc.key
	if sc.keys != "" {
		if probeKey, err = firstLine(sc.keys); err != nil {
			return nil, err
		}
	}
	// The over-limit key's plan allows one request a minute: the first probe spends it.
	for range 2 {
		if _, _, err := probe(ctx, url, probeKey); err != nil {
			return nil, err
		}
	}
	status, header, err := probe(ctx, url, probeKey)
	if err != nil {
		return nil, err
	}
	if status != sc.status {
		return nil, fmt.Errorf("probe answered %d, want %d (log: %s)", status, sc.status, srv.logPath)
	}
	if sc.name != "bare" && sc.name != "minimal" && header.Get("X-RateLimit-Limit") == "" {
		return nil, fmt.Errorf("probe answered without rate-limit headers")
	}

	var out []result
	for _, c := range o.conns {
		l := load{url: url, key: sc.key, keysFile: sc.keys, threads: o.threads, conns: c, duration: o.warmup}
		step("%s: %d connections: warm-up %s, then %s", sc.title, c, o.warmup, o.duration)
		if _, err := runWrk(script, l); err != nil {
			return nil, err
		}
		l.duration = o.duration
		var db = statsDB.DB()
		if !sc.shared {
			db = nil
		}
		var r *redis.Client
		if sc.shared {
			r = rdb
		}
		before, cpu0 := readCounters(ctx, r, db), srv.cpuTime()
		profiled := make(chan error, 1)
		if o.pprof != "" && srv.pprof {
			go func() { profiled <- cpuProfile(o.pprof, sc.name, c, o.duration) }()
		} else {
			profiled <- nil
		}
		w, err := runWrk(script, l)
		if err != nil {
			return nil, err
		}
		if err := <-profiled; err != nil {
			return nil, err
		}
		after, cpu1 := readCounters(ctx, r, db), srv.cpuTime()
		out = append(out, result{sc: sc, conns: c, wrk: w, cpu: cpu1 - cpu0, work: after.sub(before)})
	}
	rss := srv.procStatus("VmHWM")
	srv.stop()
	records, inserts, _ := usageStats(srv.logPath)
	for i := range out {
		out[i].rssKB, out[i].records, out[i].inserts = rss, records, inserts
	}
	return out, nil
}

func step(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[%s] %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

func sh(name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return nil
}

func firstLine(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	return strings.TrimSpace(line), nil
}
