package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// report prints the machine, the table and the ratios, as Markdown (readable in a terminal too).
func report(w io.Writer, o options, results []result, took time.Duration) {
	fmt.Fprintf(w, "\n## Load benchmark, %s\n\n", time.Now().UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(w, "- machine: %d cores, %s, %s, %s/%s; load average before the run: %s\n", runtime.NumCPU(), cpuModel(),
		runtime.Version(), runtime.GOOS, runtime.GOARCH, o.loadBefore)
	fmt.Fprintf(w, "- services: %s\n", serviceVersions())
	fmt.Fprintf(w, "- wrk: %d threads, %s warm-up then %s per row, from this machine to 127.0.0.1; GET /api?mode=profile&action=view\n",
		o.threads, o.warmup, o.duration)
	fmt.Fprintf(w, "- gateway: every middleware on; JSON logs to a file (%s); MariaDB %s, Redis %s\n", o.work+"/logs", o.mysqlURL, o.redisURL)
	fmt.Fprintf(w, "- took %s\n\n", took.Round(time.Second))

	fmt.Fprintln(w, "| scenario | conns | req/s | p50 ms | p99 ms | non-2xx | server CPU µs/req | peak RSS MB | Redis scripts/req | SQL SELECTs/req | usage rows/INSERT |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range results {
		n := float64(r.wrk.Requests)
		perReq := func(v int64) string {
			if !r.sc.shared || v < 0 || n == 0 {
				return "–"
			}
			return fmt.Sprintf("%.3f", float64(v)/n)
		}
		usage := "–"
		if r.inserts > 0 {
			usage = fmt.Sprintf("%.0f (%d/%d)", float64(r.records)/float64(r.inserts), r.records, r.inserts)
		}
		errs := fmt.Sprintf("%d", r.wrk.StatusErrors)
		if se := r.wrk.SocketErrors(); se > 0 {
			errs += fmt.Sprintf(" (+%d socket)", se)
		}
		fmt.Fprintf(w, "| %s | %d | %.0f | %.2f | %.2f | %s | %.0f | %.1f | %s | %s | %s |\n",
			r.sc.title, r.conns, r.wrk.RPS(), ms(r.wrk.P50US), ms(r.wrk.P99US), errs,
			float64(r.cpu.Microseconds())/max(n, 1), float64(r.rssKB)/1024, perReq(r.work.Scripts), perReq(r.work.Selects), usage)
	}

	fmt.Fprintln(w, "\n| target | conns | value | goal | |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---|")
	find := func(name string, conns int) *result {
		for i := range results {
			if results[i].sc.name == name && results[i].conns == conns {
				return &results[i]
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
	for _, c := range o.conns {
		bare, minimal, one, many, over := find("bare", c), find("minimal", c), find("one-key", c), find("many-keys", c), find("over-limit", c)
		if one != nil && minimal != nil {
			v := one.wrk.RPS() / minimal.wrk.RPS()
			fmt.Fprintf(w, "| 1. throughput ÷ minimal pipeline | %d | %.2f | ≥ 0.90 | %s |\n", c, v, verdict(v >= 0.90))
			p := float64(one.wrk.P99US) / float64(max(minimal.wrk.P99US, 1))
			fmt.Fprintf(w, "| 1. p99 ÷ minimal pipeline's p99 | %d | %.2f | ≤ 1.5 | %s |\n", c, p, verdict(p <= 1.5))
		}
		if many != nil && one != nil {
			v := many.wrk.RPS() / one.wrk.RPS()
			fmt.Fprintf(w, "| 2. throughput ÷ scenario 1 | %d | %.2f | ≥ 0.80 | %s |\n", c, v, verdict(v >= 0.80))
		}
		if over != nil && bare != nil {
			v := over.wrk.RPS() / bare.wrk.RPS()
			fmt.Fprintf(w, "| 3. throughput ÷ bare echo | %d | %.2f | ≥ 0.50 | %s |\n", c, v, verdict(v >= 0.50))
		}
	}
	if one, many := find("one-key", o.conns[0]), find("many-keys", o.conns[0]); one != nil && many != nil {
		fmt.Fprintf(w, "| 2. peak RSS, %d keys (growth over scenario 1) | all | %.1f MB (+%.1f MB) | a few tens of MB | %s |\n",
			o.accounts, float64(many.rssKB)/1024, float64(many.rssKB-one.rssKB)/1024, verdict(many.rssKB-one.rssKB < 64<<10))
	}
	fmt.Fprintln(w, "\nRedis scripts/req and SQL SELECTs/req are the servers' own counters (INFO commandstats, SHOW GLOBAL STATUS)")
	fmt.Fprintln(w, "read around each measured run, divided by wrk's request count; they include anything else those servers ran")
	fmt.Fprintln(w, "meanwhile. usage rows/INSERT is the gateway's own count, logged when it stops (records written ÷ INSERT statements).")
}

func ms(us int64) float64 { return float64(us) / 1000 }

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "model name"); ok {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
		}
	}
	return "unknown CPU"
}

// loadAvg is the 1, 5 and 15-minute load averages: how busy the shared machine was.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// versions of the services, for the record.
func serviceVersions() string {
	var out []string
	if b, err := exec.Command("mariadb", "--version").Output(); err == nil {
		out = append(out, strings.TrimSpace(string(b)))
	}
	if b, err := exec.Command("redis-server", "--version").Output(); err == nil {
		out = append(out, strings.TrimSpace(string(b)))
	}
	return strings.Join(out, "; ")
}
