package main

import (
	"bufio"
	"os"
	"strings"
	"time"
)

// Margins over the gateway's own deadlines: scheduling on a loaded 2-core machine, and the answer's
// way back. The verdicts are about deadlines of seconds, so a second's margin tells a deadline kept
// from one ignored.
const (
	latencyMargin = time.Second     // over SHAREPANEL_REQUEST_TIMEOUT
	exitMargin    = 2 * time.Second // over SHAREPANEL_DB_STARTUP_TIMEOUT and SHAREPANEL_SHUTDOWN_TIMEOUT
	// How long after a dependency is back every request must succeed again.
	recoverWithin = 3 * time.Second
)

// dbFrozen: MariaDB frozen (SIGSTOP) for 8 s under load, then SIGCONT.
// Done when every request answers within the request timeout plus the margin, each either 2xx or
// 503 "Service temporarily unavailable" with Retry-After; every request succeeds again within
// recoverWithin of SIGCONT; usage counted equals 2xx answers.
func dbFrozen(s *suite, r *row) {
	a := s.accounts[r.name]
	gw, err := s.gateway(r.name, s.mysqlEnv(r.name))
	if err != nil {
		r.broken(err)
		return
	}
	defer s.maria.Thaw() // thawed already, unless the scenario broke off
	ld := steadyLoad(gw, a)
	time.Sleep(warmup)
	if err := s.maria.Freeze(); err != nil {
		r.broken(err)
	}
	time.Sleep(8 * time.Second)
	if err := s.maria.Thaw(); err != nil {
		r.broken(err)
	}
	thawed := time.Now()
	time.Sleep(5 * time.Second)
	rs := ld.halt()
	stopGateway(gw, r)

	t := r.fill(rs, ld.skipped.Load())
	r.check(t.maxLatency <= requestTimeout+latencyMargin, "max latency %s > request timeout %s + %s",
		seconds(t.maxLatency), requestTimeout, latencyMargin)
	checkUnavailable(r, rs)
	checkRecovery(r, rs, thawed, "SIGCONT")
	checkUsage(r, t.ok, s.mysqlUsage(a))
}

// dbKilled: MariaDB killed (SIGKILL) under load, restarted 3 s later on the same data directory.
// Done when errors are 503 with Retry-After (not 500), every request succeeds again within
// recoverWithin of the database accepting connections, and usage counted equals 2xx answers.
func dbKilled(s *suite, r *row) {
	a := s.accounts[r.name]
	gw, err := s.gateway(r.name, s.mysqlEnv(r.name))
	if err != nil {
		r.broken(err)
		return
	}
	ld := steadyLoad(gw, a)
	time.Sleep(warmup)
	s.maria.Kill()
	time.Sleep(3 * time.Second)
	if err := s.maria.Start(); err != nil {
		r.broken(err)
	}
	up := time.Now()
	time.Sleep(5 * time.Second)
	rs := ld.halt()
	stopGateway(gw, r)

	t := r.fill(rs, ld.skipped.Load())
	checkUnavailable(r, rs)
	checkRecovery(r, rs, up, "the restart")
	checkUsage(r, t.ok, s.mysqlUsage(a))
}

// startupFrozen: the gateway starts while MariaDB is frozen, with SHAREPANEL_DB_STARTUP_TIMEOUT=5s.
// Done when it logs its attempts (at least two log lines about the database) and exits non-zero
// within the timeout plus the margin.
func startupFrozen(s *suite, r *row) {
	if err := s.maria.Freeze(); err != nil {
		r.broken(err)
		return
	}
	defer s.maria.Thaw()
	start := time.Now()
	gw, err := s.launch(r.name, s.mysqlEnv(r.name))
	if err != nil {
		r.broken(err)
		return
	}
	// Watched well past the deadline, so that a late exit is measured rather than only called late.
	exited := gw.WaitExit(dbStartupTimeout + 10*time.Second)
	took := time.Since(start)
	if !exited {
		gw.Kill()
	}
	r.recovery = "—"
	r.note("exit after %s (%s)", seconds(took), gw.ExitDescription())
	r.check(exited && took <= dbStartupTimeout+exitMargin, "still starting %s after launch, start-up timeout %s + %s",
		seconds(took), dbStartupTimeout, exitMargin)
	r.check(!exited || gw.ExitCode() > 0, "exit status %s, want non-zero", gw.ExitDescription())
	if lines := logLinesAbout(gw.LogPath, "database"); lines >= 2 {
		r.note("%d log lines about the database", lines)
	} else {
		r.check(false, "%d log lines about the database, want one per attempt (at least 2)", lines)
	}
}

