package admin

import (
	"context"
	"math"
	"time"

	"github.com/labstack/echo/v4"
)

// serviceHealth is one dependency's state.
type serviceHealth struct {
	Name      string   `json:"name"`
	Status    string   `json:"status"`     // "ok", "down" or "not_configured"
	LatencyMS *float64 `json:"latency_ms"` // null when not checked
	Error     string   `json:"error,omitempty"`
}

// services is GET /api/services: the health of the database and Redis, with the latency of one
// round trip each. It answers 200 whatever their state; the state is the answer.
func (s *server) services(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 3*time.Second)
	defer cancel()
	out := []serviceHealth{check(ctx, "database", s.Store.Ping)}
	if s.Redis != nil {
		out = append(out, check(ctx, "redis", s.Redis))
	} else {
		out = append(out, serviceHealth{Name: "redis", Status: "not_configured"})
	}
	return ok(c, out)
}

func check(ctx context.Context, name string, ping func(context.Context) error) serviceHealth {
	start := time.Now()
	err := ping(ctx)
	ms := math.Round(float64(time.Since(start).Microseconds())/10) / 100
	h := serviceHealth{Name: name, Status: "ok", LatencyMS: &ms}
	if err != nil {
		h.Status, h.Error = "down", err.Error()
	}
	return h
}
