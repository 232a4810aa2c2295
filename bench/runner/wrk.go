package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// wrkResult is what bench/wrk/bench.lua's done() prints.
type wrkResult struct {
	Requests      int64 `json:"requests"`
	DurationUS    int64 `json:"duration_us"`
	P50US         int64 `json:"p50_us"`
	P90US         int64 `json:"p90_us"`
	P99US         int64 `json:"p99_us"`
	MaxUS         int64 `json:"max_us"`
	ConnectErrors int64 `json:"connect_errors"`
	ReadErrors    int64 `json:"read_errors"`
	WriteErrors   int64 `json:"write_errors"`
	StatusErrors  int64 `json:"status_errors"` // answers outside 2xx/3xx
	Timeouts      int64 `json:"timeouts"`
}

// RPS is the throughput of the run.
func (r wrkResult) RPS() float64 {
	if r.DurationUS == 0 {
		return 0
	}
	return float64(r.Requests) / (float64(r.DurationUS) / 1e6)
}

// SocketErrors counts everything but non-2xx answers.
func (r wrkResult) SocketErrors() int64 {
	return r.ConnectErrors + r.ReadErrors + r.WriteErrors + r.Timeouts
}

// load is one wrk invocation.
type load struct {
	url      string
	key      string // sent as X-API-Key on every request (static request)
	keysFile string // or: one key per request from this file (bench.lua)
	threads  int
	conns    int
	duration time.Duration
}

// runWrk runs wrk (bounded by its -d; wrk stops by itself) and parses the script's summary.
func runWrk(script string, l load) (wrkResult, error) {
	threads := min(l.threads, l.conns)
	args := []string{"-t", strconv.Itoa(threads), "-c", strconv.Itoa(l.conns),
		"-d", strconv.Itoa(int(l.duration/time.Second)) + "s", "--timeout", "5s", "-s", script}
	if l.key != "" {
		args = append(args, "-H", "X-API-Key: "+l.key)
	}
	args = append(args, l.url)
	cmd := exec.Command("wrk", args...)
	cmd.Env = append(os.Environ(), "BENCH_KEYS="+l.keysFile, "BENCH_THREADS="+strconv.Itoa(threads))
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return wrkResult{}, fmt.Errorf("wrk: %v: %s%s", err, out.String(), errb.String())
	}
	for _, line := range strings.Split(out.String(), "\n") {
		if rest, ok := strings.CutPrefix(line, "BENCH_JSON "); ok {
			var r wrkResult
			if err := json.Unmarshal([]byte(rest), &r); err != nil {
				return wrkResult{}, fmt.Errorf("wrk summary %q: %w", rest, err)
			}
			return r, nil
		}
	}
	return wrkResult{}, fmt.Errorf("wrk printed no summary: %s%s", out.String(), errb.String())
}