// startupSigterm: SIGTERM 1 s into a start-up that waits on a frozen MariaDB (start-up timeout
// 60 s). Done when the gateway exits within the margin of the SIGTERM.
func startupSigterm(s *suite, r *row) {
	if err := s.maria.Freeze(); err != nil {
		r.broken(err)
		return
	}
	defer s.maria.Thaw()
	gw, err := s.launch(r.name, s.mysqlEnv(r.name, "SHAREPANEL_DB_STARTUP_TIMEOUT=60s"))
	if err != nil {
		r.broken(err)
		return
	}
	if gw.WaitExit(time.Second) {
		r.check(false, "exited before the SIGTERM (%s)", gw.ExitDescription())
		return
	}
	took, killed := gw.Terminate(10 * time.Second)
	r.note("exit %s after SIGTERM (%s)", seconds(took), gw.ExitDescription())
	r.check(!killed && took <= exitMargin, "still running %s after SIGTERM, want an exit within %s", seconds(took), exitMargin)
}

// sigtermDBFrozen: SIGTERM to a gateway under load while MariaDB is frozen; then MariaDB thaws and
// a new gateway starts on the same spool directory.
// Done when the first gateway exits within SHAREPANEL_SHUTDOWN_TIMEOUT plus the margin and, once
// the new one has replayed the spool, usage counted equals 2xx answers.
func sigtermDBFrozen(s *suite, r *row) {
	sigtermUnderFault(s, r, func() error { return s.maria.Freeze() }, func() error { return s.maria.Thaw() })
}

// sigtermDBDown: the same with MariaDB killed, and restarted after the gateway has exited.
func sigtermDBDown(s *suite, r *row) {
	sigtermUnderFault(s, r, func() error { s.maria.Kill(); return nil }, func() error { return s.maria.Start() })
}

func sigtermUnderFault(s *suite, r *row, fault, heal func() error) {
	a := s.accounts[r.name]
	env := s.mysqlEnv(r.name)
	gw, err := s.gateway(r.name, env)
	if err != nil {
		r.broken(err)
		return
	}
	ld := steadyLoad(gw, a)
	time.Sleep(warmup)
	if err := fault(); err != nil {
		r.broken(err)
	}
	time.Sleep(time.Second) // requests and their usage pile up behind the fault
	// Watched well past the deadline (then killed, as an orchestrator would), to measure it.
	took, killed := gw.Terminate(shutdownTimeout + 12*time.Second)
	rs := ld.halt()
	healErr := heal()
	t := r.fill(rs, ld.skipped.Load())
	r.note("exit %s after SIGTERM (%s)", seconds(took), gw.ExitDescription())
	r.check(!killed && took <= shutdownTimeout+exitMargin, "still running %s after SIGTERM, shutdown timeout %s + %s",
		seconds(took), shutdownTimeout, exitMargin)
	if healErr != nil {
		r.broken(healErr)
		return
	}
	// The next start replays what the stop could not write.
	next, err := s.gateway(r.name, env)
	if err != nil {
		r.broken(err)
		return
	}
	count := s.mysqlUsage(a)
	waitUsage(count, t.ok, 10*time.Second)
	stopGateway(next, r)
	checkUsage(r, t.ok, count)
}

// checkUnavailable asserts that every error answer was 503 "Service temporarily unavailable" with
// Retry-After.
func checkUnavailable(r *row, rs []result) {
	bad, example := unavailableAnswers(rs)
	r.check(bad == 0, "%d error answers are not 503 %q with Retry-After, e.g. %s", bad, unavailableMessage, example)
}

// checkRecovery fills the recovery column and asserts that every request succeeds again within
// recoverWithin of the fault's end (named by what).
func checkRecovery(r *row, rs []result, end time.Time, what string) {
	rec, ok := recovery(rs, end)
	if !ok {
		r.recovery = "never"
		r.check(false, "requests still failing at the end, %s after %s", seconds(time.Since(end)), what)
		return
	}
	r.recovery = seconds(rec)
	r.check(rec <= recoverWithin, "recovered %s after %s, want within %s", seconds(rec), what, recoverWithin)
}

// logLinesAbout counts the lines of a log that mention word (any case).
func logLinesAbout(path, word string) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if strings.Contains(strings.ToLower(sc.Text()), word) {
			n++
		}
	}
	return n
}
