package ratelimit

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestAuthLimitsPerIP(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *backend) {
		ctx := context.Background()
		a := NewAuth(b.newLimiter(), AuthLimits{})
		base := uniqueIPv4(t)
		for i := range 30 {
			if d, err := a.CheckIP(ctx, base); err != nil || !d.Allowed {
				t.Fatalf("request %d: %+v, %v", i, d, err)
			}
		}
		d, err := a.CheckIP(ctx, "::ffff:"+base) // the same address, IPv4-mapped
		if err != nil || d.Allowed || d.RetryAfter <= 0 {
			t.Fatalf("request 31: %+v, %v; want refused", d, err)
		}
		if d, _ := a.CheckIP(ctx, uniqueIPv4(t)); !d.Allowed {
			t.Fatal("another address refused")
		}
	})
}

func TestAuthIPv6CountsPer64(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *backend) {
		ctx := context.Background()
		a := NewAuth(b.newLimiter(), AuthLimits{IP: Limits{PerMinute: 2}})
		net := "2001:db8:" + randHex(t)[:4] + ":" + randHex(t)[:4] + ":"
		for _, ip := range []string{net + ":1", net + "aaaa:bbbb:cccc:dddd"} {
			if d, err := a.CheckIP(ctx, ip); err != nil || !d.Allowed {
				t.Fatalf("%s: %+v, %v", ip, d, err)
			}
		}
		if d, _ := a.CheckIP(ctx, net+"1:2:3:4"); d.Allowed {
			t.Fatal("third address of one /64 allowed")
		}
		if d, _ := a.CheckIP(ctx, "2001:db8:ffff:ffff::1"); !d.Allowed {
			t.Fatal("another /64 refused")
		}
	})
}

// uniqueIPv4 returns an address no other test run uses (real servers keep counts).
func uniqueIPv4(t *testing.T) string {
	b := make([]byte, 3)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("10.%d.%d.%d", b[0], b[1], b[2])
}

// Checking before the password and logging in successfully spend nothing; failures end refused.
func TestAuthFailedLoginsPerEmail(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *backend) {
		ctx := context.Background()
		a := NewAuth(b.newLimiter(), AuthLimits{LoginAttempts: Limits{PerMinute: 1000}})
		email := randHex(t) + "Alice@Example.com"

		for range 20 { // successful logins
			if d, err := a.CheckLogin(ctx, email); err != nil || !d.Allowed {
				t.Fatalf("check before a good password: %+v, %v", d, err)
			}
		}
		for i := range 5 {
			if d, err := a.CheckLogin(ctx, email); err != nil || !d.Allowed {
				t.Fatalf("check before failure %d: %+v, %v", i, d, err)
			}
			if err := a.RecordFailedLogin(ctx, email); err != nil {
				t.Fatal(err)
			}
		}
		d, err := a.CheckLogin(ctx, "  "+strings.ToLower(email)+" ") // one count for every spelling
		if err != nil || d.Allowed || d.RetryAfter <= 0 {
			t.Fatalf("after 5 failures: %+v, %v; want refused", d, err)
		}
		if b.setTime != nil && d.RetryAfter != 12*time.Second {
			t.Errorf("retry after %v, want 12s (5 a minute)", d.RetryAfter)
		}
		if d, _ := a.CheckLogin(ctx, randHex(t)+"bob@example.com"); !d.Allowed {
			t.Fatal("another email refused")
		}

		if b.client != nil {
			for _, k := range scanKeys(t, b.client, b.prefix) {
				if strings.Contains(strings.ToLower(k), "example") || strings.Contains(k, "@") {
					t.Errorf("key %q holds the email", k)
				}
			}
		}
	})
}

// Once the daily failures are spent, the email stays refused until midnight UTC.
func TestAuthFailedLoginsDailyLockout(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *backend) {
		needClock(t, b)
		ctx := context.Background()
		a := NewAuth(b.newLimiter(), AuthLimits{})
		email := "carol@example.com"
		now, failures := t0, 0
		var d Decision
		for {
			var err error
			if d, err = a.CheckLogin(ctx, email); err != nil {
				t.Fatal(err)
			}
			if !d.Allowed && d.RetryAfter < time.Minute { // a minute bucket: wait for it
				now = now.Add(d.RetryAfter)
				b.setTime(now)
				continue
			}
			if !d.Allowed {
				break
			}
			if err := a.RecordFailedLogin(ctx, email); err != nil {
				t.Fatal(err)
			}
			if failures++; failures > 100 {
				t.Fatal("never locked out")
			}
		}
		if midnight := time.Date(2025, 3, 11, 0, 0, 0, 0, time.UTC); d.RetryAfter != midnight.Sub(now) {
			t.Fatalf("locked out at %v for %v, want until midnight", now, d.RetryAfter)
		}
		if failures != 30 {
			t.Fatalf("%d failures in a day, want 30", failures)
		}
		b.setTime(time.Date(2025, 3, 11, 0, 0, 0, 0, time.UTC))
		if d, _ := a.CheckLogin(ctx, email); !d.Allowed {
			t.Fatal("still locked out after midnight")
		}
	})
}

// A burst of parallel guesses all pass the failure check before any failure is recorded; the
// attempt cap is what stops them.
func TestAuthCapsParallelAttempts(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *backend) {
		a := NewAuth(b.newLimiter(), AuthLimits{})
		email := randHex(t) + "@example.com"
		var wg sync.WaitGroup
		var mu sync.Mutex
		allowed := 0
		start := make(chan struct{})
		for range 50 {
			wg.Go(func() {
				<-start
				d, err := a.CheckLogin(context.Background(), email)
				if err != nil {
					t.Error(err)
					return
				}
				if d.Allowed {
					mu.Lock()
					allowed++
					mu.Unlock()
				}
			})
		}
		close(start)
		wg.Wait()
		if allowed != 10 {
			t.Errorf("%d of 50 parallel attempts allowed, want 10", allowed)
		}
	})
}
