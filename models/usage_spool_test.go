package models_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"sharepanel/internal/testenv"
	"sharepanel/models"
)

// blockUsageWrites makes every usage-rollup upsert of s wait until its context ends (a frozen
// database that honours deadlines) while *blocked is true; started receives once per INSERT begun.
func blockUsageWrites(t *testing.T, s *models.Store, blocked *bool, mu *sync.Mutex, started chan<- struct{}) {
	t.Helper()
	err := s.DB().Callback().Create().Before("gorm:create").Register("block_usage_inserts", func(db *gorm.DB) {
		mu.Lock()
		block := *blocked
		mu.Unlock()
		if db.Statement.Table != "api_usage_rollup" || !block {
			return
		}
		select {
		case started <- struct{}{}:
		default:
		}
		<-db.Statement.Context.Done()
		_ = db.AddError(db.Statement.Context.Err())
	})
	if err != nil {
		t.Fatal(err)
	}
}

// usageOf is the account's recorded requests (every status).
func usageOf(t *testing.T, s *models.Store, userID int64) int64 {
	t.Helper()
	var n int64
	if err := s.DB().Model(&models.UsageRollup{}).Where("user_id = ?", userID).Select("COALESCE(SUM(request_count), 0)").Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func spoolFiles(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "sharepanel-usage-spool-*.json"))
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// A stop while the database does not answer ends within its deadline, even with a periodic flush
// stuck in the database, and spools every record; the next start replays the spool exactly once,
// also when it comes again after a crash between the replay's commit and the file's removal.
func TestUsageSpoolOnStopAndReplayExactlyOnce(t *testing.T) {
	s := testenv.NewStore(t)
	u := billingUser(t, s, "spool@example.com")
	dir := t.TempDir()
	var mu sync.Mutex
	blocked := true
	started := make(chan struct{}, 1)
	blockUsageWrites(t, s, &blocked, &mu, started)

	rec := s.NewUsageRecorder(testenv.Logger(t), 10*time.Millisecond, 100)
	rec.SpoolDir = dir
	runCtx, stopRun := context.WithCancel(context.Background())
	runDone := make(chan struct{})
	go func() { rec.Run(runCtx); close(runDone) }()
	at := time.Now()
	for i := range 30 {
		rec.Record(models.UsageRecord{UserID: u.ID, KeyID: 3, Endpoint: "profile.view", Status: 200 + i%2, Duration: time.Millisecond, At: at})
	}
	<-started // a periodic flush is stuck in the database
	for range 12 {
		rec.Record(models.UsageRecord{UserID: u.ID, KeyID: 3, Endpoint: "orgs.list", Status: 200, Duration: time.Millisecond, At: at})
	}
	stopRun()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	err := rec.Close(ctx)
	cancel()
	if err != nil {
		t.Fatalf("close: %v", err)
	}
	<-runDone
	if n := usageOf(t, s, u.ID); n != 0 {
		t.Fatalf("%d requests written by a database that never answered", n)
	}
	files := spoolFiles(t, dir)
	if len(files) != 1 {
		t.Fatalf("spool files %v, want one", files)
	}
	if st := rec.Stats(); st.Spooled != 42 || st.Dropped != 0 {
		t.Fatalf("stats %+v, want 42 spooled, none dropped", st)
	}
	saved, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}

	// The next start, the database back.
	mu.Lock()
	blocked = false
	mu.Unlock()
	replay := func() int {
		t.Helper()
		next := s.NewUsageRecorder(testenv.Logger(t), time.Hour, 100)
		next.SpoolDir = dir
		nfiles, requests, err := next.LoadSpool()
		if err != nil || nfiles != 1 {
			t.Fatalf("load spool: %d files, %v", nfiles, err)
		}
		if err := next.Flush(context.Background()); err != nil {
			t.Fatalf("replay: %v", err)
		}
		if next.Pending() != 0 {
			t.Fatalf("%d pending after the replay", next.Pending())
		}
		return requests
	}
	if n := replay(); n != 42 {
		t.Fatalf("spool held %d requests, want 42", n)
	}
	if n := usageOf(t, s, u.ID); n != 42 {
		t.Fatalf("%d requests after the replay, want 42", n)
	}
	if files := spoolFiles(t, dir); len(files) != 0 {
		t.Fatalf("spool files left after the replay: %v", files)
	}

	// A crash after the replay's commit, before the file went: the file is there at the next start.
	if err := os.WriteFile(files[0], saved, 0o600); err != nil {
		t.Fatal(err)
	}
	replay()
	if n := usageOf(t, s, u.ID); n != 42 {
		t.Fatalf("%d requests after replaying the same spool again, want still 42", n)
	}
	if files := spoolFiles(t, dir); len(files) != 0 {
		t.Fatalf("spool files left after the second replay: %v", files)
	}
}

