// Package handlers is the HTTP face of the user API: one /api endpoint whose mode and action pick
// a handler from the dispatch table (routes.go), a pipeline that checks the caller, its limits and
// its parameters in one place (pipeline.go), and thin handlers that call models and render.
package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"go.opentelemetry.io/otel/trace"

	"sharepanel/apidocs"
	"sharepanel/console"
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
	// LimiterDegraded reports whether the request limiter has switched to its fallback
	// (ratelimit.Failover.Degraded); nil without Redis.
	LimiterDegraded func() bool
	// RedisRequired is SHAREPANEL_RATELIMIT_ON_REDIS_ERROR=closed: without Redis no request is
	// served, so /readyz is 503 while it is away. Otherwise the fallback serves: degraded, ready.
	RedisRequired bool
	// RequestTimeout is every request's deadline (SHAREPANEL_REQUEST_TIMEOUT); 0: none.
	RequestTimeout time.Duration
	// Metrics observes requests and limiter decisions (metrics/); nil observes nothing.
	Metrics Observer
	// Tracer, when not nil, traces each request (a server span, the child of an incoming
	// traceparent) and its limiter call; queries get spans from the store's plugin.
	Tracer trace.Tracer
	// Bodies bounds the request bodies held in memory at once (shared with the admin API); nil: a
	// budget of httpkit.DefaultBodyBudget of this API's own.
	Bodies *httpkit.BodyBudget
	// KeyLookups throttles failed key lookups per client address; nil: the default limits.
	KeyLookups *ratelimit.KeyLookups
	// Idempotency keeps the answers of writes sent with an Idempotency-Key, for every replica:
	// idempotency.Redis with Redis; nil: the database (models.IdempotencyRecords).
	Idempotency IdempotencyStore
	// PublicURL is the gateway's public origin (SHAREPANEL_PUBLIC_URL): the docs' server and the
	// origin of their cURL lines. Empty: the relative server "/", and cURL lines to Addr.
	PublicURL string
	// Addr is the listener's address (SHAREPANEL_ADDR), for the docs' cURL lines when PublicURL
	// is empty; default ":8080".
	Addr string
	// DocsHooks may add to the OpenAPI document served at /docs/openapi.json before it is
	// frozen: the admin API adds its operations there (apidocs.Document.AddPath, with a path-level
	// server for its own port).
	DocsHooks []func(*apidocs.Document)
}

// API is the user API: its handlers are the methods that Routes names.
type API struct {
	Deps
	scopeModes []string // the modes a key's scopes may name (scopeModesOf)
}

