package models

import (
	"context"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The admin side of instances: administrators address an instance by its ID alone; the change is
// recorded in its owner's activity as the owner's own changes are.

// InstanceOwner returns the account an instance belongs to.
func (s *Store) InstanceOwner(ctx context.Context, instanceID int64) (int64, error) {
	var in Instance
	if err := s.db.WithContext(ctx).Select("id", "user_id").Take(&in, instanceID).Error; err != nil {
		return 0, notFound(err, msgInstanceNotFound)
	}
	return in.UserID, nil
}

// DeleteInstance deletes one instance, whoever owns it, and records it in the owner's activity.
func (s *Store) DeleteInstance(ctx context.Context, instanceID int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		var in Instance
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Take(&in, instanceID).Error; err != nil {
			return notFound(err, msgInstanceNotFound)
		}
		if err := tx.Delete(&Instance{}, in.ID).Error; err != nil {
			return err
		}
		t := newTally(in.UserID)
		t.instances(in.Status, -1)
		if err := t.apply(tx); err != nil {
			return err
		}
		return logActivity(tx, in.UserID, "instance_deleted", "instance", in.ID,
			map[string]any{"instance_name": in.InstanceName, "by": "admin"})
	})
}
