package models

import (
	"context"
	"slices"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"sharepanel/wire"
)

// Instance is a hosted service of a user: type SNCS or SMS, status active, sleep or dead.
type Instance struct {
	ID             int64         `gorm:"primaryKey;index:idx_instances_user_time,priority:3;index:idx_instances_user_status_time,priority:4;index:idx_instances_user_type_time,priority:4" json:"id"`
	UserID         int64         `gorm:"not null;index;uniqueIndex:idx_instance_user_path;index:idx_instances_user_time,priority:1;index:idx_instances_user_status_time,priority:1;index:idx_instances_user_type_time,priority:1;index:idx_instances_user_itype,priority:1" json:"user_id"`
	OrganizationID *int64        `gorm:"index" json:"-"`
	InstanceName   string        `gorm:"size:255;not null" json:"instance_name"`
	InstancePath   string        `gorm:"size:128;not null;uniqueIndex:idx_instance_user_path" json:"instance_path"`
	Status         string        `gorm:"size:16;not null;index;index:idx_instances_user_status_time,priority:2" json:"status"`
	InstanceType   string        `gorm:"size:64;not null;default:'default';index:idx_instances_user_itype,priority:2" json:"instance_type"`
	Type           string        `gorm:"size:8;not null;index:idx_instances_user_type_time,priority:2" json:"type"`
	CreatedAt      wire.DateTime `gorm:"not null;index:idx_instances_user_time,priority:2;index:idx_instances_user_status_time,priority:3;index:idx_instances_user_type_time,priority:3" json:"created_at"`
}

// Instance statuses and types.
const (
	StatusActive = "active"
	StatusSleep  = "sleep"
	StatusDead   = "dead"
	TypeSNCS     = "SNCS"
	TypeSMS      = "SMS"
)

const msgInstanceNotFound = "Instance not found"

// InstanceFilter narrows ListInstances; empty fields (and Type "all") match everything.
type InstanceFilter struct {
	Type   string // SNCS, SMS, all
	Status string // active, sleep, dead
}

// ListInstances returns a page of userID's instances, newest first (by creation time, then ID), and
// how many match the filter: the account's totals without a type, else counted through the index
// on user, type and time (an account has at most its plan's instance limit).
func (s *Store) ListInstances(ctx context.Context, userID int64, f InstanceFilter, page wire.Page) ([]InstanceListItem, int64, error) {
	db := s.db.WithContext(ctx)
	q := listQuery{table: "instances", index: "idx_instances_user_time", column: "created_at", userID: userID}
	var conds []string
	if f.Type != "" && f.Type != "all" {
		conds, q.args, q.index = append(conds, "type = ?"), append(q.args, f.Type), "idx_instances_user_type_time"
	}
	if f.Status != "" {
		conds, q.args, q.index = append(conds, "status = ?"), append(q.args, f.Status), "idx_instances_user_status_time"
	}
	q.where = strings.Join(conds, " AND ")
	switch {
	case f.Type != "" && f.Type != "all":
		if err := db.Model(&Instance{}).Where("user_id = ?", userID).Where(q.where, q.args...).Count(&q.total).Error; err != nil {
			return nil, 0, err
		}
	case f.Status == "":
		q.count, q.total = "instances_active + instances_sleep + instances_dead", -1
	case slices.Contains([]string{StatusActive, StatusSleep, StatusDead}, f.Status):
		q.count, q.total = "instances_"+f.Status, -1 // a column of the totals, so only a known status
	}
	var rows []Instance
	total, err := fetchPage(db, nil, q, page, &rows, func(in *Instance) (wire.DateTime, int64) { return in.CreatedAt, in.ID })
	if err != nil {
		return nil, 0, err
	}
	out := make([]InstanceListItem, len(rows))
	for i, in := range rows {
		out[i] = InstanceListItem{ID: in.ID, InstanceName: in.InstanceName, InstancePath: in.InstancePath, CreatedAt: in.CreatedAt,
			Status: in.Status, InstanceType: in.InstanceType, Type: in.Type}
	}
	return out, total, nil
}

