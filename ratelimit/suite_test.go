package ratelimit

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// The tests in this file hold every backend to the same semantics; the ones that move the clock
// skip the real servers, whose clock cannot be moved.

func needClock(t *testing.T, b *backend) {
	if b.setTime == nil {
		t.Skip("needs a clock the test can move")
	}
}

// Two instances on one store, 40 concurrent requests: exactly the bucket's 10 get through.
func TestConcurrentRequestsAreExact(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *backend) {
		key := uniqueKey(t)
		lim := Limits{PerMinute: 10, PerDay: 100}
		limiters := []Checker{b.newLimiter(), b.newLimiter()}

		start := make(chan struct{})
		results := make(chan Decision, 40)
		errs := make(chan error, 40)
		var wg sync.WaitGroup
		for i := range 40 {
			wg.Go(func() {
				<-start
				d, err := limiters[i%2].Allow(context.Background(), key, lim)
				if err != nil {
					errs <- err
					return
				}
				results <- d
			})
		}
		close(start)
		wg.Wait()
		close(results)
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}

		allowed, refused := 0, 0
		for d := range results {
			if d.Allowed {
				allowed++
				continue
			}
			refused++
			if d.RetryAfter <= 0 {
				t.Errorf("refused with RetryAfter %v", d.RetryAfter)
			}
		}
		if allowed != 10 || refused != 30 {
			t.Errorf("allowed %d, refused %d; want 10 and 30", allowed, refused)
		}
		// Only the allowed requests were charged to the day.
		if d := peek(t, limiters[0], key, Limits{PerDay: 100}); d.Day.Remaining != 90 {
			t.Errorf("day remaining %d, want 90", d.Day.Remaining)
		}
	})
}

func TestMinuteRefusalSpendsNoDailyQuota(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *backend) {
		l, key := b.newLimiter(), uniqueKey(t)
		lim := Limits{PerMinute: 2, PerDay: 5}
		allow(t, l, key, lim)
		allow(t, l, key, lim)
		for range 3 {
			d := allow(t, l, key, lim)
			if d.Allowed {
				t.Fatal("third request in the minute allowed")
			}
			if d.Day.Remaining != 3 || d.Minute.Remaining != 0 {
				t.Fatalf("after refusal: day remaining %d, minute %d; want 3 and 0", d.Day.Remaining, d.Minute.Remaining)
			}
		}
		if d := peek(t, l, key, Limits{PerDay: 5}); d.Day.Remaining != 3 {
			t.Errorf("day remaining %d, want 3", d.Day.Remaining)
		}
	})
}

func TestDailyRefusalSpendsNoMinuteTokens(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *backend) {
		l, key := b.newLimiter(), uniqueKey(t)
		lim := Limits{PerMinute: 10, PerDay: 2}
		allow(t, l, key, lim)
		allow(t, l, key, lim)
		for range 3 {
			if d := allow(t, l, key, lim); d.Allowed || d.Minute.Remaining != 8 || d.Day.Remaining != 0 {
				t.Fatalf("over the day: %+v; want refused with 8 minute tokens left", d)
			}
		}
		if d := peek(t, l, key, Limits{PerMinute: 10}); d.Minute.Remaining != 8 {
			t.Errorf("minute remaining %d, want 8", d.Minute.Remaining)
		}
	})
}

func TestBucketRefillsEvenly(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *backend) {
		needClock(t, b)
		l, key := b.newLimiter(), uniqueKey(t)
		lim := Limits{PerMinute: 4} // one token every 15 s
		for i := range 4 {
			if d := allow(t, l, key, lim); !d.Allowed || d.Minute.Remaining != 3-i {
				t.Fatalf("request %d: %+v", i, d)
			}
		}
		d := allow(t, l, key, lim)
		if d.Allowed || d.RetryAfter != 15*time.Second || !d.Minute.Reset.Equal(t0.Add(time.Minute)) {
			t.Fatalf("empty bucket: %+v; want refused, retry 15s, reset %v", d, t0.Add(time.Minute))
		}

		b.setTime(t0.Add(15*time.Second - time.Microsecond))
		if d := allow(t, l, key, lim); d.Allowed || d.RetryAfter != time.Microsecond {
			t.Fatalf("1µs before the token: %+v", d)
		}
		b.setTime(t0.Add(15 * time.Second))
		if d := allow(t, l, key, lim); !d.Allowed || d.Minute.Remaining != 0 {
			t.Fatalf("on the token: %+v", d)
		}
		if d := allow(t, l, key, lim); d.Allowed {
			t.Fatal("second request on one refilled token allowed")
		}

		// A whole minute fills the bucket, and no more than that.
		b.setTime(t0.Add(10 * time.Minute))
		if d := peek(t, l, key, lim); d.Minute.Remaining != 4 {
			t.Fatalf("after 10 minutes: %d tokens, want 4", d.Minute.Remaining)
		}
	})
}

// 7 a minute is a token every 8.571428…s: the fraction must not be lost.
func TestBucketKeepsFractionalRefill(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *backend) {
		needClock(t, b)
		l, key := b.newLimiter(), uniqueKey(t)
		lim := Limits{PerMinute: 7}
		for range 7 {
			allow(t, l, key, lim)
		}
		b.setTime(t0.Add(8571428 * time.Microsecond)) // 7 × 8,571,428 = 59,999,996 units: 4 short
		if d := allow(t, l, key, lim); d.Allowed || d.RetryAfter != time.Microsecond {
			t.Fatalf("just short of a token: %+v", d)
		}
		b.setTime(t0.Add(8571429 * time.Microsecond))
		if d := allow(t, l, key, lim); !d.Allowed {
			t.Fatalf("on the token: %+v", d)
		}
		// Three units are left over from that token; the next one needs 59,999,997 more.
		b.setTime(t0.Add(2 * 8571428 * time.Microsecond))
		if d := allow(t, l, key, lim); d.Allowed || d.RetryAfter != 2*time.Microsecond {
			t.Fatalf("second token, 2µs early: %+v", d)
		}
	})
}

