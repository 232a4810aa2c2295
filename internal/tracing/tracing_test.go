package tracing_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"sharepanel/handlers"
	"sharepanel/internal/testenv"
	"sharepanel/internal/tracing"
)

// One /api request with a W3C traceparent makes this span tree, in the caller's trace: the
// request's server span (the caller's span its parent; mode and action as attributes), and below it
// the limiter call and the database queries. No span holds the API key.
func TestRequestSpanTree(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tr := tracing.New(sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec)), nil)
	env := testenv.New(t, testenv.Options{Deps: func(d *handlers.Deps) { d.Tracer = tr.Tracer() }})
	acct := env.NewAccount("pro") // before the plugin: only the request's queries are traced
	if err := tr.InstrumentDB(env.Store.DB(), env.Store.Dialect()); err != nil {
		t.Fatal(err)
	}

	const traceID, parentID = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
	h := http.Header{"Traceparent": {"00-" + traceID + "-" + parentID + "-01"}, "X-Api-Key": {acct.Key}}
	env.Do(http.MethodGet, "/api?mode=profile&action=view", nil, h).Expect(t, http.StatusOK, "Profile retrieved successfully")

	spans := rec.Ended()
	var server sdktrace.ReadOnlySpan
	for _, s := range spans {
		if s.SpanKind() == trace.SpanKindServer {
			server = s
		}
	}
	if server == nil {
		t.Fatalf("no server span among %d", len(spans))
	}
	if server.SpanContext().TraceID().String() != traceID || server.Parent().SpanID().String() != parentID || !server.Parent().IsRemote() {
		t.Fatalf("server span %s in trace %s, parent %s; want the caller's", server.Name(), server.SpanContext().TraceID(), server.Parent().SpanID())
	}
	attrs := map[string]string{}
	for _, a := range server.Attributes() {
		attrs[string(a.Key)] = a.Value.String()
	}
	if server.Name() != "GET /api" || attrs["sharepanel.mode"] != "profile" || attrs["sharepanel.action"] != "view" ||
		attrs["http.response.status_code"] != "200" || attrs["http.route"] != "/api" {
		t.Fatalf("server span %q attributes %v", server.Name(), attrs)
	}
	var limiter, queries int
	for _, s := range spans {
		if s == server {
			continue
		}
		if s.SpanContext().TraceID().String() != traceID || s.Parent().SpanID() != server.SpanContext().SpanID() {
			t.Errorf("span %s is not a child of the request's", s.Name())
		}
		switch {
		case s.Name() == "ratelimit.allow":
			limiter++
		case s.SpanKind() == trace.SpanKindClient && strings.HasPrefix(s.Name(), "SELECT"):
			queries++
		}
		for _, a := range s.Attributes() {
			if strings.Contains(a.Value.String(), acct.Key) || strings.Contains(a.Value.String(), acct.Key[3:]) {
				t.Errorf("span %s attribute %s holds the API key", s.Name(), a.Key)
			}
		}
	}
	if limiter != 1 || queries < 2 {
		t.Fatalf("%d limiter spans and %d queries under the request, want 1 and at least 2 (the key, the profile): %v", limiter, queries, names(spans))
	}
}

// Without an OTLP endpoint tracing is off: no provider, no tracer, nothing instrumented.
func TestOffWithoutAnEndpoint(t *testing.T) {
	tr, err := tracing.FromEnv(context.Background(), func(string) string { return "" }, "test")
	if err != nil || tr.Enabled() || tr.Tracer() != nil || tr.InstrumentDB(nil, "sqlite") != nil || tr.Shutdown(context.Background()) != nil {
		t.Fatalf("tracing %+v, %v", tr, err)
	}
}

func names(spans []sdktrace.ReadOnlySpan) []string {
	var out []string
	for _, s := range spans {
		out = append(out, s.Name())
	}
	return out
}

// With OTEL_EXPORTER_OTLP_ENDPOINT set, spans are sent there over OTLP/HTTP (at the latest when
// tracing shuts down).
func TestExportsToTheOTLPEndpoint(t *testing.T) {
	got := make(chan string, 10)
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Method + " " + r.URL.Path + " " + r.Header.Get("Content-Type")
		w.WriteHeader(http.StatusOK)
	}))
	defer collector.Close()
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", collector.URL)
	tr, err := tracing.FromEnv(context.Background(), os.Getenv, "test")
	if err != nil || !tr.Enabled() {
		t.Fatalf("tracing %+v, %v", tr, err)
	}
	_, span := tr.Tracer().Start(context.Background(), "a span")
	span.End()
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	select {
	case req := <-got:
		if req != "POST /v1/traces application/x-protobuf" {
			t.Fatalf("the collector got %q", req)
		}
	default:
		t.Fatal("nothing reached the collector")
	}
}
