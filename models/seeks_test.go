package models_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"sharepanel/internal/testenv"
	"sharepanel/models"
	"sharepanel/wire"
)

// A replica's kept seek never serves a wrong deep page, however the list changed since it was read
// and whoever changed it: replica a reads deep pages of an account's notifications (all, and unread
// only), replica b changes them between the reads — a notification at the head, one deleted
// anywhere, one read, rows added to past hours (written behind the totals' back and recounted) —
// and every page a reads, the same offsets again and the next ones, equals LIMIT/OFFSET over the
// whole sorted list, with its length. A deep page read again with no change between is one
// statement (the kept seek is used), and so is the next page of a client paging on.
func TestKeptSeeksNeverServeAWrongPage(t *testing.T) {
	ctx := context.Background()
	a, b := twoReplicas(t)
	u := billingUser(t, a, "seeks@example.com")
	db := b.DB()
	rng := rand.New(rand.NewPCG(7, 11))
	start := time.Now().UTC().Truncate(time.Hour).Add(-300 * time.Hour)
	pastRows := func(n int) {
		var notes []models.Notification
		for range n {
			at := start.Add(time.Duration(rng.IntN(290*3600)) * time.Second)
			notes = append(notes, models.Notification{UserID: u.ID, Title: "n", Type: "info", IsRead: wire.Flag(rng.IntN(3) == 0), CreatedAt: wire.DateTime(at)})
		}
		if err := db.CreateInBatches(&notes, 500).Error; err != nil {
			t.Fatal(err)
		}
		if err := b.Recount(ctx, u.ID); err != nil { // written behind the totals' back
			t.Fatal(err)
		}
	}
	pastRows(3000)

	check := func(unread bool, offset, limit int) {
		t.Helper()
		q, args := "SELECT id FROM notifications WHERE user_id = ?", []any{u.ID}
		if unread {
			q, args = q+" AND is_read = ?", append(args, false)
		}
		var all []int64
		if err := db.Raw(q+" ORDER BY created_at DESC, id DESC", args...).Scan(&all).Error; err != nil {
			t.Fatal(err)
		}
		got, total, err := a.ListNotifications(ctx, u.ID, unread, wire.Page{Limit: limit, Offset: offset})
		if err != nil {
			t.Fatal(err)
		}
		ids := []int64{}
		for _, n := range got {
			ids = append(ids, n.ID)
		}
		want := all[min(offset, len(all)):min(offset+limit, len(all))]
		if !slices.Equal(ids, want) || total != int64(len(all)) {
			t.Fatalf("unread %v, offset %d, limit %d: ids %v of %d, want %v of %d", unread, offset, limit, ids, total, want, len(all))
		}
	}
	id := func(k int) int64 { // the id of some notification of the account
		var id int64
		if err := db.Raw("SELECT id FROM notifications WHERE user_id = ? ORDER BY id LIMIT 1 OFFSET ?", u.ID, k).Scan(&id).Error; err != nil {
			t.Fatal(err)
		}
		return id
	}
	offsets := []int{500, 777, 1234, 1900, 2500}
	for round := range 80 {
		for _, off := range offsets {
			check(false, off, 50)
			check(false, off+50, 50) // paging on
			check(true, off/2, 20)
		}
		switch round % 5 {
		case 0:
			if _, err := b.CreateNotification(ctx, u.ID, models.NewNotification{Title: fmt.Sprint("new ", round)}); err != nil {
				t.Fatal(err)
			}
		case 1:
			if err := b.DeleteNotification(ctx, u.ID, id(rng.IntN(2500))); err != nil {
				t.Fatal(err)
			}
		case 2:
			if err := b.MarkNotificationRead(ctx, u.ID, id(rng.IntN(2500))); err != nil {
				t.Fatal(err)
			}
		case 3:
			pastRows(1 + rng.IntN(5))
		}
	}

	// Nothing changed since the last reads: the same deep page, and the next one, are one statement each.
	log := testenv.LogSQL(t, a)
	for _, off := range []int{1234, 1284} {
		log.Reset()
		check(false, off, 50)
		if n := log.ReadsMentioning("notifications"); n != 1 {
			t.Errorf("offset %d with its seek kept: %d statements, want 1: %q", off, n, log.Reads())
		}
	}
}
