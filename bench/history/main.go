// Command history is the history benchmark (bench/history.sh starts it; issue 11): does every read
// endpoint of the user API stay fast on an account with a year of history?
//
// It makes a MariaDB database of its own, lets the gateway create the schema (sharepanel migrate)
// and the demo account (sharepanel demo), seeds a one-year account next to it with set-based SQL
// (seed.go: 2,000,000 API requests over 365 days and 50 keys, 200,000 activity entries, 20,000
// invoices, 50,000 transactions, 10,000 purchases, 50,000 notifications, 2,000 instances, 200
// organizations), puts both accounts on a plan without request limits, starts the gateway, and
// measures every read endpoint on both accounts with sequential keep-alive requests. It prints
// p50 and p99 of each, as a ratio to profile view's on the same account in the same run, and
// flags the endpoints that miss the targets.
//
// Usage (from the repository's root; bench/history.sh builds the gateway first):
//
//	go run ./bench/history -gateway /tmp/sharepanel-history/bin/sharepanel [-samples 200] [-scale 1]
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"sharepanel/bench/internal/benchkit"
	"sharepanel/models"
)

// The two accounts, as the table names them.
const (
	demoAccount = "demo"
	yearAccount = "one-year"
	demoEmail   = "demo@" + emailDomain
)

type options struct {
	gateway string // the sharepanel binary
	mysql   string
	work    string
	addr    string
	scale   float64
	perRow  int
	reuse   bool
	out     string
	strict  bool
	settings
}

func main() {
	var o options
	flag.StringVar(&o.gateway, "gateway", "", "the gateway's binary, built from this checkout (bench/history.sh builds it)")
	flag.StringVar(&o.mysql, "mysql", "mysql://sharepanel:sharepanel@127.0.0.1:3306/sp_history_bench", "MariaDB database for the benchmark (dropped and recreated)")
	flag.StringVar(&o.work, "work", filepath.Join(os.TempDir(), "sharepanel-history"), "working directory (the gateway's log, the report)")
	flag.StringVar(&o.addr, "addr", "127.0.0.1:18410", "where the gateway listens (its admin API on the next port)")
	flag.Float64Var(&o.scale, "scale", 1, "the one-year account's history times this (0.1 for a quick look)")
	flag.IntVar(&o.perRow, "requests-per-row", OneYear.RequestsPerRow, "mean requests per flush that recorded the one-year account's usage (flushes of 1 to 2n-1; 1: a flush per request), rolled up per group as the gateway stores it")
	flag.BoolVar(&o.reuse, "reuse", false, "keep the database a previous run seeded at the same scale (the demo account is made again)")
	flag.StringVar(&o.out, "out", "", "also write the report to this file (default: report.md in -work)")
	flag.BoolVar(&o.strict, "strict", false, "exit with status 3 when an endpoint misses the issue's targets")
	flag.IntVar(&o.samples, "samples", 200, "measured requests per endpoint and account")
	flag.IntVar(&o.rounds, "rounds", 4, "the samples are taken in this many rounds over all endpoints")
	flag.IntVar(&o.warmup, "warmup", 3, "unmeasured requests per endpoint and account before the rounds")
	flag.DurationVar(&o.budget, "budget", 20*time.Second, "at most this much time of requests per endpoint and account (a slow endpoint gets fewer samples)")
	flag.IntVar(&o.concurrency, "concurrency", 1, "requests in flight per endpoint (1: one after the other)")
	flag.Parse()
	if o.gateway == "" || o.samples < 1 || o.rounds < 1 || o.concurrency < 1 || o.scale <= 0 || o.perRow < 1 {
		fmt.Fprintln(os.Stderr, "history: -gateway is required; -samples, -rounds, -concurrency, -scale and -requests-per-row must be positive")
		os.Exit(2)
	}
	if o.out == "" {
		o.out = filepath.Join(o.work, "report.md")
	}
	missed, err := run(context.Background(), o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "history:", err)
		os.Exit(1)
	}
	if o.strict && missed > 0 {
		fmt.Fprintf(os.Stderr, "history: %d endpoints miss the targets\n", missed)
		os.Exit(3)
	}
}

