package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"sharepanel/apidocs"
	"sharepanel/config"
	"sharepanel/handlers"
	"sharepanel/handlers/admin"
	"sharepanel/models"
)

// serve runs the listeners until SIGINT/SIGTERM, then shuts down within SHAREPANEL_SHUTDOWN_TIMEOUT
// whatever the dependencies do (stop): stop accepting, finish requests in flight, write buffered
// usage or spool it for the next start, close the database.
func serve(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	closeStore := sync.OnceFunc(func() { _ = store.Close() })
	defer closeStore()

	limits, err := newLimiters(cfg, log, handlers.UsageToday(store))
	if err != nil {
		return err
	}
	defer limits.Close()

	usage := store.NewUsageRecorder(log, cfg.UsageFlushPeriod, 1000)
	usage.SpoolDir = cfg.SpoolDir
	if files, n, err := usage.LoadSpool(); err != nil {
		log.Error("usage: reading the spool directory failed", "dir", cfg.SpoolDir, "err", err)
	} else if files > 0 {
		log.Info("usage: spooled records found; replaying them", "files", files, "records", n, "dir", cfg.SpoolDir)
	}
	usageCtx, stopUsage := context.WithCancel(context.Background())
	go usage.Run(usageCtx)

	observer, metricsServer := newMetrics(cfg, store, usage, limits, log)
	deps := handlers.Deps{
		Store: store, Limiter: limits.Requests, Login: limits.Login, Usage: usage, Log: log,
		CORSOrigins: cfg.CORSOrigins, TrustedProxies: cfg.TrustedProxies, Redis: limits.Redis,
		RequestTimeout: cfg.RequestTimeout, Metrics: observer,
		DocsHooks: []func(*apidocs.Document){admin.DocsHook(cfg.AdminAddr)},
	}
	if limits.Failover != nil {
		deps.LimiterDegraded = limits.Failover.Degraded
		deps.RedisRequired = limits.Failover.Mode() == "closed"
	}
	userAPI, _ := handlers.New(deps)
	servers := []*http.Server{newServer(cfg.Addr, userAPI)}
	adminAPI := admin.New(admin.Deps{Store: store, Log: log, JWTSecret: cfg.JWTSecret, TokenTTL: cfg.AdminTokenTTL,
		CORSOrigins: cfg.CORSOrigins, TrustedProxies: cfg.TrustedProxies, Redis: limits.Redis, Login: limits.Login,
		RequestTimeout: cfg.RequestTimeout})
	servers = append(servers, newServer(cfg.AdminAddr, adminAPI))
	if metricsServer != nil {
		servers = append(servers, metricsServer)
	}

	errc := make(chan error, len(servers))
	for _, srv := range servers {
		log.Info("listening", "addr", srv.Addr)
		go func() {
			if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("listen on %s: %w", srv.Addr, err)
			}
		}()
	}
	select {
	case <-ctx.Done():
		log.Info("shutting down", "within", cfg.ShutdownTimeout.String())
	case err = <-errc:
	}
	stop(cfg.ShutdownTimeout, servers, usage, stopUsage, closeStore, log)
	return err
}

// stop shuts down within timeout: the listeners drain until a reserve before the deadline (the
// requests in flight end by their own deadline, SHAREPANEL_REQUEST_TIMEOUT, before that when the
// timeout is longer), then the connections left are closed, so no answer can leave after its usage
// is written; the usage recorder then writes what waits and spools what it cannot write by the
// deadline; the database pool is closed without waiting for it.
func stop(timeout time.Duration, servers []*http.Server, usage *models.UsageRecorder, stopUsage func(), closeStore func(), log *slog.Logger) {
	start := time.Now()
	deadline := start.Add(timeout)
	reserve := min(timeout/4, 2*time.Second) // for the usage's last write or spool
	drain, cancel := context.WithDeadline(context.Background(), deadline.Add(-reserve))
	defer cancel()
	var wg sync.WaitGroup
	for _, srv := range servers {
		wg.Go(func() {
			if err := srv.Shutdown(drain); err != nil {
				log.Warn("shutdown: requests still in flight at the deadline; closing their connections", "addr", srv.Addr, "err", err)
				_ = srv.Close()
			}
		})
	}
	wg.Wait()

	stopUsage()
	final, cancelFinal := context.WithDeadline(context.Background(), deadline)
	defer cancelFinal()
	if err := usage.Close(final); err != nil {
		log.Error("usage: records lost at stop", "err", err)
	}
	closed := make(chan struct{})
	go func() { closeStore(); close(closed) }()
	select {
	case <-closed:
	case <-final.Done():
		log.Warn("shutdown: the database pool did not close in time; exiting without it")
	}
	log.Info("stopped", "took", time.Since(start).Round(time.Millisecond).String())
}

// newServer is a listener with the timeouts every listener of the service has.
func newServer(addr string, h http.Handler) *http.Server {
	return &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
}
