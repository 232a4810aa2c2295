package main

import (
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"
)

// The targets of issue 11, for the one-year account: p50 within 6× profile view's, p99 within 10×,
// and no endpoint's ratio more than 2× its ratio on the demo account.
const (
	maxP50Ratio = 6.0
	maxP99Ratio = 10.0
	maxGrowth   = 2.0
)

// stats is one cell's figures.
type stats struct {
	n                int
	p50, p99         time.Duration
	ratio50, ratio99 float64 // ÷ profile view's on the same account
	bytes            int
}

// row is one endpoint: its figures on both accounts and the targets it misses.
type row struct {
	ep                 endpoint
	demo, year         stats
	growth50, growth99 float64 // one-year ratio ÷ demo ratio
	misses             []string
}

// evaluate turns the measured cells into rows, in the order of eps. A cell missing for an account
// gives zero figures.
func evaluate(eps []endpoint, cells []*cell) []row {
	find := func(acct string, e endpoint) *cell {
		for _, c := range cells {
			if c.acct.Name == acct && c.ep == e {
				return c
			}
		}
		return nil
	}
	of := func(acct string, e endpoint) stats {
		c, base := find(acct, e), find(acct, baseline)
		if c == nil || base == nil {
			return stats{}
		}
		st := stats{n: len(c.lat), p50: percentile(c.lat, 50), p99: percentile(c.lat, 99), bytes: c.bytes}
		st.ratio50 = ratio(st.p50, percentile(base.lat, 50))
		st.ratio99 = ratio(st.p99, percentile(base.lat, 99))
		return st
	}
	var rows []row
	for _, e := range eps {
		r := row{ep: e, demo: of(demoAccount, e), year: of(yearAccount, e)}
		r.growth50 = r.year.ratio50 / max(r.demo.ratio50, 1e-9)
		r.growth99 = r.year.ratio99 / max(r.demo.ratio99, 1e-9)
		if r.year.ratio50 > maxP50Ratio {
			r.misses = append(r.misses, fmt.Sprintf("p50 > %g×", maxP50Ratio))
		}
		if r.year.ratio99 > maxP99Ratio {
			r.misses = append(r.misses, fmt.Sprintf("p99 > %g×", maxP99Ratio))
		}
		if r.growth50 > maxGrowth {
			r.misses = append(r.misses, fmt.Sprintf("growth > %g×", maxGrowth))
		}
		rows = append(rows, r)
	}
	return rows
}

func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// runInfo is what the report says about the run besides the table.
type runInfo struct {
	date                     time.Time
	machine, services        string
	load, loadAfter          string // load averages before and after the run
	gateway                  string // the checkout's commit
	seeded                   string // what the one-year account holds
	seedTook, demoTook, took time.Duration
	settings                 settings
}

// writeReport prints the run and the table as Markdown, readable in a terminal too.
func writeReport(w io.Writer, info runInfo, rows []row) {
	fmt.Fprintf(w, "\n## History benchmark, %s\n\n", info.date.UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(w, "- machine: %s; load average before the run %s, after it %s\n", info.machine, info.load, info.loadAfter)
	fmt.Fprintf(w, "- services: %s\n", info.services)
	fmt.Fprintf(w, "- gateway: %s, on MariaDB, in-process limiter, the accounts on a plan without request limits\n", info.gateway)
	seeded := "kept from an earlier run (-reuse)"
	if info.seedTook > 0 {
		seeded = "seeded in " + info.seedTook.Round(100*time.Millisecond).String()
	}
	fmt.Fprintf(w, "- one-year account: %s; %s (the demo account made in %s)\n", info.seeded, seeded, info.demoTook.Round(100*time.Millisecond))
	s := info.settings
	fmt.Fprintf(w, "- per endpoint and account: %d samples (fewer where %s of requests ran out), %d in flight, in %d rounds over all endpoints, after %d unmeasured\n",
		s.samples, s.budget, s.concurrency, s.rounds, s.warmup)
	fmt.Fprintf(w, "- whole run: %s\n\n", info.took.Round(time.Second))

	fmt.Fprintln(w, "| endpoint | demo p50 ms | demo p99 ms | demo p50 × | demo p99 × | one-year p50 ms | one-year p99 ms | one-year p50 × | one-year p99 × | growth p50 | growth p99 | one-year KB | samples | targets |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
	met := 0
	for _, r := range rows {
		verdict := "met"
		if len(r.misses) == 0 {
			met++
		} else {
			verdict = "**" + strings.Join(r.misses, ", ") + "**"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %.1f | %.1f | %s | %s | %s | %s | %s | %.1f | %.1f | %d/%d | %s |\n",
			r.ep.Label(), ms(r.demo.p50), ms(r.demo.p99), r.demo.ratio50, r.demo.ratio99, ms(r.year.p50), ms(r.year.p99),
			bold(r.year.ratio50, maxP50Ratio), bold(r.year.ratio99, maxP99Ratio), bold(r.growth50, maxGrowth), r.growth99,
			float64(r.year.bytes)/1024, r.demo.n, r.year.n, verdict)
	}
	fmt.Fprintf(w, "\n%d of %d endpoints meet the targets (one-year p50 ≤ %g× and p99 ≤ %g× profile view's, growth of the p50 ratio ≤ %g×).\n",
		met, len(rows), maxP50Ratio, maxP99Ratio, maxGrowth)
	fmt.Fprintln(w, "× is the endpoint's latency ÷ profile view's on the same account in the same run; growth is the one-year ratio ÷ the demo ratio.")
	writeDeepPages(w, rows)
}

// writeDeepPages compares each deep page with its list's first page on the one-year account: the
// growth rule compares a deep page with the demo account's, which is empty there (its lists are
// shorter than the offsets), so this is where "a page costs the same at offset 150,000 as at 0"
// shows.
func writeDeepPages(w io.Writer, rows []row) {
	pairs := deepPages(rows)
	if len(pairs) == 0 {
		return
	}
	fmt.Fprintln(w, "\nDeep pages against their list's first page, one-year account (same page size, 50 rows):")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| deep page | p50 ms | first page p50 ms | deep ÷ first |")
	fmt.Fprintln(w, "|---|---:|---:|---:|")
	for _, p := range pairs {
		fmt.Fprintf(w, "| %s | %s | %s | %.2f |\n", p[0].ep.Label(), ms(p[0].year.p50), ms(p[1].year.p50), ratio(p[0].year.p50, p[1].year.p50))
	}
}

// deepPages pairs each row of a page at a nonzero offset with the row of the same list's first
// page (the same mode and action, without parameters or with offset=0).
func deepPages(rows []row) [][2]row {
	var out [][2]row
	for _, deep := range rows {
		q, _ := url.ParseQuery(deep.ep.Params)
		if off := q.Get("offset"); off == "" || off == "0" {
			continue
		}
		for _, first := range rows {
			if first.ep.Mode == deep.ep.Mode && first.ep.Action == deep.ep.Action && (first.ep.Params == "" || first.ep.Params == "offset=0") {
				out = append(out, [2]row{deep, first})
				break
			}
		}
	}
	return out
}

// ms formats a latency in milliseconds, with the precision that matters at its size.
func ms(d time.Duration) string {
	v := float64(d) / float64(time.Millisecond)
	if v >= 100 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

// bold formats a ratio, in bold past its limit.
func bold(v, limit float64) string {
	if v > limit {
		return fmt.Sprintf("**%.1f**", v)
	}
	return fmt.Sprintf("%.1f", v)
}