// run makes the databases, measures, prints the report, and returns how many endpoints missed
// the targets.
func run(ctx context.Context, o options) (int, error) {
	began := time.Now()
	info := runInfo{date: began, load: benchkit.LoadAvg(), services: benchkit.ServiceVersions(), settings: o.settings, gateway: gitDescribe(),
		machine: fmt.Sprintf("%d cores, %s, %s, %s/%s", runtime.NumCPU(), benchkit.CPUModel(), runtime.Version(), runtime.GOOS, runtime.GOARCH)}
	if err := os.MkdirAll(o.work, 0o755); err != nil {
		return 0, err
	}
	sizes := OneYear.Scaled(o.scale)
	sizes.RequestsPerRow = o.perRow
	info.seeded = describe(sizes)
	env := []string{"SHAREPANEL_DATABASE_URL=" + o.mysql}

	store, err := models.Open(ctx, o.mysql, slog.New(slog.NewTextHandler(io.Discard, nil)))
	var seededBefore bool
	if o.reuse && err == nil {
		seededBefore = seededAlready(ctx, store, sizes)
	}
	if store != nil {
		store.Close()
	}
	if !seededBefore {
		benchkit.Step("recreating %s and migrating it with the gateway", redact(o.mysql))
		if err := benchkit.RecreateMySQL(ctx, o.mysql); err != nil {
			return 0, err
		}
		if _, err := gatewayCommand(o.gateway, env, "migrate"); err != nil {
			return 0, err
		}
	}
	if store, err = models.Open(ctx, o.mysql, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		return 0, err
	}
	defer store.Close()
	seed, err := newSeeder(store, sizes, time.Now())
	if err != nil {
		return 0, err
	}
	seed.step = func(table string, rows int64, took time.Duration) {
		benchkit.Step("  %-14s %9d rows  %6.2f s", table, rows, took.Seconds())
	}
	if seededBefore {
		benchkit.Step("reusing the one-year account seeded before")
	} else {
		benchkit.Step("seeding the one-year account: %s", info.seeded)
		t := time.Now()
		if err := seed.run(ctx); err != nil {
			return 0, err
		}
		info.seedTook = time.Since(t)
		benchkit.Step("seeded in %s", info.seedTook.Round(100*time.Millisecond))
	}

	benchkit.Step("making the demo account (sharepanel demo)")
	t := time.Now()
	demoKey, err := makeDemo(o.gateway, env)
	if err != nil {
		return 0, err
	}
	if err := seed.moveToBenchPlan(ctx, models.DemoUsername); err != nil {
		return 0, err
	}
	info.demoTook = time.Since(t)

	benchkit.Step("starting the gateway on %s", o.addr)
	adminAddr, err := nextPort(o.addr)
	if err != nil {
		return 0, err
	}
	srv, err := benchkit.Start("gateway", o.addr, filepath.Join(o.work, "gateway.log"), o.gateway, []string{"serve"},
		append(env, "SHAREPANEL_ADDR="+o.addr, "SHAREPANEL_ADMIN_ADDR="+adminAddr, "SHAREPANEL_LOG_FORMAT=json", "SHAREPANEL_LOG_LEVEL=info"))
	if err != nil {
		return 0, err
	}
	defer srv.Stop()

	c := newClient(o.addr, o.concurrency)
	reads, err := gatewayReads(ctx, c)
	if err != nil {
		return 0, err
	}
	if unmeasured, unknown := coverage(endpoints, reads); len(unmeasured)+len(unknown) > 0 {
		return 0, fmt.Errorf("the benchmark's endpoints (bench/history/endpoints.go) do not match the gateway's read actions: "+
			"not measured %v, not read actions of the gateway %v", unmeasured, unknown)
	}
	accounts := []*account{{Name: demoAccount, key: demoKey}, {Name: yearAccount, key: YearKey()}}
	var cells []*cell
	for _, a := range accounts {
		if err := discover(ctx, c, a); err != nil {
			return 0, err
		}
		for _, e := range endpoints {
			q, err := e.query(reads, a.ids)
			if err != nil {
				return 0, err
			}
			cells = append(cells, &cell{acct: a, ep: e, url: q})
		}
	}
	benchkit.Step("measuring %d endpoints on 2 accounts", len(endpoints))
	if err := measureAll(ctx, c, cells, o.settings, benchkit.Step); err != nil {
		return 0, fmt.Errorf("%w (gateway log: %s)", err, srv.LogPath)
	}
	srv.Stop()

	info.took, info.loadAfter = time.Since(began), benchkit.LoadAvg()
	rows := evaluate(endpoints, cells)
	var buf bytes.Buffer
	writeReport(&buf, info, rows)
	if err := os.WriteFile(o.out, buf.Bytes(), 0o644); err != nil {
		return 0, err
	}
	if _, err := os.Stdout.Write(buf.Bytes()); err != nil {
		return 0, err
	}
	benchkit.Step("report written to %s", o.out)
	missed := 0
	for _, r := range rows {
		if len(r.misses) > 0 {
			missed++
		}
	}
	return missed, nil
}

