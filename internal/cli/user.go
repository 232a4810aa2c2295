package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"sharepanel/config"
	"sharepanel/models"
)

// userCommand is sharepanel user add: it creates an account.
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
	u, err := store.CreateAccount(ctx, models.NewAccount{Email: *email, Username: *username, Password: *password, PlanName: *plan})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created user %s (id %d, %s, plan %s)\n", u.Username, u.ID, u.Email, strings.ToLower(*plan))
	return nil
}
