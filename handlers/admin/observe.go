package admin

import (
	"strings"

	"github.com/labstack/echo/v4"

	"sharepanel/handlers/httpkit"
)

// metricsRoutes names admin API requests for the metrics by method and registered route
// ("DELETE /api/users/:username"). It is filled once the routes are registered and only read
// after.
type metricsRoutes map[string]map[string]string // path → method → name

func (m metricsRoutes) fill(routes []*echo.Route) {
	for _, r := range routes {
		if m[r.Path] == nil {
			m[r.Path] = map[string]string{}
		}
		m[r.Path][r.Method] = r.Method + " " + r.Path
	}
}

// name is the route of an /api request, or httpkit.UnmatchedRoute when no route matched it (an
// unknown path or method); the docs are not counted.
func (m metricsRoutes) name(c echo.Context) (string, bool) {
	if !strings.HasPrefix(c.Request().URL.Path, "/api") {
		return "", false
	}
	if name, ok := m[c.Path()][c.Request().Method]; ok {
		return name, true
	}
	return httpkit.UnmatchedRoute, true
}
