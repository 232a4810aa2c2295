package admin

import (
	"context"
	"sync"
	"time"

	"sharepanel/ratelimit"
)

// LoginGuard slows password guessing on POST /api/: failed logins are counted per client IP and per
// username, and past a limit further attempts wait. MemoryGuard (in process) is the default;
// NewSharedGuard puts admin logins on the user API's login limiter, which replicas share over Redis.
type LoginGuard interface {
	// Check returns how long ip or username must wait before trying again (0: go ahead).
	Check(ctx context.Context, ip, username string) (time.Duration, error)
	// Failed charges one failed login to ip and to username.
	Failed(ctx context.Context, ip, username string) error
}

// MemoryGuardOptions bound a MemoryGuard. Zero values take the defaults.
type MemoryGuardOptions struct {
	MaxPerIP   int           // failed logins per IP per window; default 20
	MaxPerUser int           // failed logins per username per window; default 10
	Window     time.Duration // default 15 minutes
	MaxEntries int           // counters kept; default 10,000
	Now        func() time.Time
}

// MemoryGuard counts failed logins in fixed windows, in process.
type MemoryGuard struct {
	opts MemoryGuardOptions

	mu      sync.Mutex
	entries map[string]*failWindow
}

type failWindow struct {
	start time.Time
	count int
}

// NewMemoryGuard returns an empty guard.
func NewMemoryGuard(opts MemoryGuardOptions) *MemoryGuard {
	if opts.MaxPerIP <= 0 {
		opts.MaxPerIP = 20
	}
	if opts.MaxPerUser <= 0 {
		opts.MaxPerUser = 10
	}
	if opts.Window <= 0 {
		opts.Window = 15 * time.Minute
	}
	if opts.MaxEntries <= 0 {
		opts.MaxEntries = 10_000
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &MemoryGuard{opts: opts, entries: map[string]*failWindow{}}
}

// Check implements LoginGuard.
func (g *MemoryGuard) Check(_ context.Context, ip, username string) (time.Duration, error) {
	now := g.opts.Now()
	g.mu.Lock()
	defer g.mu.Unlock()
	return max(g.waitLocked("ip:"+ip, g.opts.MaxPerIP, now), g.waitLocked("user:"+username, g.opts.MaxPerUser, now)), nil
}

func (g *MemoryGuard) waitLocked(key string, limit int, now time.Time) time.Duration {
	w, ok := g.entries[key]
	if !ok || now.Sub(w.start) >= g.opts.Window || w.count < limit {
		return 0
	}
	return w.start.Add(g.opts.Window).Sub(now)
}

// Failed implements LoginGuard.
func (g *MemoryGuard) Failed(_ context.Context, ip, username string) error {
	now := g.opts.Now()
	g.mu.Lock()
	defer g.mu.Unlock()
	g.chargeLocked("ip:"+ip, now)
	g.chargeLocked("user:"+username, now)
	return nil
}

func (g *MemoryGuard) chargeLocked(key string, now time.Time) {
	w, ok := g.entries[key]
	if ok && now.Sub(w.start) < g.opts.Window {
		w.count++
		return
	}
	if !ok && len(g.entries) >= g.opts.MaxEntries {
		g.evictLocked(now)
	}
	g.entries[key] = &failWindow{start: now, count: 1}
}

// evictLocked drops finished windows and, if that frees too little, an arbitrary eighth of the
// rest: a flood of distinct IPs or usernames costs bounded memory, at worst resetting some counters.
func (g *MemoryGuard) evictLocked(now time.Time) {
	for k, w := range g.entries {
		if now.Sub(w.start) >= g.opts.Window {
			delete(g.entries, k)
		}
	}
	excess := len(g.entries) - g.opts.MaxEntries*7/8
	for k := range g.entries {
		if excess <= 0 {
			break
		}
		delete(g.entries, k)
		excess--
	}
}

// Len is the number of counters kept (for tests).
func (g *MemoryGuard) Len() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.entries)
}

// AuthLimiter is the user API's login limiter (ratelimit.Auth, handlers.LoginGuard): per client
// IP, attempts and failures per login name, shared by every replica when it runs over Redis.
type AuthLimiter interface {
	CheckIP(ctx context.Context, ip string) (ratelimit.Decision, error)
	CheckLogin(ctx context.Context, name string) (ratelimit.Decision, error)
	RecordFailedLogin(ctx context.Context, name string) error
}

// NewSharedGuard returns a LoginGuard over the user API's login limiter, so that admin logins are
// limited across replicas. The client IP's count is shared with mode=auth (one address, one
// budget); usernames are counted under "admin:" so that they never meet an email's count.
func NewSharedGuard(l AuthLimiter) LoginGuard { return sharedGuard{l} }

type sharedGuard struct{ l AuthLimiter }

func (g sharedGuard) Check(ctx context.Context, ip, username string) (time.Duration, error) {
	d, err := g.l.CheckIP(ctx, ip)
	if err == nil && d.Allowed {
		d, err = g.l.CheckLogin(ctx, "admin:"+username)
	}
	if err != nil {
		return 0, err // ratelimit.ErrUnavailable is already the 503 it should be
	}
	if !d.Allowed {
		return max(d.RetryAfter, time.Second), nil
	}
	return 0, nil
}

func (g sharedGuard) Failed(ctx context.Context, _, username string) error {
	return g.l.RecordFailedLogin(ctx, "admin:"+username)
}
