package ratelimit

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// Where the Redis tests run: always on miniredis (single client and cluster client), and on the
// servers named by these variables when they are set.
const (
	envRedisURL     = "SHAREPANEL_TEST_REDIS_URL"
	envClusterAddrs = "SHAREPANEL_TEST_REDIS_CLUSTER_ADDRS"
)

// backend is one place the shared tests run.
type backend struct {
	name string
	// newLimiter returns a limiter on the backend's store; every call a new instance, sharing
	// the store with the previous ones (for Memory: the same instance).
	newLimiter func() Checker
	// setTime moves the backend's clock; nil when the clock is a real server's.
	setTime func(time.Time)
	// client and mr are set for the Redis backends (mr only for miniredis).
	client redis.UniversalClient
	mr     *miniredis.Miniredis
	prefix string
}

// forEachBackend runs f once per backend as a subtest.
func forEachBackend(t *testing.T, f func(t *testing.T, b *backend)) {
	t.Run("memory", func(t *testing.T) { f(t, memoryBackend(t)) })
	t.Run("miniredis", func(t *testing.T) { f(t, miniredisBackend(t, false)) })
	t.Run("miniredis-cluster-client", func(t *testing.T) { f(t, miniredisBackend(t, true)) })
	t.Run("redis", func(t *testing.T) { f(t, realRedisBackend(t, false)) })
	t.Run("redis-cluster", func(t *testing.T) { f(t, realRedisBackend(t, true)) })
}

// forEachRedis runs f on the Redis backends only.
func forEachRedis(t *testing.T, f func(t *testing.T, b *backend)) {
	t.Run("miniredis", func(t *testing.T) { f(t, miniredisBackend(t, false)) })
	t.Run("miniredis-cluster-client", func(t *testing.T) { f(t, miniredisBackend(t, true)) })
	t.Run("redis", func(t *testing.T) { f(t, realRedisBackend(t, false)) })
	t.Run("redis-cluster", func(t *testing.T) { f(t, realRedisBackend(t, true)) })
}

func memoryBackend(t *testing.T) *backend {
	clock := &fakeClock{t: t0}
	m := NewMemory(MemoryOptions{Now: clock.Now})
	return &backend{name: "memory", newLimiter: func() Checker { return m }, setTime: clock.Set}
}

func miniredisBackend(t *testing.T, cluster bool) *backend {
	mr := miniredis.RunT(t)
	mr.SetTime(t0)
	var c redis.UniversalClient
	if cluster {
		c = redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{mr.Addr()}, MaxRetries: -1})
	} else {
		c = redis.NewClient(&redis.Options{Addr: mr.Addr(), MaxRetries: -1})
	}
	t.Cleanup(func() { c.Close() })
	b := &backend{name: "miniredis", setTime: mr.SetTime, client: c, mr: mr, prefix: "rl:"}
	b.newLimiter = func() Checker { return newTestRedis(t, c, b.prefix) }
	return b
}

// realRedisBackend uses the server (or cluster) named in the environment, or skips. Each test
// gets its own key prefix and deletes its keys afterwards; nothing else on the server is touched.
func realRedisBackend(t *testing.T, cluster bool) *backend {
	c := realRedisClient(t, cluster)
	prefix := "rltest:" + strings.NewReplacer("/", ":", " ", "_").Replace(t.Name()) + ":" + randHex(t) + ":"
	t.Cleanup(func() { deleteKeys(t, c, prefix) })
	b := &backend{name: "redis", client: c, prefix: prefix}
	b.newLimiter = func() Checker { return newTestRedis(t, c, prefix) }
	return b
}

func realRedisClient(t testing.TB, cluster bool) redis.UniversalClient {
	var url string
	if cluster {
		addrs := os.Getenv(envClusterAddrs)
		if addrs == "" {
			t.Skip(envClusterAddrs + " not set")
		}
		url = "redis+cluster://" + addrs
	} else if url = os.Getenv(envRedisURL); url == "" {
		t.Skip(envRedisURL + " not set")
	}
	// A generous timeout: these tests check behaviour, not speed, on a shared 2-core machine.
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	c, err := NewRedisClient(url + sep + "timeout=2s")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func newTestRedis(t testing.TB, c redis.UniversalClient, prefix string) *Redis {
	r, err := NewRedis(c, RedisOptions{Prefix: prefix, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// scanKeys lists the keys under prefix, on every master of a cluster.
func scanKeys(t testing.TB, c redis.UniversalClient, prefix string) []string {
	ctx := context.Background()
	var mu sync.Mutex
	var keys []string
	scan := func(ctx context.Context, n *redis.Client) error {
		it := n.Scan(ctx, 0, prefix+"*", 100).Iterator()
		for it.Next(ctx) {
			mu.Lock()
			keys = append(keys, it.Val())
			mu.Unlock()
		}
		return it.Err()
	}
	var err error
	switch c := c.(type) {
	case *redis.ClusterClient:
		err = c.ForEachMaster(ctx, scan)
	case *redis.Client:
		err = scan(ctx, c)
	}
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

func deleteKeys(t testing.TB, c redis.UniversalClient, prefix string) {
	for _, k := range scanKeys(t, c, prefix) {
		if err := c.Del(context.Background(), k).Err(); err != nil {
			t.Error(err)
		}
	}
}
