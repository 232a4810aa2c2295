package ratelimit

import (
	"net/http"
	"strconv"
	"testing"
	"time"
)

// headers returns what WriteHeaders writes, keyed by the names as the HTTP layer spells them.
func headers(d Decision) map[string]string {
	h := http.Header{}
	d.WriteHeaders(h)
	m := map[string]string{}
	for _, k := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After"} {
		if v := h.Get(k); v != "" {
			m[k] = v
		}
	}
	if len(h) != len(m) {
		m["unexpected"] = "more headers than expected"
	}
	return m
}

func atoi(t testing.TB, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return n
}

func TestWriteHeaders(t *testing.T) {
	now := time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)
	minute := Window{Limit: 10, Remaining: 4, Reset: now.Add(36 * time.Second)}
	day := Window{Limit: 100, Remaining: 4, Reset: nextMidnight(now)}
	midnight := strconv.FormatInt(nextMidnight(now).Unix(), 10)

	tests := []struct {
		name string
		d    Decision
		want map[string]string
	}{{
		name: "tie goes to the day",
		d:    Decision{Allowed: true, Minute: minute, Day: day},
		want: map[string]string{"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "4", "X-RateLimit-Reset": midnight},
	}, {
		name: "fewer left in the minute",
		d:    Decision{Allowed: true, Minute: Window{Limit: 10, Remaining: 3, Reset: now.Add(42 * time.Second)}, Day: day},
		want: map[string]string{"X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "3", "X-RateLimit-Reset": strconv.FormatInt(now.Unix()+42, 10)},
	}, {
		name: "reset rounds up to the next second",
		d:    Decision{Allowed: true, Minute: Window{Limit: 500, Remaining: 499, Reset: now.Add(120 * time.Millisecond)}},
		want: map[string]string{"X-RateLimit-Limit": "500", "X-RateLimit-Remaining": "499", "X-RateLimit-Reset": strconv.FormatInt(now.Unix()+1, 10)},
	}, {
		name: "remaining never negative",
		d:    Decision{Allowed: true, Day: Window{Limit: 100, Remaining: -3, Reset: nextMidnight(now)}},
		want: map[string]string{"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": midnight},
	}, {
		name: "unlimited minute is skipped",
		d:    Decision{Allowed: true, Day: Window{Limit: 100, Remaining: 99, Reset: nextMidnight(now)}},
		want: map[string]string{"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "99", "X-RateLimit-Reset": midnight},
	}, {
		name: "unlimited day is skipped",
		d:    Decision{Allowed: true, Minute: Window{Limit: 10, Remaining: 9, Reset: now.Add(6 * time.Second)}},
		want: map[string]string{"X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "9", "X-RateLimit-Reset": strconv.FormatInt(now.Unix()+6, 10)},
	}, {
		name: "nothing limited, nothing written",
		d:    Decision{Allowed: true},
		want: map[string]string{},
	}, {
		name: "refusal adds Retry-After, rounded up",
		d:    Decision{Minute: Window{Limit: 10, Remaining: 0, Reset: now.Add(time.Minute)}, Day: day, RetryAfter: 5200 * time.Millisecond},
		want: map[string]string{"X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": strconv.FormatInt(now.Unix()+60, 10), "Retry-After": "6"},
	}, {
		name: "Retry-After is at least 1",
		d:    Decision{Minute: Window{Limit: 10, Reset: now.Add(time.Minute)}, RetryAfter: time.Microsecond},
		want: map[string]string{"X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": strconv.FormatInt(now.Unix()+60, 10), "Retry-After": "1"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := headers(tt.d)
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q", k, got[k], v)
				}
			}
		})
	}
}

func TestTightestSkipsUnlimited(t *testing.T) {
	day := Window{Limit: 100, Remaining: 50}
	if w := (Decision{Day: day}).Tightest(); w != day {
		t.Errorf("minute unlimited: got %+v", w)
	}
	minute := Window{Limit: 10, Remaining: 9}
	if w := (Decision{Minute: minute}).Tightest(); w != minute {
		t.Errorf("day unlimited: got %+v", w)
	}
	if w := (Decision{}).Tightest(); !w.Unlimited() {
		t.Errorf("both unlimited: got %+v", w)
	}
}

func TestNextMidnight(t *testing.T) {
	for in, want := range map[time.Time]time.Time{
		time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC):                     time.Date(2025, 3, 11, 0, 0, 0, 0, time.UTC),
		time.Date(2025, 12, 31, 23, 59, 59, 999, time.UTC):               time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2025, 3, 10, 23, 30, 0, 0, time.FixedZone("X", -3600)): time.Date(2025, 3, 12, 0, 0, 0, 0, time.UTC),
	} {
		if got := nextMidnight(in); !got.Equal(want) {
			t.Errorf("nextMidnight(%v) = %v, want %v", in, got, want)
		}
	}
}

func TestIETFHeaders(t *testing.T) {
	now := time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)
	d := Decision{Allowed: true,
		Minute: Window{Limit: 10, Remaining: 9, Reset: now.Add(6 * time.Second)},
		Day:    Window{Limit: 100, Remaining: 99, Reset: nextMidnight(now)}}
	h := http.Header{}
	d.WriteIETFHeaders(h, now)
	if got, want := h.Get("RateLimit-Policy"), `"minute";q=10;w=60, "day";q=100;w=86400`; got != want {
		t.Errorf("RateLimit-Policy %q, want %q", got, want)
	}
	if got, want := h.Get("RateLimit"), `"minute";r=9;t=6, "day";r=99;t=43200`; got != want {
		t.Errorf("RateLimit %q, want %q", got, want)
	}
	h = http.Header{}
	Decision{Allowed: true}.WriteIETFHeaders(h, now)
	if len(h) != 0 {
		t.Errorf("unlimited windows wrote %v", h)
	}
}

// The header names are stored pre-canonicalised; they must be what http.Header.Set would store.
func TestHeaderNamesAreCanonical(t *testing.T) {
	for name, stored := range map[string]string{"X-RateLimit-Limit": hLimit, "X-RateLimit-Remaining": hRemaining,
		"X-RateLimit-Reset": hReset, "Retry-After": hRetry, "RateLimit-Policy": hPolicy, "RateLimit": hState} {
		if c := http.CanonicalHeaderKey(name); c != stored {
			t.Errorf("%s is stored as %q, canonical is %q", name, stored, c)
		}
	}
}
