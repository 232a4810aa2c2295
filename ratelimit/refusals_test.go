package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"
)

// counting is a Limiter that counts the calls that reach it.
type counting struct {
	Limiter
	calls atomic.Int64
}

func (c *counting) Allow(ctx context.Context, key string, l Limits) (Decision, error) {
	c.calls.Add(1)
	return c.Limiter.Allow(ctx, key, l)
}

// Every answer of Refusals equals the wrapped limiter's own, refusals from memory included, over
// random traffic on a few callers with random clock steps and plan changes: a second Memory on the
// same clock, asked every time, is the reference. And refusals from memory are most of them.
func TestRefusalsAnswerExactlyAsTheWrappedLimiter(t *testing.T) {
	clock := &fakeClock{t: t0}
	inner := &counting{Limiter: NewMemory(MemoryOptions{Now: clock.Now})}
	cached := NewRefusals(inner, RefusalOptions{Now: clock.Now})
	reference := NewMemory(MemoryOptions{Now: clock.Now})
	plans := []Limits{{PerMinute: 3, PerDay: 20}, {PerMinute: 5, PerDay: 8}, {PerMinute: 2}, {PerDay: 4}}
	rng := rand.New(rand.NewPCG(1, 2))
	now := t0
	refused := 0
	const steps = 20_000
	for i := range steps {
		now = now.Add(time.Duration(rng.IntN(4_000_000)) * time.Microsecond) // up to 4 s, in whole µs
		clock.Set(now)
		key := fmt.Sprintf("caller%d", rng.IntN(4))
		lim := plans[0]
		if rng.IntN(50) == 0 { // now and then a caller is on another plan for a request
			lim = plans[rng.IntN(len(plans))]
		}
		got := allow(t, cached, key, lim)
		want := allow(t, reference, key, lim)
		if got != want {
			t.Fatalf("step %d, %s %+v: got %+v, want %+v", i, key, lim, got, want)
		}
		if !got.Allowed {
			refused++
		}
	}
	if fromMemory := int64(steps) - inner.calls.Load(); refused == 0 || fromMemory < int64(refused)/2 {
		t.Fatalf("%d refusals, %d answered from memory: the cache is not doing its job", refused, fromMemory)
	}
}

// A refused caller costs no call to the wrapped limiter until its retry time; Retry-After counts
// down meanwhile and the windows stay the same; at the retry time the wrapped limiter allows again.
func TestRefusalsHoldUntilRetryTime(t *testing.T) {
	clock := &fakeClock{t: t0}
	inner := &counting{Limiter: NewMemory(MemoryOptions{Now: clock.Now})}
	r := NewRefusals(inner, RefusalOptions{Now: clock.Now})
	lim := Limits{PerMinute: 2, PerDay: 100}
	allow(t, r, "k", lim)
	allow(t, r, "k", lim)
	first := allow(t, r, "k", lim)
	if first.Allowed || first.RetryAfter != 30*time.Second || inner.calls.Load() != 3 {
		t.Fatalf("third request: %+v after %d calls, want refused for 30s after 3", first, inner.calls.Load())
	}
	for i := 1; i < 30; i++ {
		clock.Set(t0.Add(time.Duration(i) * time.Second))
		d := allow(t, r, "k", lim)
		want := first
		want.RetryAfter = first.RetryAfter - time.Duration(i)*time.Second
		want.stable = first.stable - time.Duration(i)*time.Second
		if d != want {
			t.Fatalf("after %ds: %+v, want %+v", i, d, want)
		}
	}
	if inner.calls.Load() != 3 {
		t.Fatalf("%d calls reached the wrapped limiter while refused, want none", inner.calls.Load()-3)
	}
	clock.Set(t0.Add(30 * time.Second))
	if d := allow(t, r, "k", lim); !d.Allowed || inner.calls.Load() != 4 {
		t.Fatalf("at the retry time: %+v, %d calls", d, inner.calls.Load())
	}
	if r.Len() != 0 {
		t.Fatalf("%d refusals remembered after the caller was allowed again", r.Len())
	}
}

// A plan change (other limits) is asked of the wrapped limiter at once.
func TestRefusalsAskAgainForOtherLimits(t *testing.T) {
	clock := &fakeClock{t: t0}
	inner := &counting{Limiter: NewMemory(MemoryOptions{Now: clock.Now})}
	r := NewRefusals(inner, RefusalOptions{Now: clock.Now})
	allow(t, r, "k", Limits{PerMinute: 1})
	if d := allow(t, r, "k", Limits{PerMinute: 1}); d.Allowed {
		t.Fatalf("second request on 1/min allowed: %+v", d)
	}
	// 6 s later the bucket holds a tenth of a token at 1/min, a whole one at 10/min.
	clock.Set(t0.Add(6 * time.Second))
	if d := allow(t, r, "k", Limits{PerMinute: 1}); d.Allowed || inner.calls.Load() != 2 {
		t.Fatalf("same plan: %+v after %d calls, want refused from memory after 2", d, inner.calls.Load())
	}
	if d := allow(t, r, "k", Limits{PerMinute: 10}); !d.Allowed || inner.calls.Load() != 3 {
		t.Fatalf("after an upgrade: %+v after %d calls, want allowed after 3", d, inner.calls.Load())
	}
}

type failing struct{ err error }

func (f failing) Allow(context.Context, string, Limits) (Decision, error) { return Decision{}, f.err }

// Errors pass through and are not remembered.
func TestRefusalsPassErrorsThrough(t *testing.T) {
	r := NewRefusals(failing{ErrUnavailable}, RefusalOptions{})
	for range 2 {
		if _, err := r.Allow(context.Background(), "k", Limits{PerMinute: 1}); !errors.Is(err, ErrUnavailable) {
			t.Fatalf("err %v, want ErrUnavailable", err)
		}
	}
	if r.Len() != 0 {
		t.Fatalf("%d entries after errors", r.Len())
	}
}

// However many callers are refused, at most MaxEntries are remembered, and the newest is.
func TestRefusalsStayWithinMaxEntries(t *testing.T) {
	clock := &fakeClock{t: t0}
	inner := &counting{Limiter: NewMemory(MemoryOptions{Now: clock.Now})}
	r := NewRefusals(inner, RefusalOptions{Now: clock.Now, MaxEntries: 300})
	lim := Limits{PerMinute: 1}
	for i := range 2000 {
		key := fmt.Sprintf("k%d", i)
		allow(t, r, key, lim)
		allow(t, r, key, lim) // refused: remembered
		if r.Len() > 300 {
			t.Fatalf("after %d callers: %d entries, max 300", i+1, r.Len())
		}
		before := inner.calls.Load()
		if d := allow(t, r, key, lim); d.Allowed || inner.calls.Load() != before {
			t.Fatalf("caller %s: the refusal just made was not remembered", key)
		}
	}
}

func BenchmarkRefusals(b *testing.B) {
	r := NewRefusals(NewMemory(MemoryOptions{}), RefusalOptions{})
	lim := Limits{PerMinute: 1, PerDay: 1000}
	ctx := context.Background()
	if _, err := r.Allow(ctx, "key:1", lim); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if d, err := r.Allow(ctx, "key:1", lim); err != nil || d.Allowed {
				b.Fatal(err, d)
			}
		}
	})
}