// gatewayCommand runs a command of the gateway's CLI and returns its standard output.
func gatewayCommand(bin string, env []string, args ...string) ([]byte, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("sharepanel %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), nil
}

// makeDemo creates (or resets) the demo account with the gateway's own command and returns the
// key it prints, which is kept in memory only.
func makeDemo(bin string, env []string) (string, error) {
	// The password is never used: the benchmark calls with the key.
	out, err := gatewayCommand(bin, env, "demo", "-email", demoEmail, "-password", rand.Text())
	if err != nil {
		return "", err
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "API key:"); ok {
			if f := strings.Fields(rest); len(f) > 0 {
				return f[0], nil
			}
		}
	}
	return "", fmt.Errorf("sharepanel demo printed no API key line")
}

// gatewayReads reads the gateway's read actions from its OpenAPI document.
func gatewayReads(ctx context.Context, c *client) (map[string]docAction, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/docs/openapi.json", nil)
	if err != nil {
		return nil, err
	}
	res, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET /docs/openapi.json: %d", res.StatusCode)
	}
	return readActions(body)
}

// seededAlready says whether the database holds a one-year account of these sizes, seeded
// completely (so -reuse can skip seeding).
func seededAlready(ctx context.Context, store *models.Store, sizes Sizes) bool {
	s, err := newSeeder(store, sizes, time.Now())
	return err == nil && s.done(ctx)
}

// describe says what the one-year account holds.
func describe(s Sizes) string {
	rows := "recorded one per flush, rolled up per key, endpoint, status and day"
	if s.RequestsPerRow > 1 {
		rows = fmt.Sprintf("recorded by flushes of 1–%d requests, rolled up per key, endpoint, status and day", 2*s.RequestsPerRow-1)
	}
	return fmt.Sprintf("%d API requests (%s) over 365 days and %d keys, %d activity entries, %d invoices, "+
		"%d transactions, %d purchases, %d notifications, %d instances, %d organizations",
		s.UsageRequests, rows, s.Keys, s.Activity, s.Invoices, s.Transactions, s.Purchases, s.Notifications,
		s.Instances, s.Organizations)
}

// nextPort is the address one port above addr.
func nextPort(addr string) (string, error) {
	host, port, ok := strings.Cut(addr, ":")
	var p int
	if _, err := fmt.Sscanf(port, "%d", &p); !ok || err != nil {
		return "", fmt.Errorf("-addr %q: want host:port", addr)
	}
	return fmt.Sprintf("%s:%d", host, p+1), nil
}

// redact hides a database password before the URL is printed.
func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	return "the benchmark's database"
}

// gitDescribe names the checkout the gateway was built from: its commit, and whether it had
// changes not committed.
func gitDescribe() string {
	out, err := exec.Command("git", "describe", "--always", "--dirty", "--abbrev=12").Output()
	if err != nil {
		return "commit unknown"
	}
	return "commit " + strings.TrimSpace(string(out))
}
