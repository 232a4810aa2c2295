package httpkit

import (
	"time"

	"github.com/labstack/echo/v4"
)

// Observer receives what the operational metrics count, from both APIs; metrics.Metrics
// implements it. Its methods must be cheap and safe for concurrent use: they run on the request
// path.
type Observer interface {
	// ObserveRequest counts one request of api ("user" or "admin") on route, a name from the API's
	// own route table (bounded), with its final status and the time it took.
	ObserveRequest(api, route string, status int, elapsed time.Duration)
	// ObserveLimit counts one decision of a limiter ("requests": the per-key limits; "logins": the
	// login limits of either API): backend is the Decision's ("redis", "local", "open"), outcome
	// LimitOutcome's.
	ObserveLimit(limiter, backend, outcome string)
}

// LimitOutcome names a limiter decision for ObserveLimit: "allowed", "limited" or "error".
func LimitOutcome(allowed bool, err error) string {
	switch {
	case err != nil:
		return "error"
	case !allowed:
		return "limited"
	}
	return "allowed"
}

// UnmatchedRoute is the route label of a request no route matched, whatever its path: paths a
// client makes up must not become label values.
const UnmatchedRoute = "unmatched"

// observe reports a request to the Observer once its status is final, under the route Route
// names (none: the request is not counted, e.g. the docs and health endpoints).
func (edge Edge) observe(c echo.Context, start time.Time) {
	if edge.Observer == nil || edge.Route == nil {
		return
	}
	if route, ok := edge.Route(c); ok {
		edge.Observer.ObserveRequest(edge.API, route, c.Response().Status, time.Since(start))
	}
}
