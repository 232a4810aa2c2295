package models_test

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"sharepanel/internal/testenv"
	"sharepanel/models"
)

// Usage records are written in batches, and a clean stop (the Run context ending) writes whatever
// is still buffered: nothing accepted is lost.
func TestUsageRecorderBatchesAndFlushesOnStop(t *testing.T) {
	s := testenv.NewStore(t)
	u := billingUser(t, s, "usage@example.com")
	rec := s.NewUsageRecorder(testenv.Logger(t), time.Hour, 100) // the timer never fires in this test

	var inserts int
	if err := s.DB().Callback().Create().After("gorm:create").Register("count_usage_inserts", func(db *gorm.DB) {
		if db.Statement.Table == "api_usage" {
			inserts++
		}
	}); err != nil {
		t.Fatal(err)
	}

	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { rec.Run(ctx); close(done) }()
	const n = 250
	for i := 0; i < n; i++ {
		rec.Record(models.UsageRecord{UserID: u.ID, KeyID: 7, Endpoint: "profile.view", Status: 200, Duration: time.Millisecond, At: time.Now()})
	}
	stop()
	<-done

	var count int64
	if err := s.DB().Model(&models.APIUsage{}).Where("user_id = ?", u.ID).Count(&count).Error; err != nil {
		t.Fatal(err)
	}
	if count != n {
		t.Fatalf("%d usage rows after a clean stop, want %d", count, n)
	}
	if rec.Pending() != 0 {
		t.Fatalf("%d records still pending", rec.Pending())
	}
	// Batched: far fewer INSERT statements than requests (a kick at every 100 records, and the stop).
	if inserts == 0 || inserts > n/50 {
		t.Fatalf("%d INSERT statements for %d records", inserts, n)
	}
}
