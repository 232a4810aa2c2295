package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || c.AdminAddr != ":2087" || c.DatabaseURL != "sqlite://sharepanel.db" || c.RedisURL != "" ||
		c.OnRedisError != "local" || c.RedisTimeout != 50*time.Millisecond || c.Currency != "USD" ||
		len(c.CORSOrigins) != 1 || c.CORSOrigins[0] != "*" || c.AdminTokenTTL != time.Hour ||
		c.RequestTimeout != 10*time.Second || c.DBStartupTimeout != time.Minute || c.ShutdownTimeout != 15*time.Second ||
		c.SpoolDir != "." {
		t.Fatalf("defaults: %+v", c)
	}
}

// The spool lives next to the SQLite file, or in the working directory.
func TestSpoolDirDefaults(t *testing.T) {
	for dbURL, want := range map[string]string{
		"sqlite://sharepanel.db":       ".",
		"sqlite:///var/lib/sp/data.db": "/var/lib/sp",
		"sqlite://data/sp.db":          "data",
		"sqlite://:memory:":            ".",
		"mysql://u:p@db:3306/sp":       ".",
	} {
		c, err := Load(env(map[string]string{"SHAREPANEL_DATABASE_URL": dbURL}))
		if err != nil || c.SpoolDir != want {
			t.Errorf("%s: spool dir %q, %v; want %q", dbURL, c.SpoolDir, err, want)
		}
	}
	c, err := Load(env(map[string]string{"SHAREPANEL_SPOOL_DIR": "/srv/spool"}))
	if err != nil || c.SpoolDir != "/srv/spool" {
		t.Errorf("explicit: %q, %v", c.SpoolDir, err)
	}
}

func TestBadValuesNameTheVariable(t *testing.T) {
	for name, value := range map[string]string{
		"SHAREPANEL_ADDR":                     "8080",
		"SHAREPANEL_DATABASE_URL":             "postgres://x",
		"SHAREPANEL_REDIS_URL":                "http://localhost",
		"SHAREPANEL_REDIS_TIMEOUT":            "fast",
		"SHAREPANEL_RATELIMIT_ON_REDIS_ERROR": "maybe",
		"SHAREPANEL_TRUSTED_PROXIES":          "10.0.0.0/33",
		"SHAREPANEL_LOG_FORMAT":               "xml",
		"SHAREPANEL_CURRENCY":                 "dollars",
		"SHAREPANEL_JWT_SECRET_FILE":          "/nonexistent/secret",
		"SHAREPANEL_JWT_SECRET":               "abc",
		"SHAREPANEL_READ_TIMEOUT":             "0s",
		"SHAREPANEL_MAX_CONNS":                "-1",
		"SHAREPANEL_MAX_BODY_MEMORY":          "lots",
		"SHAREPANEL_PUBLIC_URL":               "api.example.com",
		"SHAREPANEL_REQUEST_TIMEOUT":          "0s",
		"SHAREPANEL_DB_STARTUP_TIMEOUT":       "soon",
	} {
		_, err := Load(env(map[string]string{name: value}))
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%q: error %v does not name the variable", name, value, err)
		}
	}
}

func TestTrustedProxiesAndSecretFile(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "jwt")
	if err := os.WriteFile(secret, []byte("s3cret-s3cret-s3cret-s3cret-s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(env(map[string]string{
		"SHAREPANEL_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.1 ,fd00::/8",
		"SHAREPANEL_JWT_SECRET_FILE": secret,
		"SHAREPANEL_CORS_ORIGINS":    "https://a.example, https://b.example",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.TrustedProxies) != 3 || c.TrustedProxies[1].String() != "192.0.2.1/32" {
		t.Fatalf("trusted proxies %v", c.TrustedProxies)
	}
	if c.JWTSecret != "s3cret-s3cret-s3cret-s3cret-s3cret" {
		t.Fatal("secret file not read and trimmed")
	}
	if len(c.CORSOrigins) != 2 || c.CORSOrigins[1] != "https://b.example" {
		t.Fatalf("origins %v", c.CORSOrigins)
	}
}

