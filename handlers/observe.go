package handlers

import (
	"strings"

	"github.com/labstack/echo/v4"

	"sharepanel/handlers/httpkit"
	"sharepanel/ratelimit"
)

// Observer receives what the operational metrics count of the user API; metrics.Metrics implements
// it. Its methods must be cheap and safe for concurrent use: they run on the request path.
type Observer interface {
	httpkit.Observer // requests by route, limiter decisions: what both APIs report
	// ObserveKeyRefusal counts a request refused by its key's restrictions: reason "ip" (the
	// client's address is not in the key's allowlist) or "scope" (the mode, or changing it, is
	// outside the key's scopes).
	ObserveKeyRefusal(reason string)
	// ObserveIdempotency counts what became of a write sent with an Idempotency-Key: "claimed"
	// (run), "replayed", "in_progress" (409), "mismatch" (422) or "released" (not kept: a 503, or
	// a client that went away).
	ObserveIdempotency(outcome string)
}

// metricsRoute names an /api request for the metrics: its endpoint from the dispatch table
// ("profile.view", "auth"), or httpkit.UnmatchedRoute when the mode or action is not one; the docs
// and health endpoints are not counted.
func metricsRoute(c echo.Context) (string, bool) {
	if !strings.HasPrefix(c.Path(), "/api") {
		return "", false
	}
	if endpoint, ok := c.Get("endpoint").(string); ok && endpoint != "" {
		return endpoint, true
	}
	return httpkit.UnmatchedRoute, true
}

// observeLimit reports a decision of the limiter named limiter ("requests", "logins").
func observeLimit(o Observer, limiter string, d ratelimit.Decision, err error) {
	if o == nil {
		return
	}
	backend := d.Backend
	if backend == "" {
		backend = "unknown"
	}
	o.ObserveLimit(limiter, backend, httpkit.LimitOutcome(d.Allowed, err))
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
