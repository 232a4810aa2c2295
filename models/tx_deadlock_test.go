package models_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"sharepanel/internal/testenv"
	"sharepanel/models"
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

// A victim run again answers what its last run did, not its first: sleep_all (or mark_all_read),
// rolled back as a deadlock's victim by a transaction that made the same change itself, finds
// nothing left to do when run again, and must say so (0), not report the first run's count. (A
// hostile pass, through the API on MariaDB: "2 instances put to sleep successfully" for a call
// that changed nothing; before deadlocks were run again it was a 503.) MariaDB only.
func TestDeadlockVictimAnswersItsLastRun(t *testing.T) {
	if !testenv.IsMySQL() {
		t.Skip("deadlocks are MySQL's (set SHAREPANEL_TEST_MYSQL_URL)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	t.Run("sleep_all", func(t *testing.T) {
		s := testenv.NewStore(t)
		acct := newUser(t, s, "pro")
		for i := range 2 {
			if _, err := s.CreateInstance(ctx, acct.ID, models.NewInstance{Name: "x", Path: fmt.Sprintf("deadlock-%d", i), Type: "SMS"}); err != nil {
				t.Fatal(err)
			}
		}
		n := loseADeadlockToTheSameChange(t, ctx, s, acct.ID,
			"UPDATE instances SET status = 'sleep' WHERE user_id = ? AND status = 'active'",
			"UPDATE account_totals SET instances_active = instances_active - 2, instances_sleep = instances_sleep + 2 WHERE user_id = ?",
			func() (int64, error) { return s.SleepAllInstances(ctx, acct.ID) })
		if n != 0 {
			t.Fatalf("sleep_all reported %d instances put to sleep; the other transaction had put both to sleep, so its last run did nothing (want 0)", n)
		}
	})
	t.Run("mark_all_read", func(t *testing.T) {
		s := testenv.NewStore(t)
		acct := newUser(t, s, "pro")
		for range 2 {
			if _, err := s.CreateNotification(ctx, acct.ID, models.NewNotification{Title: "x"}); err != nil {
				t.Fatal(err)
			}
		}
		n := loseADeadlockToTheSameChange(t, ctx, s, acct.ID,
			"UPDATE notifications SET is_read = 1 WHERE user_id = ? AND is_read = 0",
			"UPDATE account_totals SET notifications_unread = 0 WHERE user_id = ?",
			func() (int64, error) { return s.MarkAllNotificationsRead(ctx, acct.ID) })
		if n != 0 {
			t.Fatalf("mark_all_read reported %d notifications marked; the other transaction had marked both, so its last run did nothing (want 0)", n)
		}
	})
}

// loseADeadlockToTheSameChange runs call (a store write that changes rows of userID, then its
// account_totals row) against another transaction that holds that totals row first, then makes
// call's change itself (change, then totals) once call waits for the row: a deadlock, whose
// victim is call's transaction (the other has written more). It returns call's count.
func loseADeadlockToTheSameChange(t *testing.T, ctx context.Context, s *models.Store, userID int64, change, totals string, call func() (int64, error)) int64 {
	t.Helper()
	holds, other := heavierTransaction(t, ctx, s.DB(), "SELECT user_id FROM account_totals WHERE user_id = ? FOR UPDATE", userID,
		func(tx *gorm.DB) error {
			if err := tx.Exec(change, userID).Error; err != nil {
				return err
			}
			return tx.Exec(totals, userID).Error
		})
	<-holds
	n, err := call()
	if err := <-other; err != nil {
		t.Fatalf("the other transaction: %v", err)
	}
	if err != nil {
		t.Fatalf("the store's write: %v", err)
	}
	return n
}

// A restore run again as a deadlock's victim reports each link it could not restore once: its
// result's Skipped is filled by the run, and a run again must start it afresh. MariaDB only.
func TestDeadlockVictimRestoreReportsEachSkipOnce(t *testing.T) {
	if !testenv.IsMySQL() {
		t.Skip("deadlocks are MySQL's (set SHAREPANEL_TEST_MYSQL_URL)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s := testenv.NewStore(t)
	db := s.DB()
	u := newUser(t, s, "pro")
	b, err := s.ExportAccount(ctx, u.Username)
	if err != nil {
		t.Fatal(err)
	}
	b.Memberships = append(b.Memberships, models.BackupMembership{OrgPath: "someone-elses", PermissionLevel: 1})
	if err := s.DeleteAccount(ctx, u.Username); err != nil {
		t.Fatal(err)
	}
	// Holds the restored account's totals row, then asks for its users row: a deadlock with the
	// restore (users row, then totals), whose victim is the restore (the other has written more).
	holds, other := heavierTransaction(t, ctx, db, "INSERT INTO account_totals (user_id) VALUES (?)", u.ID,
		func(tx *gorm.DB) error { return tx.Exec("SELECT id FROM users WHERE id = ? FOR UPDATE", u.ID).Error })
	<-holds
	res, err := s.RestoreAccount(ctx, b, models.RestoreOptions{})
	if err := <-other; err != nil {
		t.Fatalf("the other transaction: %v", err)
	}
	if err != nil {
		t.Fatalf("restore: %v", err)
	}
	if len(res.Skipped) != 1 {
		t.Fatalf("skipped %q, want the one membership once", res.Skipped)
	}
}

// heavierTransaction runs, in a transaction of its own, 5,000 inserted rows (so that InnoDB picks
// the other side of a deadlock as its victim: it has written less), then hold (a statement that
// takes the account's totals row); it closes holds, waits until a store transaction waits for that
// row (MariaDB's process list), then runs then. The transaction's end comes on done.
func heavierTransaction(t *testing.T, ctx context.Context, db *gorm.DB, hold string, userID int64, then func(tx *gorm.DB) error) (holds <-chan struct{}, done <-chan error) {
	t.Helper()
	if err := db.Exec("CREATE TABLE deadlock_weight (n INT NOT NULL) ENGINE=InnoDB").Error; err != nil {
		t.Fatal(err)
	}
	values := strings.TrimSuffix(strings.Repeat("(1),", 5000), ",")
	held := make(chan struct{})
	ended := make(chan error, 1)
	go func() {
		ended <- db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec("INSERT INTO deadlock_weight (n) VALUES " + values).Error; err != nil {
				return err
			}
			if err := tx.Exec(hold, userID).Error; err != nil {
				return err
			}
			close(held)
			for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
				var waiting int64
				if err := db.Raw("SELECT COUNT(*) FROM information_schema.processlist WHERE db = DATABASE() AND info LIKE 'INSERT INTO `account_totals`%'").
					Scan(&waiting).Error; err != nil {
					return err
				}
				if waiting > 0 || time.Now().After(deadline) {
					break
				}
			}
			return then(tx)
		})
	}()
	return held, ended
}
