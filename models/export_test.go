package models

import (
	"context"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Tx is Store.tx, for the external tests that need a transaction as the store runs it.
func (s *Store) Tx(ctx context.Context, fn func(tx *gorm.DB) error) error { return s.tx(ctx, fn) }

// ApplyListHours is applyListHours, for the test that holds list_hours.older to its definition.
func ApplyListHours(tx *gorm.DB, userID int64, hours []ListHour) error {
	return applyListHours(tx, userID, hours)
}

// DrainLegacy is Store.drainLegacy: what the flush runs to move an older replica's usage.
func (s *Store) DrainLegacy(ctx context.Context) (int64, error) { return s.drainLegacy(ctx) }

// UpsertListHoursOnly is the plain upsert of the hours' counts, without older: what a write
// transaction paid before list_hours.older, for BenchmarkListHoursOfAWrite.
func UpsertListHoursOnly(tx *gorm.DB, hours []ListHour) error {
	return tx.Clauses(clause.OnConflict{Columns: columns("user_id", "list", "hour"), DoUpdates: upsertSet(isMySQL(tx), []string{"n"}, nil, nil)}).
		Create(&hours).Error
}