// InstanceOf returns one of userID's instances.
func (s *Store) InstanceOf(ctx context.Context, userID, instanceID int64) (*InstanceDetails, error) {
	var in Instance
	if err := s.db.WithContext(ctx).Where("id = ? AND user_id = ?", instanceID, userID).Take(&in).Error; err != nil {
		return nil, notFound(err, msgInstanceNotFound)
	}
	return &InstanceDetails{ID: in.ID, InstanceName: in.InstanceName, InstancePath: in.InstancePath, CreatedAt: in.CreatedAt,
		Status: in.Status, InstanceType: in.InstanceType, UserID: in.UserID}, nil
}

// validStatus tells whether s is an instance status.
func validStatus(s string) bool {
	return s == StatusActive || s == StatusSleep || s == StatusDead
}

// UpdateInstanceStatus sets the status of one of userID's instances, whatever it was (a dead
// instance may be set active again explicitly). A change is logged as instance_status_changed with
// from and to; setting the status it already has changes and logs nothing.
func (s *Store) UpdateInstanceStatus(ctx context.Context, userID, instanceID int64, status string) error {
	if !validStatus(status) {
		return wire.Errorf(wire.EINVALID, "Invalid status. Allowed values: active, sleep, dead")
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		var in Instance
		err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Select("id", "status").
			Where("id = ? AND user_id = ?", instanceID, userID).Take(&in).Error
		if err != nil {
			return notFound(err, msgInstanceNotFound)
		}
		if in.Status == status {
			return nil
		}
		if err := tx.Model(&Instance{}).Where("id = ? AND user_id = ?", instanceID, userID).Update("status", status).Error; err != nil {
			return err
		}
		t := newTally(userID)
		t.instances(in.Status, -1)
		t.instances(status, 1)
		if err := t.apply(tx); err != nil {
			return err
		}
		return logActivity(tx, userID, "instance_status_changed", "instance", instanceID, map[string]any{"from": in.Status, "to": status})
	})
}

// DeleteDeadInstances deletes userID's dead instances and returns how many there were.
func (s *Store) DeleteDeadInstances(ctx context.Context, userID int64) (int64, error) {
	var n int64
	err := s.tx(ctx, func(tx *gorm.DB) error {
		n = 0 // a deadlock's victim is run again: answer what the last run did
		res := tx.Where("user_id = ? AND status = ?", userID, StatusDead).Delete(&Instance{})
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		n = res.RowsAffected
		t := newTally(userID)
		t.instances(StatusDead, -n)
		if err := t.apply(tx); err != nil {
			return err
		}
		return logActivity(tx, userID, "dead_instances_deleted", "instance", 0, map[string]any{"count": n})
	})
	return n, err
}

// AwakenAllInstances sets userID's sleeping instances active and returns how many. Dead instances
// stay dead.
func (s *Store) AwakenAllInstances(ctx context.Context, userID int64) (int64, error) {
	return s.moveInstances(ctx, userID, StatusSleep, StatusActive, "instances_awakened")
}

// SleepAllInstances puts userID's active instances to sleep and returns how many.
func (s *Store) SleepAllInstances(ctx context.Context, userID int64) (int64, error) {
	return s.moveInstances(ctx, userID, StatusActive, StatusSleep, "instances_put_to_sleep")
}

// moveInstances sets every instance of userID in status from to status to, and logs action with
// the count when there was any.
func (s *Store) moveInstances(ctx context.Context, userID int64, from, to, action string) (int64, error) {
	var n int64
	err := s.tx(ctx, func(tx *gorm.DB) error {
		n = 0 // a deadlock's victim is run again: answer what the last run did
		res := tx.Model(&Instance{}).Where("user_id = ? AND status = ?", userID, from).Update("status", to)
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		n = res.RowsAffected
		t := newTally(userID)
		t.instances(from, -n)
		t.instances(to, n)
		if err := t.apply(tx); err != nil {
			return err
		}
		return logActivity(tx, userID, action, "instance", 0, map[string]any{"count": n})
	})
	return n, err
}

