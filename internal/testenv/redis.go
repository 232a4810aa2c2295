package testenv

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"sharepanel/ratelimit"
)

// RedisBackend is a Redis that limiters of several gateway replicas can share in a test.
type RedisBackend struct {
	Name   string
	URL    string // as NewRedisClient takes it
	Client redis.UniversalClient
	Mini   *miniredis.Miniredis // nil for real servers
	Prefix string               // unique per test, so tests never see each other's keys
}

// RedisBackends returns miniredis always, real Redis when SHAREPANEL_TEST_REDIS_URL is set, and a
// real Redis Cluster when SHAREPANEL_TEST_REDIS_CLUSTER_ADDRS is set.
func RedisBackends(t testing.TB) []*RedisBackend {
	t.Helper()
	mr := miniredis.RunT(t)
	out := []*RedisBackend{{Name: "miniredis", Mini: mr, URL: "redis://" + mr.Addr()}}
	if u := os.Getenv("SHAREPANEL_TEST_REDIS_URL"); u != "" {
		out = append(out, &RedisBackend{Name: "redis", URL: u})
	}
	if addrs := os.Getenv("SHAREPANEL_TEST_REDIS_CLUSTER_ADDRS"); addrs != "" {
		out = append(out, &RedisBackend{Name: "cluster", URL: "redis+cluster://" + strings.TrimSpace(addrs)})
	}
	for _, b := range out {
		b.Client = newClient(t, b.URL, nil)
		b.Prefix = "test:" + randomHex(6) + ":"
	}
	return out
}

// NewClient returns another client of the backend (one replica's), whose connections dial opens.
func (b *RedisBackend) NewClient(t testing.TB, dial ratelimit.Dialer) redis.UniversalClient {
	t.Helper()
	return newClient(t, b.URL, dial)
}

// testTimeout replaces the production timeouts (tens of milliseconds): under -race on a loaded
// two-core machine a healthy Redis can take longer, and a timeout would fail the request.
const testTimeout = 5 * time.Second

func newClient(t testing.TB, url string, dial ratelimit.Dialer) redis.UniversalClient {
	t.Helper()
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	c, err := ratelimit.NewRedisClientDialer(url+sep+"timeout="+testTimeout.String(), ratelimit.DefaultClientTimeout, dial)
	if err != nil {
		t.Fatalf("redis client %s: %v", url, err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// Limiter returns a new Redis limiter (one replica's) over the backend.
func (b *RedisBackend) Limiter(t testing.TB) *ratelimit.Redis {
	t.Helper()
	l, err := ratelimit.NewRedis(b.Client, ratelimit.RedisOptions{Prefix: b.Prefix, Timeout: testTimeout})
	if err != nil {
		t.Fatal(err)
	}
	return l
}
