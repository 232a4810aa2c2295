// Package handlers is the HTTP face of the user API: one /api endpoint whose mode and action pick
// a handler from the dispatch table (routes.go), a pipeline that checks the caller, its limits and
// its parameters in one place (pipeline.go), and thin handlers that call models and render.
package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"sharepanel/apidocs"
	"sharepanel/handlers/httpkit"
	"sharepanel/models"
	"sharepanel/ratelimit"
)

// Deps is what the user API needs; main wires it.
type Deps struct {
	Store   *models.Store
	Limiter ratelimit.Limiter
	// Login limits mode=auth per client IP and failed logins per email; nil: in-process limits.
	Login          *ratelimit.Auth
	Usage          *models.UsageRecorder
	Log            *slog.Logger
	CORSOrigins    []string
	TrustedProxies []netip.Prefix
	Redis          func(ctx context.Context) error // Redis health check; nil when there is no Redis
	// Metrics observes requests and limiter decisions (metrics/); nil observes nothing.
	Metrics Observer
	// DocsHooks may add to the OpenAPI document served at /docs/openapi.json before it is
	// frozen: the admin API adds its operations there (apidocs.Document.AddPath, with a path-level
	// server for its own port).
	DocsHooks []func(*apidocs.Document)
}

// API is the user API: its handlers are the methods that Routes names.
type API struct {
	Deps
}

// New builds the user API's echo instance.
func New(d Deps) (*echo.Echo, *API) {
	if d.Login == nil {
		d.Login = ratelimit.NewInProcessAuth()
	}
	a := &API{Deps: d}

	e := httpkit.New(httpkit.Edge{
		Log:            d.Log,
		TrustedProxies: d.TrustedProxies,
		CORS: middleware.CORSConfig{
			AllowOrigins: d.CORSOrigins,
			AllowMethods: []string{http.MethodGet, http.MethodPost, http.MethodOptions},
			AllowHeaders: []string{"Authorization", "X-API-Key", "Content-Type", echo.HeaderXRequestID},
			ExposeHeaders: []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After", "RateLimit", "RateLimit-Policy", echo.HeaderXRequestID,
				"Link", "X-Total-Count"},
			MaxAge: 600,
		},
		LogMessage:  "request",
		LogAttrs:    logAttrs,
		Observe:     func(c echo.Context, start time.Time) { observeRequest(d.Metrics, c, start) },
		RenderError: renderError,
		Allow:       "GET, POST, OPTIONS",
	})
	for _, path := range []string{"/api", "/api/"} {
		e.Any(path, a.serve)
	}
	e.GET("/healthz", func(c echo.Context) error { return c.JSON(http.StatusOK, map[string]string{"status": "ok"}) })
	e.GET("/readyz", a.ready)
	docs := &docsSpec{store: d.Store, hooks: d.DocsHooks}
	if err := apidocs.Register(e, docs.get); err != nil {
		panic("apidocs: " + err.Error()) // the document is built from static data: a bug, not a condition
	}
	return e, a
}

func (a *API) ready(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	checks := map[string]string{"database": "ok"}
	status := http.StatusOK
	if err := a.Store.Ping(ctx); err != nil {
		checks["database"], status = "unreachable", http.StatusServiceUnavailable
	}
	if a.Redis != nil {
		checks["redis"] = "ok"
		if err := a.Redis(ctx); err != nil {
			checks["redis"], status = "unreachable", http.StatusServiceUnavailable
		}
	}
	return c.JSON(status, checks)
}

// logAttrs are what the user API adds to the access log line: the mode and action it resolved.
func logAttrs(c echo.Context) []slog.Attr {
	mode, _ := c.Get("mode").(string)
	action, _ := c.Get("action").(string)
	return []slog.Attr{slog.String("mode", mode), slog.String("action", action)}
}
