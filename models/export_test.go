package models

import (
	"context"

	"gorm.io/gorm"
)

// Tx is Store.tx, for the external tests that need a transaction as the store runs it.
func (s *Store) Tx(ctx context.Context, fn func(tx *gorm.DB) error) error { return s.tx(ctx, fn) }

// ApplyListHours is applyListHours, for the test that holds list_hours.older to its definition.
func ApplyListHours(tx *gorm.DB, userID int64, hours []ListHour) error {
	return applyListHours(tx, userID, hours)
}

// DrainLegacy is Store.drainLegacy: what the flush runs to move an older replica's usage.
func (s *Store) DrainLegacy(ctx context.Context) (int64, error) { return s.drainLegacy(ctx) }
