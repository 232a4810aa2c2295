// Command faults is the fault-injection suite of the gateway (issue 12): black-box, against the
// binary built from this checkout. It starts its own redis-server and mariadbd on ports of its own
// (18300-18399; never the shared instances), seeds them through the gateway's own commands and
// APIs, puts each gateway under a steady, bounded load, injects one fault per scenario — kill -9,
// SIGSTOP/SIGCONT, restart empty, a slow Redis, SIGTERM — and asserts the "Done when"
// figure for it. It prints one table (scenario → requests, errors by status, max latency, recovery,
// usage records lost, PASS/FAIL with the reason), writes it as Markdown to -out, and exits 1 when
// any row fails.
//
//	go run ./faults [-only name,name] [-out DIR]
//
// See docs/RELIABILITY.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"sharepanel/faults/processes"
)

// scenario is one row of the table.
type scenario struct {
	name  string
	fault string // as the table shows it
	plan  string // the plan of the scenario's own account on MariaDB; "" when it needs none
	run   func(*suite, *row)
}

// scenarios, in the order they run.
var scenarios = []scenario{
	{"db-frozen", "MariaDB SIGSTOP 8 s under load, SIGCONT", planLoad, dbFrozen},
	{"db-killed", "MariaDB kill -9 under load, restarted after 3 s", planLoad, dbKilled},
	{"startup-db-frozen", "start with MariaDB frozen, DB_STARTUP_TIMEOUT=5s", "", startupFrozen},
	{"startup-sigterm", "SIGTERM 1 s into a start-up on a frozen MariaDB", "", startupSigterm},
	{"sigterm-db-frozen", "SIGTERM under load with MariaDB frozen, then a new start", planLoad, sigtermDBFrozen},
	{"sigterm-db-down", "SIGTERM under load with MariaDB killed, then a new start", planLoad, sigtermDBDown},
	{"redis-slow-closed", "one limiter call times out (Redis DEBUG SLEEP 0.4 s, REDIS_TIMEOUT 250ms), closed mode", planLoad, redisSlowClosed},
	{"redis-killed-local", "Redis kill -9 under load in local mode, restarted empty after 3 s", planLoad, redisKilledLocal},
	{"quota-redis-restart", "50-a-day plan: 100 requests before, during and after a Redis restart (empty)", planQuota, quotaRedisRestart},
	{"sqlite-cli-api", "SQLite: 5 × `sharepanel user add` while the API writes", "", sqliteCLIAndAPI},
	{"forged-keys", "10,000 random well-formed sp_ keys", "", forgedKeys},
}

func main() {
	only := flag.String("only", "", "run only these scenarios, comma-separated: "+scenarioNames())
	out := flag.String("out", "", "directory for the Markdown table (faults.md), every request's result (results/) and the processes' logs (logs/), both replaced at each run (default: a new temporary directory)")
	flag.Parse()
	os.Exit(run(*only, *out))
}

func scenarioNames() string {
	var names []string
	for _, sc := range scenarios {
		names = append(names, sc.name)
	}
	return strings.Join(names, ", ")
}

// run is the whole suite; it returns the exit status.
func run(only, out string) int {
	started := time.Now()
	selected, err := selectScenarios(only)
	if err != nil {
		fmt.Fprintln(os.Stderr, "faults:", err)
		return 2
	}
	// Whatever happens, nothing the suite started outlives it.
	defer processes.KillAll()
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		fmt.Fprintln(os.Stderr, "faults: interrupted; stopping the processes started")
		processes.KillAll()
		os.Exit(130)
	}()

	s, cleanup, err := setUp(out, selected)
	if cleanup != nil {
		defer cleanup()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "faults:", err)
		return 1
	}

	var rows []*row
	for _, sc := range selected {
		fmt.Printf("== %s: %s\n", sc.name, sc.fault)
		r := runScenario(s, sc)
		fmt.Printf("   %s (%s) %s\n", r.verdict(), seconds(r.elapsed), r.why())
		if err := writeResults(s.out, r); err != nil {
			fmt.Fprintln(os.Stderr, "faults:", err)
		}
		rows = append(rows, r)
	}

	fmt.Println()
	printTable(os.Stdout, rows)
	info := runInfo{started: started, elapsed: time.Since(started), machine: machine(), commit: commit(s.repo)}
	path, err := writeMarkdown(s.out, rows, info)
	if err != nil {
		fmt.Fprintln(os.Stderr, "faults:", err)
		return 1
	}
	fmt.Printf("\nsuite time %s; table: %s; logs: %s\n", seconds(time.Since(started)), path, s.logs)
	for _, r := range rows {
		if !r.pass() {
			return 1
		}
	}
	return 0
}

func selectScenarios(only string) ([]scenario, error) {
	if only == "" {
		return scenarios, nil
	}
	want := map[string]bool{}
	for _, n := range strings.Split(only, ",") {
		want[strings.TrimSpace(n)] = true
	}
	var out []scenario
	for _, sc := range scenarios {
		if want[sc.name] {
			out = append(out, sc)
			delete(want, sc.name)
		}
	}
	for n := range want {
		return nil, fmt.Errorf("unknown scenario %q; scenarios: %s", n, scenarioNames())
	}
	return out, nil
}

