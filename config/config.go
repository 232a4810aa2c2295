// Package config loads the service's settings from the environment, with defaults, and validates
// them at start with an error that names the bad variable.
package config

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
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
	ReadTimeout      time.Duration // SHAREPANEL_READ_TIMEOUT: the whole request, body included, must arrive within it
	MaxConns         int           // SHAREPANEL_MAX_CONNS: connections per listener at once
	MaxBodyMemory    int64         // SHAREPANEL_MAX_BODY_MEMORY: bytes of request bodies held at once, process-wide
	AdminCORSOrigins []string      // SHAREPANEL_ADMIN_CORS_ORIGINS: empty means no CORS on the admin API
	// PublicURL (SHAREPANEL_PUBLIC_URL) is the gateway's public origin, an absolute http(s) URL
	// without query or fragment, as clients reach it: the value as given, empty when unset.
	PublicURL        string
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
		ReadTimeout:      l.duration("SHAREPANEL_READ_TIMEOUT", 30*time.Second),
		MaxConns:         int(l.size("SHAREPANEL_MAX_CONNS", 10_000, false)),
		MaxBodyMemory:    l.size("SHAREPANEL_MAX_BODY_MEMORY", 256<<20, true),
		AdminCORSOrigins: l.list("SHAREPANEL_ADMIN_CORS_ORIGINS", ""),
		PublicURL:        l.publicURL("SHAREPANEL_PUBLIC_URL"),
		RequestTimeout:   l.duration("SHAREPANEL_REQUEST_TIMEOUT", 10*time.Second),
		DBStartupTimeout: l.duration("SHAREPANEL_DB_STARTUP_TIMEOUT", time.Minute),
	}
	if c.JWTSecret != "" && len(c.JWTSecret) < minJWTSecret {
		l.fail("SHAREPANEL_JWT_SECRET", fmt.Sprintf("must be at least %d bytes (it signs admin tokens: a short one can be guessed "+
			"offline and tokens forged); leave it unset to have one generated and kept in the database", minJWTSecret))
	}
	c.SpoolDir = l.str("SHAREPANEL_SPOOL_DIR", defaultSpoolDir(c.DatabaseURL))
	l.addr("SHAREPANEL_ADDR", c.Addr)
	l.addr("SHAREPANEL_ADMIN_ADDR", c.AdminAddr)
	if c.MetricsAddr != "" {
		l.addr("SHAREPANEL_METRICS_ADDR", c.MetricsAddr)
	}
	c.AutoMigrate = l.flag("SHAREPANEL_AUTO_MIGRATE", strings.HasPrefix(c.DatabaseURL, "sqlite://"))
	l.databaseURL("SHAREPANEL_DATABASE_URL", c.DatabaseURL)
	l.redisURL("SHAREPANEL_REDIS_URL", c.RedisURL)
	l.origins("SHAREPANEL_CORS_ORIGINS", c.CORSOrigins)
	c.Currency = strings.ToUpper(c.Currency)
	if !currencyCode.MatchString(c.Currency) {
		l.fail("SHAREPANEL_CURRENCY", fmt.Sprintf("must be a three-letter currency code such as USD or EUR, got %q", c.Currency))
	}
	return c, l.err
}

var currencyCode = regexp.MustCompile(`^[A-Z]{3}$`)

// minJWTSecret is the shortest SHAREPANEL_JWT_SECRET accepted: HS256's key should be as long as its
// hash.
const minJWTSecret = 32

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

// oneOf reads one of allowed (in any case); "" among them means the variable may be left unset.
func (l *loader) oneOf(name, def string, allowed ...string) string {
	v := strings.ToLower(l.str(name, def))
	var named []string
	unset := false
	for _, a := range allowed {
		if v == a {
			return v
		}
		if a == "" {
			unset = true
		} else {
			named = append(named, a)
		}
	}
	accepted := strings.Join(named, ", ")
	if unset {
		accepted += " (or unset)"
	}
	l.fail(name, fmt.Sprintf("must be one of %s, got %q", accepted, v))
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
	if err := CheckAddr(v); err != nil {
		l.fail(name, err.Error())
	}
}

// hostName is a DNS name as a listener may name its host.
var hostName = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$`)

// CheckAddr checks a listener's address: host:port or :port, the port from 1 to 65535, the host
// empty (every interface), an IP address or a host name.
func CheckAddr(v string) error {
	host, port, err := net.SplitHostPort(v)
	n, perr := strconv.Atoi(port)
	switch {
	case err != nil || perr != nil || n < 1 || n > 65535:
		return fmt.Errorf("must be host:port or :port with a port from 1 to 65535, got %q", v)
	case host != "" && net.ParseIP(host) == nil && !hostName.MatchString(host):
		return fmt.Errorf("must have an IP address or a host name before the port, got %q", v)
	}
	return nil
}

// databaseURL checks SHAREPANEL_DATABASE_URL's form; the value is not repeated (it may hold a
// password).
func (l *loader) databaseURL(name, v string) {
	switch {
	case strings.HasPrefix(v, "sqlite://"):
		if strings.TrimPrefix(v, "sqlite://") == "" {
			l.fail(name, "needs a file after sqlite://, as in sqlite://sharepanel.db or sqlite:///var/lib/sharepanel.db")
		}
	case strings.HasPrefix(v, "mysql://"):
		u, err := url.Parse(v)
		if err != nil || u.Host == "" || strings.Trim(u.Path, "/") == "" {
			l.fail(name, "must look like mysql://USER:PASSWORD@HOST:PORT/DATABASE")
		}
	default:
		l.fail(name, "must start with sqlite:// or mysql://")
	}
}

// redisURL checks SHAREPANEL_REDIS_URL's form (empty: no Redis); the value is not repeated.
func (l *loader) redisURL(name, v string) {
	if v == "" {
		return
	}
	u, err := url.Parse(v)
	switch {
	case err != nil || (u.Scheme != "redis" && u.Scheme != "rediss" && u.Scheme != "redis+cluster"):
		l.fail(name, "must start with redis://, rediss:// or redis+cluster://")
	case u.Host == "":
		l.fail(name, "must name a host, as in redis://127.0.0.1:6379/0")
	}
}

// origins checks browser origins: * or scheme://host[:port], nothing after.
func (l *loader) origins(name string, list []string) {
	for _, o := range list {
		if o == "*" {
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
			l.fail(name, fmt.Sprintf("must be * or a comma-separated list of origins such as https://panel.example.com, got %q", o))
			return
		}
	}
}

// size reads a positive whole number; with units, also with a KB, MB or GB suffix (powers of 1024).
func (l *loader) size(name string, def int64, units bool) int64 {
	v := strings.ToUpper(strings.ReplaceAll(l.str(name, ""), " ", ""))
	if v == "" {
		return def
	}
	mult := int64(1)
	if units {
		for suffix, m := range map[string]int64{"KB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30} {
			if strings.HasSuffix(v, suffix) {
				v, mult = strings.TrimSuffix(v, suffix), m
				break
			}
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/mult {
		hint := "a positive whole number"
		if units {
			hint += " of bytes, or with KB, MB or GB (e.g. 256MB)"
		}
		l.fail(name, fmt.Sprintf("must be %s, got %q", hint, l.str(name, "")))
		return def
	}
	return n * mult
}
