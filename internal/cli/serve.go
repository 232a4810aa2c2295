package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"sharepanel/apidocs"
	"sharepanel/config"
	"sharepanel/handlers"
	"sharepanel/handlers/admin"
)

// serve runs the listeners until SIGINT/SIGTERM, then shuts down gracefully: stop accepting,
// finish requests in flight, flush buffered usage, close the database.
func serve(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer store.Close()

	limits, err := newLimiters(cfg, log)
	if err != nil {
		return err
	}
	defer limits.Close()

	usageCtx, stopUsage := context.WithCancel(context.Background())
	usage := store.NewUsageRecorder(log, cfg.UsageFlushPeriod, 1000)
	usageDone := make(chan struct{})
	go func() { usage.Run(usageCtx); close(usageDone) }()

	observer, metricsServer := newMetrics(cfg, store, usage, log)
	userAPI, _ := handlers.New(handlers.Deps{
		Store: store, Limiter: limits.Requests, Login: limits.Login, Usage: usage, Log: log,
		CORSOrigins: cfg.CORSOrigins, TrustedProxies: cfg.TrustedProxies, Redis: limits.Redis,
		Metrics: observer, DocsHooks: []func(*apidocs.Document){admin.DocsHook(cfg.AdminAddr)},
	})
	servers := []*http.Server{newServer(cfg.Addr, userAPI)}
	adminAPI := admin.New(admin.Deps{Store: store, Log: log, JWTSecret: cfg.JWTSecret, TokenTTL: cfg.AdminTokenTTL,
		CORSOrigins: cfg.CORSOrigins, TrustedProxies: cfg.TrustedProxies, Redis: limits.Redis, Login: limits.Login,
		PublicURL: cfg.PublicURL})
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
		log.Info("shutting down")
	case err = <-errc:
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	for _, srv := range servers {
		if serr := srv.Shutdown(shutdownCtx); serr != nil {
			log.Error("shutdown", "addr", srv.Addr, "err", serr)
		}
	}
	stopUsage()
	<-usageDone
	log.Info("stopped")
	return err
}

// newServer is a listener with the timeouts every listener of the service has.
func newServer(addr string, h http.Handler) *http.Server {
	return &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
}
