package models_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"sharepanel/internal/testenv"
	"sharepanel/models"
	"sharepanel/wire"
)

// Deep pages stay exact, as LIMIT/OFFSET over the list in the state it had when the page's last
// statement ran, when replica b changes the lists just before some of replica a's statements (its
// seeks and its pages, with probability 0, 0.2, 0.5 or 0.9): notifications at the head, deleted,
// read, added to past hours (behind the totals' back, recounted), invoices created, paid and marked
// overdue. Pages of every seeking list and filter, at offsets from 500 on, the next page after the
// last often (kept seeks), limits 1 to 500; past hours include rows exactly on the hour.
func TestDeepPagesStayExactUnderWritesBetweenTheirStatements(t *testing.T) {
	ctx := context.Background()
	url := testenv.EmptyDatabase(t)
	a := testenv.OpenStore(t, url)
	if _, err := a.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	b := testenv.OpenStore(t, url)
	u := billingUser(t, a, "interleaved@example.com")
	db := b.DB()
	rng := rand.New(rand.NewPCG(7, 5))
	start := time.Now().UTC().Truncate(time.Hour).Add(-200 * time.Hour)
	statuses := []string{"pending", "paid", "overdue"}
	past := func(n int) {
		var notes []models.Notification
		var invs []models.Invoice
		for range n {
			at := start.Add(time.Duration(rng.IntN(190*60)) * time.Minute) // by the minute: rows share their second
			if rng.IntN(4) == 0 {
				at = start.Add(time.Duration(rng.IntN(190)) * time.Hour) // on the hour exactly
			}
			notes = append(notes, models.Notification{UserID: u.ID, Title: "n", Type: "info", IsRead: wire.Flag(rng.IntN(3) == 0), CreatedAt: wire.DateTime(at)})
			invs = append(invs, models.Invoice{UserID: u.ID, InvoiceNumber: fmt.Sprintf("INV-T-%d-%d", len(notes), rng.Uint64()), TotalAmount: 100, Status: statuses[rng.IntN(3)], CreatedAt: wire.DateTime(at)})
		}
		if err := db.CreateInBatches(&notes, 200).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.CreateInBatches(&invs, 200).Error; err != nil {
			t.Fatal(err)
		}
		if err := b.Recount(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
	}
	past(1500)
	anyID := func(table string) int64 {
		var id int64
		db.Raw("SELECT id FROM "+table+" WHERE user_id = ? ORDER BY id LIMIT 1 OFFSET ?", u.ID, rng.IntN(1200)).Scan(&id)
		return id
	}
	write := func() { // errors (a row already deleted, an invoice already paid) change nothing
		switch rng.IntN(7) {
		case 0:
			b.CreateNotification(ctx, u.ID, models.NewNotification{Title: "x"})
		case 1:
			b.DeleteNotification(ctx, u.ID, anyID("notifications"))
		case 2:
			b.MarkNotificationRead(ctx, u.ID, anyID("notifications"))
		case 3:
			past(1 + rng.IntN(3))
		case 4:
			b.CreateInvoice(ctx, u.ID, 100, statuses[rng.IntN(3)])
		case 5:
			b.MarkInvoicePaid(ctx, anyID("invoices"))
		case 6:
			b.MarkInvoiceOverdue(ctx, anyID("invoices"))
		}
	}
	var p float64
	err := a.DB().Callback().Row().Before("gorm:row").Register("test:zz", func(tx *gorm.DB) {
		s := tx.Statement.SQL.String()
		if (strings.Contains(s, "list_hours") || strings.Contains(s, "list_length")) && rng.Float64() < p {
			for range 1 + rng.IntN(2) {
				write()
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	type lst struct {
		name  string
		table string
		where string
		args  []any
		read  func(page wire.Page) ([]int64, int64, error)
	}
	idsOf := func(n int, id func(int) int64) []int64 {
		out := []int64{}
		for i := range n {
			out = append(out, id(i))
		}
		return out
	}
	var lists []lst
	lists = append(lists, lst{"notifications", "notifications", "", nil, func(pg wire.Page) ([]int64, int64, error) {
		r, tot, err := a.ListNotifications(ctx, u.ID, false, pg)
		return idsOf(len(r), func(i int) int64 { return r[i].ID }), tot, err
	}}, lst{"unread", "notifications", " AND is_read = ?", []any{false}, func(pg wire.Page) ([]int64, int64, error) {
		r, tot, err := a.ListNotifications(ctx, u.ID, true, pg)
		return idsOf(len(r), func(i int) int64 { return r[i].ID }), tot, err
	}})
	for _, st := range append([]string{""}, statuses...) {
		where, args := "", []any(nil)
		if st != "" {
			where, args = " AND status = ?", []any{st}
		}
		lists = append(lists, lst{"invoices " + st, "invoices", where, args, func(pg wire.Page) ([]int64, int64, error) {
			r, tot, err := a.ListInvoices(ctx, u.ID, st, pg)
			return idsOf(len(r), func(i int) int64 { return r[i].ID }), tot, err
		}})
	}
	offs := map[string]int{}
	for round := range 600 {
		p = []float64{0, 0.2, 0.5, 0.9}[round%4]
		l := lists[rng.IntN(len(lists))]
		off, ok := offs[l.name]
		if !ok || rng.IntN(3) == 0 {
			off = 500 + rng.IntN(1200)
		}
		limit := []int{1, 7, 50, 500}[rng.IntN(4)]
		got, total, err := l.read(wire.Page{Limit: limit, Offset: off})
		if err != nil {
			t.Fatal(err)
		}
		var all []int64
		db.Raw("SELECT id FROM "+l.table+" WHERE user_id = ?"+l.where+" ORDER BY created_at DESC, id DESC", append([]any{u.ID}, l.args...)...).Scan(&all)
		want := all[min(off, len(all)):min(off+limit, len(all))]
		if !slices.Equal(got, want) || total != int64(len(all)) {
			t.Fatalf("round %d p %.1f %s offset %d limit %d: %v of %d, want %v of %d", round, p, l.name, off, limit, got, total, want, len(all))
		}
		offs[l.name] = off + limit
	}
}
