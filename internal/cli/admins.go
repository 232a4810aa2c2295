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
	"sharepanel/wire"
)

const adminUsage = `usage: sharepanel admin new USERNAME PASSWORD
       sharepanel admin list
       sharepanel admin delete USERNAME
       sharepanel admin password USERNAME NEWPASS`

// cliAdmin is the name the audit log gives to changes made from the command line.
const cliAdmin = "(cli)"

// adminCommand manages the administrators of the admin API.
func adminCommand(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New(adminUsage)
	}
	want := map[string]int{"new": 3, "list": 1, "delete": 2, "password": 3}
	if n, ok := want[args[0]]; !ok || len(args) != n {
		return errors.New(adminUsage)
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
