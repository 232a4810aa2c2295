package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"sharepanel/wire"
)

// What Failover does while Redis is unreachable.
const (
	ModeLocal  = "local"  // decide with the in-process limiter (each replica then allows the full limits)
	ModeOpen   = "open"   // allow everything, with Backend "open" and no windows
	ModeClosed = "closed" // refuse with ErrUnavailable, which the HTTP layer answers with 503
)

// ErrUnavailable means the shared limiter cannot decide and the gateway is configured to refuse
// rather than guess (ModeClosed). It is a coded error, so both APIs answer it as it is: 503 with
// the message below.
var ErrUnavailable error = &wire.Error{Code: wire.EUNAVAILABLE, Message: "Rate limiting is unavailable. Please try again later."}

// defaultProbeInterval spaces the requests that try Redis again while it is down: each try may
// cost a request the client timeout, so one a second is enough to notice the recovery.
const defaultProbeInterval = time.Second

// Failover is a Checker that uses Redis while Redis answers and falls back by its mode while it
// does not. The switch and the recovery are logged once each. While degraded, at most one
// request per probe interval tries Redis; the others go straight to the fallback, so a dead
// Redis costs most requests nothing and none more than the Redis limiter's timeout.
type Failover struct {
	primary *Redis
	local   *Memory
	mode    string
	log     *slog.Logger

	now        func() time.Time // the probe schedule's clock; tests drive it
	probeEvery time.Duration

	degraded  atomic.Bool
	mu        sync.Mutex // guards nextProbe
	nextProbe time.Time
}

// NewFailover puts local (or, by mode, a fixed answer) behind primary. mode is ModeLocal (also
// when empty), ModeOpen or ModeClosed; local may be nil unless mode is ModeLocal. A nil logger
// discards.
func NewFailover(primary *Redis, local *Memory, mode string, logger *slog.Logger) (*Failover, error) {
	if mode == "" {
		mode = ModeLocal
	}
	switch {
	case primary == nil:
		return nil, errors.New("ratelimit: failover needs a Redis limiter")
	case mode != ModeLocal && mode != ModeOpen && mode != ModeClosed:
		return nil, fmt.Errorf("ratelimit: unknown failover mode %q (want local, open or closed)", mode)
	case mode == ModeLocal && local == nil:
		return nil, errors.New("ratelimit: failover mode local needs an in-process limiter")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Failover{
		primary: primary, local: local, mode: mode, log: logger,
		now: time.Now, probeEvery: defaultProbeInterval,
	}, nil
}

// Allow implements Limiter.
func (f *Failover) Allow(ctx context.Context, key string, limits Limits) (Decision, error) {
	return f.decide(ctx, key, limits, true)
}

// Peek implements Checker.
func (f *Failover) Peek(ctx context.Context, key string, limits Limits) (Decision, error) {
	return f.decide(ctx, key, limits, false)
}

// Degraded reports whether Redis is currently being bypassed, for health checks and metrics.
func (f *Failover) Degraded() bool { return f.degraded.Load() }

func (f *Failover) decide(ctx context.Context, key string, limits Limits, charge bool) (Decision, error) {
	if err := checkKey(key); err != nil {
		return Decision{}, err
	}
	if !f.tryRedis() {
		return f.fallback(key, limits, charge, nil)
	}
	d, err := f.primary.decide(ctx, key, limits, charge)
	switch {
	case err == nil:
		if f.degraded.CompareAndSwap(true, false) {
			f.log.Info("rate limiter: Redis is back, using it again")
		}
		return d, nil
	case ctx.Err() != nil:
		return d, err // the caller gave up; that says nothing about Redis
	}
	f.mu.Lock()
	f.nextProbe = f.now().Add(f.probeEvery)
	f.mu.Unlock()
	if f.degraded.CompareAndSwap(false, true) {
		f.log.Warn("rate limiter: Redis unavailable, falling back", "mode", f.mode, "err", err)
	}
	return f.fallback(key, limits, charge, err)
}

// tryRedis reports whether this request should go to Redis: always while Redis is healthy, and
// while degraded only for the one request that claims the next probe.
func (f *Failover) tryRedis() bool {
	if !f.degraded.Load() {
		return true
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.now()
	if now.Before(f.nextProbe) {
		return false
	}
	f.nextProbe = now.Add(f.probeEvery)
	return true
}

func (f *Failover) fallback(key string, limits Limits, charge bool, cause error) (Decision, error) {
	switch f.mode {
	case ModeOpen:
		// Nothing was counted, so there is no window to report.
		return Decision{Allowed: true, Backend: "open"}, nil
	case ModeClosed:
		if cause == nil {
			return Decision{}, ErrUnavailable
		}
		return Decision{}, fmt.Errorf("%w: %w", ErrUnavailable, cause)
	}
	return f.local.decide(key, limits, charge)
}
