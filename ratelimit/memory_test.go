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
