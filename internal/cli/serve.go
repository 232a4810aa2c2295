package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"sharepanel/apidocs"
	"sharepanel/config"
	"sharepanel/handlers"
	"sharepanel/handlers/admin"
	"sharepanel/internal/tracing"
	"sharepanel/handlers/httpkit"
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

	// Revocations: this replica publishes its invalidations and applies everyone's.
	busCtx, stopBus := context.WithCancel(context.Background())
	busDone := make(chan struct{})
	if limits.Revocations != nil {
		store.Broadcast = limits.Revocations
		go func() { limits.Revocations.Run(busCtx, store); close(busDone) }()
	} else {
		close(busDone)
	}
	defer func() { stopBus(); <-busDone }()

	usageCtx, stopUsage := context.WithCancel(context.Background())
	usage := store.NewUsageRecorder(log, cfg.UsageFlushPeriod, 1000)
	usageDone := make(chan struct{})
	go func() { usage.Run(usageCtx); close(usageDone) }()

	// One budget of request bodies in memory for the whole process, both APIs.
	bodies := httpkit.NewBodyBudget(cfg.MaxBodyMemory, 0)
	observer, metricsServer := newMetrics(cfg, store, usage, log)
	userAPI, _ := handlers.New(handlers.Deps{
		Store: store, Limiter: limits.Requests, Login: limits.Login, Usage: usage, Log: log,
		CORSOrigins: cfg.CORSOrigins, TrustedProxies: cfg.TrustedProxies, Redis: limits.Redis,
		Metrics: observer, Bodies: bodies, PublicURL: cfg.PublicURL, Addr: cfg.Addr, Tracer: tr.Tracer(),
		DocsHooks: []func(*apidocs.Document){admin.DocsHook(cfg.AdminAddr, cfg.PublicURL)},
	})
	adminAPI := admin.New(admin.Deps{Store: store, Log: log, JWTSecret: cfg.JWTSecret, TokenTTL: cfg.AdminTokenTTL,
		CORSOrigins: cfg.AdminCORSOrigins, TrustedProxies: cfg.TrustedProxies, Redis: limits.Redis, Login: limits.Login,
		Bodies: bodies, Addr: cfg.AdminAddr, PublicURL: cfg.BaseURL(), Tracer: tr.Tracer()})
	listeners := []listener{
		{newServer(cfg.Addr, userAPI, cfg), userRefusal},
		{newServer(cfg.AdminAddr, adminAPI, cfg), adminRefusal},
	}
	if metricsServer != nil {
		listeners = append(listeners, listener{metricsServer, userRefusal})
	}

	errc := make(chan error, len(listeners))
	var servers []*http.Server
	for _, l := range listeners {
		ln, err := net.Listen("tcp", l.srv.Addr)
		if err != nil {
			err = fmt.Errorf("listen on %s: %w", l.srv.Addr, err)
			shutdown(servers, cfg, log)
			stopUsage()
			<-usageDone
			return err
		}
		log.Info("listening", "addr", ln.Addr().String(), "max_conns", cfg.MaxConns)
		servers = append(servers, l.srv)
		go func() {
			if err := l.srv.Serve(httpkit.LimitConns(ln, cfg.MaxConns, l.refusal)); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("serve on %s: %w", l.srv.Addr, err)
			}
		}()
	}
	select {
	case <-ctx.Done():
		log.Info("shutting down")
	case err = <-errc:
	}
	shutdown(servers, cfg, log)
	stopUsage()
	<-usageDone
	log.Info("stopped")
	return err
}

// listener is a server and the body of its 503 to connections past SHAREPANEL_MAX_CONNS.
type listener struct {
	srv     *http.Server
	refusal func() []byte
}

const tooManyConnections = "Too many connections. Please try again later."

// userRefusal is the user API's envelope of a refused connection.
func userRefusal() []byte {
	b, _ := json.Marshal(handlers.Envelope{Status: "error", Message: tooManyConnections, Code: "unavailable",
		Timestamp: time.Now().UTC().Format(handlers.TimestampLayout)})
	return b
}

// adminRefusal is the admin API's error shape of a refused connection.
func adminRefusal() []byte {
	b, _ := json.Marshal(map[string]any{"success": false, "error": tooManyConnections})
	return b
}

// shutdown stops the servers, letting requests in flight finish within SHAREPANEL_SHUTDOWN_TIMEOUT.
func shutdown(servers []*http.Server, cfg config.Config, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	for _, srv := range servers {
		if err := srv.Shutdown(ctx); err != nil {
			log.Error("shutdown", "addr", srv.Addr, "err", err)
		}
	}
}

// newServer is a listener with the timeouts every listener of the service has: the headers within
// 10 s, the whole request, body included, within SHAREPANEL_READ_TIMEOUT (a client that stalls or
// trickles its body is cut off, with 408 when the handler was reading it), idle connections for
// 2 minutes.
func newServer(addr string, h http.Handler, cfg config.Config) *http.Server {
	return &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: min(10*time.Second, cfg.ReadTimeout), ReadTimeout: cfg.ReadTimeout,
		IdleTimeout: 2 * time.Minute}
}