// SHAREPANEL_AUTO_MIGRATE defaults to on for the embedded SQLite and off for MySQL.
func TestAutoMigrateDefaultsByDatabase(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want bool
	}{
		{nil, true},
		{map[string]string{"SHAREPANEL_DATABASE_URL": "mysql://u:p@db:3306/sp"}, false},
		{map[string]string{"SHAREPANEL_DATABASE_URL": "mysql://u:p@db:3306/sp", "SHAREPANEL_AUTO_MIGRATE": "true"}, true},
		{map[string]string{"SHAREPANEL_AUTO_MIGRATE": "off"}, false},
	} {
		cfg, err := Load(env(c.env))
		if err != nil || cfg.AutoMigrate != c.want {
			t.Errorf("%v: AutoMigrate %v, %v; want %v", c.env, cfg.AutoMigrate, err, c.want)
		}
	}
	if _, err := Load(env(map[string]string{"SHAREPANEL_AUTO_MIGRATE": "sometimes"})); err == nil || !strings.Contains(err.Error(), "SHAREPANEL_AUTO_MIGRATE") {
		t.Fatalf("bad value: %v", err)
	}
}

// Every address, duration and enum is checked in full when the configuration is loaded, and the
// message names the variable and what it takes.
func TestValuesAreCheckedInFull(t *testing.T) {
	for _, c := range []struct{ name, value, want string }{
		{"SHAREPANEL_LOG_FORMAT", "x", `must be one of json, text (or unset), got "x"`},
		{"SHAREPANEL_LOG_LEVEL", "loud", `must be one of debug, info, warn, error, got "loud"`},
		{"SHAREPANEL_ADDR", ":99999", "with a port from 1 to 65535"},
		{"SHAREPANEL_ADDR", ":0", "with a port from 1 to 65535"},
		{"SHAREPANEL_ADMIN_ADDR", "bad host:2087", "must have an IP address or a host name"},
		{"SHAREPANEL_METRICS_ADDR", "localhost", "must be host:port or :port"},
		{"SHAREPANEL_SHUTDOWN_TIMEOUT", "-5s", "must be a positive duration"},
		{"SHAREPANEL_USAGE_FLUSH_INTERVAL", "soon", "must be a positive duration"},
		{"SHAREPANEL_DATABASE_URL", "sqlite://", "needs a file after sqlite://"},
		{"SHAREPANEL_DATABASE_URL", "mysql://root:secret@db", "must look like mysql://USER:PASSWORD@HOST:PORT/DATABASE"},
		{"SHAREPANEL_REDIS_URL", "redis://", "must name a host"},
		{"SHAREPANEL_CORS_ORIGINS", "https://a.example, panel.example.com", `got "panel.example.com"`},
		{"SHAREPANEL_CURRENCY", "US1", "three-letter currency code"},
		{"SHAREPANEL_AUTO_MIGRATE", "maybe", "must be true or false"},
	} {
		_, err := Load(env(map[string]string{c.name: c.value}))
		if err == nil || !strings.Contains(err.Error(), c.name) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s=%q: %v, want the variable and %q", c.name, c.value, err, c.want)
		}
		if strings.Contains(c.value, "secret") && err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("%s: the error repeats a password: %v", c.name, err)
		}
	}
	cfg, err := Load(env(map[string]string{"SHAREPANEL_CURRENCY": "eur", "SHAREPANEL_ADDR": "127.0.0.1:9000", "SHAREPANEL_CORS_ORIGINS": "https://panel.example.com:8443"}))
	if err != nil || cfg.Currency != "EUR" || cfg.Addr != "127.0.0.1:9000" {
		t.Fatalf("good values: %+v %v", cfg, err)
	}
}

