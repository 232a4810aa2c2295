package ratelimit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
	"strings"
)

// AuthLimits are the limits of mode=auth, which has no API key to count against.
type AuthLimits struct {
	// IP counts every auth request per client address (IPv6: per /64, which one host usually
	// holds whole).
	IP Limits
	// LoginAttempts counts every login attempt per email, whatever its outcome. The failure
	// count is only charged after a password check, so without this cap a burst of parallel
	// guesses would all pass the failure check before the first failure is counted.
	LoginAttempts Limits
	// FailedLogins counts wrong passwords per email. When it is spent, logins for that email are
	// refused until the bucket refills or, once the daily quota is gone, until 00:00 UTC.
	FailedLogins Limits
}

// DefaultAuthLimits returns the limits NewAuth uses for any zero field.
//
//   - IP: 30 a minute, 1,000 a day. A person logs in a few times a day; an office behind one
//     address stays well inside, a password sprayer is slowed to one try every 2 seconds.
//   - LoginAttempts: 10 a minute per email, no daily cap.
//   - FailedLogins: 5 a minute (a burst of 5, then one per 12 s), 30 a day per email. A guesser
//     gets at most about 30 passwords a day per account, whatever the number of addresses; the
//     account owner, locked out by someone else's guesses, can still use their API keys and is
//     let in again at midnight UTC.
func DefaultAuthLimits() AuthLimits {
	return AuthLimits{
		IP:            Limits{PerMinute: 30, PerDay: 1000},
		LoginAttempts: Limits{PerMinute: 10},
		FailedLogins:  Limits{PerMinute: 5, PerDay: 30},
	}
}

// Auth applies AuthLimits on a Checker (Redis, Memory or Failover), so the counts are shared by
// every replica when the Checker is. The login flow is:
//
//	CheckIP, then CheckLogin before verifying the password; refuse with 429 if either refuses;
//	RecordFailedLogin when the password was wrong. A successful login records nothing.
type Auth struct {
	l      Checker
	limits AuthLimits
}

// NewAuth returns login limits on l. Zero fields of limits take DefaultAuthLimits; to lift a
// limit, give it negative values.
func NewAuth(l Checker, limits AuthLimits) *Auth {
	def := DefaultAuthLimits()
	if limits.IP == (Limits{}) {
		limits.IP = def.IP
	}
	if limits.LoginAttempts == (Limits{}) {
		limits.LoginAttempts = def.LoginAttempts
	}
	if limits.FailedLogins == (Limits{}) {
		limits.FailedLogins = def.FailedLogins
	}
	return &Auth{l: l, limits: limits}
}

// NewInProcessAuth returns the default login limits on an in-process limiter: what a single
// replica without Redis uses, and what either API uses when it is given none.
func NewInProcessAuth() *Auth { return NewAuth(NewMemory(MemoryOptions{}), AuthLimits{}) }

// CheckIP charges one auth request to the client address ip.
func (a *Auth) CheckIP(ctx context.Context, ip string) (Decision, error) {
	return a.l.Allow(ctx, ipKey(ip), a.limits.IP)
}

// CheckLogin tells whether a login for email may go on to the password check. It looks at the
// failure count without spending it, and charges one login attempt. A refused Decision carries
// the RetryAfter of whichever count refused.
func (a *Auth) CheckLogin(ctx context.Context, email string) (Decision, error) {
	h := emailHash(email)
	d, err := a.l.Peek(ctx, "login-fail:"+h, a.limits.FailedLogins)
	if err != nil || !d.Allowed {
		return d, err
	}
	return a.l.Allow(ctx, "login-try:"+h, a.limits.LoginAttempts)
}

// RecordFailedLogin counts one wrong password for email.
func (a *Auth) RecordFailedLogin(ctx context.Context, email string) error {
	_, err := a.l.Allow(ctx, "login-fail:"+emailHash(email), a.limits.FailedLogins)
	return err
}

// emailHash keys the counts without putting an address into Redis: a SHA-256 of the trimmed,
// lower-cased email, so that case variants share one count.
func emailHash(email string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email))))
	return hex.EncodeToString(sum[:])
}

func ipKey(ip string) string {
	addr, err := netip.ParseAddr(strings.TrimSpace(ip))
	if err != nil {
		return "ip:" + ip // not an address; still counted, under its own name
	}
	addr = addr.Unmap().WithZone("")
	if addr.Is4() {
		return "ip:" + addr.String()
	}
	p, _ := addr.Prefix(64)
	return "ip:" + p.String()
}
