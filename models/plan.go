package models

import (
	"context"
	"strconv"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"sharepanel/wire"
)

// Plan is a subscription plan: what the user API shows of it, and its request limits.
type Plan struct {
	ID                int64         `gorm:"primaryKey" json:"id"`
	Name              string        `gorm:"size:64;uniqueIndex;not null" json:"name"`
	Price             wire.Money    `gorm:"type:decimal(12,2);not null;default:0" json:"price"`
	OrgLimit          int           `gorm:"not null" json:"org_limit"`
	InstanceLimit     int           `gorm:"not null" json:"instance_limit"`
	FileLimit         int           `gorm:"column:filelimit;not null" json:"filelimit"`
	StorageLimit      int           `gorm:"column:storagelimit;not null" json:"storagelimit"`
	Description       string        `gorm:"size:255;not null;default:''" json:"description"`
	Features          string        `gorm:"type:text" json:"features"`
	RequestsPerDay    int           `gorm:"not null" json:"-"`
	RequestsPerMinute int           `gorm:"not null" json:"-"`
	MaxPayloadBytes   int64         `gorm:"not null" json:"-"`
	CreatedAt         wire.DateTime `json:"-"`
	UpdatedAt         wire.DateTime `json:"-"`
}

// ListPlans returns every plan, cheapest first.
func (s *Store) ListPlans(ctx context.Context) ([]Plan, error) {
	var plans []Plan
	err := s.db.WithContext(ctx).Order("price, id").Find(&plans).Error
	return plans, err
}

// PlanLimits is what the request path needs of a plan.
type PlanLimits struct {
	Name              string
	RequestsPerDay    int
	RequestsPerMinute int
	MaxPayloadBytes   int64
}

// PlanCache keeps every plan in process for a short TTL, so the request path reads no plan row
// (the limits, and the plan shown in profile view); an edit on this replica calls Invalidate and
// applies on the next request, an edit on another replica within the TTL (and the time a reload
// takes). Reads take no lock: they load an immutable snapshot.
//
// A stale snapshot is still served while one reload runs in the background: requests never queue
// behind a reload, so a database that stops answering cannot hold every request of the replica
// here past its own deadline (the db-frozen fault row once saw 63 requests waiting on a lock held
// by a reload until the database came back). Only when there is no snapshot (at start, after
// Invalidate) does a request wait for a load, and then only until its own deadline.
type PlanCache struct {
	store *Store
	ttl   time.Duration

	snap  atomic.Pointer[planSnapshot]
	loads singleflight.Group // one load at a time per generation
	gen   atomic.Uint64      // Invalidate calls: a load begun before one must not store its snapshot
}

type planSnapshot struct {
	byID    map[int64]Plan
	ordered []Plan // cheapest first, as ListPlans reads them
	largest int64
	loaded  time.Time
}

// planLoadTimeout bounds one load of the plans. A load runs apart from the request that started
// it, so that the requests waiting for it each stop waiting at their own deadline, and a reload in
// the background is not cut short by the request that happened to notice the TTL.
const planLoadTimeout = 5 * time.Second

// NewPlanCache returns an empty cache that loads on first use.
func NewPlanCache(s *Store, ttl time.Duration) *PlanCache {
	return &PlanCache{store: s, ttl: ttl}
}

// Invalidate forgets the cached plans: the next request loads them.
func (c *PlanCache) Invalidate() {
	c.gen.Add(1)
	c.snap.Store(nil)
}

// get returns the snapshot: the cached one while it is within the TTL; a stale one at once, with a
// reload started in the background; a new one, waited for up to ctx, when there is none or the
// cached one was loaded before notAfter (a plan it lacks may have been created since).
func (c *PlanCache) get(ctx context.Context, notAfter time.Time) (*planSnapshot, error) {
	if s := c.snap.Load(); s != nil && s.loaded.After(notAfter) {
		if time.Since(s.loaded) >= c.ttl {
			c.loads.DoChan(c.loadKey(), c.loader(ctx)) // not waited for
		}
		return s, nil
	}
	select {
	case r := <-c.loads.DoChan(c.loadKey(), c.loader(ctx)):
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.(*planSnapshot), nil
	case <-ctx.Done():
		return nil, wire.Unavailable(ctx.Err())
	}
}

// loadKey names the load of the current generation: after Invalidate, callers do not join a load
// that began before it.
func (c *PlanCache) loadKey() string { return strconv.FormatUint(c.gen.Load(), 10) }

// loader is a load started by the request of ctx: its trace (the query's span is the request's
// child) without its cancellation or deadline.
func (c *PlanCache) loader(ctx context.Context) func() (any, error) {
	return func() (any, error) { return c.load(context.WithoutCancel(ctx)) }
}

// load reads every plan, within planLoadTimeout, and stores the snapshot, unless Invalidate was
// called meanwhile (the snapshot is still returned to those who waited for it: it is newer than
// what they asked for).
func (c *PlanCache) load(ctx context.Context) (any, error) {
	gen := c.gen.Load()
	ctx, cancel := context.WithTimeout(ctx, planLoadTimeout)
	defer cancel()
	plans, err := c.store.ListPlans(ctx)
	if err != nil {
		return nil, err
	}
	s := &planSnapshot{byID: make(map[int64]Plan, len(plans)), ordered: plans, loaded: time.Now()}
	for _, p := range plans {
		s.byID[p.ID] = p
		s.largest = max(s.largest, p.MaxPayloadBytes)
	}
	if c.gen.Load() == gen {
		c.snap.Store(s)
	}
	return s, nil
}

// plan returns plan id. A plan the snapshot lacks (made on another replica since it was loaded) is
// looked for in a new one before it is called missing.
func (c *PlanCache) plan(ctx context.Context, id int64) (Plan, error) {
	s, err := c.get(ctx, time.Time{})
	if err != nil {
		return Plan{}, err
	}
	p, ok := s.byID[id]
	if !ok {
		if s, err = c.get(ctx, s.loaded); err != nil {
			return Plan{}, err
		}
		if p, ok = s.byID[id]; !ok {
			return Plan{}, wire.Errorf(wire.EINTERNAL, "plan %d not found", id)
		}
	}
	return p, nil
}

// Limits returns the limits of plan id.
func (c *PlanCache) Limits(ctx context.Context, id int64) (PlanLimits, error) {
	p, err := c.plan(ctx, id)
	if err != nil {
		return PlanLimits{}, err
	}
	return PlanLimits{Name: p.Name, RequestsPerDay: p.RequestsPerDay, RequestsPerMinute: p.RequestsPerMinute, MaxPayloadBytes: p.MaxPayloadBytes}, nil
}

// All returns every plan, cheapest first. The slice is shared: read it, do not change it.
func (c *PlanCache) All(ctx context.Context) ([]Plan, error) {
	s, err := c.get(ctx, time.Time{})
	if err != nil {
		return nil, err
	}
	return s.ordered, nil
}

// LargestPayload returns the largest max payload of any plan: the most the gateway reads of a body
// before it knows whose it is.
func (c *PlanCache) LargestPayload(ctx context.Context) (int64, error) {
	s, err := c.get(ctx, time.Time{})
	if err != nil {
		return 0, err
	}
	return s.largest, nil
}
