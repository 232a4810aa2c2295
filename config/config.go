// Package config loads the service's settings from the environment, with defaults, and validates
// them at start with an error that names the bad variable.
package config

import (
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	"sharepanel/wire"
)

// Config is every setting of the service.
type Config struct {
	Addr             string        // SHAREPANEL_ADDR: user API listener
	AdminAddr        string        // SHAREPANEL_ADMIN_ADDR: admin API listener
	DatabaseURL      string        // SHAREPANEL_DATABASE_URL
	RedisURL         string        // SHAREPANEL_REDIS_URL: empty means the in-process limiter
	RedisTimeout     time.Duration // SHAREPANEL_REDIS_TIMEOUT: per limiter call
	OnRedisError     string        // SHAREPANEL_RATELIMIT_ON_REDIS_ERROR: local, open or closed
	TrustedProxies   []netip.Prefix
	CORSOrigins      []string // SHAREPANEL_CORS_ORIGINS
	LogFormat        string   // SHAREPANEL_LOG_FORMAT: json or text (default: text on a terminal)
	LogLevel         string   // SHAREPANEL_LOG_LEVEL: debug, info, warn, error
	Currency         string   // SHAREPANEL_CURRENCY
	ShutdownTimeout  time.Duration
	JWTSecret        string        // SHAREPANEL_JWT_SECRET (or _FILE)
	AdminTokenTTL    time.Duration // SHAREPANEL_ADMIN_TOKEN_TTL
	MetricsAddr      string        // SHAREPANEL_METRICS_ADDR: empty means off
	UsageFlushPeriod time.Duration // SHAREPANEL_USAGE_FLUSH_INTERVAL
	RequestTimeout   time.Duration // SHAREPANEL_REQUEST_TIMEOUT: every request's deadline
	DBStartupTimeout time.Duration // SHAREPANEL_DB_STARTUP_TIMEOUT: how long a start waits for the database
	// SpoolDir (SHAREPANEL_SPOOL_DIR) is where a stop writes the usage records it could not write
	// to the database, for the next start to replay. Default: the SQLite file's directory, or the
	// working directory.
	SpoolDir string
	// AutoMigrate (SHAREPANEL_AUTO_MIGRATE) lets every command bring the schema up to date itself;
	// without it they refuse a schema that is not this build's. Default: on for SQLite (one process
	// owns the file), off for MySQL (replicas migrate once, on purpose: sharepanel migrate).
	AutoMigrate bool
}

// Load reads the environment. getenv is os.Getenv in production and a map in tests.
func Load(getenv func(string) string) (Config, error) {
	l := loader{getenv: getenv}
	c := Config{
		Addr:             l.str("SHAREPANEL_ADDR", ":8080"),
		AdminAddr:        l.str("SHAREPANEL_ADMIN_ADDR", ":2087"),
		DatabaseURL:      l.str("SHAREPANEL_DATABASE_URL", "sqlite://sharepanel.db"),
		RedisURL:         l.str("SHAREPANEL_REDIS_URL", ""),
		RedisTimeout:     l.duration("SHAREPANEL_REDIS_TIMEOUT", 50*time.Millisecond),
		OnRedisError:     l.oneOf("SHAREPANEL_RATELIMIT_ON_REDIS_ERROR", "local", "local", "open", "closed"),
		TrustedProxies:   l.prefixes("SHAREPANEL_TRUSTED_PROXIES"),
		CORSOrigins:      l.list("SHAREPANEL_CORS_ORIGINS", "*"),
		LogFormat:        l.oneOf("SHAREPANEL_LOG_FORMAT", "", "", "json", "text"),
		LogLevel:         l.oneOf("SHAREPANEL_LOG_LEVEL", "info", "debug", "info", "warn", "error"),
		Currency:         l.str("SHAREPANEL_CURRENCY", wire.DefaultCurrency),
		ShutdownTimeout:  l.duration("SHAREPANEL_SHUTDOWN_TIMEOUT", 15*time.Second),
		JWTSecret:        l.secret("SHAREPANEL_JWT_SECRET"),
		AdminTokenTTL:    l.duration("SHAREPANEL_ADMIN_TOKEN_TTL", time.Hour),
		MetricsAddr:      l.str("SHAREPANEL_METRICS_ADDR", ""),
		UsageFlushPeriod: l.duration("SHAREPANEL_USAGE_FLUSH_INTERVAL", time.Second),
		RequestTimeout:   l.duration("SHAREPANEL_REQUEST_TIMEOUT", 10*time.Second),
		DBStartupTimeout: l.duration("SHAREPANEL_DB_STARTUP_TIMEOUT", time.Minute),
	}
	c.SpoolDir = l.str("SHAREPANEL_SPOOL_DIR", defaultSpoolDir(c.DatabaseURL))
	l.addr("SHAREPANEL_ADDR", c.Addr)
	l.addr("SHAREPANEL_ADMIN_ADDR", c.AdminAddr)
	if c.MetricsAddr != "" {
		l.addr("SHAREPANEL_METRICS_ADDR", c.MetricsAddr)
	}
	c.AutoMigrate = l.flag("SHAREPANEL_AUTO_MIGRATE", strings.HasPrefix(c.DatabaseURL, "sqlite://"))
	if !strings.HasPrefix(c.DatabaseURL, "sqlite://") && !strings.HasPrefix(c.DatabaseURL, "mysql://") {
		l.fail("SHAREPANEL_DATABASE_URL", "must start with sqlite:// or mysql://")
	}
	if c.RedisURL != "" && !strings.HasPrefix(c.RedisURL, "redis://") && !strings.HasPrefix(c.RedisURL, "rediss://") && !strings.HasPrefix(c.RedisURL, "redis+cluster://") {
		l.fail("SHAREPANEL_REDIS_URL", "must start with redis://, rediss:// or redis+cluster://")
	}
	if len(c.Currency) != 3 {
		l.fail("SHAREPANEL_CURRENCY", "must be a three-letter currency code")
	}
	return c, l.err
}

