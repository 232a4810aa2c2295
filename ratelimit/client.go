package ratelimit

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultClientTimeout is the dial, read, write and pool timeout of NewRedisClient's client when
// the URL sets none: on loopback or in one zone a decision takes well under a millisecond, so
// anything much slower is a sick Redis, and the gateway is better off falling back than waiting.
const DefaultClientTimeout = 50 * time.Millisecond

// NewRedisClient builds the client for a Redis limiter from a URL (forms in the package
// documentation): a *redis.Client for one server, a *redis.ClusterClient for a cluster. It never
// retries a command, dials once per connection, and times out after DefaultClientTimeout unless
// the URL says otherwise.
func NewRedisClient(rawURL string) (redis.UniversalClient, error) {
	return NewRedisClientTimeout(rawURL, DefaultClientTimeout)
}

// NewRedisClientTimeout is NewRedisClient with another default for the timeouts the URL does not
// set: the limiter's own deadline (SHAREPANEL_REDIS_TIMEOUT), so that a longer one is not cut short
// by the client's.
func NewRedisClientTimeout(rawURL string, timeout time.Duration) (redis.UniversalClient, error) {
	return NewRedisClientDialer(rawURL, timeout, nil)
}

// Dialer opens a connection to a Redis node (go-redis's Options.Dialer).
type Dialer func(ctx context.Context, network, addr string) (net.Conn, error)

// NewRedisClientDialer is NewRedisClientTimeout whose connections, to every node, are opened by
// dial (nil: go-redis's own). Tests use it to cut a client off from Redis.
func NewRedisClientDialer(rawURL string, timeout time.Duration, dial Dialer) (redis.UniversalClient, error) {
	u, addrs, cluster, err := splitRedisURL(rawURL)
	if err != nil {
		return nil, err
	}
	q := u.Query()
	if timeout <= 0 {
		timeout = DefaultClientTimeout
	}
	if s := q.Get("timeout"); s != "" {
		if timeout, err = time.ParseDuration(s); err != nil || timeout <= 0 {
			return nil, fmt.Errorf("ratelimit: redis URL: bad timeout %q", s)
		}
	}
	q.Del("timeout")

	if cluster {
		if strings.Trim(u.Path, "/") != "" {
			return nil, fmt.Errorf("ratelimit: redis URL: a cluster has no database number")
		}
		for _, a := range addrs[1:] {
			q.Add("addr", a)
		}
		u.RawQuery = q.Encode()
		opt, err := redis.ParseClusterURL(u.String())
		if err != nil {
			return nil, fmt.Errorf("ratelimit: redis URL: %w", err)
		}
		limiterDefaults(q, timeout, &opt.DialTimeout, &opt.ReadTimeout, &opt.WriteTimeout, &opt.PoolTimeout,
			&opt.DialerRetries, &opt.MaxRetries, &opt.ContextTimeoutEnabled)
		if dial != nil {
			opt.Dialer = dial
		}
		return redis.NewClusterClient(opt), nil
	}

	u.RawQuery = q.Encode()
	opt, err := redis.ParseURL(u.String())
	if err != nil {
		return nil, fmt.Errorf("ratelimit: redis URL: %w", err)
	}
	limiterDefaults(q, timeout, &opt.DialTimeout, &opt.ReadTimeout, &opt.WriteTimeout, &opt.PoolTimeout,
		&opt.DialerRetries, &opt.MaxRetries, &opt.ContextTimeoutEnabled)
	if dial != nil {
		opt.Dialer = dial
	}
	return redis.NewClient(opt), nil
}

// limiterDefaults sets what the limiter needs of either client's options (their fields have the
// same names but not the same type): the timeouts the URL did not set, one dial try (a refused
// dial is an answer; five tries 100ms apart would stall), no retries (a retried script call could
// charge twice), and deadlines taken from the context.
func limiterDefaults(q url.Values, timeout time.Duration, dial, read, write, pool *time.Duration, dialerRetries, maxRetries *int, contextTimeout *bool) {
	for name, d := range map[string]*time.Duration{"dial_timeout": dial, "read_timeout": read, "write_timeout": write, "pool_timeout": pool} {
		if !q.Has(name) { // go-redis's own timeout options win over ours
			*d = timeout
		}
	}
	if !q.Has("dialer_retries") {
		*dialerRetries = 1
	}
	*maxRetries = -1
	*contextTimeout = true
}

// splitRedisURL separates the address list, which net/url cannot parse, from the rest of the
// URL. It returns the URL with only the first address, every address, and whether they name a
// cluster.
func splitRedisURL(rawURL string) (u *url.URL, addrs []string, cluster bool, err error) {
	scheme, rest, ok := strings.Cut(rawURL, "://")
	if !ok {
		return nil, nil, false, fmt.Errorf("ratelimit: redis URL %q: no scheme", rawURL)
	}
	switch scheme {
	case "redis", "rediss":
	case "redis+cluster", "rediss+cluster":
		scheme, cluster = strings.TrimSuffix(scheme, "+cluster"), true
	default:
		return nil, nil, false, fmt.Errorf("ratelimit: redis URL: unknown scheme %q", scheme)
	}
	authority, tail := rest, ""
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		authority, tail = rest[:i], rest[i:]
	}
	userinfo, hosts := "", authority
	if i := strings.LastIndex(authority, "@"); i >= 0 {
		userinfo, hosts = authority[:i+1], authority[i+1:]
	}
	for _, a := range strings.Split(hosts, ",") {
		if a = strings.TrimSpace(a); a != "" {
			addrs = append(addrs, a)
		}
	}
	if len(addrs) == 0 {
		return nil, nil, false, fmt.Errorf("ratelimit: redis URL: no address")
	}
	cluster = cluster || len(addrs) > 1
	u, err = url.Parse(scheme + "://" + userinfo + addrs[0] + tail)
	if err != nil {
		return nil, nil, false, fmt.Errorf("ratelimit: redis URL: %w", err)
	}
	return u, addrs, cluster, nil
}
