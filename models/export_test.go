package models

import (
	"context"

	"gorm.io/gorm"
)

// Tx is Store.tx, for the external tests that need a transaction as the store runs it.
func (s *Store) Tx(ctx context.Context, fn func(tx *gorm.DB) error) error { return s.tx(ctx, fn) }

// ApplyListDays is applyListDays, for the test that holds list_days.older to its definition.
func ApplyListDays(tx *gorm.DB, userID int64, days []ListDay) error {
	return applyListDays(tx, userID, days)
}
