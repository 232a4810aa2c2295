package models

import (
	"context"
	"errors"
	"math"
	"regexp"
	"strings"

	"gorm.io/gorm"

	"sharepanel/wire"
)

// PlanDetails is a plan as administrators see it: what the user API shows, its request limits, and
// how many accounts are on it.
type PlanDetails struct {
	ID                int64      `json:"id"`
	Name              string     `json:"name"`
	Price             wire.Money `json:"price"`
	OrgLimit          int        `json:"org_limit"`
	InstanceLimit     int        `json:"instance_limit"`
	FileLimit         int        `json:"filelimit"`
	StorageLimit      int        `json:"storagelimit"`
	Description       string     `json:"description"`
	Features          string     `json:"features"`
	RequestsPerDay    int        `json:"requests_per_day"`    // 0: unlimited
	RequestsPerMinute int        `json:"requests_per_minute"` // 0: unlimited
	MaxPayloadBytes   int64      `json:"max_payload_bytes"`
	UserCount         int64      `json:"user_count"`
}

// PlanInput holds a plan's fields to set; nil leaves a field as it is (or, on create, takes the
// free plan's value).
type PlanInput struct {
	Name                                             *string
	Price                                            *wire.Money
	OrgLimit, InstanceLimit, FileLimit, StorageLimit *int64
	Description, Features                            *string
	RequestsPerDay, RequestsPerMinute                *int64
	MaxPayloadBytes                                  *int64
}

// Bounds of a plan's maximum payload: below 1 KB no request fits, and the largest plan's maximum
// is what the gateway reads of any body before it knows the caller.
const (
	minPlanPayload = 1 << 10
	maxPlanPayload = 1 << 30
)

var planNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,63}$`)

func planDetails(p Plan, users int64) PlanDetails {
	return PlanDetails{ID: p.ID, Name: p.Name, Price: p.Price, OrgLimit: p.OrgLimit, InstanceLimit: p.InstanceLimit,
		FileLimit: p.FileLimit, StorageLimit: p.StorageLimit, Description: p.Description, Features: p.Features,
		RequestsPerDay: p.RequestsPerDay, RequestsPerMinute: p.RequestsPerMinute, MaxPayloadBytes: p.MaxPayloadBytes, UserCount: users}
}

// ListPlanDetails returns every plan with its limits and account count, cheapest first.
func (s *Store) ListPlanDetails(ctx context.Context) ([]PlanDetails, error) {
	plans, err := s.ListPlans(ctx)
	if err != nil {
		return nil, err
	}
	var counts []struct {
		PlanID int64
		N      int64
	}
	if err := s.db.WithContext(ctx).Model(&User{}).Select("plan_id, COUNT(*) AS n").Group("plan_id").Scan(&counts).Error; err != nil {
		return nil, err
	}
	byPlan := map[int64]int64{}
	for _, c := range counts {
		byPlan[c.PlanID] = c.N
	}
	out := make([]PlanDetails, len(plans))
	for i, p := range plans {
		out[i] = planDetails(p, byPlan[p.ID])
	}
	return out, nil
}

// PlanByName returns one plan's details.
func (s *Store) PlanByName(ctx context.Context, name string) (*PlanDetails, error) {
	return s.planDetailsTx(s.db.WithContext(ctx), name)
}

func (s *Store) planDetailsTx(tx *gorm.DB, name string) (*PlanDetails, error) {
	var p Plan
	if err := tx.Where("name = ?", strings.ToLower(strings.TrimSpace(name))).First(&p).Error; err != nil {
		return nil, notFound(err, "Plan not found")
	}
	var n int64
	if err := tx.Model(&User{}).Where("plan_id = ?", p.ID).Count(&n).Error; err != nil {
		return nil, err
	}
	d := planDetails(p, n)
	return &d, nil
}

// apply sets the given fields on p and checks the result.
func (in PlanInput) apply(p *Plan) error {
	if in.Name != nil {
		p.Name = strings.ToLower(strings.TrimSpace(*in.Name))
	}
	if !planNamePattern.MatchString(p.Name) {
		return wire.Errorf(wire.EINVALID, "Invalid plan name: use 1-64 lowercase letters, digits, '.', '_' or '-'")
	}
	setInt := func(dst *int, v *int64, field string) error {
		if v == nil {
			return nil
		}
		if *v < 0 {
			return wire.Errorf(wire.EINVALID, "%s must be 0 or more", field)
		}
		if *v > math.MaxInt32 {
			return wire.Errorf(wire.EINVALID, "%s is too large", field)
		}
		*dst = int(*v)
		return nil
	}
	for _, f := range []struct {
		dst   *int
		v     *int64
		field string
	}{{&p.OrgLimit, in.OrgLimit, "org_limit"}, {&p.InstanceLimit, in.InstanceLimit, "instance_limit"},
		{&p.FileLimit, in.FileLimit, "filelimit"}, {&p.StorageLimit, in.StorageLimit, "storagelimit"},
		{&p.RequestsPerDay, in.RequestsPerDay, "requests_per_day"}, {&p.RequestsPerMinute, in.RequestsPerMinute, "requests_per_minute"}} {
		if err := setInt(f.dst, f.v, f.field); err != nil {
			return err
		}
	}
	if in.Price != nil {
		if *in.Price < 0 {
			return wire.Errorf(wire.EINVALID, "price must be 0 or more")
		}
		p.Price = *in.Price
	}
	if in.Description != nil {
		if len([]rune(*in.Description)) > 255 {
			return wire.Errorf(wire.EINVALID, "description must be at most 255 characters")
		}
		p.Description = *in.Description
	}
	if in.Features != nil {
		p.Features = *in.Features
	}
	if in.MaxPayloadBytes != nil {
		if *in.MaxPayloadBytes < minPlanPayload || *in.MaxPayloadBytes > maxPlanPayload {
			return wire.Errorf(wire.EINVALID, "max_payload_bytes must be between %d and %d", minPlanPayload, maxPlanPayload)
		}
		p.MaxPayloadBytes = *in.MaxPayloadBytes
	}
	return nil
}

// CreatePlan adds a plan; fields not given take the free plan's values (price 0).
func (s *Store) CreatePlan(ctx context.Context, in PlanInput) (*PlanDetails, error) {
	if in.Name == nil || strings.TrimSpace(*in.Name) == "" {
		return nil, wire.Errorf(wire.EINVALID, "name is required")
	}
	p := DefaultPlans()[0]
	p.Description, p.Features = "", ""
	if err := in.apply(&p); err != nil {
		return nil, err
	}
	p.CreatedAt, p.UpdatedAt = wire.Now(), wire.Now()
	if err := s.db.WithContext(ctx).Create(&p).Error; err != nil {
		if isDuplicate(err) {
			return nil, wire.Errorf(wire.ECONFLICT, "Plan %s already exists", p.Name)
		}
		return nil, err
	}
	s.Invalidate(ctx, Invalidation{Plans: true})
	d := planDetails(p, 0)
	return &d, nil
}

// UpdatePlan changes a plan. The user API applies it on the account's next request (on other
// replicas, within the plan cache's TTL). Renaming the default plan renames the setting too.
func (s *Store) UpdatePlan(ctx context.Context, name string, in PlanInput) (*PlanDetails, error) {
	var out *PlanDetails
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var p Plan
		if err := tx.Where("name = ?", strings.ToLower(strings.TrimSpace(name))).First(&p).Error; err != nil {
			return notFound(err, "Plan not found")
		}
		oldName := p.Name
		if err := in.apply(&p); err != nil {
			return err
		}
		p.UpdatedAt = wire.Now()
		if err := tx.Select("*").Omit("created_at").Save(&p).Error; err != nil {
			if isDuplicate(err) {
				return wire.Errorf(wire.ECONFLICT, "Plan %s already exists", p.Name)
			}
			return err
		}
		if p.Name != oldName {
			var def Setting
			if err := tx.Where("name = ?", SettingDefaultPlan).Limit(1).Find(&def).Error; err != nil {
				return err
			}
			if def.Value == oldName || def.Name == "" && oldName == defaultPlanName {
				if err := putSetting(tx, SettingDefaultPlan, p.Name); err != nil {
					return err
				}
			}
		}
		var err error
		out, err = s.planDetailsTx(tx, p.Name)
		return err
	})
	s.settings.invalidate()
	if err != nil {
		return nil, err
	}
	s.Invalidate(ctx, Invalidation{Plans: true})
	return out, nil
}

// DeletePlan deletes a plan that no account uses and that is not the default plan (ECONFLICT).
func (s *Store) DeletePlan(ctx context.Context, name string) error {
	name = strings.ToLower(strings.TrimSpace(name))
	def, err := s.Setting(ctx, SettingDefaultPlan, defaultPlanName)
	if err != nil {
		return err
	}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		var p Plan
		if err := tx.Where("name = ?", name).First(&p).Error; err != nil {
			return notFound(err, "Plan not found")
		}
		var n int64
		if err := tx.Model(&User{}).Where("plan_id = ?", p.ID).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return wire.Errorf(wire.ECONFLICT, "Plan %s is used by %d account(s); move them to another plan first", p.Name, n)
		}
		if p.Name == def {
			return wire.Errorf(wire.ECONFLICT, "Plan %s is the default plan; change default_plan first", p.Name)
		}
		if err := tx.Delete(&p).Error; err != nil {
			if errors.Is(err, gorm.ErrForeignKeyViolated) || strings.Contains(strings.ToLower(err.Error()), "foreign key") {
				return wire.Errorf(wire.ECONFLICT, "Plan %s is in use", p.Name)
			}
			return err
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.Invalidate(ctx, Invalidation{Plans: true})
	return nil
}
