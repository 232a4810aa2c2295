package ratelimit

import "context"

// KeyLookups throttles the database lookups of API keys that fail, per client address (IPv6: per
// /64), as Auth throttles failed logins per email: a client that sends keys the database does not
// know (guessing, or a flood of random keys, each a query) is refused with 429 before the lookup
// once it has failed too often, while keys already in the key cache keep working from the same
// address. It counts in process (each replica protects its own database pool), on the same
// in-process limiter the login limits fall back to.
//
// The request path is: Allow before a lookup the key cache cannot answer; Failed after a key that
// did not resolve. A cheaper check (a key's checksum) belongs in front of Allow.
type KeyLookups struct {
	l      *Memory
	limits Limits
}

// DefaultKeyLookupLimits: 30 failed lookups a minute per address (a burst of 30, then one every
// 2 s), no daily cap, so that an office behind one address whose script holds a revoked key is
// slowed, not locked out for the day.
func DefaultKeyLookupLimits() Limits { return Limits{PerMinute: 30} }

// NewKeyLookups returns the throttle; zero limits take DefaultKeyLookupLimits, negative ones lift it.
func NewKeyLookups(limits Limits) *KeyLookups {
	if limits == (Limits{}) {
		limits = DefaultKeyLookupLimits()
	}
	return &KeyLookups{l: NewMemory(MemoryOptions{}), limits: limits}
}

// Allow tells whether a key from ip may be looked up, without counting anything.
func (k *KeyLookups) Allow(ctx context.Context, ip string) (Decision, error) {
	return k.l.Peek(ctx, "key-fail:"+ipKey(ip), k.limits)
}

// Failed counts one key from ip that did not resolve.
func (k *KeyLookups) Failed(ctx context.Context, ip string) error {
	_, err := k.l.Allow(ctx, "key-fail:"+ipKey(ip), k.limits)
	return err
}
