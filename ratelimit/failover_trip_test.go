package ratelimit

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// failHook fails the next script calls it is told to, as a Redis read timeout would, without
// sending them.
type failHook struct {
	next atomic.Int32 // fail this many calls
	all  atomic.Bool  // fail every call
}

func (h *failHook) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h *failHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}
func (h *failHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if h.all.Load() || h.next.Load() > 0 && h.next.Add(-1) >= 0 {
			err := &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}
			cmd.SetErr(err)
			return err
		}
		return next(ctx, cmd)
	}
}

// rigTimeout is the Redis timeout of the test rigs over miniredis.
const rigTimeout = 2 * time.Second

// tripRig is a Failover over miniredis whose script calls fail on demand.
type tripRig struct {
	mr    *miniredis.Miniredis
	redis *Redis
	f     *Failover
	fail  *failHook
	clock *fakeClock
	logs  *logBuffer
	seeds *atomic.Int32 // calls of the seed
}

func newTripRig(t *testing.T, mode string, seed func(ctx context.Context, key string) (int64, error)) *tripRig {
	t.Helper()
	mr := miniredis.RunT(t)
	// Timeouts far above a loaded machine's scheduling delay (the race detector slows miniredis's
	// Lua tenfold): the failures these tests are about are injected, never waited for.
	c, err := NewRedisClient("redis://" + mr.Addr() + "/0?timeout=" + rigTimeout.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	fail := &failHook{}
	c.AddHook(fail)
	r, err := NewRedis(c, RedisOptions{Timeout: rigTimeout})
	if err != nil {
		t.Fatal(err)
	}
	clock := &fakeClock{t: time.Now()}
	logs := &logBuffer{}
	rig := &tripRig{mr: mr, redis: r, fail: fail, clock: clock, logs: logs, seeds: &atomic.Int32{}}
	opts := FailoverOptions{Mode: mode, Log: slog.New(slog.NewTextHandler(logs, nil))}
	if seed != nil {
		opts.Seed = func(ctx context.Context, key string) (int64, error) {
			rig.seeds.Add(1)
			return seed(ctx, key)
		}
	}
	local := NewMemory(MemoryOptions{})
	rig.f, err = NewFailoverWith(r, local, opts)
	if err != nil {
		t.Fatal(err)
	}
	rig.f.now = clock.Now
	return rig
}

// One Redis call that fails (a timeout) fails that request only, by the mode; the next request
// is Redis's again. Only DefaultTrip.Consecutive failures in a row switch the replica.
func TestFailoverOneFailureDoesNotTrip(t *testing.T) {
	rig := newTripRig(t, ModeClosed, nil)
	lim := Limits{PerMinute: 1000, PerDay: 100_000}
	if d := allow(t, rig.f, "k", lim); d.Backend != "redis" {
		t.Fatalf("healthy: %+v", d)
	}
	rig.fail.next.Store(1)
	if _, err := rig.f.Allow(context.Background(), "k", lim); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("the request whose call failed: %v, want ErrUnavailable", err)
	}
	for range 3 {
		if d := allow(t, rig.f, "k", lim); d.Backend != "redis" || !d.Allowed {
			t.Fatalf("after one failed call: %+v", d)
		}
	}
	if rig.f.Degraded() || rig.logs.count(logSwitch) != 0 {
		t.Fatal("one failed call switched the replica")
	}

	rig.fail.next.Store(int32(DefaultTrip.Consecutive - 1))
	for range DefaultTrip.Consecutive - 1 {
		if _, err := rig.f.Allow(context.Background(), "k", lim); !errors.Is(err, ErrUnavailable) {
			t.Fatalf("a failed call: %v", err)
		}
	}
	if rig.f.Degraded() {
		t.Fatalf("tripped after %d failures in a row, want %d", DefaultTrip.Consecutive-1, DefaultTrip.Consecutive)
	}
	allow(t, rig.f, "k", lim) // a success resets the run
	rig.fail.next.Store(int32(DefaultTrip.Consecutive))
	for range DefaultTrip.Consecutive {
		_, _ = rig.f.Allow(context.Background(), "k", lim)
	}
	if !rig.f.Degraded() || rig.f.Switches() != 1 || rig.logs.count(logSwitch) != 1 {
		t.Fatalf("degraded %v, switches %d, logged %d; want tripped once", rig.f.Degraded(), rig.f.Switches(), rig.logs.count(logSwitch))
	}
}

