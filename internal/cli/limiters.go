package cli

import (
	"context"
	"log/slog"

	"sharepanel/config"
	"sharepanel/ratelimit"
)

// limiters are the request limiter and the login guard: over Redis (shared by every replica, with
// the in-process limiter or a fixed answer behind it when Redis fails) or, without
// SHAREPANEL_REDIS_URL, in process.
type limiters struct {
	Requests ratelimit.Limiter
	Login    *ratelimit.Auth
	Redis    func(context.Context) error // Redis health check; nil without Redis
	// Failover is the request limiter's Redis failover (nil without Redis), for readiness and
	// metrics; LoginFailover the login limits'.
	Failover, LoginFailover *ratelimit.Failover
	Close                   func()
}

// newLimiters builds the limiters; seed is the request limiter's today's usage of a caller
// (handlers.UsageToday), from which it seeds a daily count Redis has lost and starts its fallback.
func newLimiters(cfg config.Config, log *slog.Logger, seed func(context.Context, string) (int64, error)) (*limiters, error) {
	if cfg.RedisURL == "" {
		log.Info("rate limits: in-process (set SHAREPANEL_REDIS_URL to share them between replicas)")
		return &limiters{
			Requests: ratelimit.NewMemory(ratelimit.MemoryOptions{}),
			Login:    ratelimit.NewInProcessAuth(),
			Close:    func() {},
		}, nil
	}
	client, err := ratelimit.NewRedisClientTimeout(cfg.RedisURL, cfg.RedisTimeout)
	if err != nil {
		return nil, err
	}
	shared, err := ratelimit.NewRedis(client, ratelimit.RedisOptions{Timeout: cfg.RedisTimeout})
	if err != nil {
		client.Close()
		return nil, err
	}
	// Requests and logins get separate in-process fallbacks and separate failover state, so that a
	// burst of one cannot evict the other's counters.
	requests, err := ratelimit.NewFailoverWith(shared, ratelimit.NewMemory(ratelimit.MemoryOptions{}),
		ratelimit.FailoverOptions{Mode: cfg.OnRedisError, Log: log.With("limiter", "requests"), Seed: seed})
	if err != nil {
		client.Close()
		return nil, err
	}
	logins, err := ratelimit.NewFailover(shared, ratelimit.NewMemory(ratelimit.MemoryOptions{}), cfg.OnRedisError, log.With("limiter", "logins"))
	if err != nil {
		client.Close()
		return nil, err
	}
	log.Info("rate limits: Redis", "on_redis_error", cfg.OnRedisError)
	return &limiters{
		// A key over its limit is refused from memory until its retry time: abusive clients cost
		// no Redis call (exact: see ratelimit.Refusals).
		Requests:      ratelimit.NewRefusals(requests, ratelimit.RefusalOptions{}),
		Login:         ratelimit.NewAuth(logins, ratelimit.AuthLimits{}),
		Redis:         func(ctx context.Context) error { return client.Ping(ctx).Err() },
		Failover:      requests,
		LoginFailover: logins,
		Close:         func() { client.Close() },
	}, nil
}
