package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// allTables lists every table the service owns, in creation order.
func allTables() []any {
	return []any{&Plan{}, &User{}, &APIKey{}, &Organization{}, &OrgMember{}, &Instance{},
		&Invoice{}, &Transaction{}, &Purchase{}, &Notification{}, &Activity{}, &APIUsage{},
		&Setting{}, &Admin{}, &AuditEntry{}, &AutologinToken{}}
}

// Migrate creates or upgrades the schema and seeds the reference's plans. It is idempotent and safe
// to run from several replicas at once on MySQL (AutoMigrate only adds).
func (s *Store) Migrate(ctx context.Context) error {
	db := s.db.WithContext(ctx)
	if s.mysql {
		db = db.Set("gorm:table_options", "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci")
	}
	if err := db.AutoMigrate(allTables()...); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if err := migrateUsage(db); err != nil {
		return fmt.Errorf("migrate api_usage: %w", err)
	}
	return s.seedPlans(ctx)
}

// DefaultPlans are the reference's plans and their limits. 1 MB = 1,048,576 bytes.
func DefaultPlans() []Plan {
	const mb = 1 << 20
	return []Plan{
		{Name: "free", Price: 0, OrgLimit: 1, InstanceLimit: 1, FileLimit: 1000, StorageLimit: 100,
			Description: "Free plan", Features: "Basic features", RequestsPerDay: 100, RequestsPerMinute: 10, MaxPayloadBytes: 1 * mb},
		{Name: "basic", Price: 999, OrgLimit: 3, InstanceLimit: 5, FileLimit: 5000, StorageLimit: 500,
			Description: "Basic plan", Features: "Basic features, email support", RequestsPerDay: 1000, RequestsPerMinute: 30, MaxPayloadBytes: 5 * mb},
		{Name: "pro", Price: 2999, OrgLimit: 10, InstanceLimit: 25, FileLimit: 20000, StorageLimit: 2000,
			Description: "Pro plan", Features: "All features, priority support", RequestsPerDay: 10000, RequestsPerMinute: 100, MaxPayloadBytes: 15 * mb},
		{Name: "enterprise", Price: 9999, OrgLimit: 100, InstanceLimit: 250, FileLimit: 100000, StorageLimit: 10000,
			Description: "Enterprise plan", Features: "All features, dedicated support, SLA", RequestsPerDay: 50000, RequestsPerMinute: 500, MaxPayloadBytes: 50 * mb},
	}
}

// seedPlans inserts the default plans that do not exist yet; it never overwrites an operator's edits.
func (s *Store) seedPlans(ctx context.Context) error {
	plans := DefaultPlans()
	return s.db.WithContext(ctx).Session(&gorm.Session{}).
		Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "name"}}, DoNothing: true}).
		Create(&plans).Error
}
