package models_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"gorm.io/gorm"

	"sharepanel/internal/testenv"
	"sharepanel/models"
)

// Usage records are aggregated per group and written in batches, and a clean stop (Run's context
// ending, then Close) writes whatever is still waiting: nothing accepted is lost, nothing is
// counted twice.
func TestUsageRecorderBatchesAndFlushesOnStop(t *testing.T) {
	s := testenv.NewStore(t)
	u := billingUser(t, s, "usage@example.com")
	rec := s.NewUsageRecorder(testenv.Logger(t), time.Hour, 100) // the timer never fires in this test

	var inserts int
	if err := s.DB().Callback().Create().After("gorm:create").Register("count_usage_inserts", func(db *gorm.DB) {
		if db.Statement.Table == "api_usage_rollup" {
			inserts++
		}
	}); err != nil {
		t.Fatal(err)
	}

	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { rec.Run(ctx); close(done) }()
	const n = 250
	at := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC) // not near midnight: every group on one day
	for i := 0; i < n; i++ {
		// 250 groups: 125 endpoints × 2 statuses, 2 requests each; a kick at every 100 waiting groups.
		rec.Record(models.UsageRecord{UserID: u.ID, KeyID: 7, Endpoint: fmt.Sprintf("e.%d", i%125), Status: 200 + 200*(i/125%2),
			Duration: time.Duration(i) * time.Microsecond, At: at.Add(time.Duration(i) * time.Second)})
		rec.Record(models.UsageRecord{UserID: u.ID, KeyID: 7, Endpoint: fmt.Sprintf("e.%d", i%125), Status: 200 + 200*(i/125%2),
			Duration: time.Microsecond, At: at})
	}
	stop()
	<-done
	if err := rec.Close(context.Background()); err != nil {
		t.Fatal(err)
	}

	var got struct{ RowCount, Requests, Micros int64 }
	if err := s.DB().Model(&models.UsageRollup{}).Where("user_id = ?", u.ID).
		Select("COUNT(*) AS row_count, SUM(request_count) AS requests, SUM(total_duration_micros) AS micros").Scan(&got).Error; err != nil {
		t.Fatal(err)
	}
	if got.Requests != 2*n || got.Micros != n*(n-1)/2+n {
		t.Fatalf("%d requests (%d µs) after a clean stop, want %d (%d µs)", got.Requests, got.Micros, 2*n, n*(n-1)/2+n)
	}
	if got.RowCount != n { // one row per group, however many flushes wrote it
		t.Fatalf("%d usage rows for %d groups", got.RowCount, n)
	}
	if rec.Pending() != 0 {
		t.Fatalf("%d records still pending", rec.Pending())
	}
	// Rows counts group upserts: a flush may fall between a group's two requests.
	if st := rec.Stats(); st.Written != 2*n || st.Rows < n || st.Rows > 2*n || int(st.Inserts) != inserts {
		t.Fatalf("stats %+v, want %d requests in %d to %d group upserts by %d batches", st, 2*n, n, 2*n, inserts)
	}
	// Batched: far fewer INSERT statements than groups (a kick at every 100 groups, and the stop).
	if inserts == 0 || inserts > n/20 {
		t.Fatalf("%d INSERT statements for %d groups", inserts, n)
	}
}

// The requests of one group make one row holding their count, total duration and newest time,
// however many flushes wrote them.
func TestUsageRecorderAggregatesAGroup(t *testing.T) {
	s := testenv.NewStore(t)
	u := billingUser(t, s, "usage-group@example.com")
	rec := s.NewUsageRecorder(testenv.Logger(t), time.Hour, 100)
	day := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	for i := 0; i < 3; i++ {
		rec.Record(models.UsageRecord{UserID: u.ID, KeyID: 9, Endpoint: "profile.view", Status: 200,
			Duration: time.Duration(i+1) * time.Millisecond, At: day.Add(time.Duration(i) * time.Minute)})
	}
	rec.Record(models.UsageRecord{UserID: u.ID, KeyID: 9, Endpoint: "profile.view", Status: 404, Duration: time.Millisecond, At: day})
	rec.Record(models.UsageRecord{UserID: u.ID, KeyID: 9, Endpoint: "profile.view", Status: 200, Duration: time.Millisecond, At: day.AddDate(0, 0, 1)})
	if rec.Pending() != 5 {
		t.Fatalf("%d pending, want 5", rec.Pending())
	}
	if err := rec.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	// A later flush adds to the group's row.
	rec.Record(models.UsageRecord{UserID: u.ID, KeyID: 9, Endpoint: "profile.view", Status: 200, Duration: 4 * time.Millisecond, At: day.Add(-time.Hour)})
	if err := rec.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	var rows []models.UsageRollup
	if err := s.DB().Where("user_id = ?", u.ID).Order("day, status_code").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	type row struct {
		Day           string
		Status        int
		Count, Micros int64
		Last          string
	}
	var got []row
	for _, r := range rows {
		got = append(got, row{r.Day, r.StatusCode, r.RequestCount, r.TotalDurationMicros, r.LastAt.Time().Format(time.DateTime)})
	}
	want := []row{{"2026-03-04", 200, 4, 10000, "2026-03-04 10:02:00"}, {"2026-03-04", 404, 1, 1000, "2026-03-04 10:00:00"},
		{"2026-03-05", 200, 1, 1000, "2026-03-05 10:00:00"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("rows %v, want %v", got, want)
	}
}

// A flush that fails merges its groups back into those recorded meanwhile: the next flush writes
// every request exactly once.
func TestUsageRecorderRequeuesAFailedFlush(t *testing.T) {
	s := testenv.NewStore(t)
	u := billingUser(t, s, "usage-requeue@example.com")
	rec := s.NewUsageRecorder(testenv.Logger(t), time.Hour, 100)
	fail := true
	if err := s.DB().Callback().Create().Before("gorm:create").Register("fail_usage_inserts", func(db *gorm.DB) {
		if db.Statement.Table == "api_usage_rollup" && fail {
			_ = db.AddError(errors.New("database down"))
		}
	}); err != nil {
		t.Fatal(err)
	}
	r := models.UsageRecord{UserID: u.ID, KeyID: 9, Endpoint: "profile.view", Status: 200, Duration: time.Millisecond, At: time.Now()}
	rec.Record(r)
	rec.Record(r)
	if err := rec.Flush(context.Background()); err == nil {
		t.Fatal("flush succeeded with the database down")
	}
	rec.Record(r)
	if rec.Pending() != 3 {
		t.Fatalf("%d pending after a failed flush and one more request, want 3", rec.Pending())
	}
	fail = false
	if err := rec.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	var got struct{ RowCount, Requests int64 }
	if err := s.DB().Model(&models.UsageRollup{}).Where("user_id = ?", u.ID).
		Select("COUNT(*) AS row_count, SUM(request_count) AS requests").Scan(&got).Error; err != nil {
		t.Fatal(err)
	}
	if got.RowCount != 1 || got.Requests != 3 || rec.Pending() != 0 {
		t.Fatalf("%d rows holding %d requests, %d pending; want 1, 3 and 0", got.RowCount, got.Requests, rec.Pending())
	}
}