// setUp builds the gateway, starts the suite's Redis and MariaDB and seeds the accounts of the
// selected scenarios. out is made when empty. cleanup stops the services and removes the working
// directory.
func setUp(out string, selected []scenario) (*suite, func(), error) {
	repo, err := repoRoot()
	if err != nil {
		return nil, nil, err
	}
	work, err := os.MkdirTemp("", "sharepanel-faults-")
	if err != nil {
		return nil, nil, err
	}
	s := &suite{repo: repo, work: work, jwtSecret: randomHex(32), bin: filepath.Join(work, "sharepanel")}
	if out == "" {
		out = filepath.Join(work, "out")
	}
	s.out, s.logs = out, filepath.Join(out, "logs")
	cleanup := func() {
		if s.redis != nil {
			s.redis.Stop()
		}
		if s.maria != nil {
			s.maria.Stop()
		}
		// Everything under work goes but the output, which is there when no -out was given.
		entries, _ := os.ReadDir(work)
		for _, e := range entries {
			if p := filepath.Join(work, e.Name()); p != out {
				_ = os.RemoveAll(p)
			}
		}
		_ = os.Remove(work) // fails, as it should, when it holds the output
	}
	// The logs and results of an earlier run into the same -out would mix with this run's.
	for _, d := range []string{s.logs, filepath.Join(out, "results")} {
		if err := os.RemoveAll(d); err != nil {
			return nil, cleanup, err
		}
	}
	if err := mkdirs(out, s.logs, filepath.Join(work, "mariadb"), filepath.Join(work, "redis")); err != nil {
		return nil, cleanup, err
	}
	for _, p := range []int{portRedis, portMariaDB, portAPI, portAdmin} {
		if err := processes.PortFree(p); err != nil {
			return nil, cleanup, err
		}
	}

	step := time.Now()
	build := exec.Command("go", "build", "-o", s.bin, ".")
	build.Dir = repo
	if b, err := build.CombinedOutput(); err != nil {
		return nil, cleanup, fmt.Errorf("go build: %v\n%s", err, b)
	}
	fmt.Printf("built the gateway in %s\n", seconds(time.Since(step)))

	step = time.Now()
	if s.redis, err = processes.StartRedis(filepath.Join(work, "redis"), s.logs, portRedis); err != nil {
		return nil, cleanup, err
	}
	if s.maria, err = processes.StartMariaDB(filepath.Join(work, "mariadb"), s.logs, portMariaDB); err != nil {
		return nil, cleanup, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.maria.Exec(ctx, "CREATE DATABASE "+mysqlDatabase+" CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		return nil, cleanup, err
	}
	s.mysqlURL = s.maria.URL(mysqlDatabase)
	fmt.Printf("redis-server on %d, mariadbd on %d, up in %s\n", portRedis, portMariaDB, seconds(time.Since(step)))

	step = time.Now()
	want := map[string]string{}
	for _, sc := range selected {
		if sc.plan != "" {
			want[sc.name] = sc.plan
		}
	}
	if s.accounts, err = s.seed(s.mysqlURL, want); err != nil {
		return nil, cleanup, fmt.Errorf("seeding: %w", err)
	}
	fmt.Printf("seeded %d accounts in %s\n", len(s.accounts), seconds(time.Since(step)))
	return s, cleanup, nil
}

// runScenario runs one scenario on healthy dependencies and leaves them healthy for the next:
// MariaDB thawed and running, Redis running and empty.
func runScenario(s *suite, sc scenario) (r *row) {
	r = newRow(sc.name, sc.fault)
	start := time.Now()
	defer func() {
		if p := recover(); p != nil {
			r.broken(fmt.Errorf("panic: %v", p))
		}
		r.elapsed = time.Since(start)
		if err := s.heal(); err != nil {
			r.broken(fmt.Errorf("restoring the dependencies afterwards: %w", err))
		}
	}()
	if err := s.heal(); err != nil {
		r.broken(err)
		return r
	}
	sc.run(s, r)
	return r
}

// heal makes sure MariaDB and Redis are up and answering, and empties Redis.
func (s *suite) heal() error {
	if err := s.maria.Thaw(); err != nil {
		return err
	}
	if s.maria.Exited() {
		if err := s.maria.Start(); err != nil {
			return err
		}
	}
	if s.redis.Exited() {
		if err := s.redis.Start(); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return s.redis.Flush(ctx)
}

// repoRoot is the directory of the go.mod of module sharepanel, from the working directory up.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && strings.HasPrefix(string(b), "module sharepanel\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("not inside the sharepanel repository")
		}
		dir = parent
	}
}

// machine describes where the run happened, for the table's heading.
func machine() string {
	host, _ := os.Hostname()
	model := ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	return fmt.Sprintf("%s (%d cores, %s, %s)", host, runtime.NumCPU(), model, runtime.Version())
}

// commit is the checkout's commit, marked when the tree has changes.
func commit(repo string) string {
	out, err := exec.Command("git", "-C", repo, "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "an unknown commit"
	}
	c := strings.TrimSpace(string(out))
	if st, err := exec.Command("git", "-C", repo, "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(st) > 0 {
		c += " (with uncommitted changes)"
	}
	return c
}
