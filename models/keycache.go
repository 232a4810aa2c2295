package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"sharepanel/wire"
)

// KeyCache resolves API keys to principals without a database query on every request. Entries live
// for a short TTL; a change made through any replica's Store (deleting a key, suspending or
// deleting an account, changing its plan or password) forgets the affected entries at once on that
// replica and, through the Store's Broadcaster (Redis pub/sub), on every other one. While a replica
// is not sure to hear those messages (its subscription is down), it caches for DegradedTTL only,
// so that a lost message cannot extend a revoked key's life. Unknown keys are remembered too,
// briefly, so that a client hammering with a bad key costs no query per request. Expiry is checked
// on every hit against the cached expires_at, so it applies to the second everywhere.
type KeyCache struct {
	store  *Store
	opts   KeyCacheOptions
	flight singleflight.Group

	mu      sync.RWMutex
	entries map[keyHash]keyEntry // by key hash
	byKeyID map[int64]keyHash
	// gen counts invalidations: a lookup that began before one must not cache what it read, or a
	// key deleted while the lookup was in flight would live on until the TTL.
	gen uint64
	// degraded: invalidations from other replicas may be missed; entries get DegradedTTL.
	degraded bool

	hits, misses atomic.Int64 // lookups of well-formed keys the cache answered, and did not
}

// keyHash is a key's SHA-256, the cache's index: an array, so a hit costs no hex encoding.
type keyHash [sha256.Size]byte

type keyEntry struct {
	p     *Principal // nil: no such key
	until time.Time
}

// KeyCacheOptions bound the cache. Zero values take the defaults.
type KeyCacheOptions struct {
	TTL         time.Duration // default 30s
	NegativeTTL time.Duration // default 5s
	// DegradedTTL replaces both while the replica may miss other replicas' invalidations
	// (SetDegraded); default 3s.
	DegradedTTL time.Duration
	MaxEntries  int // default 100,000
}

// NewKeyCache returns an empty cache over s.
func NewKeyCache(s *Store, opts KeyCacheOptions) *KeyCache {
	if opts.TTL <= 0 {
		opts.TTL = 30 * time.Second
	}
	if opts.NegativeTTL <= 0 {
		opts.NegativeTTL = 5 * time.Second
	}
	if opts.DegradedTTL <= 0 {
		opts.DegradedTTL = 3 * time.Second
	}
	if opts.MaxEntries <= 0 {
		opts.MaxEntries = 100_000
	}
	return &KeyCache{store: s, opts: opts, entries: map[keyHash]keyEntry{}, byKeyID: map[int64]keyHash{}}
}

// Resolve returns the principal of a key secret, or EUNAUTHORIZED "Invalid or expired API key".
// Suspension is reported by the caller, from Principal.Suspended, after the request is counted. A
// secret that cannot be a key (KeyLooksValid) is refused before the cache and the database.
func (c *KeyCache) Resolve(ctx context.Context, secret string) (*Principal, error) {
	return c.ResolveGated(ctx, secret, nil)
}

// ResolveGated is Resolve that asks gate (when not nil) before a database lookup, that is when the
// cache has no live entry for the key; gate's error is returned without a lookup. A secret that
// cannot be a key (KeyLooksValid) is refused before either.
func (c *KeyCache) ResolveGated(ctx context.Context, secret string, gate func() error) (*Principal, error) {
	if !KeyLooksValid(secret) {
		return nil, wire.Errorf(wire.EUNAUTHORIZED, "Invalid or expired API key")
	}
	hash := keyHash(sha256.Sum256([]byte(secret)))
	now := time.Now()
	c.mu.RLock()
	e, ok := c.entries[hash]
	gen := c.gen
	c.mu.RUnlock()
	if ok && !now.After(e.until) {
		c.hits.Add(1)
	} else {
		c.misses.Add(1)
		if gate != nil {
			if err := gate(); err != nil {
				return nil, err
			}
		}
		hexHash := hex.EncodeToString(hash[:]) // as stored (HashKey)
		v, err, _ := c.flight.Do(hexHash, func() (any, error) {
			p, err := c.store.lookupKey(ctx, hexHash)
			if err != nil {
				return nil, err
			}
			c.put(hash, p, gen, time.Now())
			return p, nil
		})
		if err != nil {
			return nil, err
		}
		e.p, _ = v.(*Principal)
	}
	if e.p == nil || e.p.Expired(now) {
		return nil, wire.Errorf(wire.EUNAUTHORIZED, "Invalid or expired API key")
	}
	return e.p, nil
}

// Stats are the cache's hits and misses since the start: lookups of well-formed keys it answered
// itself, and those that went on to the database (or were refused by the gate before it).
func (c *KeyCache) Stats() (hits, misses int64) { return c.hits.Load(), c.misses.Load() }

func (c *KeyCache) put(hash keyHash, p *Principal, gen uint64, now time.Time) {
	ttl := c.opts.TTL
	if p == nil {
		ttl = c.opts.NegativeTTL
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.degraded {
		ttl = min(ttl, c.opts.DegradedTTL)
	}
	if len(c.entries) >= c.opts.MaxEntries {
		c.evictLocked(now)
	}
	c.entries[hash] = keyEntry{p: p, until: now.Add(ttl)}
	if p != nil {
		c.byKeyID[p.KeyID] = hash
	}
}

// evictLocked drops expired entries, and if that frees too little, an arbitrary eighth of the rest
// (Go's map order is random enough for a cache whose entries are all cheap to reload).
func (c *KeyCache) evictLocked(now time.Time) {
	for h, e := range c.entries {
		if now.After(e.until) {
			c.dropLocked(h, e)
		}
	}
	excess := len(c.entries) - c.opts.MaxEntries*7/8
	for h, e := range c.entries {
		if excess <= 0 {
			break
		}
		c.dropLocked(h, e)
		excess--
	}
}

func (c *KeyCache) dropLocked(hash keyHash, e keyEntry) {
	delete(c.entries, hash)
	if e.p != nil && c.byKeyID[e.p.KeyID] == hash {
		delete(c.byKeyID, e.p.KeyID)
	}
}

// ForgetKey drops one key's entry.
func (c *KeyCache) ForgetKey(keyID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if h, ok := c.byKeyID[keyID]; ok {
		c.dropLocked(h, c.entries[h])
	}
}

// ForgetUser drops every entry of an account (suspension, deletion, plan change).
func (c *KeyCache) ForgetUser(userID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for h, e := range c.entries {
		if e.p != nil && e.p.UserID == userID {
			c.dropLocked(h, e)
		}
	}
}

// ForgetAll drops every entry.
func (c *KeyCache) ForgetAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	clear(c.entries)
	clear(c.byKeyID)
}

// SetDegraded says whether this replica may be missing other replicas' invalidations: while it
// may, entries are cached for DegradedTTL only. Either change forgets every entry: what was cached
// before going degraded may have been revoked by a message that was lost, and what was cached
// while degraded is short-lived anyway.
func (c *KeyCache) SetDegraded(degraded bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.degraded = degraded
	c.gen++
	clear(c.entries)
	clear(c.byKeyID)
}

// Degraded reports whether entries are cached for DegradedTTL only.
func (c *KeyCache) Degraded() bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.degraded
}
