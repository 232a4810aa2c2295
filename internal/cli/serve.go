package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"sharepanel/apidocs"
	"sharepanel/config"
	"sharepanel/handlers"
	"sharepanel/handlers/admin"
	"sharepanel/internal/tracing"
)

// serveCommand is sharepanel [serve] [--addr ADDR] [--admin-addr ADDR]: the flags override the
// environment's listeners, checked as the environment's are.
func serveCommand(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", cfg.Addr, "the user API's listener, host:port or :port (SHAREPANEL_ADDR)")
	adminAddr := fs.String("admin-addr", cfg.AdminAddr, "the admin API's listener (SHAREPANEL_ADMIN_ADDR)")
	rest, err := parseFlags(fs, args, serveUsage, stdout)
	if err != nil {
		return err
	}
	if err := noArgs(rest, serveUsage); err != nil {
		return err
	}
	for name, v := range map[string]string{"--addr": *addr, "--admin-addr": *adminAddr} {
		if err := config.CheckAddr(v); err != nil {
			return usageErrorf(serveUsage, "%s %s", name, err)
		}
	}
	cfg.Addr, cfg.AdminAddr = *addr, *adminAddr
	return serve(ctx, cfg, log)
}

// serve runs the listeners until SIGINT/SIGTERM, then shuts down gracefully: stop accepting,
// finish requests in flight, flush buffered usage, close the database.
func serve(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	b := readBuild()
	log.Info("sharepanel starting", "version", b.Version, "revision", b.Revision, "built", b.Time, "go", b.GoVersion)
	tr, err := tracing.FromEnv(ctx, os.Getenv, b.Version)
	if err != nil {
		return err
	}
	defer func() {
		flushCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := tr.Shutdown(flushCtx); err != nil {
			log.Warn("tracing: sending the last spans failed", "err", err)
		}
	}()
	if tr.Enabled() {
		log.Info("tracing: spans go to the OTLP endpoint of the OTEL_* environment")
	}
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := tr.InstrumentDB(store.DB(), store.Dialect()); err != nil {
		return err
	}

	limits, err := newLimiters(cfg, log, tr)
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
		Metrics: observer, DocsHooks: []func(*apidocs.Document){admin.DocsHook(cfg.AdminAddr)}, Tracer: tr.Tracer(),
	})
	servers := []*http.Server{newServer(cfg.Addr, userAPI)}
	adminAPI := admin.New(admin.Deps{Store: store, Log: log, JWTSecret: cfg.JWTSecret, TokenTTL: cfg.AdminTokenTTL,
		CORSOrigins: cfg.CORSOrigins, TrustedProxies: cfg.TrustedProxies, Redis: limits.Redis, Login: limits.Login,
		PublicURL: cfg.PublicURL, Tracer: tr.Tracer()})
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
