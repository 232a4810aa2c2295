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
	"sharepanel/console"
	"sharepanel/handlers/httpkit"
	"sharepanel/models"
	"sharepanel/ratelimit"
)

// Deps is what the user API needs; main wires it.
type Deps struct {
	Store          *models.Store
	Limiter        ratelimit.Limiter
	Login          LoginGuard // limits mode=auth; nil disables (tests of other modes)
	Usage          *models.UsageRecorder
	Log            *slog.Logger
	Currency       string
	CORSOrigins    []string
	TrustedProxies []netip.Prefix
	Ready          func(ctx context.Context) error // extra readiness checks (Redis)
	// Metrics observes requests and limiter decisions (metrics/); nil observes nothing.
	Metrics Observer
	// DocsHooks may add to the OpenAPI document served at /docs/openapi.json before it is
	// frozen: the admin API adds its operations there (apidocs.Document.AddPath, with a path-level
	// server for its own port).
	DocsHooks []func(*apidocs.Document)
}

// LoginGuard slows password guessing on mode=auth: per client IP, and failed logins per email.
type LoginGuard interface {
	// CheckIP charges one login attempt to ip and says whether it may proceed.
	CheckIP(ctx context.Context, ip string) (ratelimit.Decision, error)
	// CheckLogin charges one attempt to email and says whether it may try, without spending its
	// failed-login allowance.
	CheckLogin(ctx context.Context, email string) (ratelimit.Decision, error)
	// RecordFailedLogin charges one failed login to email.
	RecordFailedLogin(ctx context.Context, email string) error
}

// API is the user API.
type API struct {
	Deps
	modes map[string]*Mode
}

// New builds the user API's echo instance.
func New(d Deps) (*echo.Echo, *API) {
	if d.Currency == "" {
		d.Currency = "USD"
	}
	a := &API{Deps: d}
	a.modes = a.routes()
	for modeName, mode := range a.modes {
		for actionName, action := range mode.Actions {
			action.endpoint = modeName
			if actionName != "" {
				action.endpoint += "." + actionName
			}
		}
	}

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = errorHandler(d.Log)
	e.IPExtractor = httpkit.IPExtractor(d.TrustedProxies)
	e.Use(httpkit.RequestID())
	e.Use(accessLog(d.Log, d.Metrics))
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			d.Log.Error("panic", "request_id", c.Response().Header().Get(echo.HeaderXRequestID), "err", err, "stack", string(stack))
			return err
		},
	}))
	e.Use(middleware.CORSWithConfig(middleware.CORSConfig{
		AllowOrigins:  d.CORSOrigins,
		AllowMethods:  []string{http.MethodGet, http.MethodPost, http.MethodOptions},
		AllowHeaders:  []string{"Authorization", "X-API-Key", "Content-Type", echo.HeaderXRequestID},
		ExposeHeaders: []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After", "RateLimit", "RateLimit-Policy", echo.HeaderXRequestID},
		MaxAge:        600,
	}))
	for _, path := range []string{"/api", "/api/"} {
		e.Any(path, a.serve)
	}
	e.GET("/healthz", func(c echo.Context) error { return c.JSON(http.StatusOK, map[string]string{"status": "ok"}) })
	e.GET("/readyz", a.ready)
	doc := a.OpenAPI()
	for _, hook := range d.DocsHooks {
		hook(doc)
	}
	if err := apidocs.Register(e, doc); err != nil {
		panic("apidocs: " + err.Error()) // the document is built from static data: a bug, not a condition
	}
	console.Register(e) // the account console at /
	return e, a
}

// Modes exposes the dispatch table (read-only by convention) to docs and tests.
func (a *API) Modes() map[string]*Mode { return a.modes }

func (a *API) ready(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	checks := map[string]string{"database": "ok"}
	status := http.StatusOK
	if err := a.Store.Ping(ctx); err != nil {
		checks["database"], status = "unreachable", http.StatusServiceUnavailable
	}
	if a.Ready != nil {
		checks["redis"] = "ok"
		if err := a.Ready(ctx); err != nil {
			checks["redis"], status = "unreachable", http.StatusServiceUnavailable
		}
	}
	return c.JSON(status, checks)
}

// accessLog writes one line per request (never the query string: it may hold api_key or password)
// and reports /api requests to the metrics.
func accessLog(log *slog.Logger, metrics Observer) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			if err != nil {
				c.Error(err)
			}
			mode, _ := c.Get("mode").(string)
			action, _ := c.Get("action").(string)
			log.LogAttrs(c.Request().Context(), slog.LevelInfo, "request",
				slog.String("request_id", c.Response().Header().Get(echo.HeaderXRequestID)),
				slog.String("method", c.Request().Method),
				slog.String("path", c.Request().URL.Path),
				slog.String("mode", mode),
				slog.String("action", action),
				slog.Int("status", c.Response().Status),
				slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
				slog.String("ip", c.RealIP()),
			)
			observeRequest(metrics, c, start)
			return nil
		}
	}
}
