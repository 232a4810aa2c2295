package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// row is one scenario's line of the table: what the load saw, and each assertion that failed with
// the figure that failed it.
type row struct {
	name       string
	fault      string
	requests   string // sent by the load generator ("—": the scenario sends none of its own)
	errors     string // answers that were not 2xx, by status
	maxLatency string
	recovery   string // after the fault ended, until every later request succeeded
	lost       string // 2xx answers received minus 2xx usage counted (negative: counted twice)
	failures   []string
	notes      []string // figures behind the verdict
	elapsed    time.Duration
	results    []result // every request of the scenario's load, for results/<name>.csv
}

func newRow(name, fault string) *row {
	return &row{name: name, fault: fault, requests: "—", errors: "—", maxLatency: "—", recovery: "—", lost: "—"}
}

// check records a failed assertion; why says what was expected and what was measured.
func (r *row) check(ok bool, format string, args ...any) {
	if !ok {
		r.failures = append(r.failures, fmt.Sprintf(format, args...))
	}
}

// note records a figure worth reading whatever the verdict.
func (r *row) note(format string, args ...any) {
	r.notes = append(r.notes, fmt.Sprintf(format, args...))
}

// broken marks the scenario failed because the suite could not run it (a process that would not
// start, ...): not a verdict on the gateway, and said so.
func (r *row) broken(err error) { r.failures = append(r.failures, "suite error: "+err.Error()) }

func (r *row) pass() bool { return len(r.failures) == 0 }

func (r *row) verdict() string {
	if r.pass() {
		return "PASS"
	}
	return "FAIL"
}

// why is the reason column: the failed assertions first, then the figures.
func (r *row) why() string {
	return strings.Join(append(append([]string{}, r.failures...), r.notes...), "; ")
}

// tally sums up a load's results.
type tally struct {
	requests, ok int
	byStatus     map[int]int // answers that were not 2xx, by status; 0 is "no answer"
	maxLatency   time.Duration
}

func tallyOf(rs []result) tally {
	t := tally{byStatus: map[int]int{}}
	for _, r := range rs {
		t.requests++
		if r.ok() {
			t.ok++
		} else {
			t.byStatus[r.status]++
		}
		t.maxLatency = max(t.maxLatency, r.latency())
	}
	return t
}

// errorsText is "503×812, no answer×3", or "none".
func (t tally) errorsText() string {
	if len(t.byStatus) == 0 {
		return "none"
	}
	codes := make([]int, 0, len(t.byStatus))
	for c := range t.byStatus {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	var parts []string
	for _, c := range codes {
		name := fmt.Sprint(c)
		if c == 0 {
			name = "no answer"
		}
		parts = append(parts, fmt.Sprintf("%s×%d", name, t.byStatus[c]))
	}
	return strings.Join(parts, ", ")
}

// fill puts a load's figures into the row, keeps its results for the CSV, and returns the tally.
func (r *row) fill(rs []result, skipped int64) tally {
	t := tallyOf(rs)
	r.results = rs
	r.requests = fmt.Sprint(t.requests)
	r.errors = t.errorsText()
	r.maxLatency = seconds(t.maxLatency)
	if skipped > 0 {
		r.note("%d not sent: every worker was waiting", skipped)
	}
	return t
}

// recovery is how long after faultEnd the gateway answered 2xx again for good: from faultEnd to
// the start of the first request after which every request succeeded (0 when the last failure
// began before faultEnd). ok is false when the last request still failed.
func recovery(rs []result, faultEnd time.Time) (time.Duration, bool) {
	sorted := append([]result(nil), rs...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].start.Before(sorted[j].start) })
	last := -1
	for i, r := range sorted {
		if !r.ok() {
			last = i
		}
	}
	switch {
	case last < 0:
		return 0, true
	case last == len(sorted)-1:
		return 0, false
	}
	return max(0, sorted[last+1].start.Sub(faultEnd)), true
}

// unavailableAnswers checks that every error answer is the dependency-failure answer the issue asks
// for: 503 with Retry-After and the message "Service temporarily unavailable" (a trailing sentence
// allowed). It returns how many were not, and an example of the first.
func unavailableAnswers(rs []result) (bad int, example string) {
	for _, r := range rs {
		if r.ok() {
			continue
		}
		var why string
		switch {
		case r.status == 0:
			why = "no answer (" + r.err + ")"
		case r.status != 503:
			why = fmt.Sprintf("%d %q", r.status, r.message)
		case r.retryAfter == "":
			why = fmt.Sprintf("503 %q without Retry-After", r.message)
		case !strings.HasPrefix(r.message, unavailableMessage):
			why = fmt.Sprintf("503 %q", r.message)
		default:
			continue
		}
		if bad == 0 {
			example = why
		}
		bad++
	}
	return bad, example
}

// unavailableMessage is the message the issue names for a dependency that is down or too slow.
const unavailableMessage = "Service temporarily unavailable"

func seconds(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

// printTable writes the rows as an aligned text table.
func printTable(w io.Writer, rows []*row) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "scenario\trequests\terrors by status\tmax latency\trecovery\tusage lost\tresult")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.name, r.requests, r.errors, r.maxLatency, r.recovery, r.lost, r.verdict())
	}
	tw.Flush()
	fmt.Fprintln(w)
	for _, r := range rows {
		fmt.Fprintf(w, "%s %s (%s): %s\n", r.verdict(), r.name, seconds(r.elapsed), r.why())
	}
}

// writeMarkdown writes the table, dated and labelled, to dir/faults.md for docs/RELIABILITY.md.
func writeMarkdown(dir string, rows []*row, meta runInfo) (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "Run of %s UTC on %s, gateway at %s; the suite took %s.\n\n",
		meta.started.UTC().Format("2006-01-02 15:04"), meta.machine, meta.commit, seconds(meta.elapsed))
	b.WriteString("| scenario | fault | requests | errors by status | max latency | recovery | usage lost | result | figures and failed assertions |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s | %s | **%s** | %s |\n", r.name, r.fault, r.requests,
			r.errors, r.maxLatency, r.recovery, r.lost, r.verdict(), strings.ReplaceAll(r.why(), "|", "\\|"))
	}
	path := filepath.Join(dir, "faults.md")
	return path, os.WriteFile(path, []byte(b.String()), 0o644)
}

// runInfo dates and places a run.
type runInfo struct {
	started time.Time
	elapsed time.Duration
	machine string
	commit  string
}

// writeResults writes every request of a row as CSV to dir/results/<name>.csv: when it began (ms
// after the first), its latency (ms), the status (0: no answer), Retry-After, and the message or
// error of a failure. Nothing is written for a row without requests.
func writeResults(dir string, r *row) error {
	if len(r.results) == 0 {
		return nil
	}
	rs := append([]result(nil), r.results...)
	sort.Slice(rs, func(i, j int) bool { return rs[i].start.Before(rs[j].start) })
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"start_ms", "latency_ms", "status", "retry_after", "message"})
	for _, x := range rs {
		why := x.message
		if x.status == 0 {
			why = x.err
		}
		_ = w.Write([]string{fmt.Sprintf("%.1f", ms(x.start.Sub(rs[0].start))), fmt.Sprintf("%.1f", ms(x.latency())),
			fmt.Sprint(x.status), x.retryAfter, why})
	}
	w.Flush()
	if err := os.MkdirAll(filepath.Join(dir, "results"), 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "results", r.name+".csv"), b.Bytes(), 0o644)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
