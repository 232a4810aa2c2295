package main

import (
	"fmt"
	"io"
	"runtime"
	"sort"
	"time"

	"sharepanel/bench/internal/benchkit"
)

// report prints the machine, the table and the ratios, as Markdown (readable in a terminal too).
func report(w io.Writer, o options, scenarios []*scenario, cells []*cell, usage usageTable, took time.Duration) {
	fmt.Fprintf(w, "\n## Load benchmark, %s\n\n", time.Now().UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(w, "- machine: %d cores, %s, %s, %s/%s; load average before the run: %s\n", runtime.NumCPU(), benchkit.CPUModel(),
		runtime.Version(), runtime.GOOS, runtime.GOARCH, o.loadBefore)
	fmt.Fprintf(w, "- services: %s\n", benchkit.ServiceVersions())
	fmt.Fprintf(w, "- wrk %d threads, from this machine to 127.0.0.1, GET /api?mode=profile&action=view; per scenario and connection count "+
		"%d measured runs of %s (each after a %s warm-up), the scenarios interleaved; medians shown\n", o.threads, o.rounds, o.duration, o.warmup)
	fmt.Fprintf(w, "- gateway: every middleware on; JSON access log to a file (%s/logs); MariaDB %s, Redis %s; limiter's Redis timeout %s (both Redis servers)\n",
		o.work, o.mysqlURL, o.redisURL, o.redisTimeout)
	fmt.Fprintf(w, "- took %s\n\n", took.Round(time.Second))

	fmt.Fprintln(w, "| scenario | conns | req/s | p50 ms | p99 ms | non-2xx | CPU µs/req: server + MariaDB + Redis | peak RSS MB | Redis scripts/req | SQL SELECTs/req |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, c := range cells {
		var req, errs, socket, scripts, selects int64
		var cpu, dbCPU, redisCPU time.Duration
		for _, s := range c.samples {
			req += s.wrk.Requests
			errs += s.wrk.StatusErrors
			socket += s.wrk.SocketErrors()
			cpu += s.cpu
			dbCPU += s.dbCPU
			redisCPU += s.redisCPU
			scripts += s.work.Scripts
			selects += s.work.Selects
		}
		us := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(max(req, 1)) }
		cpuCol := fmt.Sprintf("%.0f", us(cpu))
		if c.sc.shared {
			cpuCol += fmt.Sprintf(" + %.0f + %.0f", us(dbCPU), us(redisCPU))
		}
		perReq := func(v int64) string {
			if !c.sc.shared || v < 0 || req == 0 {
				return "–"
			}
			return fmt.Sprintf("%.3f", float64(v)/float64(req))
		}
		e := fmt.Sprintf("%d", errs)
		if socket > 0 {
			e += fmt.Sprintf(" (+%d socket)", socket)
		}
		fmt.Fprintf(w, "| %s | %d | %.0f | %.2f | %.2f | %s | %s | %.1f | %s | %s |\n",
			c.sc.title, c.conns, c.median(wrkResult.RPS), c.median(func(r wrkResult) float64 { return ms(r.P50US) }),
			c.median(func(r wrkResult) float64 { return ms(r.P99US) }), e, cpuCol,
			float64(c.sc.rssKB)/1024, perReq(scripts), perReq(selects))
	}

	fmt.Fprintln(w, "\n| target | conns | median (range) over rounds | goal | |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---|")
	find := func(name string, conns int) *cell {
		for _, c := range cells {
			if c.sc.name == name && c.conns == conns {
				return c
			}
		}
		return nil
	}
	verdict := func(ok bool) string {
		if ok {
			return "met"
		}
		return "**not met**"
	}
	// ratio compares the runs of two cells round by round: each pair ran seconds apart.
	ratio := func(a, b *cell, f func(wrkResult) float64) (float64, float64, float64) {
		var rs []float64
		for i := range min(len(a.samples), len(b.samples)) {
			rs = append(rs, f(a.samples[i].wrk)/max(f(b.samples[i].wrk), 1e-9))
		}
		sort.Float64s(rs)
		return median(rs), rs[0], rs[len(rs)-1]
	}
	p99 := func(r wrkResult) float64 { return float64(r.P99US) }
	line := func(name string, conns int, a, b *cell, f func(wrkResult) float64, goal string, ok func(float64) bool) {
		if a == nil || b == nil {
			return
		}
		m, lo, hi := ratio(a, b, f)
		fmt.Fprintf(w, "| %s | %d | %.2f (%.2f–%.2f) | %s | %s |\n", name, conns, m, lo, hi, goal, verdict(ok(m)))
	}
	for _, c := range o.conns {
		bare, minimal, one, many, over := find("bare", c), find("minimal", c), find("one-key", c), find("many-keys", c), find("over-limit", c)
		line("1. throughput ÷ minimal pipeline's", c, one, minimal, wrkResult.RPS, "≥ 0.90", func(v float64) bool { return v >= 0.90 })
		line("1. p99 ÷ minimal pipeline's", c, one, minimal, p99, "≤ 1.5", func(v float64) bool { return v <= 1.5 })
		line("2. throughput ÷ scenario 1's", c, many, one, wrkResult.RPS, "≥ 0.80", func(v float64) bool { return v >= 0.80 })
		line("3. throughput ÷ bare echo's", c, over, bare, wrkResult.RPS, "≥ 0.50", func(v float64) bool { return v >= 0.50 })
	}
	byName := map[string]*scenario{}
	for _, sc := range scenarios {
		byName[sc.name] = sc
	}
	if one, many := byName["one-key"], byName["many-keys"]; one != nil && many != nil {
		grow := float64(many.rssKB-one.rssKB) / 1024
		fmt.Fprintf(w, "| 2. peak RSS with %d keys (over scenario 1's) | all | %.1f MB (+%.1f MB) | a few tens of MB | %s |\n",
			o.accounts, float64(many.rssKB)/1024, grow, verdict(grow < 64))
	}
	fmt.Fprintln(w, "\n| gateway | requests recorded | usage group upserts | batches | requests per upsert | requests per batch | Redis fallbacks |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|")
	for _, sc := range scenarios {
		if sc.name == "bare" || sc.name == "minimal" {
			continue
		}
		perRow, perInsert := "–", "–"
		if sc.rows > 0 {
			perRow = fmt.Sprintf("%.1f", float64(sc.records)/float64(sc.rows))
		}
		if sc.inserts > 0 {
			perInsert = fmt.Sprintf("%.0f", float64(sc.records)/float64(sc.inserts))
		}
		fmt.Fprintf(w, "| %s | %d | %d | %d | %s | %s | %d |\n", sc.title, sc.records, sc.rows, sc.inserts, perRow, perInsert, sc.fallbacks)
	}
	perKey := "met"
	if usage.MaxSuccessful > 1 {
		perKey = "**missed**"
	}
	failed := "none"
	if len(usage.Failed) > 0 {
		failed = ""
		for i, f := range usage.Failed {
			if i > 0 {
				failed += ", "
			}
			failed += fmt.Sprintf("status %d: %d rows, %d requests", f.StatusCode, f.Rows, f.Requests)
		}
	}
	fmt.Fprintf(w, "\nUsage rollup after the run (the gateways on MariaDB share it): %d rows holding %d requests, for %d keys on %d key-days. "+
		"Rows of successful requests per key and day: at most %d (target: at most 1; every scenario's keys call one endpoint): %s. "+
		"With the failed ones, at most %d: each status is a group of its own (%s; 499 is a request wrk cut when its run ended, "+
		"500 one the database refused).\n",
		usage.Rows, usage.Requests, usage.Keys, usage.KeyDays, usage.MaxSuccessful, perKey, usage.MaxPerKeyDay, failed)
	fmt.Fprintln(w, "\nRedis scripts/req and SQL SELECTs/req are the servers' own counters (INFO commandstats, SHOW GLOBAL STATUS)")
	fmt.Fprintln(w, "read around each measured run, divided by wrk's request count; they include anything else those servers ran")
	fmt.Fprintln(w, "meanwhile. Requests recorded, group upserts (one per key, endpoint, status and day a flush met, added to the")
	fmt.Fprintln(w, "group's one row) and batches (one transaction each) are the gateway's own totals, logged when it stops. A Redis")
	fmt.Fprintln(w, "fallback is a limiter call slower than SHAREPANEL_REDIS_TIMEOUT, after which that replica decides locally for a second.")
}

// median of f over the cell's samples.
func (c *cell) median(f func(wrkResult) float64) float64 {
	vs := make([]float64, len(c.samples))
	for i, s := range c.samples {
		vs[i] = f(s.wrk)
	}
	sort.Float64s(vs)
	return median(vs)
}

// median of sorted values.
func median(sorted []float64) float64 {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

func ms(us int64) float64 { return float64(us) / 1000 }
