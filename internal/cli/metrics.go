package cli

import (
	"log/slog"
	"net/http"

	"sharepanel/config"
	"sharepanel/handlers"
	"sharepanel/metrics"
	"sharepanel/models"
)

// newMetrics builds the metrics when SHAREPANEL_METRICS_ADDR is set: the observer both APIs
// report to and the server of /metrics and /debug/pprof/. Both are nil when metrics are off, so
// the request path does nothing extra.
func newMetrics(cfg config.Config, store *models.Store, usage *models.UsageRecorder, limits *limiters, log *slog.Logger) (handlers.Observer, *http.Server) {
	if cfg.MetricsAddr == "" {
		return nil, nil
	}
	m := metrics.New()
	b := readBuild()
	m.WatchBuild(b.Version, b.Revision, b.GoVersion)
	m.WatchKeyCache(func() int64 { h, _ := store.Keys.Stats(); return h }, func() int64 { _, m := store.Keys.Stats(); return m })
	m.WatchUsageLag(usage.Lag)
	if sqlDB, err := store.DB().DB(); err == nil {
		m.WatchDB(sqlDB)
	} else {
		log.Warn("metrics: no database pool statistics", "err", err)
	}
	m.WatchUsageBuffer(usage.Pending)
	m.WatchUsageLoss(func() int64 { return usage.Stats().Dropped }, func() int64 { return usage.Stats().Spooled })
	if limits.Failover != nil {
		m.WatchLimiterFailover("requests", limits.Failover.Degraded, limits.Failover.Switches)
		m.WatchLimiterFailover("logins", limits.LoginFailover.Degraded, limits.LoginFailover.Switches)
	}
	return m, newServer(cfg.MetricsAddr, m.Handler(), cfg)
}
