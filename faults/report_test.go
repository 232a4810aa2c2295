package main

import (
	"strings"
	"testing"
	"time"
)

// at builds a result that started ms milliseconds after t0 and took 10 ms.
func at(t0 time.Time, ms, status int) result {
	start := t0.Add(time.Duration(ms) * time.Millisecond)
	return result{start: start, end: start.Add(10 * time.Millisecond), status: status}
}

func TestRecovery(t *testing.T) {
	t0 := time.Now()
	faultEnd := t0.Add(time.Second)
	for _, tc := range []struct {
		name string
		rs   []result
		want time.Duration
		ok   bool
	}{
		{"no failure", []result{at(t0, 0, 200), at(t0, 2000, 200)}, 0, true},
		{"failures end before the fault does", []result{at(t0, 500, 503), at(t0, 900, 200), at(t0, 1500, 200)}, 0, true},
		{"first success for good 700 ms after the end", []result{at(t0, 500, 503), at(t0, 1200, 200), at(t0, 1400, 500),
			at(t0, 1700, 200), at(t0, 1900, 200)}, 700 * time.Millisecond, true},
		{"still failing at the end", []result{at(t0, 500, 200), at(t0, 1500, 503)}, 0, false},
		{"no answer counts as a failure", []result{at(t0, 1500, 0), at(t0, 1600, 200)}, 600 * time.Millisecond, true},
		// Results arrive in completion order; recovery goes by when requests began.
		{"out of order", []result{at(t0, 1700, 200), at(t0, 1400, 503)}, 700 * time.Millisecond, true},
	} {
		got, ok := recovery(tc.rs, faultEnd)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: recovery %s, %v; want %s, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

func TestUnavailableAnswers(t *testing.T) {
	good := result{status: 503, retryAfter: "1", message: "Service temporarily unavailable"}
	withSentence := result{status: 503, retryAfter: "2", message: "Service temporarily unavailable. Please try again later."}
	for _, tc := range []struct {
		name    string
		r       result
		bad     int
		example string
	}{
		{"success", result{status: 200}, 0, ""},
		{"the answer asked for", good, 0, ""},
		{"a trailing sentence", withSentence, 0, ""},
		{"500", result{status: 500, message: "Internal server error"}, 1, `500 "Internal server error"`},
		{"503 without Retry-After", result{status: 503, message: "Service temporarily unavailable"}, 1, "without Retry-After"},
		{"503 of another message", result{status: 503, retryAfter: "1", message: "Rate limiting is unavailable. Please try again later."}, 1, "Rate limiting"},
		{"no answer", result{err: "connection refused"}, 1, "no answer (connection refused)"},
	} {
		bad, example := unavailableAnswers([]result{tc.r})
		if bad != tc.bad || !strings.Contains(example, tc.example) {
			t.Errorf("%s: %d bad, example %q; want %d, %q", tc.name, bad, example, tc.bad, tc.example)
		}
	}
}

func TestTallyAndRow(t *testing.T) {
	t0 := time.Now()
	rs := []result{at(t0, 0, 200), at(t0, 1, 201), at(t0, 2, 503), at(t0, 3, 503), at(t0, 4, 0), at(t0, 5, 500)}
	rs[1].end = rs[1].start.Add(3 * time.Second)
	r := newRow("x", "a fault")
	tl := r.fill(rs, 7)
	if tl.requests != 6 || tl.ok != 2 || tl.maxLatency != 3*time.Second {
		t.Fatalf("tally %+v", tl)
	}
	if got := tl.errorsText(); got != "no answer×1, 500×1, 503×2" {
		t.Fatalf("errors %q", got)
	}
	r.check(true, "never shown")
	if !r.pass() || r.verdict() != "PASS" || r.why() != "7 not sent: every worker was waiting" {
		t.Fatalf("row %+v: %s %q", r, r.verdict(), r.why())
	}
	r.check(false, "latency %s", seconds(tl.maxLatency))
	if r.pass() || r.verdict() != "FAIL" || !strings.HasPrefix(r.why(), "latency 3.00 s; 7 not sent") {
		t.Fatalf("row %+v: %s %q", r, r.verdict(), r.why())
	}
}
