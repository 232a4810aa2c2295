package ratelimit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
	"testing"
	"time"
)

// t0 is a Monday noon, far from midnight, so the day does not turn during a test.
var t0 = time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)

// fakeClock is a settable clock for Memory and Failover.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// uniqueKey returns a caller key no other test or run uses.
func uniqueKey(t testing.TB) string {
	return "k" + randHex(t)
}

func randHex(t testing.TB) string {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// allow is Allow that fails the test on error.
func allow(t testing.TB, l Limiter, key string, lim Limits) Decision {
	t.Helper()
	d, err := l.Allow(context.Background(), key, lim)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func peek(t testing.TB, l Checker, key string, lim Limits) Decision {
	t.Helper()
	d, err := l.Peek(context.Background(), key, lim)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