// New builds the user API's echo instance.
func New(d Deps) (*echo.Echo, *API) {
	if d.Login == nil {
		d.Login = ratelimit.NewInProcessAuth()
	}
	if d.Bodies == nil {
		d.Bodies = httpkit.NewBodyBudget(httpkit.DefaultBodyBudget, 0)
	}
	if d.KeyLookups == nil {
		d.KeyLookups = ratelimit.NewKeyLookups(ratelimit.Limits{})
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Idempotency == nil {
		d.Idempotency = d.Store.NewIdempotencyRecords(models.IdempotencyOptions{TTL: IdempotencyTTL, Lease: IdempotencyLease(d.RequestTimeout)})
	}
	a := &API{Deps: d, scopeModes: scopeModesOf(Routes)}

	e := httpkit.New(httpkit.Edge{
		Log:            d.Log,
		TrustedProxies: d.TrustedProxies,
		CORS: middleware.CORSConfig{
			AllowOrigins: d.CORSOrigins,
			AllowMethods: []string{http.MethodGet, http.MethodPost, http.MethodOptions},
			// Idempotency-Key, Link, X-Total-Count and Idempotent-Replayed: the SDKs' retries and paging (sdk/).
			// If-None-Match and ETag: conditional reads.
			AllowHeaders:  []string{"Authorization", "X-API-Key", "Content-Type", echo.HeaderXRequestID, "Idempotency-Key", "If-None-Match"},
			ExposeHeaders: []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After", "RateLimit", "RateLimit-Policy", echo.HeaderXRequestID, "Link", "X-Total-Count", "Idempotent-Replayed", "ETag"},
			MaxAge:        600,
		},
		LogMessage:     "request",
		LogAttrs:       logAttrs,
		Observer:       d.Metrics,
		API:            "user",
		Route:          metricsRoute,
		RenderError:    renderError,
		Allow:          "GET, POST, OPTIONS",
		Tracer:         d.Tracer,
		RequestTimeout: d.RequestTimeout,
	})
	// The reference's /api, and the path form of each action (/api/orgs/list): the same pipeline.
	for _, path := range []string{"/api", "/api/", "/api/:mode", "/api/:mode/:action"} {
		e.Any(path, a.serve)
	}
	e.GET("/healthz", func(c echo.Context) error { return c.JSON(http.StatusOK, map[string]string{"status": "ok"}) })
	e.GET("/readyz", a.ready)
	docs := &docsSpec{store: d.Store, hooks: d.DocsHooks}
	if err := apidocs.Register(e, docs.get, DocsOrigins(d.PublicURL, d.Addr, ":8080")); err != nil {
		panic("apidocs: " + err.Error()) // the document is built from static data: a bug, not a condition
	}
	console.Register(e) // the account console at /
	return e, a
}

// Readiness checks' own deadlines: each check has its own, so that a frozen database does not
// also make Redis look unreachable.
const (
	readyDatabaseTimeout = 2 * time.Second
	readyRedisTimeout    = time.Second
)

// ready is /readyz: "can serve requests as configured". The database is needed (503 without it).
// Redis is needed only in the limiter's closed mode; otherwise, while Redis is unreachable or the
// limiter is on its fallback, the gateway serves from the fallback: 200, status "degraded".
// Body: {"status": "ok" | "degraded" | "unavailable", "database": "ok" | "unreachable",
// "redis": "ok" | "unreachable" (with Redis), "ratelimit": "redis" | "fallback" (with Redis)}.
func (a *API) ready(c echo.Context) error {
	ctx := c.Request().Context()
	var dbErr, redisErr error
	var wg sync.WaitGroup
	wg.Go(func() {
		cctx, cancel := context.WithTimeout(ctx, readyDatabaseTimeout)
		defer cancel()
		dbErr = a.Store.Ping(cctx)
	})
	if a.Redis != nil {
		wg.Go(func() {
			cctx, cancel := context.WithTimeout(ctx, readyRedisTimeout)
			defer cancel()
			redisErr = a.Redis(cctx)
		})
	}
	wg.Wait()
	checks := map[string]string{"status": "ok", "database": "ok"}
	status := http.StatusOK
	degraded := false
	if a.Redis != nil {
		checks["redis"], checks["ratelimit"] = "ok", "redis"
		if redisErr != nil {
			checks["redis"], degraded = "unreachable", true
		}
		if a.LimiterDegraded != nil && a.LimiterDegraded() {
			checks["ratelimit"], degraded = "fallback", true
		}
	}
	if degraded {
		checks["status"] = "degraded"
		if a.RedisRequired {
			checks["status"], status = "unavailable", http.StatusServiceUnavailable
		}
	}
	if dbErr != nil {
		checks["database"], checks["status"], status = "unreachable", "unavailable", http.StatusServiceUnavailable
	}
	return c.JSON(status, checks)
}

// logAttrs are what the user API adds to the access log line: the mode and action it resolved.
func logAttrs(c echo.Context) []slog.Attr {
	mode, _ := c.Get("mode").(string)
	action, _ := c.Get("action").(string)
	return []slog.Attr{slog.String("mode", mode), slog.String("action", action)}
}

// DocsOrigins are a listener's docs origins: its public URL when there is one, else the relative
// server "/" and cURL lines to the listener's local address (addr, or def when empty).
func DocsOrigins(publicURL, addr, def string) apidocs.Origins {
	if publicURL = strings.TrimSuffix(publicURL, "/"); publicURL != "" {
		return apidocs.Origins{Server: publicURL, Examples: publicURL}
	}
	if addr == "" {
		addr = def
	}
	return apidocs.Origins{Server: "/", Examples: apidocs.LocalOrigin(addr)}
}
