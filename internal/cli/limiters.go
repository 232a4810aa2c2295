package cli

import (
	"context"
	"log/slog"
	"time"

	"sharepanel/config"
	"sharepanel/handlers"
	"sharepanel/idempotency"
	"sharepanel/internal/tracing"
	"sharepanel/models"
	"sharepanel/ratelimit"
	"sharepanel/revocation"
)

// limiters are the request limiter and the login guard: over Redis (shared by every replica, with
// the in-process limiter or a fixed answer behind it when Redis fails) or, without
// SHAREPANEL_REDIS_URL, in process; and, with Redis, the bus that carries revocations between
// replicas.
type limiters struct {
	Requests ratelimit.Limiter
	Login    *ratelimit.Auth
	Redis    func(context.Context) error // Redis health check; nil without Redis
	// Revocations carries cache invalidations between replicas; nil without Redis.
	Revocations *revocation.Bus
	// Idempotency keeps the answers of writes sent with an Idempotency-Key in Redis, for every
	// replica; nil without Redis (the database keeps them).
	Idempotency *idempotency.Redis
	// Failover is the request limiter's Redis failover (nil without Redis), for readiness and
	// metrics; LoginFailover the login limits'.
	Failover, LoginFailover *ratelimit.Failover
	Close                   func()
}

// revocationTimeout is the default timeout of the revocation bus's client: a subscription and a
// publication may take longer than a limiter call, and nothing waits on them in a request.
const revocationTimeout = time.Second

// newLimiters builds the limiters (and, with Redis, the Idempotency-Key records); seed is the request limiter's today's usage of a caller
// (handlers.UsageToday), from which it seeds a daily count Redis has lost and starts its fallback;
// the Redis client's commands are traced by tr.
func newLimiters(cfg config.Config, log *slog.Logger, seed func(context.Context, string) (int64, error), tr *tracing.Tracing) (*limiters, error) {
	if cfg.RedisURL == "" {
		log.Info("rate limits: in-process (set SHAREPANEL_REDIS_URL to share them between replicas)")
		return &limiters{
			// Seeded from the database, so that a restart keeps each account's day.
			Requests: ratelimit.NewMemory(ratelimit.MemoryOptions{Seed: seed}),
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
	requests, err := ratelimit.NewFailoverWith(shared, ratelimit.NewMemory(ratelimit.MemoryOptions{}),
		ratelimit.FailoverOptions{Mode: cfg.OnRedisError, Log: log.With("limiter", "requests"), Seed: seed})
	if err != nil {
		client.Close()
		return nil, err
	}
	// Login limits fall back to the in-process limiter whatever SHAREPANEL_RATELIMIT_ON_REDIS_ERROR
	// says: "open" must not switch password-guessing protection off, nor "closed" lock every
	// login out, because Redis is down.
	logins, err := ratelimit.NewFailover(shared, ratelimit.NewMemory(ratelimit.MemoryOptions{}), ratelimit.ModeLocal, log.With("limiter", "logins"))
	if err != nil {
		client.Close()
		return nil, err
	}
	busClient, err := ratelimit.NewRedisClientTimeout(cfg.RedisURL, max(cfg.RedisTimeout, revocationTimeout))
	if err != nil {
		client.Close()
		return nil, err
	}
	// Idempotency-Key records share the revocation bus's client: its calls may take longer than a
	// limiter call (up to a second), and a failed claim refuses a write.
	idem, err := idempotency.NewRedis(busClient, idempotency.Options{TTL: handlers.IdempotencyTTL, Lease: handlers.IdempotencyLease(cfg.RequestTimeout),
		Timeout: max(cfg.RedisTimeout, revocationTimeout)})
	if err != nil {
		client.Close()
		busClient.Close()
		return nil, err
	}
	log.Info("rate limits: Redis", "on_redis_error", cfg.OnRedisError, "logins_on_redis_error", ratelimit.ModeLocal)
	return &limiters{
		// A key over its limit is refused from memory until its retry time: abusive clients cost
		// no Redis call (exact: see ratelimit.Refusals).
		Requests:      ratelimit.NewRefusals(requests, ratelimit.RefusalOptions{}),
		Login:         ratelimit.NewAuth(logins, ratelimit.AuthLimits{}),
		Redis:         func(ctx context.Context) error { return client.Ping(ctx).Err() },
		Revocations:   revocation.New(busClient, revocation.DefaultChannel, log),
		Idempotency:   idem,
		Failover:      requests,
		LoginFailover: logins,
		Close:         func() { client.Close(); busClient.Close() },
	}, nil
}

// publishRevocations lets a command that revokes keys (demo, which replaces the demo account's)
// tell the running replicas over Redis, as serve does; it returns what to call when done. Without
// Redis there is nothing to tell.
func publishRevocations(store *models.Store, cfg config.Config, log *slog.Logger) func() {
	if cfg.RedisURL == "" {
		return func() {}
	}
	client, err := ratelimit.NewRedisClientTimeout(cfg.RedisURL, max(cfg.RedisTimeout, revocationTimeout))
	if err != nil {
		log.Warn("revocations will not be published", "err", err)
		return func() {}
	}
	store.Broadcast = revocation.New(client, revocation.DefaultChannel, log)
	return func() { client.Close() }
}
