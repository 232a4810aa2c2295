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
	ModeLocal  = "local"  // decide with the in-process limiter, from what it knew (see Failover)
	ModeOpen   = "open"   // allow everything, with Backend "open" and no windows
	ModeClosed = "closed" // refuse with ErrUnavailable, which the HTTP layer answers with 503
)

// ErrUnavailable means the shared limiter cannot decide and the gateway is configured to refuse
// rather than guess (ModeClosed). It is a coded error, so both APIs answer it as it is: 503 with
// Retry-After and the message of every dependency failure.
var ErrUnavailable error = &wire.Error{Code: wire.EUNAVAILABLE, Message: wire.UnavailableMessage}

// defaultProbeInterval spaces the requests that try Redis again while it is down: each try may
// cost a request the client timeout, so one a second is enough to notice the recovery.
const defaultProbeInterval = time.Second

// FailoverOptions configure NewFailoverWith. The zero value (but for Mode) takes the defaults.
type FailoverOptions struct {
	Mode string       // ModeLocal (also when empty), ModeOpen or ModeClosed
	Log  *slog.Logger // nil discards
	// Trip is when the replica stops asking Redis (outlier detection, after Envoy's): the zero
	// value takes DefaultTrip.
	Trip TripPolicy
	// Seed returns today's requests of a caller as the database has them (models.RequestsToday
	// behind the caller's key). With it, a daily count Redis has lost (a restart) is seeded from
	// it, once per caller and day, and the local fallback starts a caller it knows nothing of from
	// it. Nil: neither (the login limits, whose callers are IPs and emails).
	Seed func(ctx context.Context, key string) (int64, error)
}

// TripPolicy says when failures make Failover switch to its fallback: after Consecutive failed
// calls in a row, or when at least MinCalls calls were made in the last Window and at least Ratio
// of them failed. Until then a failed call fails only its own request (decided by the mode); once
// tripped, one request a second tries Redis, and the first success switches back.
type TripPolicy struct {
	Consecutive int
	Ratio       float64
	MinCalls    int
	Window      time.Duration
}

// DefaultTrip is 5 failures in a row, or half of at least 20 calls in 10 s: a single slow call
// (one timeout) never trips, a dead Redis trips within 5 requests, a flapping one within seconds.
var DefaultTrip = TripPolicy{Consecutive: 5, Ratio: 0.5, MinCalls: 20, Window: 10 * time.Second}

// Failover is a Checker that uses Redis while Redis answers and falls back by its mode while it
// does not. A failed Redis call is decided by the fallback for that request only; past the trip
// policy the replica stops asking Redis but for one probe a second. The switch and the recovery
// are logged once each and counted (Switches).
//
// In ModeLocal the fallback goes on from what the replica knew, so that one replica never allows
// more than the plan in a day: every Redis decision is mirrored into the in-process limiter, and a
// caller it has not seen starts from today's usage in the database (Seed). What it allowed while
// Redis was away is added to Redis's count when Redis answers again (failover_merge.go). With
// several replicas, each goes on alone from the count it last saw.
type Failover struct {
	primary *Redis
	local   *Memory
	mode    string
	log     *slog.Logger
	trip    TripPolicy
	seed    func(ctx context.Context, key string) (int64, error)

	now        func() time.Time // the probe schedule's and the window's clock; tests drive it
	probeEvery time.Duration

	degraded    atomic.Bool
	switches    atomic.Int64
	mu          sync.Mutex // guards nextProbe and the failure counts
	nextProbe   time.Time
	consecutive int
	window      callWindow

	lastRedisNow atomic.Int64 // µs on Redis's clock of its last decision
	merge        localCharges
}

// NewFailover is NewFailoverWith with the default trip policy and no seed.
func NewFailover(primary *Redis, local *Memory, mode string, logger *slog.Logger) (*Failover, error) {
	return NewFailoverWith(primary, local, FailoverOptions{Mode: mode, Log: logger})
}

