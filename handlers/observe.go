package handlers

import (
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"sharepanel/ratelimit"
)

// Observer receives what the operational metrics count; metrics.Metrics implements it. Its
// methods must be cheap and safe for concurrent use: they run on the request path.
type Observer interface {
	// ObserveRequest counts one /api request: mode and action as resolved ("" when unknown),
	// the final status, and the time it took.
	ObserveRequest(mode, action string, status int, elapsed time.Duration)
	// ObserveLimit counts one decision of the request limiter: backend is Decision.Backend
	// ("redis", "local", "open"), outcome "allowed", "limited" or "error".
	ObserveLimit(backend, outcome string)
	// ObserveKeyRefusal counts a request refused by its key's restrictions: reason "ip" (the
	// client's address is not in the key's allowlist) or "scope" (the mode, or changing it, is
	// outside the key's scopes).
	ObserveKeyRefusal(reason string)
	// ObserveIdempotency counts what became of a write sent with an Idempotency-Key: "claimed"
	// (run), "replayed", "in_progress" (409), "mismatch" (422) or "released" (not kept: a 503, or
	// a client that went away).
	ObserveIdempotency(outcome string)
}

// observeRequest reports an /api request once its status is final (after the error handler).
func observeRequest(o Observer, c echo.Context, start time.Time) {
	if o == nil || !strings.HasPrefix(c.Path(), "/api") {
		return
	}
	mode, _ := c.Get("mode").(string)
	action, _ := c.Get("action").(string)
	o.ObserveRequest(mode, action, c.Response().Status, time.Since(start))
}

// observeLimit reports a limiter decision.
func observeLimit(o Observer, d ratelimit.Decision, err error) {
	if o == nil {
		return
	}
	outcome := "allowed"
	switch {
	case err != nil:
		outcome = "error"
	case !d.Allowed:
		outcome = "limited"
	}
	backend := d.Backend
	if backend == "" {
		backend = "unknown"
	}
	o.ObserveLimit(backend, outcome)
}

// observeKeyRefusal reports a request refused by its key's allowlist or scopes.
func observeKeyRefusal(o Observer, reason string) {
	if o != nil {
		o.ObserveKeyRefusal(reason)
	}
}

// observeIdempotency reports what became of a write sent with an Idempotency-Key.
func observeIdempotency(o Observer, outcome string) {
	if o != nil {
		o.ObserveIdempotency(outcome)
	}
}
