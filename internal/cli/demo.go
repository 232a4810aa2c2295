package cli

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"path/filepath"
	"strings"

	"sharepanel/config"
)

// demoCommand creates or resets the demo account (models.Store.SeedDemo) in the configured
// database and prints how to log in and a request to paste. It runs only when asked for by name,
// on whichever database is configured, and says which one it wrote to.
func demoCommand(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	email := fs.String("email", "demo@sharepanel.local", "the demo account's email")
	password := fs.String("password", "", "the demo account's password (default: a new random one, printed)")
	rest, err := parseFlags(fs, args, demoUsage, stdout)
	if err != nil {
		return err
	}
	if err := noArgs(rest, demoUsage); err != nil {
		return err
	}
	if *password == "" {
		*password = rand.Text() // 26 characters from crypto/rand
	}
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer store.Close()
	defer publishRevocations(store, cfg, log)()
	acct, err := store.SeedDemo(ctx, *email, *password)
	if err != nil {
		return errors.New("demo: " + err.Error())
	}

	what := "Created"
	if acct.Reset {
		what = "Reset"
	}
	base := cfg.BaseURL()
	fmt.Fprintf(stdout, "%s the demo account in %s\n\n", what, redactURL(cfg.DatabaseURL))
	fmt.Fprintf(stdout, "  email:     %s\n", acct.Email)
	fmt.Fprintf(stdout, "  password:  %s\n", acct.Password)
	fmt.Fprintf(stdout, "  API key:   %s   (read-write; shown only now)\n", acct.APIKey)
	fmt.Fprintf(stdout, "  member:    %s   (same password; shares the organization Demo Agency)\n\n", acct.MemberEmail)
	fmt.Fprintf(stdout, "Start the service (sharepanel serve), then open the console at %s/ and sign in with that\nemail and password; or try:\n\n", cfg.BaseURL())
	fmt.Fprintf(stdout, "  curl \"%s/api?mode=billing&action=invoices&api_key=%s\"\n", base, url.QueryEscape(acct.APIKey))
	return nil
}

// redactURL hides a database password before the URL is printed, and shows where a relative
// SQLite path is.
func redactURL(raw string) string {
	if path, ok := strings.CutPrefix(raw, "sqlite://"); ok {
		if abs, err := filepath.Abs(path); err == nil && abs != path && path != ":memory:" {
			return raw + " (" + abs + ")"
		}
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "the configured database"
	}
	return u.Redacted()
}
