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
		writeBehindTotals(t, b, u.ID, &notes)
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

// A deep page read while its list changes between each of its statements is still a page of the
// list: what LIMIT/OFFSET gives over the list as it was at some moment of the request, with that
// moment's length. Replica b changes the list (a notification at the head, then one of the rows
// just before the page deleted) each time replica a is about to run a deep page's statement, so
// that every check of a's page fails (its seek and its rows are read in different states); the
// page a serves in the end must still be one of the states' pages.
func TestDeepPageOfAListChangingBetweenItsStatements(t *testing.T) {
	ctx := context.Background()
	a, b := twoReplicas(t)
	u := billingUser(t, a, "between@example.com")
	db := b.DB()
	// 800 notifications in one past hour, a second apart: the page at offset 600 is in it, and so is
	// every row before the page.
	hour := time.Now().UTC().Truncate(time.Hour).Add(-48 * time.Hour)
	var notes []models.Notification
	for i := range 800 {
		notes = append(notes, models.Notification{UserID: u.ID, Title: "n", Type: "info", CreatedAt: wire.DateTime(hour.Add(time.Duration(i) * time.Second))})
	}
	writeBehindTotals(t, b, u.ID, &notes)
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

// Deep pages stay exact, as LIMIT/OFFSET over the list in the state it had when the page's last
// statement ran, when replica b changes the lists just before some of replica a's statements (its
// seeks and its pages, with probability 0, 0.2, 0.5 or 0.9): notifications at the head, deleted,
// read, added to past hours (behind the totals' back, recounted), invoices created, paid and marked
// overdue. Pages of every seeking list and filter, at offsets from 500 on, the next page after the
// last often (kept seeks), limits 1 to 500; past hours include rows exactly on the hour.
func TestDeepPagesStayExactUnderWritesBetweenTheirStatements(t *testing.T) {
	ctx := context.Background()
	a, b := twoReplicas(t)
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
		writeBehindTotals(t, b, u.ID, &notes, &invs)
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
	writeBehindTotals(t, s, u.ID, &notes)
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
		hours := 0.0
		for _, r := range testenv.Analyze(t, s, q) {
			if r.Table != "account_totals" && !strings.HasPrefix(r.Table, "<") {
				hours += r.RRows
			}
		}
		if hours > 17 { // the run, and the offset's hour found first
			t.Errorf("the seek reads %.0f hours of list_hours, more than its run:\n%s", hours, q)
		}
	}
	if seeks != 1 {
		t.Fatalf("%d seeks, want 1: %q", seeks, log.Reads())
	}
}

// What a deep page costs the store against a first page of the same list (a year of activity,
// 60,000 entries, a page of 50): with its seek kept (the same deep page again), paging on from a
// deep page (the next pages, each 50 rows further: the kept run serves most of them), and at a new
// place each time (a seek per page, two statements).
//
//	go test ./models -run '^$' -bench DeepPage -benchtime 2000x
//	SHAREPANEL_TEST_MYSQL_URL=mysql://… go test ./models -run '^$' -bench DeepPage -benchtime 2000x
func BenchmarkDeepPage(b *testing.B) {
	ctx := context.Background()
	s := testenv.NewStore(b)
	u, err := s.CreateAccount(ctx, models.NewAccount{Email: "deep@example.com", Password: "password-1234", PlanName: "pro"})
	if err != nil {
		b.Fatal(err)
	}
	const n = 60_000
	start := time.Now().UTC().Truncate(time.Hour).AddDate(-1, 0, 0)
	acts := make([]models.Activity, n)
	for i := range acts {
		acts[i] = models.Activity{UserID: u.ID, Action: "x", CreatedAt: wire.DateTime(start.Add(time.Duration(i) * (365 * 24 * time.Hour / n)))}
	}
	writeBehindTotals(b, s, u.ID, &acts)
	for _, c := range []struct {
		name   string
		offset func(i int) int
	}{
		{"first page", func(int) int { return 0 }},
		{"kept seek", func(int) int { return 40_000 }},
		{"paging on", func(i int) int { return 1_000 + 50*(i%1_000) }},
		{"new place", func(i int) int { return 1_000 + (i*7_919)%(n-2_000) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				page, _, err := s.ListActivity(ctx, u.ID, wire.Page{Limit: 50, Offset: c.offset(i)})
				if err != nil || len(page) != 50 {
					b.Fatal(len(page), err)
				}
				i++
			}
		})
	}
}

// writeBehindTotals inserts rows (pointers to slices) as SQL by hand would, behind the kept totals'
// back, then recounts the account, as such a writer must.
func writeBehindTotals(t testing.TB, s *models.Store, userID int64, rows ...any) {
	t.Helper()
	for _, r := range rows {
		if err := s.DB().CreateInBatches(r, 500).Error; err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Recount(context.Background(), userID); err != nil {
		t.Fatal(err)
	}
}
