package ratelimit

import (
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func TestNewRedisClientSingle(t *testing.T) {
	for _, tt := range []struct {
		url          string
		addr         string
		db           int
		read, dial   time.Duration
		user, passwd string
	}{
		{url: "redis://127.0.0.1:6379/0", addr: "127.0.0.1:6379", read: DefaultClientTimeout, dial: DefaultClientTimeout},
		{url: "redis://u:p%40ss@cache:6380/3?timeout=20ms", addr: "cache:6380", db: 3, read: 20 * time.Millisecond, dial: 20 * time.Millisecond, user: "u", passwd: "p@ss"},
		{url: "redis://cache:6379?timeout=20ms&read_timeout=1s", addr: "cache:6379", read: time.Second, dial: 20 * time.Millisecond},
	} {
		c, err := NewRedisClient(tt.url)
		if err != nil {
			t.Fatalf("%s: %v", tt.url, err)
		}
		cl, ok := c.(*redis.Client)
		if !ok {
			t.Fatalf("%s: got %T, want *redis.Client", tt.url, c)
		}
		o := cl.Options()
		if o.Addr != tt.addr || o.DB != tt.db || o.ReadTimeout != tt.read || o.WriteTimeout != tt.dial || o.PoolTimeout != tt.dial ||
			o.DialTimeout != tt.dial || o.Username != tt.user || o.Password != tt.passwd {
			t.Errorf("%s: addr %s db %d read %v write %v pool %v dial %v user %q password %q", tt.url,
				o.Addr, o.DB, o.ReadTimeout, o.WriteTimeout, o.PoolTimeout, o.DialTimeout, o.Username, o.Password)
		}
		// Options() shows the client after go-redis normalised -1 ("no retries") to 0.
		if o.MaxRetries > 0 || o.DialerRetries != 1 || !o.ContextTimeoutEnabled {
			t.Errorf("%s: MaxRetries %d, DialerRetries %d, ContextTimeoutEnabled %v; want no retries, one dial, context deadlines",
				tt.url, o.MaxRetries, o.DialerRetries, o.ContextTimeoutEnabled)
		}
		c.Close()
	}
}

func TestNewRedisClientCluster(t *testing.T) {
	for _, url := range []string{
		"redis+cluster://h1:7001,h2:7002,h3:7003",
		"redis://h1:7001,h2:7002,h3:7003?timeout=50ms",
		"redis+cluster://u:p@h1:7001,h2:7002,h3:7003/",
	} {
		c, err := NewRedisClient(url)
		if err != nil {
			t.Fatalf("%s: %v", url, err)
		}
		cc, ok := c.(*redis.ClusterClient)
		if !ok {
			t.Fatalf("%s: got %T, want *redis.ClusterClient", url, c)
		}
		o := cc.Options()
		if !slices.Equal(o.Addrs, []string{"h1:7001", "h2:7002", "h3:7003"}) {
			t.Errorf("%s: addrs %v", url, o.Addrs)
		}
		if o.ReadTimeout != DefaultClientTimeout || o.MaxRetries > 0 || o.DialerRetries != 1 {
			t.Errorf("%s: read timeout %v, max retries %d, dialer retries %d", url, o.ReadTimeout, o.MaxRetries, o.DialerRetries)
		}
		c.Close()
	}
}

func TestNewRedisClientRejects(t *testing.T) {
	for _, url := range []string{
		"127.0.0.1:6379",
		"http://127.0.0.1:6379",
		"redis://",
		"redis+cluster://h1:7001,h2:7002/2",
		"redis://h:6379?timeout=soon",
		"redis://h:6379?no_such_option=1",
	} {
		if c, err := NewRedisClient(url); err == nil {
			c.Close()
			t.Errorf("%s accepted", url)
		}
	}
}

// The limiter's deadline is the client's default timeout, so a longer one is not cut to 50ms by the
// client; a timeout in the URL still wins.
func TestNewRedisClientTimeout(t *testing.T) {
	for url, want := range map[string]time.Duration{
		"redis://127.0.0.1:6379/0":                  300 * time.Millisecond,
		"redis://127.0.0.1:6379/0?timeout=20ms":     20 * time.Millisecond,
		"redis+cluster://127.0.0.1:7001,h2:7002":    300 * time.Millisecond,
		"redis+cluster://127.0.0.1:7001?timeout=1s": time.Second,
	} {
		c, err := NewRedisClientTimeout(url, 300*time.Millisecond)
		if err != nil {
			t.Fatalf("%s: %v", url, err)
		}
		var read, pool time.Duration
		switch cl := c.(type) {
		case *redis.Client:
			read, pool = cl.Options().ReadTimeout, cl.Options().PoolTimeout
		case *redis.ClusterClient:
			read, pool = cl.Options().ReadTimeout, cl.Options().PoolTimeout
		}
		if read != want || pool != want {
			t.Errorf("%s: read %v pool %v, want %v", url, read, pool, want)
		}
		_ = c.Close()
	}
}
