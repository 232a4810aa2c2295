package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"sharepanel/config"
	"sharepanel/models"
)

const configUsage = `usage: sharepanel config get KEY | sharepanel config update KEY VALUE
  keys: api (on|off), default_plan (a plan name), currency (e.g. USD)`

// configCommand reads and changes the runtime settings kept in the database: all replicas see a
// change within a second, without a restart.
func configCommand(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New(configUsage)
	}
	switch {
	case args[0] == "get" && len(args) == 2:
		store, err := openStore(ctx, cfg, log)
		if err != nil {
			return err
		}
		defer store.Close()
		values, err := store.Settings(ctx)
		if err != nil {
			return err
		}
		v, ok := values[args[1]]
		if !ok {
			return fmt.Errorf("unknown setting %q; settings: %s", args[1], strings.Join(models.SettingKeys, ", "))
		}
		fmt.Fprintln(stdout, v)
		return nil
	case (args[0] == "update" || args[0] == "set") && len(args) == 3:
		store, err := openStore(ctx, cfg, log)
		if err != nil {
			return err
		}
		defer store.Close()
		stored, err := store.UpdateSettings(ctx, map[string]string{args[1]: args[2]})
		if err != nil {
			return err
		}
		audit(ctx, store, log, "settings_update", "settings", map[string]any{args[1]: stored[args[1]]})
		fmt.Fprintf(stdout, "%s is now %s\n", args[1], stored[args[1]])
		return nil
	}
	return errors.New(configUsage)
}
