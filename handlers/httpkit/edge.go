package httpkit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"reflect"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"sharepanel/wire"
)

// Edge is what an API puts in front of its routes; New assembles it the same way for both: the
// client-IP rule, the request ID, one access-log line per request, panic recovery, CORS, and an
// error handler that turns any error into the API's own error shape.
type Edge struct {
	Log            *slog.Logger
	TrustedProxies []netip.Prefix
	CORS           middleware.CORSConfig // no AllowOrigins: no CORS
	// LogMessage is the access log line's message ("request", "admin request"); LogAttrs adds the
	// API's own attributes to it, once the handler has run. The line never holds the query string,
	// the body or the Authorization header: they may carry a key, a password or a token.
	LogMessage string
	LogAttrs   func(c echo.Context) []slog.Attr
	// Observer is told of every request Route names, once its status is final (metrics), as a
	// request of API ("user", "admin"); nil observes nothing.
	Observer Observer
	API      string
	Route    func(c echo.Context) (route string, counted bool)
	// RenderError writes an error answer in the API's own shape. HEAD requests get the status alone.
	RenderError func(c echo.Context, f Failure) error
	// EchoMessages replace echo's terse texts for errors echo makes itself (no route, wrong method).
	EchoMessages map[int]string
	// Allow is the Allow header of a 405 whose handler set none.
	Allow string
	// Tracer, when not nil, gives every request a server span, the child of the caller's W3C
	// traceparent (and baggage), with the route, the status and LogAttrs as attributes; the access
	// log line then carries its trace ID.
	Tracer trace.Tracer
	// RequestTimeout is every request's deadline (SHAREPANEL_REQUEST_TIMEOUT): it reaches the
	// database and Redis through the request's context, and a dependency that has not answered by
	// then makes the request a 503. Zero: no deadline (tests that are not about it).
	RequestTimeout time.Duration
}

// propagator reads an incoming W3C traceparent and baggage.
var propagator = propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})

// RetryAfterUnavailable is the Retry-After of a 503 whose handler set none: a dependency failed,
// and a client that tries again this much later likely finds it back.
const RetryAfterUnavailable = "5"

// New returns an echo instance with the edge in place; the caller adds its routes.
func New(edge Edge) *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.IPExtractor = IPExtractor(edge.TrustedProxies)
	unavailable := &sampledLog{log: edge.Log, every: unavailableLogInterval}
	e.HTTPErrorHandler = func(err error, c echo.Context) { edge.handleError(err, c, unavailable) }
	if edge.Tracer != nil {
		e.Use(edge.trace)
	}
	e.Use(RequestID(), edge.deadline, edge.accessLog)
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			edge.Log.Error("panic", "request_id", RequestIDOf(c), "err", err, "stack", string(stack))
			return err
		},
	}))
	if len(edge.CORS.AllowOrigins) > 0 { // none: no CORS headers at all (echo would allow "*")
		e.Use(middleware.CORSWithConfig(edge.CORS))
	}
	return e
}

// RequestIDOf is the request's ID, as RequestID set it on the response.
func RequestIDOf(c echo.Context) string { return c.Response().Header().Get(echo.HeaderXRequestID) }

// deadline gives the request its RequestTimeout.
func (edge Edge) deadline(next echo.HandlerFunc) echo.HandlerFunc {
	if edge.RequestTimeout <= 0 {
		return next
	}
	return func(c echo.Context) error {
		ctx, cancel := context.WithTimeout(c.Request().Context(), edge.RequestTimeout)
		defer cancel()
		c.SetRequest(c.Request().WithContext(ctx))
		return next(c)
	}
}

// accessLog writes one line per request after the error handler has made its status final.
func (edge Edge) accessLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		if err := next(c); err != nil {
			c.Error(err)
		}
		attrs := []slog.Attr{
			slog.String("request_id", RequestIDOf(c)),
			slog.String("method", c.Request().Method),
			slog.String("path", loggedPath(c.Request().URL.Path)),
		}
		if edge.LogAttrs != nil {
			attrs = append(attrs, edge.LogAttrs(c)...)
		}
		if sc := trace.SpanContextFromContext(c.Request().Context()); sc.IsValid() {
			attrs = append(attrs, slog.String("trace_id", sc.TraceID().String()))
		}
		attrs = append(attrs,
			slog.Int("status", c.Response().Status),
			slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
			slog.String("ip", c.RealIP()),
		)
		edge.Log.LogAttrs(c.Request().Context(), slog.LevelInfo, edge.LogMessage, attrs...)
		edge.observe(c, start)
		return nil
	}
}