// defaultSpoolDir is the directory of an SQLite database's file, or the working directory.
func defaultSpoolDir(databaseURL string) string {
	path, ok := strings.CutPrefix(databaseURL, "sqlite://")
	if !ok || path == "" || path == ":memory:" {
		return "."
	}
	return filepath.Dir(path)
}

type loader struct {
	getenv func(string) string
	err    error
}

func (l *loader) fail(name, why string) {
	if l.err == nil {
		l.err = fmt.Errorf("config: %s %s", name, why)
	}
}

func (l *loader) str(name, def string) string {
	if v := strings.TrimSpace(l.getenv(name)); v != "" {
		return v
	}
	return def
}

// secret reads NAME, or the file named by NAME_FILE (for Docker and Kubernetes secrets).
func (l *loader) secret(name string) string {
	if path := l.getenv(name + "_FILE"); path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			l.fail(name+"_FILE", "cannot be read: "+err.Error())
			return ""
		}
		return strings.TrimSpace(string(b))
	}
	return l.getenv(name)
}

func (l *loader) duration(name string, def time.Duration) time.Duration {
	v := l.str(name, "")
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		l.fail(name, fmt.Sprintf("must be a positive duration such as 50ms or 15s, got %q", v))
		return def
	}
	return d
}

func (l *loader) oneOf(name, def string, allowed ...string) string {
	v := strings.ToLower(l.str(name, def))
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	l.fail(name, fmt.Sprintf("must be one of %s, got %q", strings.Join(allowed, ", "), v))
	return def
}

func (l *loader) flag(name string, def bool) bool {
	v := l.str(name, "")
	if v == "" {
		return def
	}
	b, ok := wire.ParseFlag(v)
	if !ok {
		l.fail(name, fmt.Sprintf("must be true or false, got %q", v))
		return def
	}
	return b
}

func (l *loader) list(name, def string) []string {
	var out []string
	for _, p := range strings.Split(l.str(name, def), ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (l *loader) prefixes(name string) []netip.Prefix {
	var out []netip.Prefix
	for _, p := range l.list(name, "") {
		if !strings.Contains(p, "/") {
			if a, err := netip.ParseAddr(p); err == nil {
				out = append(out, netip.PrefixFrom(a, a.BitLen()))
				continue
			}
		}
		pr, err := netip.ParsePrefix(p)
		if err != nil {
			l.fail(name, fmt.Sprintf("must be a comma-separated list of CIDRs, got %q", p))
			return nil
		}
		out = append(out, pr.Masked())
	}
	return out
}

func (l *loader) addr(name, v string) {
	if _, _, err := net.SplitHostPort(v); err != nil {
		l.fail(name, fmt.Sprintf("must be host:port or :port, got %q", v))
	}
}
