// Package ratelimit enforces the per-plan request limits of the user API: a per-minute token
// bucket and a daily quota that resets at 00:00 UTC, checked and charged together.
//
// Two implementations satisfy Limiter: Redis (shared by every gateway replica) and an
// in-process one (the embedded default, and the fallback when Redis is unreachable).
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

// Window is the state of one window after a decision.
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
}

// Limiter checks and charges one request for a caller. Both windows are charged only if both allow;
// a refused request charges nothing.
type Limiter interface {
	Allow(ctx context.Context, key string, limits Limits) (Decision, error)
}

// Tightest returns the window with the fewest remaining requests; a tie goes to the daily one.
func (d Decision) Tightest() Window {
	if d.Minute.Remaining < d.Day.Remaining {
		return d.Minute
	}
	return d.Day
}

// WriteHeaders sets X-RateLimit-Limit/Remaining/Reset for the tightest window, and Retry-After
// when the request was refused.
func (d Decision) WriteHeaders(h http.Header) {
	w := d.Tightest()
	h.Set("X-RateLimit-Limit", strconv.Itoa(w.Limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(max(w.Remaining, 0)))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(w.Reset.Unix(), 10))
	if !d.Allowed {
		secs := int64((d.RetryAfter + time.Second - 1) / time.Second)
		h.Set("Retry-After", strconv.FormatInt(max(secs, 1), 10))
	}
}

// ErrUnavailable is returned when the limiter cannot decide and is configured to refuse
// (SHAREPANEL_RATELIMIT_ON_REDIS_ERROR=closed); the HTTP layer answers 503.
var ErrUnavailable = errors.New("ratelimit: limiter unavailable")