// loggedPath is a request's path as the access log shows it: from where a segment holds what
// could be an API key (sp_…) or an autologin token (spal_…) — a client that put its key where the
// path form wants a mode or an action, or appended "&api_key=…" to a URL without a query — the
// segment is cut to that prefix, so that a mis-built URL does not write a secret into the logs.
func loggedPath(path string) string {
	if !strings.Contains(path, "sp_") && !strings.Contains(path, "spal_") {
		return path
	}
	segments := strings.Split(path, "/")
	for i, s := range segments {
		for _, prefix := range []string{"spal_", "sp_"} {
			if at := strings.Index(s, prefix); at >= 0 && len(s) > at+len(prefix) {
				segments[i] = s[:at] + prefix + "…"
				break
			}
		}
	}
	return strings.Join(segments, "/")
}

// trace runs the request in a server span. Its attributes are the route, the method, the final
// status and the API's own (LogAttrs: the mode and action), never parameters or credentials.
func (edge Edge) trace(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		ctx := propagator.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
		route := c.Path()
		ctx, span := edge.Tracer.Start(ctx, r.Method+" "+route, trace.WithSpanKind(trace.SpanKindServer),
			trace.WithAttributes(attribute.String("http.request.method", r.Method), attribute.String("http.route", route)))
		defer span.End()
		c.SetRequest(r.WithContext(ctx))
		err := next(c) // the access log inside has made the status final
		status := c.Response().Status
		span.SetAttributes(attribute.Int("http.response.status_code", status))
		if edge.LogAttrs != nil {
			for _, a := range edge.LogAttrs(c) {
				span.SetAttributes(attribute.String("sharepanel."+a.Key, a.Value.String()))
			}
		}
		if status >= 500 {
			span.SetStatus(codes.Error, http.StatusText(status))
		}
		return err
	}
}

// Failure is an error as an answer: its status, its code and a message that is safe to show.
type Failure struct {
	Status  int
	Code    string
	Message string
}

// FailureOf returns the answer to err: a wire.Error's code and message; echo's own errors (no
// route, wrong method) with their status and, where messages has one, a friendlier text; an
// http.MaxBytesReader's refusal as a 413; anything else a 500 with a generic message.
func FailureOf(err error, messages map[int]string) Failure {
	var he *echo.HTTPError
	if errors.As(err, &he) {
		code, ok := CodeFor(he.Code)
		if !ok {
			code = wire.EINVALID
		}
		msg, found := messages[he.Code]
		if !found {
			msg, _ = he.Message.(string)
		}
		if msg == "" {
			msg = http.StatusText(he.Code)
		}
		return Failure{Status: he.Code, Code: code, Message: msg}
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return Failure{Status: http.StatusRequestEntityTooLarge, Code: wire.ETOOLARGE,
			Message: fmt.Sprintf("Request body too large: at most %d bytes", tooLarge.Limit)}
	}
	code := wire.ErrorCode(err)
	return Failure{Status: Status(code), Code: code, Message: wire.ErrorMessage(err)}
}

// handleError is echo's HTTPErrorHandler: every error becomes the API's error answer with its
// status. Unexpected errors are logged, with their cause; the client sees a generic message. A
// dependency's failure (503) is logged with its cause too, but sampled (unavailable): during an
// outage every request fails alike, and one line per request would bury everything else. A 503
// tells the client when to try again (Retry-After).
func (edge Edge) handleError(err error, c echo.Context, unavailable *sampledLog) {
	if c.Response().Committed {
		return
	}
	if ClientGone(c, err) {
		edge.Log.Debug("client gone", "request_id", RequestIDOf(c))
		return
	}
	f := FailureOf(err, edge.EchoMessages)
	switch f.Code {
	case wire.EINTERNAL:
		edge.Log.Error("unexpected error", "request_id", RequestIDOf(c), "err", err)
	case wire.EUNAVAILABLE:
		unavailable.add(RequestIDOf(c), err)
	}
	if f.Status == http.StatusServiceUnavailable && c.Response().Header().Get("Retry-After") == "" {
		c.Response().Header().Set("Retry-After", RetryAfterUnavailable)
	}
	if f.Status == http.StatusMethodNotAllowed && edge.Allow != "" && c.Response().Header().Get("Allow") == "" {
		c.Response().Header().Set("Allow", edge.Allow)
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(f.Status)
		return
	}
	if werr := edge.RenderError(c, f); werr != nil {
		edge.Log.Debug("writing error response failed", "request_id", RequestIDOf(c), "err", werr)
	}
}

// NonNil returns data, with a nil slice replaced by an empty one: lists are always JSON arrays.
func NonNil(data any) any {
	if data != nil {
		if v := reflect.ValueOf(data); v.Kind() == reflect.Slice && v.IsNil() {
			return []struct{}{}
		}
	}
	return data
}

// BearerToken returns the token of an "Authorization: Bearer <token>" header, or "".
func BearerToken(r *http.Request) string {
	if h := r.Header.Get("Authorization"); len(h) > 7 && strings.EqualFold(h[:7], "Bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}