// NewFailoverWith puts local (or, by mode, a fixed answer) behind primary; local may be nil unless
// the mode is ModeLocal.
func NewFailoverWith(primary *Redis, local *Memory, opts FailoverOptions) (*Failover, error) {
	mode := opts.Mode
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
	logger := opts.Log
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	trip := opts.Trip
	if trip == (TripPolicy{}) {
		trip = DefaultTrip
	}
	return &Failover{
		primary: primary, local: local, mode: mode, log: logger, trip: trip, seed: opts.Seed,
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

// Switches counts the switches to the fallback since the start, for metrics.
func (f *Failover) Switches() int64 { return f.switches.Load() }

// Mode is what the failover does while Redis is unreachable: ModeLocal, ModeOpen or ModeClosed.
func (f *Failover) Mode() string { return f.mode }

func (f *Failover) decide(ctx context.Context, key string, limits Limits, charge bool) (Decision, error) {
	if err := checkKey(key); err != nil {
		return Decision{}, err
	}
	if !f.tryRedis() {
		return f.fallback(ctx, key, limits, charge, nil)
	}
	d, v, err := f.askRedis(ctx, key, limits, charge)
	switch {
	case err == nil:
		f.succeeded(v)
		if f.mode == ModeLocal {
			f.local.mirror(key, limits, v)
		}
		return d, nil
	case ctx.Err() != nil:
		return d, err // the caller gave up; that says nothing about Redis
	}
	f.failed(err)
	return f.fallback(ctx, key, limits, charge, err)
}

// askRedis is one decision by Redis, which seeds a daily count it has lost from the database.
func (f *Failover) askRedis(ctx context.Context, key string, limits Limits, charge bool) (Decision, verdict, error) {
	if f.seed == nil {
		return f.primary.decideSeeded(ctx, key, limits, charge, noSeed)
	}
	d, v, err := f.primary.decideSeeded(ctx, key, limits, charge, askSeed)
	if !errors.Is(err, errNeedSeed) {
		return d, v, err
	}
	return f.primary.decideSeeded(ctx, key, limits, charge, f.usedToday(ctx, key))
}

// usedToday is today's count of key as the database has it, or, when the database cannot say, as
// this replica last knew it (else 0).
func (f *Failover) usedToday(ctx context.Context, key string) int64 {
	n, err := f.seed(ctx, key)
	if err == nil {
		return n
	}
	f.log.Warn("rate limiter: today's usage not read from the database; counting from what this replica knew", "err", err)
	if f.local != nil {
		if n, ok := f.local.usedToday(key); ok {
			return n
		}
	}
	return 0
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

// succeeded counts a call Redis answered; the first after a trip switches back.
func (f *Failover) succeeded(v verdict) {
	if v.now > 0 {
		f.lastRedisNow.Store(v.now)
	}
	f.mu.Lock()
	f.consecutive = 0
	f.window.add(f.now(), f.trip.Window, false)
	f.mu.Unlock()
	if f.degraded.CompareAndSwap(true, false) {
		f.mu.Lock()
		f.window = callWindow{}
		f.mu.Unlock()
		f.log.Info("rate limiter: Redis is back, using it again")
	}
	if f.merge.waiting() {
		go f.mergeCharges()
	}
}

// failed counts a failed call and trips when the policy says so.
func (f *Failover) failed(cause error) {
	now := f.now()
	f.mu.Lock()
	f.consecutive++
	calls, failures := f.window.add(now, f.trip.Window, true)
	trip := f.consecutive >= f.trip.Consecutive ||
		calls >= f.trip.MinCalls && float64(failures) >= f.trip.Ratio*float64(calls)
	if trip {
		f.nextProbe = now.Add(f.probeEvery)
	}
	consecutive := f.consecutive
	f.mu.Unlock()
	if trip && f.degraded.CompareAndSwap(false, true) {
		f.switches.Add(1)
		f.log.Warn("rate limiter: Redis unavailable, falling back", "mode", f.mode, "err", cause,
			"failures_in_a_row", consecutive, "calls_in_window", calls, "failed_in_window", failures)
	}
}

func (f *Failover) fallback(ctx context.Context, key string, limits Limits, charge bool, cause error) (Decision, error) {
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
	// A caller Redis never decided for here: start from the database's count of today.
	if err := f.local.seedUnknown(ctx, key, limits, f.seed); err != nil {
		f.log.Warn("rate limiter: today's usage not read from the database; the fallback counts from zero", "err", err)
	}
	d, err := f.local.decide(key, limits, charge)
	if err == nil && charge && d.Allowed && limits.PerDay > 0 {
		f.merge.note(key, f.local.now().UnixMicro()/dayMicros, f.lastRedisNow.Load())
	}
	return d, err
}

// callWindow counts calls and failures over the last window, in ten slots.
type callWindow struct {
	slots [10]struct {
		start           int64 // slot start, ns since the epoch
		calls, failures int
	}
}

// add counts one call at now and returns the calls and failures within window.
func (w *callWindow) add(now time.Time, window time.Duration, failed bool) (calls, failures int) {
	width := int64(window) / int64(len(w.slots))
	if width <= 0 {
		width = 1
	}
	t := now.UnixNano()
	start := t - t%width
	s := &w.slots[(start/width)%int64(len(w.slots))]
	if s.start != start {
		s.start, s.calls, s.failures = start, 0, 0
	}
	s.calls++
	if failed {
		s.failures++
	}
	for i := range w.slots {
		if t-w.slots[i].start < int64(window) {
			calls += w.slots[i].calls
			failures += w.slots[i].failures
		}
	}
	return calls, failures
}