func TestDailyQuotaResetsAtMidnightUTC(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *backend) {
		needClock(t, b)
		midnight := time.Date(2025, 3, 11, 0, 0, 0, 0, time.UTC)
		b.setTime(midnight.Add(-30 * time.Second))
		l, key := b.newLimiter(), uniqueKey(t)
		lim := Limits{PerDay: 3}
		for i := range 3 {
			if d := allow(t, l, key, lim); !d.Allowed || d.Day.Remaining != 2-i || !d.Day.Reset.Equal(midnight) {
				t.Fatalf("request %d: %+v", i, d)
			}
		}
		if d := allow(t, l, key, lim); d.Allowed || d.RetryAfter != 30*time.Second {
			t.Fatalf("over quota: %+v; want refused until midnight", d)
		}
		b.setTime(midnight.Add(-time.Microsecond))
		if d := allow(t, l, key, lim); d.Allowed {
			t.Fatal("allowed before midnight")
		}
		b.setTime(midnight)
		d := allow(t, l, key, lim)
		if !d.Allowed || d.Day.Remaining != 2 || !d.Day.Reset.Equal(midnight.Add(24*time.Hour)) {
			t.Fatalf("after midnight: %+v", d)
		}
	})
}

func TestRetryAfterIsTheLongerWaitWhenBothRefuse(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *backend) {
		needClock(t, b)
		lim := Limits{PerMinute: 1, PerDay: 1}
		l := b.newLimiter()

		key := uniqueKey(t) // at noon the day is the longer wait
		allow(t, l, key, lim)
		if d := allow(t, l, key, lim); d.Allowed || d.RetryAfter != 12*time.Hour {
			t.Fatalf("at noon: %+v; want retry 12h", d)
		}

		b.setTime(time.Date(2025, 3, 10, 23, 59, 50, 0, time.UTC)) // now the minute is
		key = uniqueKey(t)
		allow(t, l, key, lim)
		if d := allow(t, l, key, lim); d.Allowed || d.RetryAfter != time.Minute {
			t.Fatalf("at 23:59:50: %+v; want retry 1m", d)
		}
	})
}

func TestPeekChargesNothing(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *backend) {
		l, key := b.newLimiter(), uniqueKey(t)
		lim := Limits{PerMinute: 1, PerDay: 5}
		for range 3 {
			if d := peek(t, l, key, lim); !d.Allowed || d.Minute.Remaining != 1 || d.Day.Remaining != 5 {
				t.Fatalf("peek on a fresh key: %+v", d)
			}
		}
		allow(t, l, key, lim)
		if d := peek(t, l, key, lim); d.Allowed || d.RetryAfter <= 0 || d.Day.Remaining != 4 {
			t.Fatalf("peek on a spent bucket: %+v", d)
		}
	})
}

func TestUnlimitedWindows(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *backend) {
		l, key := b.newLimiter(), uniqueKey(t)
		for range 20 {
			if d := allow(t, l, key, Limits{}); !d.Allowed || d.Minute != (Window{}) || d.Day != (Window{}) {
				t.Fatalf("no limits: %+v", d)
			}
		}
		d := allow(t, l, key, Limits{PerMinute: -1, PerDay: 3})
		if d.Minute != (Window{}) || d.Day.Limit != 3 || d.Day.Remaining != 2 {
			t.Fatalf("unlimited minute: %+v", d)
		}
		if b.client != nil {
			if keys := scanKeys(t, b.client, b.prefix+"{"+key+"}:m"); len(keys) != 0 {
				t.Errorf("an unlimited window stored %v", keys)
			}
		}
	})
}

// A plan lowered below what was already used refuses, and reports 0 left, not a negative count.
func TestLoweredPlan(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *backend) {
		l, key := b.newLimiter(), uniqueKey(t)
		for range 5 {
			allow(t, l, key, Limits{PerMinute: 100, PerDay: 10})
		}
		d := allow(t, l, key, Limits{PerMinute: 3, PerDay: 4})
		if d.Allowed || d.Day.Remaining != 0 || d.Minute.Remaining != 3 {
			t.Fatalf("lowered plan: %+v", d)
		}
	})
}

func TestBadKeys(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *backend) {
		l := b.newLimiter()
		for _, key := range []string{"", "a{b", "}x"} {
			if _, err := l.Allow(context.Background(), key, Limits{PerMinute: 1}); !errors.Is(err, ErrBadKey) {
				t.Errorf("key %q: err %v, want ErrBadKey", key, err)
			}
		}
	})
}

// The headers describe the state after the decision: tightest window, Reset in the future.
func TestHeadersFromALimiter(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *backend) {
		l, key := b.newLimiter(), uniqueKey(t)
		lim := Limits{PerMinute: 3, PerDay: 100}
		before := time.Now()
		if b.setTime != nil {
			before = t0
		}
		for range 3 {
			allow(t, l, key, lim)
		}
		d := allow(t, l, key, lim)
		h := headers(d)
		if h["X-RateLimit-Limit"] != "3" || h["X-RateLimit-Remaining"] != "0" || h["Retry-After"] == "" {
			t.Fatalf("headers %v", h)
		}
		if reset := atoi(t, h["X-RateLimit-Reset"]); reset <= before.Unix() {
			t.Errorf("X-RateLimit-Reset %d not after %d", reset, before.Unix())
		}
	})
}
