// Package admin is the admin API: a REST API on its own listener (SHAREPANEL_ADMIN_ADDR, default
// :2087) for platform administrators, after the OpenPanel admin API. Administrators exchange a
// username and password for a JWT (POST /api/), then manage accounts, plans, and what users see.
// It answers only while an operator has switched it on (sharepanel config update api on).
//
// Successes are {"response": …, "success": true}; errors {"success": false, "error": "…"}. See
// docs/ADMIN_API.md.
package admin

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"go.opentelemetry.io/otel/trace"

	"sharepanel/apidocs"
	"sharepanel/handlers/httpkit"
	"sharepanel/models"
	"sharepanel/ratelimit"
	"sharepanel/wire"
)

// Deps is what the admin API needs; main wires it.
type Deps struct {
	Store     *models.Store
	Log       *slog.Logger
	JWTSecret string        // empty: generated once and kept in the database
	TokenTTL  time.Duration // default 1h
	// Login limits token requests per client IP and failed logins per username: the user API's
	// login limits (shared with mode=auth, and by every replica over Redis); nil: in-process limits.
	Login *ratelimit.Auth
	// CORSOrigins are the browser origins allowed to call the admin API
	// (SHAREPANEL_ADMIN_CORS_ORIGINS); none: no CORS at all.
	CORSOrigins    []string
	TrustedProxies []netip.Prefix
	Redis          func(ctx context.Context) error // Redis health check; nil when there is no Redis
	Tracer         trace.Tracer                    // traces each request when not nil
	PublicURL      string                          // the user API as people reach it (SHAREPANEL_PUBLIC_URL); default http://localhost:8080
	// Bodies bounds the request bodies held in memory at once (shared with the user API); nil: a
	// budget of this API's own.
	Bodies *httpkit.BodyBudget
	// Addr is the admin listener's address (SHAREPANEL_ADMIN_ADDR), for its docs' cURL lines;
	// default ":2087".
	Addr string
	// RequestTimeout is every request's deadline (SHAREPANEL_REQUEST_TIMEOUT); 0: none.
	RequestTimeout time.Duration
	// Metrics counts requests and login decisions; nil: no metrics.
	Metrics httpkit.Observer
}

// server is the admin API's state shared by its handlers.
type server struct {
	Deps
	secretMu sync.Mutex
	secret   []byte // signing key, once known
}

// minSecret is the shortest JWT secret New accepts.
const minSecret = 32

// Body limits: a restore carries a whole account; nothing else needs more than a small JSON object.
const (
	maxBody       = 1 << 20
	maxBackupBody = 64 << 20
	maxTokenBody  = 64 << 10 // read before the administrator is known
)

// New builds the admin API's echo instance.
func New(d Deps) *echo.Echo {
	if d.Log == nil {
		d.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if d.TokenTTL <= 0 {
		d.TokenTTL = time.Hour
	}
	if d.Login == nil {
		d.Login = ratelimit.NewInProcessAuth()
	}
	if d.PublicURL == "" {
		d.PublicURL = "http://localhost:8080"
	}
	if d.JWTSecret != "" && len(d.JWTSecret) < minSecret {
		// config refuses such a secret (SHAREPANEL_JWT_SECRET); reaching here is a wiring bug.
		panic("admin: a JWT secret shorter than 32 bytes can be guessed offline and tokens forged")
	}
	if d.Bodies == nil {
		d.Bodies = httpkit.NewBodyBudget(httpkit.DefaultBodyBudget, 0)
	}
	s := &server{Deps: d}

	routes := metricsRoutes{}
	e := httpkit.New(httpkit.Edge{
		Log:            d.Log,
		TrustedProxies: d.TrustedProxies,
		CORS: middleware.CORSConfig{
			AllowOrigins:  d.CORSOrigins,
			AllowMethods:  []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions},
			AllowHeaders:  []string{"Authorization", "Content-Type", echo.HeaderXRequestID},
			ExposeHeaders: []string{"X-Total-Count", "Retry-After", echo.HeaderXRequestID},
			MaxAge:        600,
		},
		Observer:       d.Metrics,
		API:            "admin",
		Route:          routes.name,
		LogMessage:     "admin request",
		LogAttrs:       func(c echo.Context) []slog.Attr { return []slog.Attr{slog.String("admin", adminName(c))} },
		RenderError:    renderError,
		EchoMessages:   echoMessages,
		Tracer:         d.Tracer,
		RequestTimeout: d.RequestTimeout,
	})
	e.Pre(middleware.RemoveTrailingSlash())
	e.Use(limitBody, d.Bodies.Attach, s.requireSwitch, s.audit)
	s.register(e)
	routes.fill(e.Routes())
	// The admin API's document and its viewer, behind the switch like everything here.
	spec, err := apidocs.Static(document())
	if err == nil {
		addr := d.Addr
		if addr == "" {
			addr = ":2087"
		}
		err = apidocs.Register(e, spec, apidocs.Origins{Server: "/", Examples: apidocs.LocalOrigin(addr)})
	}
	if err != nil {
		panic("admin: " + err.Error()) // the document is built from static data: a bug, not a condition
	}
	return e
}

// limitBody caps what any request may send: maxBackupBody for a restore, maxBody otherwise.
func limitBody(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		limit := bodyLimit(r.Method, r.URL.Path)
		if r.ContentLength > limit {
			return wire.Errorf(wire.ETOOLARGE, "Request body too large: at most %d bytes", limit)
		}
		r.Body = http.MaxBytesReader(c.Response(), r.Body, limit)
		return next(c)
	}
}

// msgAPIOff is every request's answer while the admin API is switched off.
const msgAPIOff = "API access is disabled. Enable it with: sharepanel config update api on"

// requireSwitch refuses every request while the API switch is off. The switch is read through the
// store's settings cache, so a change on another replica applies within a second.
func (s *server) requireSwitch(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		on, err := s.Store.APIEnabled(c.Request().Context())
		if err != nil {
			return err
		}
		if !on {
			return wire.Errorf(wire.EFORBIDDEN, msgAPIOff)
		}
		return next(c)
	}
}
