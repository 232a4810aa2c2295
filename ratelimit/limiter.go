// Package ratelimit enforces the per-plan request limits of the user API: a per-minute token
// bucket and a daily quota that resets at 00:00 UTC, checked and charged together.
//
// Two implementations satisfy Limiter: Redis (shared by every gateway replica) and an
// in-process one (the embedded default, and the fallback when Redis is unreachable).
// Failover puts the second behind the first, and Auth builds the login limits on any of them.
//
// A window whose limit is zero or negative is unlimited: it is neither checked nor stored, and
// the Decision reports it as the zero Window (Limit 0), which Tightest and WriteHeaders skip.
//
// # Redis URLs
//
// NewRedisClient accepts:
//
//	redis://[user:password@]host:port[/db][?options]     one server (rediss:// for TLS)
//	redis+cluster://[user:password@]h1:p1,h2:p2[?options] Redis Cluster, any reachable nodes as seeds
//	redis://h1:p1,h2:p2[?options]                         also a cluster: more than one address
//
// Options are go-redis's URL options (read_timeout, pool_size, ...) plus timeout=<duration>,
// the default for the dial, read, write and pool timeouts (50ms when absent). Retries are
// always off: a script call that timed out may have run, and running it again would charge twice.
package ratelimit

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"
)

// Limits are the two windows of a plan. A zero or negative value means "no limit" for that window.
type Limits struct {
	PerMinute int
	PerDay    int
}

// Window is the state of one window after a decision. The zero Window stands for an unlimited one.
type Window struct {
	Limit     int
	Remaining int       // never negative
	Reset     time.Time // when the window is whole again (minute: bucket full; day: next 00:00 UTC)
}

// Decision is the outcome of one Allow call.
type Decision struct {
	Allowed    bool
	Minute     Window
	Day        Window
	RetryAfter time.Duration // > 0 only when !Allowed
	Backend    string        // "redis", "local" or "open": which limiter decided (for logs and metrics)

	// stable is, for a refusal, how long the decision stays the same if nothing is charged: until
	// the refusing window allows, the minute bucket gains a whole token, or the day turns,
	// whichever comes first. Refusals may repeat the decision that long. Zero: not known.
	stable time.Duration
}

// Limiter checks and charges one request for a caller. Both windows are charged only if both allow;
// a refused request charges nothing.
type Limiter interface {
	Allow(ctx context.Context, key string, limits Limits) (Decision, error)
}

// Checker is a Limiter that can also tell whether a request would be allowed without charging it.
// The login limits need it: looking at the failure count before checking a password must not
// count as a failure.
type Checker interface {
	Limiter
	Peek(ctx context.Context, key string, limits Limits) (Decision, error)
}

// ErrBadKey is returned for a caller key that is empty or holds a brace: either could leave the
// two Redis keys of a caller without a common hash tag, so Redis Cluster would refuse the script.
// Every Limiter refuses such keys alike, so a key that works in tests works in production.
var ErrBadKey = errors.New("ratelimit: caller key must be non-empty and free of braces")

func checkKey(key string) error {
	if key == "" {
		return ErrBadKey
	}
	for i := range len(key) { // a byte loop: strings.ContainsAny cost a tenth of Memory.Allow
		if key[i] == '{' || key[i] == '}' {
			return ErrBadKey
		}
	}
	return nil
}

// Unlimited reports whether the window has no limit (and so no state worth reporting).
func (w Window) Unlimited() bool { return w.Limit <= 0 }

// Tightest returns the window with the fewest remaining requests; a tie goes to the daily one.
// An unlimited window is never the tightest; with both unlimited the result is the zero Window.
func (d Decision) Tightest() Window {
	switch {
	case d.Minute.Unlimited():
		return d.Day
	case d.Day.Unlimited():
		return d.Minute
	case d.Minute.Remaining < d.Day.Remaining:
		return d.Minute
	}
	return d.Day
}

// Header names in canonical form, so that setting them needs no canonicalisation (which allocates
// for names outside net/http's table). They are what http.Header.Set would store.
const (
	hLimit     = "X-Ratelimit-Limit"     // X-RateLimit-Limit
	hRemaining = "X-Ratelimit-Remaining" // X-RateLimit-Remaining
	hReset     = "X-Ratelimit-Reset"     // X-RateLimit-Reset
	hRetry     = "Retry-After"
	hPolicy    = "Ratelimit-Policy" // RateLimit-Policy
	hState     = "Ratelimit"        // RateLimit
)

// WriteHeaders sets X-RateLimit-Limit/Remaining/Reset for the tightest window, and Retry-After
// when the request was refused. With both windows unlimited there is no window to describe and
// only Retry-After (if refused) is written. Reset is rounded up so it never names a past second.
func (d Decision) WriteHeaders(h http.Header) {
	// Every request writes these: one allocation for all the values, none per header.
	var buf [4 * 20]byte
	b := buf[:0]
	var ends [4]int
	n := 0
	if w := d.Tightest(); !w.Unlimited() {
		b = strconv.AppendInt(b, int64(w.Limit), 10)
		ends[0] = len(b)
		b = strconv.AppendInt(b, int64(max(w.Remaining, 0)), 10)
		ends[1] = len(b)
		b = strconv.AppendInt(b, w.Reset.Add(time.Second-1).Unix(), 10)
		ends[2] = len(b)
		n = 3
	}
	if !d.Allowed {
		secs := int64((d.RetryAfter + time.Second - 1) / time.Second)
		b = strconv.AppendInt(b, max(secs, 1), 10)
		ends[n] = len(b)
		n++
	}
	if n == 0 {
		return
	}
	all, vals := string(b), make([]string, n)
	start := 0
	for i := range n {
		vals[i], start = all[start:ends[i]], ends[i]
	}
	i := 0
	if n >= 3 {
		h[hLimit], h[hRemaining], h[hReset] = vals[0:1:1], vals[1:2:2], vals[2:3:3]
		i = 3
	}
	if !d.Allowed {
		h[hRetry] = vals[i : i+1 : i+1]
	}
}

// WriteIETFHeaders sets the IETF draft's structured fields for both windows
// (draft-ietf-httpapi-ratelimit-headers): RateLimit-Policy names each window's quota q and
// length w in seconds, RateLimit its remaining r and seconds to reset t.
func (d Decision) WriteIETFHeaders(h http.Header, now time.Time) {
	var pbuf, sbuf [96]byte
	policy, state := pbuf[:0], sbuf[:0]
	for _, win := range [2]struct {
		name   string
		w      Window
		length int64
	}{{`"minute"`, d.Minute, 60}, {`"day"`, d.Day, 86400}} {
		if win.w.Unlimited() {
			continue
		}
		if len(policy) > 0 {
			policy, state = append(policy, ", "...), append(state, ", "...)
		}
		reset := max(int64(win.w.Reset.Sub(now)+time.Second-1)/int64(time.Second), 0)
		policy = append(append(policy, win.name...), ";q="...)
		policy = strconv.AppendInt(policy, int64(win.w.Limit), 10)
		policy = strconv.AppendInt(append(policy, ";w="...), win.length, 10)
		state = append(append(state, win.name...), ";r="...)
		state = strconv.AppendInt(state, int64(max(win.w.Remaining, 0)), 10)
		state = strconv.AppendInt(append(state, ";t="...), reset, 10)
	}
	if len(policy) > 0 {
		all := string(policy) + string(state)
		vals := []string{all[:len(policy)], all[len(policy):]}
		h[hPolicy], h[hState] = vals[0:1:1], vals[1:2:2]
	}
}
