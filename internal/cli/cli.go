// Package cli is the sharepanel command: it reads the configuration, wires the store, the limiters
// and both APIs, and runs the command asked for (serve, migrate, recount, user, demo, config,
// admin). main.go only calls Main.
package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"golang.org/x/term"

	"sharepanel/config"
	"sharepanel/models"
)

// The usage of each command; usage is all of them.
const (
	serveUsage = `usage: sharepanel [serve] [--addr ADDR] [--admin-addr ADDR]
  run the service; --addr and --admin-addr override SHAREPANEL_ADDR and SHAREPANEL_ADMIN_ADDR
`
	migrateUsage = `usage: sharepanel migrate [--status]
  apply the schema's missing migrations and say which; --status lists them and changes nothing
`
	recountUsage = `usage: sharepanel recount [--user U]
  recompute every account's kept totals (or only U's) from its rows, online; for after a rolling
  upgrade from a version that did not keep them
`
	userUsage = `usage: sharepanel user add --email E --password P [--plan free|basic|pro|enterprise] [--username U]
  create an account (plan: free when not given)
`
	demoUsage = `usage: sharepanel demo [--email E] [--password P]
  create or reset a pro-plan demo account with sample data, and print how to use it
`
	configUsage = `usage: sharepanel config get KEY
       sharepanel config update KEY VALUE
  read or change a runtime setting, for every replica, without a restart;
  keys: api (on|off), default_plan (a plan name), currency (e.g. USD)
`
	adminUsage = `usage: sharepanel admin new USERNAME PASSWORD
       sharepanel admin list
       sharepanel admin delete USERNAME
       sharepanel admin password USERNAME NEWPASS
  manage the administrators of the admin API
`
	versionUsage = `usage: sharepanel version   (or sharepanel --version)
  print the version, the VCS revision and the build's time
`
)

const usage = `Usage:
  sharepanel [serve] [--addr ADDR] [--admin-addr ADDR]
                                     run the service
  sharepanel migrate [--status]      apply the schema's missing migrations (--status: list them)
  sharepanel recount [--user U]      recompute every account's kept totals (or one's) from its rows
  sharepanel user add --email E --password P [--plan free|basic|pro|enterprise] [--username U]
  sharepanel demo [--email E] [--password P]
                                     create or reset a pro-plan demo account with sample data
  sharepanel config get KEY          print a runtime setting: api, default_plan, currency
  sharepanel config update KEY VALUE change it (e.g. config update api on); no restart needed
  sharepanel admin new USERNAME PASSWORD | list | delete USERNAME | password USERNAME NEWPASS
                                     manage the administrators of the admin API
  sharepanel version                 print the version and build

Configuration comes from the environment (SHAREPANEL_*); see README.md. Each command takes --help.
`

// commands are what run dispatches to, by name.
var commands = map[string]func(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error{
	"serve":   serveCommand,
	"migrate": migrateCommand,
	"recount": recountCommand,
	"user":    userCommand,
	"demo":    demoCommand,
	"config":  configCommand,
	"admin":   adminCommand,
}

// Main runs the command line args (without the program name) and returns the exit code: 0, 1 when
// the command failed, 2 when the command line is wrong.
func Main(args []string) int {
	return exitCode(run(args, os.Getenv, os.Stdout, os.Stderr), os.Stderr)
}

// run is Main with its inputs made explicit, so that tests can drive the command line.
func run(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	first := ""
	if len(args) > 0 {
		first = args[0]
	}
	switch first {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	case "version", "-version", "--version":
		if err := noArgs(args[1:], versionUsage); err != nil {
			return err
		}
		fmt.Fprintln(stdout, readBuild())
		return nil
	}
	cmd := "serve" // also when the command line starts with serve's flags
	if first != "" && !strings.HasPrefix(first, "-") {
		cmd, args = first, args[1:]
	}
	command, ok := commands[cmd]
	if !ok {
		return usageErrorf(usage, "unknown command %q", cmd)
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	log, closeLog := newLogger(cfg, stderr)
	defer closeLog()
	routeDriverLogs(log)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return command(ctx, cfg, log, args, stdout)
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

// openStore connects — trying again for up to SHAREPANEL_DB_STARTUP_TIMEOUT, each attempt logged,
// and giving up at once on SIGTERM or SIGINT (ctx) — and makes sure the schema is this build's:
// with SHAREPANEL_AUTO_MIGRATE (the default on SQLite) it migrates; otherwise it refuses a schema
// that is behind or ahead, with the command to run. Every command but migrate works on an
// up-to-date schema.
func openStore(ctx context.Context, cfg config.Config, log *slog.Logger) (*models.Store, error) {
	store, err := models.Connect(ctx, cfg.DatabaseURL, log, models.Options{}, cfg.DBStartupTimeout)
	if err != nil {
		return nil, err
	}
	store.DefaultCurrency = cfg.Currency
	if cfg.AutoMigrate {
		var applied []models.AppliedMigration
		applied, err = store.Migrate(ctx)
		for _, m := range applied {
			log.Info("schema migrated", "version", m.Version, "name", m.Name)
		}
	} else {
		err = store.CheckSchema(ctx)
	}
	if err != nil {
		store.Close()
		return nil, err
	}
	return store, nil
}