// A spool file that cannot be read is set aside, not deleted and not half-replayed.
func TestUsageSpoolSetsAsideABadFile(t *testing.T) {
	s := testenv.NewStore(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "sharepanel-usage-spool-20260101T000000.000000000Z-00000000.json")
	if err := os.WriteFile(bad, []byte(`{"version":1,"batches":[{"id":"not-a-uuid","groups":[]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	rec := s.NewUsageRecorder(testenv.Logger(t), time.Hour, 100)
	rec.SpoolDir = dir
	if files, requests, err := rec.LoadSpool(); err != nil || files != 0 || requests != 0 {
		t.Fatalf("load: %d files, %d requests, %v", files, requests, err)
	}
	if _, err := os.Stat(bad + ".bad"); err != nil {
		t.Fatalf("bad file not set aside: %v", err)
	}
}

// A stop with nothing waiting leaves no spool file; one with the database answering writes
// everything and leaves none either.
func TestUsageCloseWritesWhenItCan(t *testing.T) {
	s := testenv.NewStore(t)
	u := billingUser(t, s, "close@example.com")
	dir := t.TempDir()
	rec := s.NewUsageRecorder(testenv.Logger(t), time.Hour, 100)
	rec.SpoolDir = dir
	for range 5 {
		rec.Record(models.UsageRecord{UserID: u.ID, KeyID: 3, Endpoint: "profile.view", Status: 200, Duration: time.Millisecond, At: time.Now()})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := rec.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if n := usageOf(t, s, u.ID); n != 5 {
		t.Fatalf("%d written, want 5", n)
	}
	if files := spoolFiles(t, dir); len(files) != 0 {
		t.Fatalf("spool files %v after a stop that wrote everything", files)
	}
}

// Today's requests of an account, as the database has them: every status, today only, that
// account only — and not the requests refused before the limiter (a key used from outside its
// allowlist), which the reports show but nobody was charged for.
func TestRequestsToday(t *testing.T) {
	s := testenv.NewStore(t)
	u := billingUser(t, s, "today@example.com")
	other := billingUser(t, s, "today-other@example.com")
	rec := s.NewUsageRecorder(testenv.Logger(t), time.Hour, 100)
	now := time.Now()
	for i := range 7 {
		rec.Record(models.UsageRecord{UserID: u.ID, KeyID: 1, Endpoint: "profile.view", Status: []int{200, 404, 503}[i%3], At: now})
	}
	rec.Record(models.UsageRecord{UserID: u.ID, KeyID: 1, Endpoint: "profile.view", Status: 200, At: now.AddDate(0, 0, -1)})
	rec.Record(models.UsageRecord{UserID: other.ID, KeyID: 2, Endpoint: "profile.view", Status: 200, At: now})
	// One charged 403 and four uncharged ones of the same key, endpoint and status: one row of
	// the rollup, in one batch.
	rec.Record(models.UsageRecord{UserID: u.ID, KeyID: 1, Endpoint: "profile.view", Status: 403, At: now})
	for range 4 {
		rec.Record(models.UsageRecord{UserID: u.ID, KeyID: 1, Endpoint: "profile.view", Status: 403, At: now, Uncharged: true})
	}
	if err := rec.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n, err := s.RequestsToday(context.Background(), u.ID); err != nil || n != 8 {
		t.Fatalf("today %d, %v; want 8 (the 4 uncharged refusals left out)", n, err)
	}
	days, err := s.UsageDays(context.Background(), u.ID, 1)
	if err != nil || len(days) != 1 || days[0].RequestCount != 12 || days[0].ErrorCount != 9 {
		t.Fatalf("the report of today %+v, %v; want 12 requests, 9 errors (the refusals included)", days, err)
	}
}
