package benchkit

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"sharepanel/models"
)

// Step prints a progress line with the time of day to standard error.
func Step(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[%s] %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

// Sh runs a command with its output on standard error.
func Sh(name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return nil
}

// FirstLine is the first line of a file, trimmed.
func FirstLine(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	return strings.TrimSpace(line), nil
}

// Secret is the key of account number i of a benchmark's accounts named prefix: derived, so that
// runs and tools agree on it, and shaped like a real key ("sp_" and 43 base64url characters).
func Secret(prefix string, i int) string {
	sum := sha256.Sum256([]byte("sharepanel-bench-" + prefix + "-" + strconv.Itoa(i)))
	return "sp_" + base64.RawURLEncoding.EncodeToString(sum[:])
}

// RecreateMySQL drops and creates the database named in dbURL (mysql://…), through the server's
// mysql schema.
func RecreateMySQL(ctx context.Context, dbURL string) error {
	u, err := url.Parse(dbURL)
	if err != nil || u.Scheme != "mysql" {
		return fmt.Errorf("recreating a database needs a mysql:// URL")
	}
	name := strings.Trim(u.Path, "/")
	u.Path = "/mysql"
	admin, err := models.Open(ctx, u.String(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	defer admin.Close()
	for _, stmt := range []string{
		"DROP DATABASE IF EXISTS `" + name + "`",
		"CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
	} {
		if err := admin.DB().WithContext(ctx).Exec(stmt).Error; err != nil {
			return err
		}
	}
	return nil
}
