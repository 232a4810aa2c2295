package models_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"sharepanel/internal/testenv"
)

// Two transactions that lock the same two rows in opposite orders deadlock; InnoDB rolls one back
// whole. The store runs that one again, so both writes are done and neither caller sees an error
// (a hostile pass saw a 503 from instances update_status racing sleep_all on one account).
// MariaDB only: SQLite has one writer and no deadlocks.
func TestDeadlockVictimIsRunAgain(t *testing.T) {
	s := testenv.NewStore(t)
	db := s.DB()
	if db.Dialector.Name() != "mysql" {
		t.Skip("deadlocks are MySQL's (set SHAREPANEL_TEST_MYSQL_URL)")
	}
	if err := db.Exec("CREATE TABLE deadlock_probe (id INT PRIMARY KEY, n INT NOT NULL) ENGINE=InnoDB").Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Exec("INSERT INTO deadlock_probe VALUES (1, 0), (2, 0)").Error; err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var runs atomic.Int32
	aHolds, bHolds := make(chan struct{}), make(chan struct{})
	write := func(first, second int, mine, theirs chan struct{}) error {
		attempt := 0
		return s.Tx(ctx, func(tx *gorm.DB) error {
			attempt++
			runs.Add(1)
			if err := tx.Exec("UPDATE deadlock_probe SET n = n + 1 WHERE id = ?", first).Error; err != nil {
				return err
			}
			if attempt == 1 { // both hold one row before either asks for the other's
				close(mine)
				<-theirs
			}
			return tx.Exec("UPDATE deadlock_probe SET n = n + 1 WHERE id = ?", second).Error
		})
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	wg.Add(2)
	go func() { defer wg.Done(); errs[0] = write(1, 2, aHolds, bHolds) }()
	go func() { defer wg.Done(); errs[1] = write(2, 1, bHolds, aHolds) }()
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("transaction %d: %v", i+1, err)
		}
	}
	var rows []struct{ ID, N int }
	if err := db.Raw("SELECT id, n FROM deadlock_probe ORDER BY id").Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].N != 2 || rows[1].N != 2 || runs.Load() != 3 {
		t.Fatalf("rows %+v after %d runs, want both rows written by both transactions once (n=2) and one run again", rows, runs.Load())
	}
}
