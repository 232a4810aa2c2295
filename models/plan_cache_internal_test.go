package models

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"gorm.io/gorm"

	"sharepanel/wire"
)

// planStoreWithBlockablePlans is a migrated store whose reads of plans wait, while block is set,
// until release is closed or their context ends (a database that stopped answering); started
// receives once per blocked read.
func planStoreWithBlockablePlans(t *testing.T) (s *Store, block func(), release chan struct{}, started chan struct{}) {
	t.Helper()
	s, err := Open(context.Background(), "sqlite://"+filepath.Join(t.TempDir(), "plans.db"), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	blocked := make(chan struct{})
	release, started = make(chan struct{}), make(chan struct{}, 16)
	err = s.db.Callback().Query().Before("gorm:query").Register("test:frozen_plans", func(db *gorm.DB) {
		if db.Statement.Table != "plans" {
			return
		}
		select {
		case <-blocked:
		default:
			return
		}
		started <- struct{}{}
		select {
		case <-release:
		case <-db.Statement.Context.Done():
			_ = db.AddError(db.Statement.Context.Err())
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return s, func() { close(blocked) }, release, started
}

// Past its TTL the cache answers with the plans it has while one reload runs: a request never
// waits for a reload, whatever the database does (a canceled context proves it does not even try).
func TestStalePlansAreServedWhileTheyReload(t *testing.T) {
	s, block, release, started := planStoreWithBlockablePlans(t)
	defer close(release)
	c := NewPlanCache(s, 0) // every snapshot is stale at once
	free, err := c.Limits(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	block()
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	for range 3 {
		got, err := c.Limits(canceled, 1)
		if err != nil || got != free {
			t.Fatalf("stale plan %+v, %v; want %+v at once", got, err, free)
		}
	}
	<-started // the reload began, and waits on the database
}

// With no plans cached (at start, after Invalidate), a request waits for the load only until its
// own deadline, even when another request with a longer one started the load.
func TestAPlanLoadIsWaitedForOnlyUntilTheRequestsDeadline(t *testing.T) {
	s, block, release, started := planStoreWithBlockablePlans(t)
	c := NewPlanCache(s, time.Hour)
	block()
	first := make(chan error, 1)
	go func() {
		_, err := c.Limits(context.Background(), 1)
		first <- err
	}()
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.Limits(ctx, 1); wire.ErrorCode(err) != wire.EUNAVAILABLE {
		t.Fatalf("a request past its deadline while plans load: %v, want EUNAVAILABLE", err)
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatalf("the load itself: %v", err)
	}
	if _, err := c.Limits(ctx, 1); err != nil { // now cached: no database, no deadline needed
		t.Fatalf("after the load: %v", err)
	}
}
