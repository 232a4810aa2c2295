package cli

import (
	"context"
	"log/slog"

	"sharepanel/config"
	"sharepanel/internal/tracing"
	"sharepanel/ratelimit"
)

// limiters are the request limiter and the login guard: over Redis (shared by every replica, with
// the in-process limiter or a fixed answer behind it when Redis fails) or, without
// SHAREPANEL_REDIS_URL, in process.
type limiters struct {
	Requests ratelimit.Limiter
	Login    *ratelimit.Auth
	Redis    func(context.Context) error // Redis health check; nil without Redis
	Close    func()
}

func newLimiters(cfg config.Config, log *slog.Logger, tr *tracing.Tracing) (*limiters, error) {
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
	if err := tr.InstrumentRedis(client); err != nil {
		client.Close()
		return nil, err
	}
	shared, err := ratelimit.NewRedis(client, ratelimit.RedisOptions{Timeout: cfg.RedisTimeout})
	if err != nil {
		client.Close()
		return nil, err
	}
	// Requests and logins get separate in-process fallbacks and separate failover state, so that a
	// burst of one cannot evict the other's counters.
	requests, err := ratelimit.NewFailover(shared, ratelimit.NewMemory(ratelimit.MemoryOptions{}), cfg.OnRedisError, log.With("limiter", "requests"))
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
		Requests: ratelimit.NewRefusals(requests, ratelimit.RefusalOptions{}),
		Login:    ratelimit.NewAuth(logins, ratelimit.AuthLimits{}),
		Redis:    func(ctx context.Context) error { return client.Ping(ctx).Err() },
		Close:    func() { client.Close() },
	}, nil
}
