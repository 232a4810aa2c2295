package models_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"sharepanel/internal/testenv"
	"sharepanel/models"
	"sharepanel/wire"
)

// oldUsage is api_usage as it was before aggregation: one row per request, with a duration_micros
// column NOT NULL without a default.
type oldUsage struct {
	ID             int64         `gorm:"primaryKey"`
	UserID         int64         `gorm:"not null;index:idx_usage_user_day"`
	KeyID          int64         `gorm:"not null;index:idx_usage_key_day"`
	Endpoint       string        `gorm:"size:64;not null"`
	StatusCode     int           `gorm:"not null"`
	DurationMicros int64         `gorm:"not null"`
	Day            string        `gorm:"size:10;not null;index:idx_usage_user_day;index:idx_usage_key_day"`
	CreatedAt      wire.DateTime `gorm:"not null"`
}

func (oldUsage) TableName() string { return "api_usage" }

// A database of the first release, made before migrations were versioned, with api_usage of the
// old shape: migrating records it at version 1, keeps its requests (each a group of one) and takes
// new rows.
func TestMigrateUsageFromOneRowPerRequest(t *testing.T) {
	ctx := context.Background()
	s := testenv.NewStore(t)
	u := billingUser(t, s, "usage-migrate@example.com")
	db := s.DB()
	if err := db.Migrator().DropTable("api_usage", "schema_migrations"); err != nil {
		t.Fatal(err)
	}
	if err := db.AutoMigrate(&oldUsage{}); err != nil {
		t.Fatal(err)
	}
	today := time.Now().UTC().Truncate(time.Second)
	old := []oldUsage{
		{UserID: u.ID, KeyID: 3, Endpoint: "profile.view", StatusCode: 200, DurationMicros: 1000, Day: today.Format("2006-01-02"), CreatedAt: wire.DateTime(today)},
		{UserID: u.ID, KeyID: 3, Endpoint: "orgs.list", StatusCode: 404, DurationMicros: 3000, Day: today.Format("2006-01-02"), CreatedAt: wire.DateTime(today)},
	}
	if err := db.Create(&old).Error; err != nil {
		t.Fatal(err)
	}

	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if applied, err := s.Migrate(ctx); err != nil || len(applied) != 0 { // idempotent
		t.Fatalf("second migrate: applied %v, %v", applied, err)
	}
	if st, err := s.SchemaStatus(ctx); err != nil || st.Current() != st.Latest || st.Applied[0].Version != 1 {
		t.Fatalf("status %+v, %v", st, err)
	}
	rec := s.NewUsageRecorder(testenv.Logger(t), time.Hour, 100)
	rec.Record(models.UsageRecord{UserID: u.ID, KeyID: 3, Endpoint: "profile.view", Status: 200, Duration: 2 * time.Millisecond, At: today})
	if err := rec.Flush(ctx); err != nil {
		t.Fatalf("insert into the migrated table: %v", err)
	}
	days, err := s.UsageDays(ctx, u.ID, 7)
	if err != nil {
		t.Fatal(err)
	}
	want := []models.UsageDay{{Date: today.Format("2006-01-02"), RequestCount: 3, UniqueEndpoints: 2, AvgResponseTime: 0.002, SuccessCount: 2, ErrorCount: 1}}
	if fmt.Sprintf("%+v", days) != fmt.Sprintf("%+v", want) {
		t.Fatalf("usage days %+v, want %+v", days, want)
	}
	var last wire.DateTime
	if err := db.Raw("SELECT MAX(last_at) FROM api_usage WHERE user_id = ?", u.ID).Row().Scan(&last); err != nil {
		t.Fatal(err)
	}
	if !last.Time().Equal(today) {
		t.Fatalf("last_at %v, want %v", last.Time(), today)
	}
}
