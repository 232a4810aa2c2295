package ratelimit

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
)

// logBuffer collects log lines from any goroutine.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) count(substr string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Count(b.buf.String(), substr)
}

const (
	logSwitch  = "Redis unavailable, falling back"
	logRecover = "Redis is back"
)

// failoverRig is a Failover on miniredis through the production client (50ms, no retries).
type failoverRig struct {
	mr    *miniredis.Miniredis
	f     *Failover
	clock *fakeClock
	logs  *logBuffer
	cmds  *commandLog
}

func newFailoverRig(t *testing.T, mode string) *failoverRig {
	mr := miniredis.RunT(t)
	mr.SetTime(t0)
	// Timeouts far above a loaded machine's scheduling delay (the race detector slows miniredis's
	// Lua tenfold): the failures these tests are about are injected, never waited for.
	c, err := NewRedisClient("redis://" + mr.Addr() + "/0?timeout=" + rigTimeout.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	cmds := &commandLog{}
	c.AddHook(cmds)
	r, err := NewRedis(c, RedisOptions{Timeout: rigTimeout})
	if err != nil {
		t.Fatal(err)
	}
	clock := &fakeClock{t: t0}
	logs := &logBuffer{}
	f, err := NewFailover(r, NewMemory(MemoryOptions{Now: clock.Now}), mode, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	f.now = clock.Now
	return &failoverRig{mr: mr, f: f, clock: clock, logs: logs, cmds: cmds}
}

// timedAllow is Allow, failing the test if it takes more than a second (the timeout is 100ms).
func timedAllow(t *testing.T, l Limiter, key string, lim Limits) (Decision, error) {
	t.Helper()
	start := time.Now()
	d, err := l.Allow(context.Background(), key, lim)
	if took := time.Since(start); took > time.Second {
		t.Fatalf("Allow took %v", took)
	}
	return d, err
}

func TestFailoverModes(t *testing.T) {
	lim := Limits{PerMinute: 4, PerDay: 100}
	for _, mode := range []string{ModeLocal, ModeOpen, ModeClosed} {
		t.Run(mode, func(t *testing.T) {
			rig := newFailoverRig(t, mode)
			// fellBack checks one answer given while Redis is not used.
			fellBack := func(d Decision, err error) {
				t.Helper()
				switch {
				case mode == ModeClosed && !errors.Is(err, ErrUnavailable):
					t.Fatalf("%+v, %v; want ErrUnavailable", d, err)
				case mode == ModeOpen && (err != nil || d.Backend != "open" || !d.Allowed):
					t.Fatalf("%+v, %v; want allowed by \"open\"", d, err)
				case mode == ModeLocal && (err != nil || d.Backend != "local"):
					t.Fatalf("%+v, %v; want decided by \"local\"", d, err)
				}
			}

			if d, err := timedAllow(t, rig.f, "k", lim); err != nil || d.Backend != "redis" {
				t.Fatalf("healthy: %+v, %v", d, err)
			}

			rig.mr.Close()
			rig.cmds.take()
			for i := range DefaultTrip.Consecutive {
				d, err := timedAllow(t, rig.f, "k", lim)
				fellBack(d, err)
				// The in-process limiter goes on from Redis's last decision: 1 of the minute's 4
				// was taken, 3 are left.
				if mode == ModeLocal && d.Allowed != (i < 3) {
					t.Fatalf("request %d while down: %+v", i, d)
				}
				if i < DefaultTrip.Consecutive-1 && rig.f.Degraded() {
					t.Fatalf("tripped after %d failed calls, want %d", i+1, DefaultTrip.Consecutive)
				}
			}
			if n := rig.logs.count(logSwitch); n != 1 {
				t.Errorf("switch logged %d times, want once", n)
			}
			// Until the trip each request tried Redis; none since, until the probe.
			if sent := rig.cmds.take(); len(sent) != DefaultTrip.Consecutive {
				t.Errorf("while down, sent %v; want %d script calls", sent, DefaultTrip.Consecutive)
			}
			fellBack(timedAllow(t, rig.f, "k", lim))
			if sent := rig.cmds.take(); len(sent) != 0 {
				t.Errorf("tripped, sent %v", sent)
			}
			if !rig.f.Degraded() {
				t.Error("not degraded")
			}

			if err := rig.mr.Restart(); err != nil {
				t.Fatal(err)
			}
			// Back up, but not yet probed: still the fallback, and nothing sent.
			fellBack(timedAllow(t, rig.f, "k", lim))
			if sent := rig.cmds.take(); len(sent) != 0 {
				t.Errorf("before the probe, sent %v", sent)
			}

			rig.clock.Set(t0.Add(time.Second))
			for range 3 {
				d, err := timedAllow(t, rig.f, "k", lim)
				if err != nil || d.Backend != "redis" || !d.Allowed {
					t.Fatalf("after recovery: %+v, %v", d, err)
				}
			}
			// Redis kept its counts through the restart: 1 before, 3 after, and in local mode the
			// 3 the fallback allowed meanwhile, added once Redis answered.
			waitMerged(t, rig.f)
			want := 96
			if mode == ModeLocal {
				want = 93
			}
			if d := peek(t, rig.f, "k", lim); d.Backend != "redis" || d.Day.Remaining != want || d.Allowed {
				t.Errorf("after recovery: %+v, want %d left today", d, want)
			}
			if n := rig.logs.count(logRecover); n != 1 || rig.f.Degraded() {
				t.Errorf("recovery logged %d times (want once), degraded %v", n, rig.f.Degraded())
			}
			if n := rig.logs.count(logSwitch); n != 1 {
				t.Errorf("switch logged %d times in all, want once", n)
			}
		})
	}
}

// A Redis that accepts and never answers costs the requests until the trip the timeout (each
// decided by the fallback alone), and the requests after it nothing.
func TestFailoverOnAStalledRedis(t *testing.T) {
	srv := startStallServer(t)
	c, err := NewRedisClient("redis://" + srv.Addr() + "/0?timeout=50ms")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r, err := NewRedis(c, RedisOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := NewFailover(r, NewMemory(MemoryOptions{}), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	f.now = (&fakeClock{t: t0}).Now // no probe comes due during the test
	for range 10 {
		if d, err := timedAllow(t, f, "k", Limits{PerMinute: 100}); err != nil || d.Backend != "local" || !d.Allowed {
			t.Fatalf("%+v, %v", d, err)
		}
	}
	c.Close()
	srv.stop()
	if n := srv.ScriptCalls(); n != DefaultTrip.Consecutive {
		t.Errorf("%d script calls reached the server, want %d", n, DefaultTrip.Consecutive)
	}
}

// A caller that gives up says nothing about Redis.
func TestFailoverIgnoresCanceledCallers(t *testing.T) {
	rig := newFailoverRig(t, ModeClosed)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := rig.f.Allow(ctx, "k", Limits{PerMinute: 1}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	if rig.f.Degraded() || rig.logs.count(logSwitch) != 0 {
		t.Fatal("a canceled request switched the limiter")
	}
}

// waitMerged waits until no merge of fallback charges is due or under way.
func waitMerged(t *testing.T, f *Failover) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for f.merge.waiting() || f.merge.running.Load() {
		if time.Now().After(deadline) {
			t.Fatal("the fallback's charges were not added to Redis")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestNewFailoverChecksItsArguments(t *testing.T) {
	rig := newFailoverRig(t, ModeLocal)
	r := rig.f.primary
	if _, err := NewFailover(r, nil, "sideways", nil); err == nil {
		t.Error("unknown mode accepted")
	}
	if _, err := NewFailover(r, nil, "", nil); err == nil {
		t.Error("default mode (local) accepted without a local limiter")
	}
	if _, err := NewFailover(nil, nil, ModeOpen, nil); err == nil {
		t.Error("no Redis limiter accepted")
	}
	if f, err := NewFailover(r, nil, ModeClosed, nil); err != nil || f.mode != ModeClosed {
		t.Errorf("closed without a local limiter: %v", err)
	}
}