// Issue 10, point 7: a JWT secret shorter than 32 bytes refuses the start, naming the variable
// (a 3-byte secret was once only a warning, and a token forged offline was accepted).
func TestShortJWTSecretRefusesToStart(t *testing.T) {
	for _, secret := range []string{"abc", strings.Repeat("x", 31)} {
		_, err := Load(env(map[string]string{"SHAREPANEL_JWT_SECRET": secret}))
		if err == nil || !strings.Contains(err.Error(), "SHAREPANEL_JWT_SECRET must be at least 32 bytes") {
			t.Errorf("%d-byte secret: %v", len(secret), err)
		}
	}
	file := filepath.Join(t.TempDir(), "jwt")
	if err := os.WriteFile(file, []byte("short\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(env(map[string]string{"SHAREPANEL_JWT_SECRET_FILE": file})); err == nil || !strings.Contains(err.Error(), "SHAREPANEL_JWT_SECRET") {
		t.Errorf("short secret file: %v", err)
	}
	c, err := Load(env(map[string]string{"SHAREPANEL_JWT_SECRET": strings.Repeat("x", 32)}))
	if err != nil || len(c.JWTSecret) != 32 {
		t.Fatalf("32-byte secret: %v", err)
	}
}

// The settings of issue 10: their defaults, and the forms they take.
func TestHostileClientSettings(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.ReadTimeout != 30*time.Second || c.MaxConns != 10_000 || c.MaxBodyMemory != 256<<20 || len(c.AdminCORSOrigins) != 0 || c.PublicURL != "" {
		t.Fatalf("defaults: read %s, conns %d, body memory %d, admin CORS %v, public URL %q", c.ReadTimeout, c.MaxConns, c.MaxBodyMemory, c.AdminCORSOrigins, c.PublicURL)
	}
	c, err = Load(env(map[string]string{"SHAREPANEL_READ_TIMEOUT": "5s", "SHAREPANEL_MAX_CONNS": "64", "SHAREPANEL_MAX_BODY_MEMORY": "1GB",
		"SHAREPANEL_ADMIN_CORS_ORIGINS": "https://console.example", "SHAREPANEL_PUBLIC_URL": "https://api.example.com/"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.ReadTimeout != 5*time.Second || c.MaxConns != 64 || c.MaxBodyMemory != 1<<30 || len(c.AdminCORSOrigins) != 1 || c.PublicURL != "https://api.example.com" {
		t.Fatalf("set: %+v", c)
	}
	for _, bad := range []string{"ftp://api.example.com", "https://api.example.com/?x=1", "https://api.example.com/#top", "https://", "/api", "https://u:p@api.example.com"} {
		if _, err := Load(env(map[string]string{"SHAREPANEL_PUBLIC_URL": bad})); err == nil || !strings.Contains(err.Error(), "SHAREPANEL_PUBLIC_URL") {
			t.Errorf("public URL %q: %v", bad, err)
		}
	}
	for v, want := range map[string]int64{"1048576": 1 << 20, "64KB": 64 << 10, "512 MB": 512 << 20} {
		if c, err := Load(env(map[string]string{"SHAREPANEL_MAX_BODY_MEMORY": v})); err != nil || c.MaxBodyMemory != want {
			t.Errorf("body memory %q: %d %v", v, c.MaxBodyMemory, err)
		}
	}
}

// Every variable Load reads is in docs/OPERATIONS.md's configuration table, so that the page an
// operator reads cannot fall behind the code.
func TestEveryVariableIsDocumented(t *testing.T) {
	doc, err := os.ReadFile("../docs/OPERATIONS.md")
	if err != nil {
		t.Fatal(err)
	}
	read := map[string]bool{}
	if _, err := Load(func(name string) string { read[name] = true; return "" }); err != nil {
		t.Fatal(err)
	}
	if len(read) < 20 {
		t.Fatalf("Load read only %d variables: %v", len(read), read)
	}
	for name := range read {
		if strings.HasSuffix(name, "_FILE") {
			name = strings.TrimSuffix(name, "_FILE") + "` (or `_FILE"
		}
		if !strings.Contains(string(doc), "| `"+name+"`") {
			t.Errorf("%s is not in docs/OPERATIONS.md's configuration table", name)
		}
	}
}
