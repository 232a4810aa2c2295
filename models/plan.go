package models

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

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
// applies on the next request, an edit on another replica within the TTL. Reads take no lock:
// they load an immutable snapshot.
type PlanCache struct {
	store *Store
	ttl   time.Duration

	mu   sync.Mutex // serialises loads and Invalidate
	snap atomic.Pointer[planSnapshot]
}

type planSnapshot struct {
	byID    map[int64]Plan
	ordered []Plan // cheapest first, as ListPlans reads them
	largest int64
	loaded  time.Time
}

// NewPlanCache returns an empty cache that loads on first use.
func NewPlanCache(s *Store, ttl time.Duration) *PlanCache {
	return &PlanCache{store: s, ttl: ttl}
}

// Invalidate forgets the cached plans.
func (c *PlanCache) Invalidate() {
	c.mu.Lock()
	c.snap.Store(nil)
	c.mu.Unlock()
}

// get returns a fresh snapshot, loading one when there is none, it is older than the TTL, or it
// was loaded before notAfter (a plan it lacks may have been created since).
func (c *PlanCache) get(ctx context.Context, notAfter time.Time) (*planSnapshot, error) {
	fresh := func(s *planSnapshot) bool {
		return s != nil && time.Since(s.loaded) < c.ttl && s.loaded.After(notAfter)
	}
	if s := c.snap.Load(); fresh(s) {
		return s, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.snap.Load(); fresh(s) {
		return s, nil // loaded by another request meanwhile
	}
	plans, err := c.store.ListPlans(ctx)
	if err != nil {
		return nil, err
	}
	s := &planSnapshot{byID: make(map[int64]Plan, len(plans)), ordered: plans, loaded: time.Now()}
	for _, p := range plans {
		s.byID[p.ID] = p
		s.largest = max(s.largest, p.MaxPayloadBytes)
	}
	c.snap.Store(s)
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