// NewInstance is what creating an instance takes (administrators and demo data create them).
type NewInstance struct {
	Name         string
	Path         string // a slug, unique among the user's instances
	Type         string // SNCS or SMS
	InstanceType string // default "default"
	Status       string // default active
	OrgID        *int64 // an organization the user is a member of, or nil
}

// Limits of an instance's fields.
const (
	maxInstancePathLen = 128
	maxInstanceNameLen = 255
	maxInstanceTypeLen = 64
)

// CreateInstance creates an instance for userID. The plan's instance_limit caps the user's
// instances (of every status: dead ones count until deleted); the account row is locked so that
// concurrent creations count each other.
func (s *Store) CreateInstance(ctx context.Context, userID int64, in NewInstance) (*Instance, error) {
	inst, err := checkNewInstance(userID, in)
	if err != nil {
		return nil, err
	}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		var u User
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Select("id", "plan_id").Take(&u, userID).Error; err != nil {
			return notFound(err, "User not found")
		}
		var plan Plan
		if err := tx.Select("id", "instance_limit").Take(&plan, u.PlanID).Error; err != nil {
			return err
		}
		var owned int64
		if err := tx.Model(&Instance{}).Where("user_id = ?", userID).Count(&owned).Error; err != nil {
			return err
		}
		if owned >= int64(plan.InstanceLimit) {
			return wire.Errorf(wire.EFORBIDDEN, "Instance limit reached for your plan")
		}
		if in.OrgID != nil {
			if _, _, err := orgOfMember(tx, userID, *in.OrgID, false); err != nil {
				return err
			}
		}
		if err := tx.Create(inst).Error; err != nil {
			if isDuplicate(err) {
				return wire.Errorf(wire.ECONFLICT, "Instance path already exists")
			}
			return err
		}
		t := newTally(userID)
		t.instances(inst.Status, 1)
		if err := t.apply(tx); err != nil {
			return err
		}
		return logActivity(tx, userID, "instance_created", "instance", inst.ID, map[string]any{"instance_name": inst.InstanceName})
	})
	if err != nil {
		return nil, err
	}
	return inst, nil
}

// checkNewInstance validates and normalises in.
func checkNewInstance(userID int64, in NewInstance) (*Instance, error) {
	inst := &Instance{UserID: userID, OrganizationID: in.OrgID, InstanceName: strings.TrimSpace(in.Name),
		InstancePath: strings.TrimSpace(in.Path), Type: strings.ToUpper(strings.TrimSpace(in.Type)),
		InstanceType: strings.TrimSpace(in.InstanceType), Status: strings.ToLower(strings.TrimSpace(in.Status)), CreatedAt: wire.Now()}
	if inst.InstanceType == "" {
		inst.InstanceType = "default"
	}
	if inst.Status == "" {
		inst.Status = StatusActive
	}
	switch {
	case inst.InstanceName == "" || len([]rune(inst.InstanceName)) > maxInstanceNameLen:
		return nil, wire.Errorf(wire.EINVALID, "Instance name is required and must be at most %d characters", maxInstanceNameLen)
	case !ValidSlug(inst.InstancePath, maxInstancePathLen):
		return nil, wire.Errorf(wire.EINVALID, "Invalid instance path: use at most %d lowercase letters, digits and single hyphens", maxInstancePathLen)
	case inst.Type != TypeSNCS && inst.Type != TypeSMS:
		return nil, wire.Errorf(wire.EINVALID, "Invalid type. Allowed values: SNCS, SMS")
	case len(inst.InstanceType) > maxInstanceTypeLen:
		return nil, wire.Errorf(wire.EINVALID, "Instance type must be at most %d characters", maxInstanceTypeLen)
	case !validStatus(inst.Status):
		return nil, wire.Errorf(wire.EINVALID, "Invalid status. Allowed values: active, sleep, dead")
	}
	return inst, nil
}
