package ratelimit

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestMemoryStaysWithinMaxEntries(t *testing.T) {
	clock := &fakeClock{t: t0}
	m := NewMemory(MemoryOptions{Now: clock.Now, MaxEntries: 300})
	lim := Limits{PerMinute: 10, PerDay: 100} // counted today: nothing is forgettable
	for i := range 1000 {
		clock.Set(t0.Add(time.Duration(i) * time.Millisecond))
		key := fmt.Sprintf("k%d", i)
		allow(t, m, key, lim)
		if m.Len() > 300 {
			t.Fatalf("after %d keys: %d entries, max 300", i+1, m.Len())
		}
		// The caller just inserted is remembered, whatever was forgotten for it.
		if d := peek(t, m, key, lim); d.Day.Remaining != 99 {
			t.Fatalf("key %s forgotten at once: %+v", key, d)
		}
	}
}

// Callers whose state equals a fresh one go first, even before an older caller that still has
// counts to keep. (With 32 entries the eviction sample is the whole map, so this is certain.)
func TestMemoryForgetsIdleCallersFirst(t *testing.T) {
	clock := &fakeClock{t: t0}
	m := NewMemory(MemoryOptions{Now: clock.Now, MaxEntries: evictSample})
	counted := Limits{PerMinute: 1, PerDay: 5}
	allow(t, m, "counted", counted) // the least recently charged caller
	clock.Set(t0.Add(time.Second))
	for i := range evictSample - 1 {
		allow(t, m, fmt.Sprintf("idle%d", i), Limits{PerMinute: 1})
	}
	clock.Set(t0.Add(2 * time.Minute)) // every bucket is full again; only "counted" has a day count
	for i := range 5 {
		allow(t, m, fmt.Sprintf("new%d", i), Limits{PerMinute: 1})
	}
	if d := peek(t, m, "counted", counted); d.Day.Remaining != 4 {
		t.Fatalf("the counted caller was forgotten: %+v", d)
	}
	if m.Len() != 6 {
		t.Fatalf("%d entries, want the counted caller and the 5 new ones", m.Len())
	}
}

// Run with -race: many goroutines on shared and own keys.
func TestMemoryConcurrentUse(t *testing.T) {
	m := NewMemory(MemoryOptions{Now: (&fakeClock{t: t0}).Now})
	lim := Limits{PerMinute: 50, PerDay: 1000}
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := 0
	for g := range 8 {
		wg.Go(func() {
			for i := range 100 {
				d, err := m.Allow(context.Background(), "shared", lim)
				if err != nil {
					t.Error(err)
					return
				}
				if d.Allowed {
					mu.Lock()
					allowed++
					mu.Unlock()
				}
				if _, err := m.Allow(context.Background(), fmt.Sprintf("own%d-%d", g, i), lim); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if allowed != 50 {
		t.Errorf("shared key: %d allowed, want 50", allowed)
	}
}

// With a Seed, a caller the process has not seen starts its day at the database's count (asked
// once), so that a restart keeps the day; limits without a daily quota never ask, and a seed that
// fails leaves the caller counting from zero.
func TestMemorySeedsADayItDoesNotKnow(t *testing.T) {
	clock := &fakeClock{t: t0}
	asked := map[string]int{}
	m := NewMemory(MemoryOptions{Now: clock.Now, Seed: func(_ context.Context, key string) (int64, error) {
		asked[key]++
		switch key {
		case "used-up":
			return 5, nil
		case "three":
			return 3, nil
		}
		return 0, fmt.Errorf("database unavailable")
	}})
	daily := Limits{PerMinute: 100, PerDay: 5}
	if d, err := m.Allow(context.Background(), "used-up", daily); err != nil || d.Allowed {
		t.Fatalf("a caller whose day the database has used up: %+v, %v; want refused", d, err)
	}
	if d := allow(t, m, "three", daily); !d.Allowed || d.Day.Remaining != 1 {
		t.Fatalf("a caller with 3 of 5 used: %+v, want allowed with 1 left", d)
	}
	allow(t, m, "three", daily)
	if asked["three"] != 1 {
		t.Fatalf("the seed was asked %d times for one caller, want once", asked["three"])
	}
	if d := allow(t, m, "unreadable", daily); !d.Allowed || d.Day.Remaining != 4 {
		t.Fatalf("a seed that fails: %+v, want counting from zero", d)
	}
	allow(t, m, "minute-only", Limits{PerMinute: 100})
	if asked["minute-only"] != 0 {
		t.Fatal("the seed was asked for limits without a daily quota")
	}
}

// A seed is today's count when it was read: if the day turns while the database answers (the
// first request of an account after a restart, just before midnight, on a slow database), the
// count read is yesterday's and must not become the new day's. (A hostile pass: the account was
// refused for the whole new day with yesterday's 5 of 5.)
func TestMemorySeedReadBeforeMidnightIsNotTheNewDays(t *testing.T) {
	beforeMidnight := time.Date(2025, 3, 10, 23, 59, 59, 900_000_000, time.UTC)
	clock := &fakeClock{t: beforeMidnight}
	m := NewMemory(MemoryOptions{Now: clock.Now, Seed: func(context.Context, string) (int64, error) {
		clock.Set(beforeMidnight.Add(200 * time.Millisecond)) // the query ends after midnight
		return 5, nil                                         // yesterday's day, used up
	}})
	d := allow(t, m, "acct", Limits{PerMinute: 100, PerDay: 5})
	if !d.Allowed || d.Day.Remaining != 4 {
		t.Fatalf("first request of a new day, seeded with the day before's count: %+v; want allowed with 4 left", d)
	}
}
