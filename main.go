// Command sharepanel is the SharePanel gateway: the user API (/api) and the admin API, in one
// process. See README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"golang.org/x/term"

	"sharepanel/apidocs"
	"sharepanel/config"
	"sharepanel/handlers"
	"sharepanel/handlers/admin"
	"sharepanel/models"
)

const usage = `Usage:
  sharepanel [serve]                 run the service
  sharepanel migrate                 create or upgrade the schema and exit
  sharepanel user add --email E --password P --plan free|basic|pro|enterprise [--username U]
  sharepanel demo [--email E] [--password P]
                                     create or reset a pro-plan demo account with sample data
  sharepanel config get KEY          print a runtime setting: api, default_plan, currency
  sharepanel config update KEY VALUE change it (e.g. config update api on); no restart needed
  sharepanel admin new USERNAME PASSWORD | list | delete USERNAME | password USERNAME NEWPASS
                                     manage the administrators of the admin API

Configuration comes from the environment (SHAREPANEL_*); see README.md.
`

func main() {
	if err := run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "sharepanel:", err)
		os.Exit(1)
	}
}

// run is main with its inputs made explicit, so that tests can drive the command line.
func run(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	log, closeLog := newLogger(cfg, stderr)
	defer closeLog()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, cfg, log)
	case "migrate":
		store, err := openStore(ctx, cfg, log)
		if err != nil {
			return err
		}
		defer store.Close()
		fmt.Fprintln(stdout, "schema is up to date")
		return nil
	case "user":
		return userCommand(ctx, cfg, log, args, stdout)
	case "demo":
		return demoCommand(ctx, cfg, log, args, stdout)
	case "config":
		return configCommand(ctx, cfg, log, args, stdout)
	case "admin":
		return adminCommand(ctx, cfg, log, args, stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", cmd, usage)
}

// newLogger returns the logger and what to call before exiting. Off a terminal the log is buffered
// (logwriter.go); on one, every line is written at once.
func newLogger(cfg config.Config, w io.Writer) (*slog.Logger, func()) {
	level := map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError}[cfg.LogLevel]
	opts := &slog.HandlerOptions{Level: level}
	f, isFile := w.(*os.File)
	terminal := isFile && term.IsTerminal(int(f.Fd()))
	format := cfg.LogFormat
	if format == "" {
		format = "json"
		if terminal {
			format = "text"
		}
	}
	closeLog := func() {}
	if isFile && !terminal {
		lw := newLogWriter(w, 200*time.Millisecond)
		w, closeLog = lw, func() { _ = lw.Close() }
	}
	var h slog.Handler = slog.NewJSONHandler(w, opts)
	if format == "text" {
		h = slog.NewTextHandler(w, opts)
	}
	if lw, ok := w.(*logWriter); ok {
		h = logFlusher{h, lw}
	}
	return slog.New(h), closeLog
}

// openStore connects and migrates: every command works on an up-to-date schema.
func openStore(ctx context.Context, cfg config.Config, log *slog.Logger) (*models.Store, error) {
	store, err := models.Open(ctx, cfg.DatabaseURL, log)
	if err != nil {
		return nil, err
	}
	if err := store.Migrate(ctx); err != nil {
		store.Close()
		return nil, err
	}
	return store, nil
}

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
		Currency: cfg.Currency, CORSOrigins: cfg.CORSOrigins, TrustedProxies: cfg.TrustedProxies, Ready: limits.Ready,
		Metrics: observer, DocsHooks: []func(*apidocs.Document){admin.DocsHook(cfg.AdminAddr)},
	})
	servers := []*http.Server{{Addr: cfg.Addr, Handler: userAPI, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}}
	adminAPI := admin.New(admin.Deps{Store: store, Log: log, JWTSecret: cfg.JWTSecret, TokenTTL: cfg.AdminTokenTTL,
		Currency: cfg.Currency, CORSOrigins: cfg.CORSOrigins, TrustedProxies: cfg.TrustedProxies, Redis: limits.Ready,
		Guard: admin.NewSharedGuard(limits.Login), PublicURL: cfg.PublicURL})
	servers = append(servers, &http.Server{Addr: cfg.AdminAddr, Handler: adminAPI, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute})
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

func userCommand(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return errors.New("usage: sharepanel user add --email E --password P --plan PLAN [--username U]")
	}
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	email := fs.String("email", "", "email address")
	password := fs.String("password", "", "password (at least 8 characters)")
	plan := fs.String("plan", "free", "plan: free, basic, pro or enterprise")
	username := fs.String("username", "", "username (default: from the email)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *email == "" || *password == "" {
		return errors.New("user add needs --email and --password")
	}
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer store.Close()
	u, err := store.CreateUser(ctx, models.NewUser{Email: *email, Username: *username, Password: *password, PlanName: *plan})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created user %s (id %d, %s, plan %s)\n", u.Username, u.ID, u.Email, strings.ToLower(*plan))
	return nil
}
