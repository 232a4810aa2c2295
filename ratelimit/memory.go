package ratelimit

import (
	"context"
	"hash/maphash"
	"sync"
	"time"
)

// MemoryOptions configure NewMemory. The zero value is ready to use.
type MemoryOptions struct {
	// Now is the clock; tests drive it. Default time.Now.
	Now func() time.Time
	// MaxEntries bounds the callers remembered at once (default 100,000, about 100 bytes each
	// plus the key). See Memory for what happens at the bound.
	MaxEntries int
	// Seed, when set, is today's count of a caller as the database has it (handlers.UsageToday):
	// a caller this process has not seen yet starts its day there, so that a restart (a deploy, a
	// crash) does not give every account a whole new day. It is asked once per caller the process
	// learns of (again after one is forgotten at the bound), only for limits with a daily quota. A
	// seed that fails leaves the caller counting from zero, as before there was one.
	Seed func(ctx context.Context, key string) (int64, error)
}

// Memory is the in-process Limiter: the embedded default, and the fallback when Redis is down.
// Its counts are per process, so with several replicas each one allows the full limits.
//
// It stays within MaxEntries: when a shard is full, inserting a caller first forgets the callers
// it can forget without changing any answer (bucket full again, nothing counted today); if there
// are none among a sample, it forgets the least recently charged caller of the sample, who then
// starts afresh. That leniency toward a few idle callers is the price of bounded memory.
type Memory struct {
	now      func() time.Time
	dbSeed   func(ctx context.Context, key string) (int64, error) // MemoryOptions.Seed
	seed     maphash.Seed
	shards   []memShard
	perShard int
}

type memShard struct {
	lockedMap[memEntry]
	_ [48]byte // keep neighbouring shard locks off one cache line
}

// lockedMap is one shard's callers under its lock (Memory and Refusals shard alike).
type lockedMap[V any] struct {
	mu sync.Mutex
	m  map[string]V
}

// size is len(m), under the lock.
func (l *lockedMap[V]) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.m)
}

type memEntry struct {
	state
	fullAt int64 // µs when the bucket is full again: from then on the bucket is forgettable
	last   int64 // µs of the last charge, to pick whom to forget when nothing is forgettable
}

const (
	defaultMaxEntries = 100_000
	maxShards         = 64
	minPerShard       = 256
	// evictSample is how many entries one insertion into a full shard looks at, so that the
	// cost of staying bounded is constant per insertion rather than a sweep of the shard.
	evictSample = 32
)

// NewMemory returns an in-process limiter.
func NewMemory(opts MemoryOptions) *Memory {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxEntries <= 0 {
		opts.MaxEntries = defaultMaxEntries
	}
	n := min(maxShards, max(1, opts.MaxEntries/minPerShard))
	m := &Memory{
		now:      opts.Now,
		dbSeed:   opts.Seed,
		seed:     maphash.MakeSeed(),
		shards:   make([]memShard, n),
		perShard: max(1, opts.MaxEntries/n),
	}
	for i := range m.shards {
		m.shards[i].m = make(map[string]memEntry)
	}
	return m
}

// Allow implements Limiter.
func (m *Memory) Allow(ctx context.Context, key string, limits Limits) (Decision, error) {
	_ = m.seedUnknown(ctx, key, limits, m.dbSeed) // a seed that fails: the caller counts from zero
	return m.decide(key, limits, true)
}

// Peek implements Checker.
func (m *Memory) Peek(ctx context.Context, key string, limits Limits) (Decision, error) {
	_ = m.seedUnknown(ctx, key, limits, m.dbSeed)
	return m.decide(key, limits, false)
}

// seedUnknown starts the day of a caller this process does not know, for limits with a daily
// quota, from seed (today's count in the database: MemoryOptions.Seed, or the Failover's); the
// count is the day's it was read for, so one read just before midnight is not the new day's. It
// returns the seed's error; the caller then counts from zero.
func (m *Memory) seedUnknown(ctx context.Context, key string, limits Limits, seed func(context.Context, string) (int64, error)) error {
	if seed == nil || limits.PerDay <= 0 || m.knows(key) {
		return nil
	}
	day := m.now().UnixMicro() / dayMicros
	n, err := seed(ctx, key)
	if err != nil {
		return err
	}
	m.seedDay(key, n, day)
	return nil
}

