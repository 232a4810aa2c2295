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
	if err := db.Raw("SELECT MAX(last_at) FROM api_usage_rollup WHERE user_id = ?", u.ID).Row().Scan(&last); err != nil {
		t.Fatal(err)
	}
	if !last.Time().Equal(today) {
		t.Fatalf("last_at %v, want %v", last.Time(), today)
	}
}

// During a rolling upgrade, replicas of the earlier version still write api_usage, one row per
// group per flush. The new version's flushes move those rows into the rollup and the summaries:
// two replicas flushing at once move each row exactly once, number new endpoints alike, and the
// reports count every request once.
func TestFlushMovesRowsOlderReplicasWrite(t *testing.T) {
	ctx := context.Background()
	dbURL := testenv.EmptyDatabase(t)
	a, b := testenv.OpenStore(t, dbURL), testenv.OpenStore(t, dbURL)
	if _, err := a.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	u := billingUser(t, a, "usage-legacy@example.com")
	day := time.Now().UTC().Truncate(24 * time.Hour).Add(10 * time.Hour)
	var legacy []models.APIUsage
	for i := range 3000 {
		at := wire.DateTime(day.Add(-time.Duration(i%3) * 24 * time.Hour).Add(time.Duration(i) * time.Second))
		legacy = append(legacy, models.APIUsage{UserID: u.ID, KeyID: int64(1 + i%4), Endpoint: fmt.Sprintf("old.e%d", i%7), StatusCode: 200 + 200*(i%5/4),
			Day: at.Time().Format("2006-01-02"), RequestCount: int64(1 + i%3), TotalDurationMicros: 1000, LastAt: &at, CreatedAt: at})
	}
	if err := a.DB().CreateInBatches(legacy, 500).Error; err != nil {
		t.Fatal(err)
	}
	var want int64
	for _, l := range legacy {
		want += l.RequestCount
	}
	recs := []*models.UsageRecorder{a.NewUsageRecorder(testenv.Logger(t), time.Hour, 1000), b.NewUsageRecorder(testenv.Logger(t), time.Hour, 1000)}
	for _, rec := range recs {
		for j := range 50 {
			rec.Record(models.UsageRecord{UserID: u.ID, KeyID: 1, Endpoint: fmt.Sprintf("new.e%d", j%5), Status: 200, Duration: time.Millisecond, At: day})
		}
		want += 50
	}
	errs := make(chan error, 2)
	for _, rec := range recs {
		go func() { errs <- rec.Flush(ctx) }()
	}
	for range recs {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	var left int64
	if err := a.DB().Model(&models.APIUsage{}).Count(&left).Error; err != nil || left != 0 {
		t.Fatalf("%d rows left in api_usage, %v", left, err)
	}
	var got struct{ Rollup, Days, KeyDays int64 }
	if err := a.DB().Raw(`SELECT (SELECT SUM(request_count) FROM api_usage_rollup) AS rollup, (SELECT SUM(request_count) FROM api_usage_days) AS days,
		(SELECT SUM(request_count) FROM api_usage_key_days) AS key_days`).Scan(&got).Error; err != nil {
		t.Fatal(err)
	}
	if got.Rollup != want || got.Days != want || got.KeyDays != want {
		t.Fatalf("requests in the rollup %d, the day summaries %d, the key-day summaries %d; want %d each", got.Rollup, got.Days, got.KeyDays, want)
	}
	var numbers []struct {
		ID   int64
		Name string
	}
	if err := a.DB().Table("api_endpoints").Order("id").Scan(&numbers).Error; err != nil {
		t.Fatal(err)
	}
	if len(numbers) != 12 || numbers[0].ID != 1 || numbers[11].ID != 12 {
		t.Fatalf("endpoint numbers %v: want 12 endpoints numbered 1 to 12", numbers)
	}
	days, err := a.UsageDays(ctx, u.ID, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(days) != 3 || days[0].UniqueEndpoints != 12 || days[1].UniqueEndpoints != 7 {
		t.Fatalf("usage days %+v: want 3 days, 12 endpoints today (7 old, 5 new), 7 on the others", days)
	}
}
