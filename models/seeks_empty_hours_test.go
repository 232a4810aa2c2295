package models_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"sharepanel/internal/testenv"
	"sharepanel/models"
	"sharepanel/wire"
)

// A seek reads at most its run of hours (seekRun, 16) whatever hours the list has left empty:
// list_hours keeps an hour whose rows all went (n = 0) until the account is recounted, and an
// account that marked every notification read has its whole history of unread hours empty. Here
// 3,000 hours of unread notifications were marked read, then 700 came in the current hour; a deep
// page of the unread ones seeks in a list of one hour. MariaDB only: ANALYZE reports the rows each
// table of the seek read.
func TestASeekReadsItsRunOfHoursWhateverHoursAreEmpty(t *testing.T) {
	if !testenv.IsMySQL() {
		t.Skip("ANALYZE of the seek runs on MariaDB (SHAREPANEL_TEST_MYSQL_URL)")
	}
	ctx := context.Background()
	s := testenv.NewStore(t)
	u := billingUser(t, s, "empty-hours@example.com")
	db := s.DB()
	start := time.Now().UTC().Truncate(time.Hour).Add(-3000 * time.Hour)
	var notes []models.Notification
	for i := range 3000 {
		notes = append(notes, models.Notification{UserID: u.ID, Title: "n", Type: "info", CreatedAt: wire.DateTime(start.Add(time.Duration(i) * time.Hour))})
	}
	if err := db.CreateInBatches(&notes, 500).Error; err != nil {
		t.Fatal(err)
	}
	if err := s.Recount(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MarkAllNotificationsRead(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	for range 700 {
		if _, err := s.CreateNotification(ctx, u.ID, models.NewNotification{Title: "new"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Exec("ANALYZE TABLE list_hours").Error; err != nil {
		t.Fatal(err)
	}
	log := testenv.LogSQL(t, s)
	if _, _, err := s.ListNotifications(ctx, u.ID, true, wire.Page{Limit: 10, Offset: 600}); err != nil {
		t.Fatal(err)
	}
	seeks := 0
	for _, q := range log.ReadsWithArgs() {
		if !strings.Contains(q, "list_hours") || strings.Contains(q, "rows_up_to") {
			continue // not the seek
		}
		seeks++
		rows, err := db.Raw("ANALYZE " + q).Rows()
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		hours := 0.0
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var table, rRows string
			for i, c := range cols {
				switch {
				case c == "table" && vals[i] != nil:
					table = fmt.Sprintf("%s", vals[i])
				case c == "r_rows" && vals[i] != nil:
					rRows = fmt.Sprintf("%s", vals[i])
				}
			}
			if table != "account_totals" && !strings.HasPrefix(table, "<") {
				r, _ := strconv.ParseFloat(rRows, 64)
				hours += r
			}
		}
		rows.Close()
		if hours > 17 { // the run, and the offset's hour found first
			t.Errorf("the seek reads %.0f hours of list_hours, more than its run:\n%s", hours, q)
		}
	}
	if seeks != 1 {
		t.Fatalf("%d seeks, want 1: %q", seeks, log.Reads())
	}
}
