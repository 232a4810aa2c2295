package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"sharepanel/config"
	"sharepanel/models"
)

// migrateIOTimeout bounds one read or write of sharepanel migrate on MySQL.
const migrateIOTimeout = time.Hour

// migrateCommand is sharepanel migrate: apply the schema's missing steps and say which, or with
// --status list the applied and pending ones without changing anything.
func migrateCommand(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	status := fs.Bool("status", false, "list the applied and pending migrations; change nothing")
	rest, err := parseFlags(fs, args, migrateUsage, stdout)
	if err != nil {
		return err
	}
	if err := noArgs(rest, migrateUsage); err != nil {
		return err
	}
	// A step may rewrite a large table, during which the server sends nothing: the reads of
	// migrate wait longer than the gateway's (ctx still ends it on SIGTERM or SIGINT).
	store, err := models.Connect(ctx, cfg.DatabaseURL, log, models.Options{IOTimeout: migrateIOTimeout}, cfg.DBStartupTimeout)
	if err != nil {
		return err
	}
	defer store.Close()
	if *status {
		st, err := store.SchemaStatus(ctx)
		if err != nil {
			return err
		}
		for _, m := range st.Applied {
			fmt.Fprintf(stdout, "applied  %04d  %s  (%s)\n", m.Version, m.Name, m.AppliedAt.UTC().Format("2006-01-02 15:04:05 UTC"))
		}
		for _, m := range st.Pending {
			fmt.Fprintf(stdout, "pending  %04d  %s\n", m.Version, m.Name)
		}
		fmt.Fprintf(stdout, "schema version %d; this build's newest is %d\n", st.Current(), st.Latest)
		return nil
	}
	applied, err := store.Migrate(ctx)
	for _, m := range applied {
		fmt.Fprintf(stdout, "applied  %04d  %s\n", m.Version, m.Name)
	}
	if errors.Is(err, models.ErrSchemaAhead) {
		return err
	}
	if err != nil {
		return fmt.Errorf("%w\nThe steps above are done; fix the cause and run sharepanel migrate again (docs/DEPLOY.md)", err)
	}
	st, err := store.SchemaStatus(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "schema is up to date (version %d)\n", st.Current())
	return nil
}
