package ratelimit

import (
	"context"
	"hash/maphash"
	"sync/atomic"
	"time"
)

// RefusalOptions configure NewRefusals. The zero value is ready to use.
type RefusalOptions struct {
	// Now is the clock; tests drive it. Default time.Now.
	Now func() time.Time
	// MaxEntries bounds the refusals remembered at once (default 10,000, about 200 bytes each
	// plus the key). Past it, a new refusal replaces an expired one, or an arbitrary one, which
	// then only costs its caller one more call to the wrapped limiter.
	MaxEntries int
}

// Refusals is a Limiter that remembers refusals until their retry time, so that a caller hammering
// past its limit costs no call to the wrapped (shared, Redis) limiter until a request could be
// allowed again.
//
// It is exact: a refused request charges nothing, and while nothing is charged a refusal can only
// change with time, in ways the decision itself tells (the bucket refills at its known rate, the
// day turns at midnight; other replicas cannot charge either, since the same windows refuse them).
// A refusal is remembered only as long as it stays the same decision: until the refusing window
// allows, the minute bucket completes its next whole token, or the day turns. So every answer given
// from memory is the one the wrapped limiter would have given, with the same windows and headers;
// only Retry-After counts down. Allowed requests always reach the wrapped limiter, so the limits
// stay exact across replicas. Durations are measured on this process's clock from before the call,
// which ends no later than the wrapped limiter's own, so a refusal is never held too long.
//
// Only decisions of this package's limiters are remembered (they carry how long they hold).
//
// A remembered refusal applies only to the limits it was decided under: when the caller's plan
// changes, the next request asks the wrapped limiter again.
type Refusals struct {
	next     Limiter
	now      func() time.Time
	seed     maphash.Seed
	shards   []refusalShard
	perShard int
}

type refusalShard struct {
	lockedMap[refusal]
	// n is len(m), read without the lock: an allowed caller, the usual one, finds its shard
	// empty and takes no lock at all.
	n atomic.Int32
	_ [44]byte // keep neighbouring shard locks off one cache line
}

type refusal struct {
	d      Decision
	limits Limits
	at0    time.Time // when it was decided (this process's clock, before the call)
	until  time.Time // when it may change
}

// at is the remembered decision as the wrapped limiter would give it at now: the same windows,
// with the waits shortened by the time since. Only a full minute bucket's Reset moves with time
// (it is "now": full already).
func (e refusal) at(now time.Time) Decision {
	d, elapsed := e.d, now.Sub(e.at0)
	d.RetryAfter -= elapsed
	d.stable -= elapsed
	if !d.Minute.Unlimited() && d.Minute.Remaining >= d.Minute.Limit {
		d.Minute.Reset = d.Minute.Reset.Add(elapsed)
	}
	return d
}

const defaultMaxRefusals = 10_000

// NewRefusals wraps next.
func NewRefusals(next Limiter, opts RefusalOptions) *Refusals {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxEntries <= 0 {
		opts.MaxEntries = defaultMaxRefusals
	}
	n := min(maxShards, max(1, opts.MaxEntries/minPerShard))
	r := &Refusals{next: next, now: opts.Now, seed: maphash.MakeSeed(), shards: make([]refusalShard, n),
		perShard: max(1, opts.MaxEntries/n)}
	for i := range r.shards {
		r.shards[i].m = make(map[string]refusal)
	}
	return r
}

// Allow implements Limiter.
func (r *Refusals) Allow(ctx context.Context, key string, limits Limits) (Decision, error) {
	now := r.now()
	sh := &r.shards[maphash.String(r.seed, key)%uint64(len(r.shards))]
	var e refusal
	known := false
	if sh.n.Load() > 0 {
		sh.mu.Lock()
		e, known = sh.m[key]
		sh.mu.Unlock()
	}
	if known && e.limits == limits && now.Before(e.until) {
		return e.at(now), nil
	}

	d, err := r.next.Allow(ctx, key, limits)
	if err != nil {
		return d, err
	}
	switch {
	case !d.Allowed && d.RetryAfter > 0 && d.stable > 0:
		sh.mu.Lock()
		if _, ok := sh.m[key]; !ok && len(sh.m) >= r.perShard {
			sh.evict(now)
		}
		sh.m[key] = refusal{d: d, limits: limits, at0: now, until: now.Add(min(d.RetryAfter, d.stable))}
		sh.n.Store(int32(len(sh.m)))
		sh.mu.Unlock()
	case known:
		sh.mu.Lock()
		if cur, ok := sh.m[key]; ok && cur.until == e.until {
			delete(sh.m, key) // outlived or for other limits; a newer refusal stays
			sh.n.Store(int32(len(sh.m)))
		}
		sh.mu.Unlock()
	}
	return d, nil
}

// Len reports how many refusals are remembered.
func (r *Refusals) Len() int {
	n := 0
	for i := range r.shards {
		n += r.shards[i].size()
	}
	return n
}

// evict makes room for one entry: the expired entries of a sample, or else one of them. The
// caller holds sh.mu.
func (sh *refusalShard) evict(now time.Time) {
	freed := false
	var victim string
	seen := 0
	for k, e := range sh.m { // map order is random, so this is a random sample
		if !now.Before(e.until) {
			delete(sh.m, k)
			freed = true
		} else {
			victim = k
		}
		if seen++; seen == evictSample {
			break
		}
	}
	if !freed {
		delete(sh.m, victim)
	}
}
