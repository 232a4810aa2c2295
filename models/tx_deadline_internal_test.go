package models

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"path/filepath"
	"testing"

	"gorm.io/gorm"

	"sharepanel/wire"
)

// A transaction whose request deadline passes while it runs is rolled back by database/sql, and its
// commit then fails with "transaction has already been committed or rolled back": that is the
// database not answering in time, a 503, not the server's error (the db-frozen fault row saw it as a
// 500).
func TestTransactionPastItsDeadlineIsUnavailable(t *testing.T) {
	s, err := Open(context.Background(), "sqlite://"+filepath.Join(t.TempDir(), "tx.db"), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Exec("SELECT 1").Error; err != nil {
			return err
		}
		cancel()
		// What database/sql does by itself, at a moment of its choosing, once it sees the context
		// end: roll the transaction back. Done here so that the commit surely finds it rolled back
		// (ErrTxDone: database/sql was first).
		if err := tx.Statement.ConnPool.(*sql.Tx).Rollback(); err != nil && !errors.Is(err, sql.ErrTxDone) {
			t.Fatal(err)
		}
		return nil
	})
	if err == nil {
		t.Fatal("a transaction whose context ended committed")
	}
	if wire.ErrorCode(err) != wire.EUNAVAILABLE {
		t.Fatalf("error %v (code %q), want EUNAVAILABLE", err, wire.ErrorCode(err))
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("the cause is lost: %v", err)
	}
}
