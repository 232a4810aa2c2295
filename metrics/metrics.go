// Package metrics is the gateway's operational telemetry: Prometheus metrics of both APIs
// (requests by route and status, latency, limiter decisions by limiter, backend and outcome), of
// the database pool, the key cache, the usage recorder and the limiters' fallback, and the build,
// served with net/http/pprof on a listener of its own (SHAREPANEL_METRICS_ADDR), never on the
// API's. docs/OPERATIONS.md says what each one means.
//
// The APIs see only the small httpkit.Observer interface, which *Metrics implements.
package metrics

import (
	"database/sql"
	"net/http"
	"net/http/pprof"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

const namespace = "sharepanel"

// Metrics holds the gateway's collectors in a registry of its own (no package globals).
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	limiter  *prometheus.CounterVec
	refusals *prometheus.CounterVec
	idem     *prometheus.CounterVec
}

// New registers the request, latency and limiter metrics, and the Go runtime and process ones.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "http_requests_total",
			Help: "Requests by API (user, admin), route (from the API's route table; unmatched when none) and HTTP status.",
		}, []string{"api", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Name: "http_request_duration_seconds",
			Help:    "Time to answer a request, by API and route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"api", "route"}),
		limiter: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "ratelimit_decisions_total",
			Help: "Limiter decisions by limiter (requests, logins), the backend that made them (redis, local, open) and outcome (allowed, limited, error).",
		}, []string{"limiter", "backend", "outcome"}),
		refusals: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "api_key_refusals_total",
			Help: "Requests refused by their key's restrictions: reason ip (the client address is outside the key's allowlist) or scope (the mode, or changing it, is outside the key's scopes).",
		}, []string{"reason"}),
		idem: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "idempotency_requests_total",
			Help: "Writes sent with an Idempotency-Key, by outcome: claimed (run), replayed, in_progress (409), mismatch (422), released (answer not kept: 503 or client gone).",
		}, []string{"outcome"}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.limiter, m.refusals, m.idem,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// ObserveRequest counts one request and its latency. route comes from the API's route table (or
// is "unmatched"), so the label sets stay bounded.
func (m *Metrics) ObserveRequest(api, route string, status int, elapsed time.Duration) {
	m.requests.WithLabelValues(api, route, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(api, route).Observe(elapsed.Seconds())
}

// ObserveLimit counts one limiter decision.
func (m *Metrics) ObserveLimit(limiter, backend, outcome string) {
	m.limiter.WithLabelValues(limiter, backend, outcome).Inc()
}

// WatchBuild exports the build as sharepanel_build_info, always 1, its labels the build's.
func (m *Metrics) WatchBuild(version, revision, goVersion string) {
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Namespace: namespace, Name: "build_info",
		Help:        "The running build: its module version, VCS revision and Go version; always 1.",
		ConstLabels: prometheus.Labels{"version": version, "revision": revision, "goversion": goVersion},
	})
	g.Set(1)
	m.reg.MustRegister(g)
}

// WatchKeyCache exports the API-key cache's hits and misses (a miss costs a database lookup),
// read at scrape time.
func (m *Metrics) WatchKeyCache(hits, misses func() int64) {
	m.reg.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Namespace: namespace, Name: "key_cache_hits_total",
			Help: "API keys resolved from the in-process cache (found or known not to exist).",
		}, func() float64 { return float64(hits()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Namespace: namespace, Name: "key_cache_misses_total",
			Help: "API keys the cache could not answer: each cost a database lookup (or was refused before one).",
		}, func() float64 { return float64(misses()) }),
	)
}

// WatchUsageLag exports how long the oldest usage record not yet written has waited, read at
// scrape time.
func (m *Metrics) WatchUsageLag(lag func() time.Duration) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Namespace: namespace, Name: "usage_flush_lag_seconds",
		Help: "Age of the oldest usage record not yet in the database (0 when none waits): how far the usage reports are behind.",
	}, func() float64 { return lag().Seconds() }))
}

// ObserveKeyRefusal counts a request refused by its key's allowlist or scopes.
func (m *Metrics) ObserveKeyRefusal(reason string) {
	m.refusals.WithLabelValues(reason).Inc()
}

// ObserveIdempotency counts what became of a write sent with an Idempotency-Key.
func (m *Metrics) ObserveIdempotency(outcome string) {
	m.idem.WithLabelValues(outcome).Inc()
}

// WatchDB exports the database pool's statistics (open, in use, idle, waits, …), read at scrape time.
func (m *Metrics) WatchDB(db *sql.DB) {
	m.reg.MustRegister(collectors.NewDBStatsCollector(db, namespace))
}

// WatchUsageBuffer exports how many usage records wait to be written, read at scrape time.
func (m *Metrics) WatchUsageBuffer(pending func() int) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Namespace: namespace, Name: "usage_buffer_pending",
		Help: "Usage records buffered in memory, waiting for the next flush.",
	}, func() float64 { return float64(pending()) }))
}

// WatchUsageLoss exports the usage records never written (too many waiting while the database was
// down, or a stop that could not spool them) and those a stop spooled for the next start, read at
// scrape time.
func (m *Metrics) WatchUsageLoss(dropped, spooled func() int64) {
	m.reg.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Namespace: namespace, Name: "usage_records_dropped_total",
			Help: "Usage records never written: too many waiting while the database was unreachable, or lost at a stop.",
		}, func() float64 { return float64(dropped()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Namespace: namespace, Name: "usage_records_spooled_total",
			Help: "Usage records a stop could not write and spooled to SHAREPANEL_SPOOL_DIR for the next start.",
		}, func() float64 { return float64(spooled()) }),
	)
}

// WatchLimiterFailover exports whether a limiter is on its fallback (Redis unreachable: readiness
// "degraded") and how often it switched to it, read at scrape time.
func (m *Metrics) WatchLimiterFailover(limiter string, degraded func() bool, switches func() int64) {
	labels := prometheus.Labels{"limiter": limiter}
	m.reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Namespace: namespace, Name: "ratelimit_degraded", ConstLabels: labels,
			Help: "1 while the limiter bypasses Redis for its fallback (SHAREPANEL_RATELIMIT_ON_REDIS_ERROR), else 0.",
		}, func() float64 {
			if degraded() {
				return 1
			}
			return 0
		}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Namespace: namespace, Name: "ratelimit_fallback_switches_total", ConstLabels: labels,
			Help: "Switches of the limiter from Redis to its fallback.",
		}, func() float64 { return float64(switches()) }),
	)
}

// Handler serves /metrics and /debug/pprof/ for the metrics listener. pprof is mounted on this
// mux explicitly, so it is reachable only here and never on the API's port.
func (m *Metrics) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg}))
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("SharePanel gateway: /metrics, /debug/pprof/\n"))
	})
	return mux
}
