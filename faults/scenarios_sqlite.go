package main

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"sharepanel/faults/processes"
)

// sqliteWriteRate is the API's write load in the SQLite scenario: enough that the 5 commands'
// transactions meet the server's in every run (at 100 a second, today's conflicts showed in only
// some runs).
const sqliteWriteRate = 600

// sqliteCLIAndAPI: the gateway on SQLite serves API writes (orgs new, notifications mark_read) at
// sqliteWriteRate while `sharepanel user add` runs 5 times at once from the command line on the
// same file. Done when no command fails ("database is locked" counted apart) and no API write
// answers 500.
func sqliteCLIAndAPI(s *suite, r *row) {
	dir := filepath.Join(s.work, "sqlite")
	if err := mkdirs(dir); err != nil {
		r.broken(err)
		return
	}
	path := filepath.Join(dir, "faults.db")
	dbURL := "sqlite://" + path // path is absolute: sqlite:///…
	accounts, err := s.seed(dbURL, map[string]string{r.name: planLoad})
	if err != nil {
		r.broken(err)
		return
	}
	a := accounts[r.name]
	env := s.gatewayEnv(dbURL, "SHAREPANEL_SPOOL_DIR="+s.spoolDir(r.name))
	gw, err := s.gateway(r.name, env)
	if err != nil {
		r.broken(err)
		return
	}
	ld := startLoad(loadOptions{rate: sqliteWriteRate, workers: 64, timeout: clientTimeout, build: apiWrites(gw, a)})
	time.Sleep(time.Second)
	failed, locked, example := cliUserAdds(s.bin, env, 5)
	time.Sleep(time.Second)
	rs := ld.halt()
	stopGateway(gw, r)

	t := r.fill(rs, ld.skipped.Load())
	r.note("`sharepanel user add`: %d of 5 failed, %d with database is locked", failed, locked)
	r.check(locked == 0, "%d of 5 `sharepanel user add` failed with database is locked", locked)
	r.check(failed == locked, "%d of 5 `sharepanel user add` failed otherwise, e.g. %s", failed-locked, example)
	r.check(t.byStatus[http.StatusInternalServerError] == 0, "%d API writes answered 500", t.byStatus[http.StatusInternalServerError])
	checkUsage(r, t.ok, sqliteUsage(path, a))
}

// cliUserAdds runs `sharepanel user add` n times at once, as cron jobs or a deploy script might,
// and counts the runs that failed, those with "database is locked", and an example error.
func cliUserAdds(bin string, env []string, n int) (failed, locked int, example string) {
	errs := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, stderr, err := processes.RunCommand(time.Minute, bin, env, "user", "add",
				"--email", fmt.Sprintf("cli-%d@faults.example", i+1), "--password", randomHex(8), "--plan", "free")
			if err != nil {
				errs[i] = err.Error()
				if out := strings.TrimSpace(stderr); out != "" {
					errs[i] = lastLine(out)
				}
			}
		}()
	}
	wg.Wait()
	for _, e := range errs {
		if e == "" {
			continue
		}
		failed++
		if strings.Contains(e, "database is locked") {
			locked++
		}
		if example == "" {
			example = e
		}
	}
	return failed, locked, example
}

// apiWrites alternates creating an organization (a unique title each) and marking notifications read.
func apiWrites(gw *processes.Gateway, a *account) requestBuilder {
	return func(seq int) (*http.Request, error) {
		body := "mode=notifications&action=mark_read"
		if seq%2 == 0 {
			body = fmt.Sprintf("mode=orgs&action=new&title=Fault+org+%d", seq)
		}
		req, err := http.NewRequest(http.MethodPost, gw.URL()+"/api", strings.NewReader(body))
		if req != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-API-Key", a.key)
		}
		return req, err
	}
}

// lastLine is the last non-empty line of a command's output: its error.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
