package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"sharepanel/config"
)

// recountCommand is sharepanel recount [--user USERNAME]: recompute the kept totals of every
// account (or one) from its rows — what the reports and the paged lists read (models/totals.go).
// Safe while the service runs: each account is recounted in a transaction of its own, exact even
// while it changes. Run it once the last replica of a version older than the totals is gone
// (docs/DEPLOY.md), or to check them: it prints how many accounts it recounted.
func recountCommand(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("recount", flag.ContinueOnError)
	username := fs.String("user", "", "recount this account only (its username)")
	rest, err := parseFlags(fs, args, recountUsage, stdout)
	if err != nil {
		return err
	}
	if err := noArgs(rest, recountUsage); err != nil {
		return err
	}
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer store.Close()
	if *username != "" {
		id, err := store.AccountIDByUsername(ctx, *username)
		if err != nil {
			return err
		}
		if err := store.Recount(ctx, id); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "recounted the totals of %s\n", *username)
		return nil
	}
	n, err := store.RecountAll(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "recounted the totals of %d accounts\n", n)
	return nil
}
