// Package tracing joins the operator's OpenTelemetry traces: it sets up a tracer provider from the
// standard OTEL_* environment (the OTLP/HTTP exporter reads its own variables: endpoint, headers,
// protocol, timeout; the SDK reads the sampler and the resource), and instruments the database
// (a gorm plugin of ours, gorm.go) and Redis (go-redis's plugin). It is off, at no cost on the request path, unless
// OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set.
//
// Nothing here is global: the provider is handed to the HTTP edge, the handlers, the store and the
// Redis client by internal/cli.
package tracing

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/extra/redisotel/v9"
	"github.com/redis/go-redis/v9"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"gorm.io/gorm"
)

// Tracing is the service's tracer provider. The HTTP edge reads incoming W3C traceparent
// headers (handlers/httpkit).
type Tracing struct {
	Provider trace.TracerProvider
	shutdown func(context.Context) error
}

// Enabled tells whether spans go anywhere.
func (t *Tracing) Enabled() bool { return t != nil && t.shutdown != nil }

// FromEnv sets tracing up as the OTEL_* environment says; getenv is os.Getenv in production. Off
// (nil, nil) without an OTLP endpoint.
func FromEnv(ctx context.Context, getenv func(string) string, version string) (*Tracing, error) {
	if getenv("OTEL_EXPORTER_OTLP_ENDPOINT") == "" && getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") == "" {
		return nil, nil
	}
	exp, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("tracing: the OTLP exporter: %w", err)
	}
	res, err := resource.New(ctx,
		resource.WithAttributes(attribute.String("service.name", "sharepanel"), attribute.String("service.version", version)),
		resource.WithFromEnv(), // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win
		resource.WithHost(), resource.WithProcessPID())
	if err != nil {
		return nil, fmt.Errorf("tracing: the resource: %w", err)
	}
	// The SDK takes OTEL_TRACES_SAMPLER and its argument from the environment.
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	return New(tp, tp.Shutdown), nil
}

// New is tracing over a provider made elsewhere (the tests' in-memory recorder); shutdown flushes
// it (nil: nothing to flush).
func New(tp trace.TracerProvider, shutdown func(context.Context) error) *Tracing {
	if shutdown == nil {
		shutdown = func(context.Context) error { return nil }
	}
	return &Tracing{Provider: tp, shutdown: shutdown}
}

// Shutdown sends the spans still buffered, within ctx's deadline.
func (t *Tracing) Shutdown(ctx context.Context) error {
	if !t.Enabled() {
		return nil
	}
	return t.shutdown(ctx)
}

// Tracer is the service's tracer, or nil when tracing is off (callers then start no span).
func (t *Tracing) Tracer() trace.Tracer {
	if !t.Enabled() {
		return nil
	}
	return t.Provider.Tracer("sharepanel")
}

// InstrumentDB gives every query a span, a child of the request's (gormPlugin). system is the
// database's name for the spans: mysql or sqlite.
func (t *Tracing) InstrumentDB(db *gorm.DB, system string) error {
	if !t.Enabled() {
		return nil
	}
	return db.Use(gormPlugin{tracer: t.Provider.Tracer("sharepanel/db"), system: system})
}

// InstrumentRedis gives every Redis command a span, without its arguments.
func (t *Tracing) InstrumentRedis(c redis.UniversalClient) error {
	if !t.Enabled() {
		return nil
	}
	return redisotel.InstrumentTracing(c, redisotel.WithTracerProvider(t.Provider), redisotel.WithDBStatement(false))
}
