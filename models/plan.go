package models

import (
	"context"
	"sync"
	"time"
)

// Plan is a subscription plan: what the user API shows of it, and its request limits.
type Plan struct {
	ID                int64    `gorm:"primaryKey" json:"id"`
	Name              string   `gorm:"size:64;uniqueIndex;not null" json:"name"`
	Price             Money    `gorm:"type:decimal(12,2);not null;default:0" json:"price"`
	OrgLimit          int      `gorm:"not null" json:"org_limit"`
	InstanceLimit     int      `gorm:"not null" json:"instance_limit"`
	FileLimit         int      `gorm:"column:filelimit;not null" json:"filelimit"`
	StorageLimit      int      `gorm:"column:storagelimit;not null" json:"storagelimit"`
	Description       string   `gorm:"size:255;not null;default:''" json:"description"`
	Features          string   `gorm:"type:text" json:"features"`
	RequestsPerDay    int      `gorm:"not null" json:"-"`
	RequestsPerMinute int      `gorm:"not null" json:"-"`
	MaxPayloadBytes   int64    `gorm:"not null" json:"-"`
	CreatedAt         DateTime `json:"-"`
	UpdatedAt         DateTime `json:"-"`
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

// PlanCache keeps every plan's limits in process for a short TTL, so the request path reads no
// plan row; an edit on this replica calls Invalidate and applies on the next request, an edit on
// another replica within the TTL.
type PlanCache struct {
	store *Store
	ttl   time.Duration

	mu      sync.Mutex
	byID    map[int64]PlanLimits
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
	c.loaded = time.Time{}
	c.mu.Unlock()
}

func (c *PlanCache) load(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if time.Since(c.loaded) < c.ttl && c.byID != nil {
		return nil
	}
	plans, err := c.store.ListPlans(ctx)
	if err != nil {
		return err
	}
	byID := make(map[int64]PlanLimits, len(plans))
	var largest int64
	for _, p := range plans {
		byID[p.ID] = PlanLimits{Name: p.Name, RequestsPerDay: p.RequestsPerDay, RequestsPerMinute: p.RequestsPerMinute, MaxPayloadBytes: p.MaxPayloadBytes}
		largest = max(largest, p.MaxPayloadBytes)
	}
	c.byID, c.largest, c.loaded = byID, largest, time.Now()
	return nil
}

// Limits returns the limits of plan id.
func (c *PlanCache) Limits(ctx context.Context, id int64) (PlanLimits, error) {
	if err := c.load(ctx); err != nil {
		return PlanLimits{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	l, ok := c.byID[id]
	if !ok {
		return PlanLimits{}, Errorf(EINTERNAL, "plan %d not found", id)
	}
	return l, nil
}

// LargestPayload returns the largest max payload of any plan: the most the gateway reads of a body
// before it knows whose it is.
func (c *PlanCache) LargestPayload(ctx context.Context) (int64, error) {
	if err := c.load(ctx); err != nil {
		return 0, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.largest, nil
}