// Failures that never come 5 in a row still trip when they are half of 20 calls or more within
// the window; older calls drop out of it.
func TestFailoverTripsOnFailureRatio(t *testing.T) {
	rig := newTripRig(t, ModeOpen, nil)
	lim := Limits{PerMinute: 1000, PerDay: 100_000}
	// 3 failures and 1 success, repeated: 75% fail, never 5 in a row. The first 12 calls are
	// older than the window by the time the ratio could trip.
	call := func(fail bool) {
		if fail {
			rig.fail.next.Store(1)
		}
		if _, err := rig.f.Allow(context.Background(), "k", lim); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 12 {
		call(i%4 != 3)
	}
	if rig.f.Degraded() {
		t.Fatal("tripped below the minimum number of calls")
	}
	rig.clock.Set(rig.clock.Now().Add(DefaultTrip.Window + time.Second))
	for i := range DefaultTrip.MinCalls - 1 {
		call(i%4 != 3)
		if rig.f.Degraded() {
			t.Fatalf("tripped after %d calls in the window, want %d", i+1, DefaultTrip.MinCalls)
		}
	}
	call(true)
	if !rig.f.Degraded() {
		t.Fatalf("not tripped with %d of %d calls failed", 3*DefaultTrip.MinCalls/4, DefaultTrip.MinCalls)
	}
}

// A daily count Redis does not have (a restart) is seeded from the database, once per caller and
// day: a plan's day stays the plan's day across a Redis restart.
func TestFailoverSeedsALostDailyCount(t *testing.T) {
	var db atomic.Int64 // the database's count of today
	rig := newTripRig(t, ModeLocal, func(context.Context, string) (int64, error) { return db.Load(), nil })
	lim := Limits{PerMinute: 1000, PerDay: 10}

	// The day's first request: Redis has nothing, the database nothing either.
	for range 6 {
		if d := allow(t, rig.f, "u:1", lim); !d.Allowed || d.Backend != "redis" {
			t.Fatalf("%+v", d)
		}
	}
	if n := rig.seeds.Load(); n != 1 {
		t.Fatalf("seeded %d times for 6 requests, want once", n)
	}
	db.Store(6) // the usage recorder wrote them

	rig.mr.FlushAll() // Redis restarted empty
	d := allow(t, rig.f, "u:1", lim)
	if !d.Allowed || d.Day.Remaining != 3 {
		t.Fatalf("first request after the restart: %+v, want allowed with 3 left (6 + 1 of 10)", d)
	}
	for range 3 {
		allow(t, rig.f, "u:1", lim)
	}
	if d := allow(t, rig.f, "u:1", lim); d.Allowed {
		t.Fatalf("the 11th request of the day: %+v", d)
	}
	if n := rig.seeds.Load(); n != 2 {
		t.Fatalf("seeded %d times, want twice (the day's start, the restart)", n)
	}
}

// Two replicas that find the count missing at once seed it once: the second one's seed is ignored.
func TestFailoverSeedsOnceAcrossReplicas(t *testing.T) {
	rig := newTripRig(t, ModeLocal, func(context.Context, string) (int64, error) { return 7, nil })
	other, err := NewFailoverWith(rig.redis, NewMemory(MemoryOptions{}), FailoverOptions{Seed: func(context.Context, string) (int64, error) { return 7, nil }})
	if err != nil {
		t.Fatal(err)
	}
	lim := Limits{PerMinute: 1000, PerDay: 100}
	var wg sync.WaitGroup
	for _, f := range []*Failover{rig.f, other, rig.f, other} {
		wg.Go(func() {
			if _, err := f.Allow(context.Background(), "u:2", lim); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if d := peek(t, rig.redis, "u:2", lim); d.Day.Remaining != 100-7-4 {
		t.Fatalf("after 4 requests on a count seeded at 7: %+v, want %d left", d, 100-7-4)
	}
}

// The local fallback goes on from Redis's last decision for a caller, and starts a caller it has
// never seen from the database: one replica never allows more than the day's limit.
func TestFailoverFallbackStartsFromWhatItKnew(t *testing.T) {
	rig := newTripRig(t, ModeLocal, func(_ context.Context, key string) (int64, error) {
		if key == "u:new" {
			return 8, nil
		}
		return 0, nil
	})
	lim := Limits{PerMinute: 1000, PerDay: 10}
	for range 10 {
		allow(t, rig.f, "u:seen", lim)
	}
	rig.mr.Close() // Redis gone
	for i := range 4 {
		if d := allow(t, rig.f, "u:seen", lim); d.Allowed {
			t.Fatalf("request %d past the day's 10 while Redis is down: %+v", i, d)
		}
	}
	allowed := 0
	for range 4 {
		if d := allow(t, rig.f, "u:new", lim); d.Allowed {
			allowed++
		}
	}
	if allowed != 2 {
		t.Fatalf("a caller with 8 of 10 in the database was allowed %d more, want 2", allowed)
	}
}

// What the fallback allowed while Redis was unreachable counts toward Redis's day once it is back
// (Redis kept its data); after an empty restart it is left to the seed, which has it already.
func TestFailoverAddsTheFallbacksRequestsToRedis(t *testing.T) {
	var db atomic.Int64
	rig := newTripRig(t, ModeLocal, func(context.Context, string) (int64, error) { return db.Load(), nil })
	lim := Limits{PerMinute: 1000, PerDay: 100}
	for range 10 {
		allow(t, rig.f, "u:3", lim)
	}
	rig.fail.all.Store(true) // unreachable, data kept
	for range DefaultTrip.Consecutive + 5 {
		if d := allow(t, rig.f, "u:3", lim); !d.Allowed || d.Backend != "local" {
			t.Fatalf("while unreachable: %+v", d)
		}
	}
	rig.fail.all.Store(false)
	rig.clock.Set(rig.clock.Now().Add(time.Second)) // the probe is due
	allow(t, rig.f, "u:3", lim)
	waitMerged(t, rig.f)
	if d := peek(t, rig.redis, "u:3", lim); d.Day.Remaining != 100-10-(DefaultTrip.Consecutive+5)-1 {
		t.Fatalf("after recovery: %+v, want %d left", d, 100-10-(DefaultTrip.Consecutive+5)-1)
	}

	// Down again, and back empty: the database (which the recorder wrote) seeds the count, and the
	// fallback's requests are not added on top.
	rig.fail.all.Store(true)
	for range DefaultTrip.Consecutive + 2 {
		allow(t, rig.f, "u:3", lim)
	}
	rig.fail.all.Store(false)
	rig.mr.FlushAll()
	db.Store(int64(10 + DefaultTrip.Consecutive + 5 + 1 + DefaultTrip.Consecutive + 2))
	rig.clock.Set(rig.clock.Now().Add(time.Second))
	allow(t, rig.f, "u:3", lim)
	waitMerged(t, rig.f)
	if d := peek(t, rig.redis, "u:3", lim); d.Day.Remaining != 100-int(db.Load())-1 {
		t.Fatalf("after an empty restart: %+v, want %d left", d, 100-int(db.Load())-1)
	}
}
