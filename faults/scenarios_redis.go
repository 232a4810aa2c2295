package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"sharepanel/faults/processes"
)

// slowCall is how long Redis sleeps in the slow-Redis scenario: past the limiter's deadline, so
// that the one request in flight meanwhile times out.
const slowCall = redisTimeout + 150*time.Millisecond

// redisSlowClosed: one limiter call times out, in SHAREPANEL_RATELIMIT_ON_REDIS_ERROR=closed mode.
// The steady load pauses (its requests all answered), Redis stalls with DEBUG SLEEP longer than
// SHAREPANEL_REDIS_TIMEOUT, exactly one request is sent while it sleeps, and the load resumes as
// soon as Redis answers again. (With the load running through the stall, many calls would time
// out, and a limiter that trips after N consecutive failures would rightly trip.)
// Done when no request answers 503 but the one in flight during the slow call, nothing else fails,
// and usage counted equals 2xx answers.
func redisSlowClosed(s *suite, r *row) {
	a := s.accounts[r.name]
	gw, err := s.gateway(r.name, s.mysqlEnv(r.name, "SHAREPANEL_REDIS_URL="+s.redis.URL(), "SHAREPANEL_RATELIMIT_ON_REDIS_ERROR=closed"))
	if err != nil {
		r.broken(err)
		return
	}
	ld := steadyLoad(gw, a)
	time.Sleep(warmup)
	rs := ld.halt()
	skipped := ld.skipped.Load()

	from := time.Now()
	slept := make(chan error, 1)
	go func() { slept <- s.redis.Sleep(context.Background(), slowCall) }()
	if err := s.redis.WaitAsleep(time.Second); err != nil {
		r.broken(err)
	}
	one := sendSequential(1, 0, func(int) (*http.Request, error) { return profileView(gw, a) })
	if err := <-slept; err != nil {
		r.broken(err)
	}
	to := time.Now()
	ld = steadyLoad(gw, a)
	time.Sleep(3 * time.Second)
	rs = append(append(rs, one...), ld.halt()...)
	skipped += ld.skipped.Load()
	stopGateway(gw, r)

	t := r.fill(rs, skipped)
	outside := 0
	for _, x := range rs {
		if x.status == http.StatusServiceUnavailable && !(x.start.Before(to) && x.end.After(from)) {
			outside++
		}
	}
	r.note("DEBUG SLEEP %s; the request sent meanwhile answered %d after %s; 503×%d after it", seconds(to.Sub(from)),
		one[0].status, seconds(one[0].latency()), outside)
	r.check(outside == 0, "%d answers 503 after one timed-out Redis call: it tripped the replica", outside)
	other := t.requests - t.ok - t.byStatus[http.StatusServiceUnavailable]
	r.check(other == 0, "%d error answers other than 503", other)
	checkRecovery(r, rs, to, "the slow call")
	checkUsage(r, t.ok, s.mysqlUsage(a))
}

// profileView is GET mode=profile&action=view with a's key.
func profileView(gw *processes.Gateway, a *account) (*http.Request, error) {
	req, err := http.NewRequest(http.MethodGet, gw.URL()+"/api?mode=profile&action=view", nil)
	if req != nil {
		req.Header.Set("X-API-Key", a.key)
	}
	return req, err
}

