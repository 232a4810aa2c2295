package ratelimit

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// What the in-process fallback allowed while Redis was not asked (or failed) is added to Redis's
// daily counts as soon as Redis answers again, so that a Redis outage does not hand out requests
// that never count toward the day. Redis refuses the addition where it would count twice: a count
// it has lost (the next request seeds it from the database, which holds these requests) or one it
// seeded from the database after the fallback began (merge.lua).

// maxLocalCharges bounds the callers whose fallback charges wait to be added; past it, a new
// caller's are not (a bounded leniency during a long outage with many callers).
const maxLocalCharges = 100_000

// localCharges are the fallback's charges per caller, of one day, since the last merge.
type localCharges struct {
	pending atomic.Bool // there are charges to add
	running atomic.Bool // a merge is under way

	mu    sync.Mutex
	day   int64 // days since the epoch (this process's clock) of the charges
	since int64 // µs on Redis's clock of Redis's last decision before the first of them
	n     map[string]int64
}

// note counts one request the fallback allowed for key on day; redisNow is Redis's last decision.
func (c *localCharges) note(key string, day, redisNow int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil || c.day != day {
		c.n, c.day, c.since = map[string]int64{}, day, redisNow // yesterday's no longer count
	}
	if len(c.n) == 0 {
		c.since = redisNow
	}
	if _, ok := c.n[key]; !ok && len(c.n) >= maxLocalCharges {
		return
	}
	c.n[key]++
	c.pending.Store(true)
}

func (c *localCharges) waiting() bool { return c.pending.Load() }

// take returns the charges and forgets them.
func (c *localCharges) take() (n map[string]int64, day, since int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, day, since = c.n, c.day, c.since
	c.n = nil
	c.pending.Store(false)
	return n, day, since
}

// putBack returns charges a merge could not add.
func (c *localCharges) putBack(n map[string]int64, day, since int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.n) == 0 {
		c.n, c.day, c.since = map[string]int64{}, day, since
	} else if c.day != day {
		return // the day turned: they no longer count
	}
	c.since = min(c.since, since)
	for k, v := range n {
		c.n[k] += v
	}
	c.pending.Store(true)
}

// mergeCharges adds the fallback's charges to Redis, one call per caller, once at a time. A call
// that fails puts the rest back for the next success.
func (f *Failover) mergeCharges() {
	if !f.merge.running.CompareAndSwap(false, true) {
		return
	}
	defer f.merge.running.Store(false)
	n, day, since := f.merge.take()
	if len(n) == 0 {
		return
	}
	start := time.Now()
	added, skipped := 0, 0
	for key, count := range n {
		ok, err := f.primary.addDay(context.Background(), key, count, day, since)
		if err != nil {
			rest := map[string]int64{}
			for k, v := range n {
				rest[k] = v
			}
			f.merge.putBack(rest, day, since)
			f.log.Warn("rate limiter: adding the fallback's requests to Redis failed; will retry", "err", err,
				"callers_left", len(rest))
			return
		}
		delete(n, key)
		if ok {
			added++
		} else {
			skipped++
		}
	}
	f.log.Info("rate limiter: the fallback's requests added to Redis's daily counts", "callers", added,
		"left_to_the_database_seed", skipped, "took", time.Since(start).Round(time.Millisecond).String())
}
