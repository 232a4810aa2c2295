package handlers

import (
	"strings"

	"github.com/labstack/echo/v4"

	"sharepanel/handlers/httpkit"
	"sharepanel/ratelimit"
)

// Observer receives what the operational metrics count (httpkit.Observer); metrics.Metrics
// implements it.
type Observer = httpkit.Observer

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