// redisKilledLocal: Redis killed under load in local mode, restarted (empty) 3 s later.
// Done when every request succeeds throughout, /readyz answers 200 with a body that says degraded
// during the outage, the gateway uses Redis again within recoverWithin of the restart, and usage
// counted equals 2xx answers.
func redisKilledLocal(s *suite, r *row) {
	a := s.accounts[r.name]
	gw, err := s.gateway(r.name, s.mysqlEnv(r.name, "SHAREPANEL_REDIS_URL="+s.redis.URL(), "SHAREPANEL_RATELIMIT_ON_REDIS_ERROR=local"))
	if err != nil {
		r.broken(err)
		return
	}
	ld := steadyLoad(gw, a)
	time.Sleep(warmup)
	s.redis.Kill()
	polls, degraded, example := 0, 0, ""
	for range 12 {
		time.Sleep(250 * time.Millisecond)
		polls++
		status, body, err := get(gw.URL() + "/readyz")
		if err == nil && status == http.StatusOK && strings.Contains(strings.ToLower(body), "degraded") {
			degraded++
		} else if example == "" {
			example = fmt.Sprintf("%d %s", status, body)
			if err != nil {
				example = err.Error()
			}
		}
	}
	if err := s.redis.Start(); err != nil {
		r.broken(err)
	}
	restarted := time.Now()
	back, backOK := backOnRedis(s, gw, 10*time.Second)
	time.Sleep(2 * time.Second)
	rs := ld.halt()
	stopGateway(gw, r)

	t := r.fill(rs, ld.skipped.Load())
	r.check(t.ok == t.requests, "%d requests failed with Redis down in local mode", t.requests-t.ok)
	r.note("/readyz during the outage: %d of %d polls 200 saying degraded", degraded, polls)
	r.check(degraded == polls, "/readyz during the outage answered %s, want 200 with a body saying degraded", example)
	if !backOK {
		r.recovery = "never"
		r.check(false, "not back on Redis (/readyz 200 and not degraded, limiter keys in Redis) 10 s after its restart")
	} else {
		r.recovery = seconds(back.Sub(restarted))
		r.check(back.Sub(restarted) <= recoverWithin, "back on Redis %s after its restart, want within %s", seconds(back.Sub(restarted)), recoverWithin)
	}
	checkUsage(r, t.ok, s.mysqlUsage(a))
}

// backOnRedis waits up to d until the gateway uses Redis again: /readyz 200 without "degraded",
// and the limiter's keys in the restarted (empty) Redis.
func backOnRedis(s *suite, gw *processes.Gateway, d time.Duration) (time.Time, bool) {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		status, body, err := get(gw.URL() + "/readyz")
		keys, kerr := s.redis.Keys(context.Background())
		if err == nil && kerr == nil && status == http.StatusOK && !strings.Contains(strings.ToLower(body), "degraded") && keys > 0 {
			return time.Now(), true
		}
		time.Sleep(100 * time.Millisecond)
	}
	return time.Time{}, false
}

// quotaRedisRestart: an account on a plan of 50 requests a day sends 100 requests with Redis up,
// 100 with Redis killed (local mode), and 100 once Redis is back, restarted empty.
// Done when at most 50 of them were allowed that day.
func quotaRedisRestart(s *suite, r *row) {
	a := s.accounts[r.name]
	gw, err := s.gateway(r.name, s.mysqlEnv(r.name, "SHAREPANEL_REDIS_URL="+s.redis.URL(), "SHAREPANEL_RATELIMIT_ON_REDIS_ERROR=local"))
	if err != nil {
		r.broken(err)
		return
	}
	day := time.Now().UTC().Format("2006-01-02")
	view := func(int) (*http.Request, error) { return profileView(gw, a) }
	// 10 ms apart: a refusal the gateway remembers lasts until the minute bucket's next token (60 ms
	// on this plan), so most requests reach the limiter itself.
	const gap = 10 * time.Millisecond
	before := sendSequential(100, gap, view)
	s.redis.Kill()
	during := sendSequential(100, gap, view)
	if err := s.redis.Start(); err != nil {
		r.broken(err)
	}
	// The limiter tries Redis again once a second: until it has, requests still count, as "after".
	var after []result
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		if n, err := s.redis.Keys(context.Background()); err == nil && n > 0 {
			break
		}
		after = append(after, sendSequential(1, gap, view)...)
	}
	after = append(after, sendSequential(100, gap, view)...)
	stopGateway(gw, r)

	all := append(append(append([]result(nil), before...), during...), after...)
	t := r.fill(all, 0)
	okBefore, okDuring, okAfter := tallyOf(before).ok, tallyOf(during).ok, tallyOf(after).ok
	total := okBefore + okDuring + okAfter
	r.note("2xx: %d with Redis, %d during the outage, %d after the empty restart: %d in one day on a plan of %d",
		okBefore, okDuring, okAfter, total, quotaDay)
	r.check(total <= quotaDay, "%d requests allowed in one day on a plan of %d a day", total, quotaDay)
	if now := time.Now().UTC().Format("2006-01-02"); now != day {
		r.check(false, "the day turned during the scenario (%s → %s): run it again", day, now)
	}
	checkUsage(r, t.ok, s.mysqlUsage(a))
}
