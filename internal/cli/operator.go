package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"sharepanel/config"
	"sharepanel/models"
	"sharepanel/wire"
)

// The operator's commands on the database: user add, config get|update and admin.

// userCommand is sharepanel user add: it creates an account.
func userCommand(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprint(stdout, userUsage)
			return flag.ErrHelp
		}
		return usageErrorf(userUsage, "user takes the subcommand add")
	}
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	email := fs.String("email", "", "email address")
	password := fs.String("password", "", "password (at least 8 characters)")
	plan := fs.String("plan", "free", "plan: free, basic, pro or enterprise")
	username := fs.String("username", "", "username (default: from the email)")
	rest, err := parseFlags(fs, args[1:], userUsage, stdout)
	if err != nil {
		return err
	}
	if err := noArgs(rest, userUsage); err != nil {
		return err
	}
	if *email == "" || *password == "" {
		return usageErrorf(userUsage, "user add needs --email and --password")
	}
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer store.Close()
	u, err := store.CreateAccount(ctx, models.NewAccount{Email: *email, Username: *username, Password: *password, PlanName: *plan})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created user %s (id %d, %s, plan %s)\n", u.Username, u.ID, u.Email, strings.ToLower(*plan))
	return nil
}

// configCommand reads and changes the runtime settings kept in the database: all replicas see a
// change within a second, without a restart.
func configCommand(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	switch {
	case len(args) == 1 && (args[0] == "-h" || args[0] == "--help"):
		fmt.Fprint(stdout, configUsage)
		return flag.ErrHelp
	case len(args) == 2 && args[0] == "get":
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
	case len(args) == 3 && (args[0] == "update" || args[0] == "set"):
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
	return usageErrorf(configUsage, "config takes get KEY or update KEY VALUE")
}

// cliAdmin is the name the audit log gives to changes made from the command line.
const cliAdmin = "(cli)"

// adminCommand manages the administrators of the admin API.
func adminCommand(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	if len(args) == 1 && (args[0] == "-h" || args[0] == "--help") {
		fmt.Fprint(stdout, adminUsage)
		return flag.ErrHelp
	}
	want := map[string]int{"new": 3, "list": 1, "delete": 2, "password": 3}
	if len(args) == 0 {
		return usageErrorf(adminUsage, "admin takes new, list, delete or password")
	}
	if n, ok := want[args[0]]; !ok || len(args) != n {
		return usageErrorf(adminUsage, "admin %s: wrong arguments", args[0])
	}
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer store.Close()
	switch args[0] {
	case "new":
		a, err := store.CreateAdmin(ctx, args[1], args[2])
		if err != nil {
			return err
		}
		audit(ctx, store, log, "admin_create", "admin:"+a.Username, nil)
		fmt.Fprintf(stdout, "created administrator %s\n", a.Username)
	case "list":
		admins, err := store.ListAdmins(ctx)
		if err != nil {
			return err
		}
		for _, a := range admins {
			fmt.Fprintf(stdout, "%s\tcreated %s\n", a.Username, a.CreatedAt.Time().Format(wire.DateTimeLayout))
		}
	case "delete":
		if err := store.DeleteAdmin(ctx, args[1]); err != nil {
			return err
		}
		audit(ctx, store, log, "admin_delete", "admin:"+strings.ToLower(args[1]), nil)
		fmt.Fprintf(stdout, "deleted administrator %s\n", strings.ToLower(args[1]))
	case "password":
		if err := store.SetAdminPassword(ctx, args[1], args[2]); err != nil {
			return err
		}
		audit(ctx, store, log, "admin_password", "admin:"+strings.ToLower(args[1]), nil)
		fmt.Fprintf(stdout, "changed the password of administrator %s; its tokens no longer work\n", strings.ToLower(args[1]))
	}
	return nil
}

// audit records a command-line change in the admin audit log; a failure to record is logged, not
// fatal, since the change is done.
func audit(ctx context.Context, store *models.Store, log *slog.Logger, action, target string, details map[string]any) {
	if err := store.RecordAudit(ctx, models.NewAudit{Admin: cliAdmin, Action: action, Target: target, Details: details}); err != nil {
		log.Warn("writing the audit log failed", "err", err)
	}
}
