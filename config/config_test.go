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
	if err := os.WriteFile(secret, []byte("s3cret\n"), 0o600); err != nil {
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
	if c.JWTSecret != "s3cret" {
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