// Len reports how many callers are remembered.
func (m *Memory) Len() int {
	n := 0
	for i := range m.shards {
		n += m.shards[i].size()
	}
	return n
}

func (m *Memory) decide(key string, limits Limits, charge bool) (Decision, error) {
	if err := checkKey(key); err != nil {
		return Decision{}, err
	}
	now := m.now().UnixMicro()
	sh := &m.shards[maphash.String(m.seed, key)%uint64(len(m.shards))]

	sh.mu.Lock()
	e, known := sh.m[key]
	v, next := evaluate(e.state, now, limits, charge)
	if charge && v.allowed {
		if !known && len(sh.m) >= m.perShard {
			sh.evict(now)
		}
		sh.m[key] = memEntry{state: next, fullAt: now + v.fullIn, last: now}
	}
	sh.mu.Unlock()

	return v.decision(limits, "local"), nil
}

// evict makes room for one entry; the caller holds sh.mu.
func (sh *memShard) evict(now int64) {
	today := now / dayMicros
	freed := false
	var oldest string
	oldestTS := int64(-1)
	seen := 0
	for k, e := range sh.m { // map order is random, so this is a random sample
		if e.fullAt <= now && (e.day != today || e.used == 0) {
			delete(sh.m, k)
			freed = true
		} else if oldestTS < 0 || e.last < oldestTS {
			oldest, oldestTS = k, e.last
		}
		if seen++; seen == evictSample {
			break
		}
	}
	if !freed {
		delete(sh.m, oldest)
	}
}

// mirror makes key's state the one a decision of the shared limiter reported (v, on its clock),
// as of this process's now: so that if the shared limiter fails, this one goes on from where it
// was rather than from a fresh minute and a fresh day.
func (m *Memory) mirror(key string, limits Limits, v verdict) {
	now := m.now().UnixMicro()
	s := state{day: now / dayMicros}
	if limits.PerMinute > 0 {
		s.hasBucket, s.tokens, s.ts = true, v.tokens, now
	}
	if limits.PerDay > 0 {
		s.used = v.used
	}
	sh := &m.shards[maphash.String(m.seed, key)%uint64(len(m.shards))]
	sh.mu.Lock()
	if _, known := sh.m[key]; !known && len(sh.m) >= m.perShard {
		sh.evict(now)
	}
	sh.m[key] = memEntry{state: s, fullAt: now + v.fullIn, last: now}
	sh.mu.Unlock()
}

// knows reports whether key has a state here (charged, mirrored or seeded).
func (m *Memory) knows(key string) bool {
	sh := &m.shards[maphash.String(m.seed, key)%uint64(len(m.shards))]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	_, ok := sh.m[key]
	return ok
}

// usedToday is key's daily count here, and whether it has one for today.
func (m *Memory) usedToday(key string) (int64, bool) {
	today := m.now().UnixMicro() / dayMicros
	sh := &m.shards[maphash.String(m.seed, key)%uint64(len(m.shards))]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e, ok := sh.m[key]
	if !ok || e.day != today {
		return 0, false
	}
	return e.used, true
}

// seedDay starts key's daily count at used, the count of day (days since the epoch, when the
// seed was read: a count read before midnight is not the new day's), unless key has a state here
// already (a seed read from the database must not overwrite what was counted meanwhile).
func (m *Memory) seedDay(key string, used, day int64) {
	now := m.now().UnixMicro()
	sh := &m.shards[maphash.String(m.seed, key)%uint64(len(m.shards))]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if _, known := sh.m[key]; known {
		return
	}
	if len(sh.m) >= m.perShard {
		sh.evict(now)
	}
	sh.m[key] = memEntry{state: state{day: day, used: used}, fullAt: now, last: now}
}
