package models_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"sharepanel/internal/testenv"
	"sharepanel/models"
	"sharepanel/wire"
)

// A deep page read while its list changes between each of its statements is still a page of the
// list: what LIMIT/OFFSET gives over the list as it was at some moment of the request, with that
// moment's length. Replica b changes the list (a notification at the head, then one of the rows
// just before the page deleted) each time replica a is about to run a deep page's statement, so
// that every check of a's page fails (its seek and its rows are read in different states); the
// page a serves in the end must still be one of the states' pages.
func TestDeepPageOfAListChangingBetweenItsStatements(t *testing.T) {
	ctx := context.Background()
	url := testenv.EmptyDatabase(t)
	a := testenv.OpenStore(t, url)
	if _, err := a.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	b := testenv.OpenStore(t, url)
	u := billingUser(t, a, "between@example.com")
	db := b.DB()
	// 800 notifications in one past hour, a second apart: the page at offset 600 is in it, and so is
	// every row before the page.
	hour := time.Now().UTC().Truncate(time.Hour).Add(-48 * time.Hour)
	var notes []models.Notification
	for i := range 800 {
		notes = append(notes, models.Notification{UserID: u.ID, Title: "n", Type: "info", CreatedAt: wire.DateTime(hour.Add(time.Duration(i) * time.Second))})
	}
	if err := db.CreateInBatches(&notes, 200).Error; err != nil {
		t.Fatal(err)
	}
	if err := b.Recount(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	const offset, limit = 600, 20
	list := func() []int64 {
		var ids []int64
		if err := db.Raw("SELECT id FROM notifications WHERE user_id = ? ORDER BY created_at DESC, id DESC", u.ID).Scan(&ids).Error; err != nil {
			t.Fatal(err)
		}
		return ids
	}
	states := [][]int64{list()} // the list after each change
	change := func() {
		if _, err := b.CreateNotification(ctx, u.ID, models.NewNotification{Title: "head"}); err != nil {
			t.Fatal(err)
		}
		states = append(states, list())
		before := states[len(states)-1][offset-5] // a row before the page, in the page's hour
		if err := b.DeleteNotification(ctx, u.ID, before); err != nil {
			t.Fatal(err)
		}
		states = append(states, list())
	}
	between := false
	err := a.DB().Callback().Row().Before("gorm:row").Register("test:change_between", func(tx *gorm.DB) {
		if between && strings.Contains(tx.Statement.SQL.String(), "rows_up_to") { // a deep page's rows, after its hour was found
			change()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	between = true
	got, total, err := a.ListNotifications(ctx, u.ID, false, wire.Page{Limit: limit, Offset: offset})
	between = false
	if err != nil {
		t.Fatal(err)
	}
	ids := []int64{}
	for _, n := range got {
		ids = append(ids, n.ID)
	}
	for _, s := range states {
		if slices.Equal(ids, s[offset:offset+limit]) && total == int64(len(s)) {
			return
		}
	}
	final := states[len(states)-1]
	t.Fatalf("after %d changes: ids %v of %d, which is no state's page at offset %d; the last state's is %v of %d",
		len(states)-1, ids, total, offset, final[offset:offset+limit], len(final))
}
