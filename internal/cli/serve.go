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
	"sync"
	"time"

	"sharepanel/apidocs"
	"sharepanel/config"
	"sharepanel/handlers"
	"sharepanel/handlers/admin"
	"sharepanel/handlers/httpkit"
	"sharepanel/internal/tracing"
	"sharepanel/models"
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

// serve runs the listeners until SIGINT/SIGTERM, then shuts down within SHAREPANEL_SHUTDOWN_TIMEOUT
// whatever the dependencies do (stop): stop accepting, finish requests in flight, write buffered
// usage or spool it for the next start, close the database.
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
	closeStore := sync.OnceFunc(func() { _ = store.Close() })
	defer closeStore()
	if err := tr.InstrumentDB(store.DB(), store.Dialect()); err != nil {
		return err
	}

	limits, err := newLimiters(cfg, log, handlers.UsageToday(store), tr)
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

	usage := store.NewUsageRecorder(log, cfg.UsageFlushPeriod, 1000)
	usage.SpoolDir = cfg.SpoolDir
	if files, n, err := usage.LoadSpool(); err != nil {
		log.Error("usage: reading the spool directory failed", "dir", cfg.SpoolDir, "err", err)
	} else if files > 0 {
		log.Info("usage: spooled records found; replaying them", "files", files, "records", n, "dir", cfg.SpoolDir)
	}
	usageCtx, stopUsage := context.WithCancel(context.Background())
	go usage.Run(usageCtx)

	// One budget of request bodies in memory for the whole process, both APIs.
	bodies := httpkit.NewBodyBudget(cfg.MaxBodyMemory, 0)
	observer, metricsServer := newMetrics(cfg, store, usage, limits, log)
	deps := handlers.Deps{
		Store: store, Limiter: limits.Requests, Login: limits.Login, Usage: usage, Log: log,
		CORSOrigins: cfg.CORSOrigins, TrustedProxies: cfg.TrustedProxies, Redis: limits.Redis,
		RequestTimeout: cfg.RequestTimeout, Metrics: observer, Bodies: bodies, PublicURL: cfg.PublicURL, Addr: cfg.Addr,
		Tracer: tr.Tracer(), DocsHooks: []func(*apidocs.Document){admin.DocsHook(cfg.AdminAddr, cfg.PublicURL)},
	}
	if limits.Idempotency != nil {
		deps.Idempotency = limits.Idempotency
	}
	if limits.Failover != nil {
		deps.LimiterDegraded = limits.Failover.Degraded
		deps.RedisRequired = limits.Failover.Mode() == "closed"
	}
	userAPI, _ := handlers.New(deps)
	adminAPI := admin.New(admin.Deps{Store: store, Log: log, JWTSecret: cfg.JWTSecret, TokenTTL: cfg.AdminTokenTTL,
		CORSOrigins: cfg.AdminCORSOrigins, TrustedProxies: cfg.TrustedProxies, Redis: limits.Redis, Login: limits.Login,
		Bodies: bodies, Addr: cfg.AdminAddr, PublicURL: cfg.BaseURL(), Tracer: tr.Tracer(), RequestTimeout: cfg.RequestTimeout, Metrics: observer})
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
		ln, lerr := net.Listen("tcp", l.srv.Addr)
		if lerr != nil {
			err = fmt.Errorf("listen on %s: %w", l.srv.Addr, lerr)
			break
		}
		log.Info("listening", "addr", ln.Addr().String(), "max_conns", cfg.MaxConns)
		servers = append(servers, l.srv)
		go func() {
			if err := l.srv.Serve(httpkit.LimitConns(ln, cfg.MaxConns, l.refusal)); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("serve on %s: %w", l.srv.Addr, err)
			}
		}()
	}
	if err == nil {
		select {
		case <-ctx.Done():
			log.Info("shutting down", "within", cfg.ShutdownTimeout.String())
		case err = <-errc:
		}
	}
	stop(cfg.ShutdownTimeout, servers, usage, stopUsage, closeStore, log)
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

// newServer is a listener with the timeouts every listener of the service has: the headers within
// 10 s, the whole request, body included, within SHAREPANEL_READ_TIMEOUT (a client that stalls or
// trickles its body is cut off, with 408 when the handler was reading it), idle connections for
// 2 minutes.
func newServer(addr string, h http.Handler, cfg config.Config) *http.Server {
	return &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: min(10*time.Second, cfg.ReadTimeout), ReadTimeout: cfg.ReadTimeout,
		IdleTimeout: 2 * time.Minute}
}
