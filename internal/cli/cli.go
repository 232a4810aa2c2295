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
	"syscall"
	"time"

	"golang.org/x/term"

	"sharepanel/config"
	"sharepanel/models"
)

const usage = `Usage:
  sharepanel [serve]                 run the service
  sharepanel migrate [--status]      apply the schema's missing migrations (--status: list them)
  sharepanel recount [--user U]      recompute every account's kept totals (or one's) from its rows
  sharepanel user add --email E --password P --plan free|basic|pro|enterprise [--username U]
  sharepanel demo [--email E] [--password P]
                                     create or reset a pro-plan demo account with sample data
  sharepanel config get KEY          print a runtime setting: api, default_plan, currency
  sharepanel config update KEY VALUE change it (e.g. config update api on); no restart needed
  sharepanel admin new USERNAME PASSWORD | list | delete USERNAME | password USERNAME NEWPASS
                                     manage the administrators of the admin API

Configuration comes from the environment (SHAREPANEL_*); see README.md.
`

// Main runs the command line args (without the program name) and returns the exit code.
func Main(args []string) int {
	if err := run(args, os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "sharepanel:", err)
		return 1
	}
	return 0
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
		return migrateCommand(ctx, cfg, log, args, stdout)
	case "recount":
		return recountCommand(ctx, cfg, log, args, stdout)
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

// openStore connects, and makes sure the schema is this build's: with SHAREPANEL_AUTO_MIGRATE
// (the default on SQLite) it migrates; otherwise it refuses a schema that is behind or ahead, with
// the command to run. Every command but migrate works on an up-to-date schema.
func openStore(ctx context.Context, cfg config.Config, log *slog.Logger) (*models.Store, error) {
	store, err := models.Open(ctx, cfg.DatabaseURL, log)
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
