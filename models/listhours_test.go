package models_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"sharepanel/internal/testenv"
	"sharepanel/models"
	"sharepanel/wire"
)

// list_hours.older is, on every row, the list's rows in the hours before it, whatever the changes
// (issue 11: a deep page's seek reads it): changes in any hour, new hours before, between and after
// the existing ones, several hours and lists in one transaction, counts going back to zero, and one
// transaction over every hour of both lists (more than a statement takes: applied in chunks);
// another account's rows untouched. A model of the counts in Go says what every row must hold.
func TestListHoursOlderFollowsEveryChange(t *testing.T) {
	ctx := context.Background()
	s := testenv.NewStore(t)
	acct, other := billingUser(t, s, "days@example.com"), billingUser(t, s, "other-days@example.com")
	rng := rand.New(rand.NewPCG(13, 17))
	lists := []string{"activity", "notifications.unread"}
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const hoursSpan = 400
	counts := map[int64]map[string][]int64{} // account → list → n per hour
	for _, id := range []int64{acct.ID, other.ID} {
		counts[id] = map[string][]int64{}
		for _, l := range lists {
			counts[id][l] = make([]int64, hoursSpan)
		}
	}
	for step := range 120 {
		id := acct.ID
		if step%5 == 0 {
			id = other.ID
		}
		var hours []models.ListHour
		seen := map[[2]string]bool{}
		for range 1 + rng.IntN(4) {
			l, d := lists[rng.IntN(len(lists))], rng.IntN(hoursSpan)
			key := [2]string{l, base.Add(time.Duration(d) * time.Hour).Format("2006-01-02 15")}
			if seen[key] {
				continue
			}
			seen[key] = true
			delta := int64(1 + rng.IntN(3))
			if n := counts[id][l][d]; n > 0 && rng.IntN(3) == 0 {
				delta = -1 - rng.Int64N(n) // down, to zero at most
			}
			counts[id][l][d] += delta
			hours = append(hours, models.ListHour{UserID: id, List: l, Hour: key[1], N: delta})
		}
		if err := s.Tx(ctx, func(tx *gorm.DB) error { return models.ApplyListHours(tx, id, hours) }); err != nil {
			t.Fatal(err)
		}
	}
	// Every hour of both lists at once, most of them new: 800 changes, in chunks, where a new hour
	// of a later chunk follows hours an earlier chunk changed.
	var all []models.ListHour
	for _, l := range lists {
		for d := range hoursSpan {
			counts[acct.ID][l][d]++
			all = append(all, models.ListHour{UserID: acct.ID, List: l, Hour: base.Add(time.Duration(d) * time.Hour).Format("2006-01-02 15"), N: 1})
		}
	}
	if err := s.Tx(ctx, func(tx *gorm.DB) error { return models.ApplyListHours(tx, acct.ID, all) }); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{acct.ID, other.ID} {
		var rows []models.ListHour
		if err := s.DB().Where("user_id = ?", id).Order("list, hour").Find(&rows).Error; err != nil {
			t.Fatal(err)
		}
		want := map[string]string{}
		for _, l := range lists {
			var older int64
			for d, n := range counts[id][l] {
				if n != 0 {
					want[l+" "+base.Add(time.Duration(d)*time.Hour).Format("2006-01-02 15")] = fmt.Sprintf("n %d older %d", n, older)
				}
				older += n
			}
		}
		got := map[string]string{}
		for _, r := range rows {
			if r.N != 0 {
				got[r.List+" "+r.Hour] = fmt.Sprintf("n %d older %d", r.N, r.Older)
			}
		}
		if len(got) != len(want) || len(want) < 40 {
			t.Fatalf("account %d: %d hours with rows, want %d (and at least 40)", id, len(got), len(want))
		}
		for k, w := range want {
			if got[k] != w {
				t.Errorf("account %d, %s: %s, want %s", id, k, got[k], w)
			}
		}
	}
}

// A notification to every account counts in each account's hours as a change does: the new hour
// takes the rows before it, and an hour after it (a row another replica dated ahead of this one's
// clock) counts it among its older.
func TestNotifyAllKeepsListHours(t *testing.T) {
	ctx := context.Background()
	s := testenv.NewStore(t)
	acct := billingUser(t, s, "everyone@example.com")
	now := time.Now().UTC()
	hour := func(d time.Duration) string { return now.Add(d).Format("2006-01-02 15") }
	earlier := []models.ListHour{
		{UserID: acct.ID, List: "notifications", Hour: hour(-3 * time.Hour), N: 4},
		{UserID: acct.ID, List: "notifications", Hour: hour(2 * time.Hour), N: 1},
	}
	if err := s.Tx(ctx, func(tx *gorm.DB) error { return models.ApplyListHours(tx, acct.ID, earlier) }); err != nil {
		t.Fatal(err)
	}
	if _, err := s.NotifyAll(ctx, models.NewNotification{Title: "To everyone"}); err != nil {
		t.Fatal(err)
	}
	var rows []models.ListHour
	if err := s.DB().Where("user_id = ? AND list = ?", acct.ID, "notifications").Order("hour").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(rows)
	want := fmt.Sprint([]models.ListHour{
		{UserID: acct.ID, List: "notifications", Hour: hour(-3 * time.Hour), N: 4, Older: 0},
		{UserID: acct.ID, List: "notifications", Hour: hour(0), N: 1, Older: 4},
		{UserID: acct.ID, List: "notifications", Hour: hour(2 * time.Hour), N: 1, Older: 5},
	})
	if got != want {
		t.Errorf("hours after NotifyAll:\n%s\nwant\n%s", got, want)
	}
}

// What list_hours.older costs a write transaction that adds a row dated now to a list with a year
// of hours: applyListHours (an upsert whose new hour reads the previous one, and the update of the
// later hours) against the plain upsert of the count alone. Each transaction is rolled back.
//
//	go test ./models -run '^$' -bench ListHoursOfAWrite -benchtime 2000x
//	SHAREPANEL_TEST_MYSQL_URL=mysql://… go test ./models -run '^$' -bench ListHoursOfAWrite -benchtime 2000x
func BenchmarkListHoursOfAWrite(b *testing.B) {
	ctx := context.Background()
	s := testenv.NewStore(b)
	u, err := s.CreateAccount(ctx, models.NewAccount{Email: "bench@example.com", Password: "password-1234", PlanName: "pro"})
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now().UTC()
	var year []models.ListHour
	for h := 1; h <= 365*24; h++ {
		year = append(year, models.ListHour{UserID: u.ID, List: "activity", Hour: now.Add(-time.Duration(h) * time.Hour).Format("2006-01-02 15"), N: 23})
	}
	if err := s.Tx(ctx, func(tx *gorm.DB) error { return models.ApplyListHours(tx, u.ID, year) }); err != nil {
		b.Fatal(err)
	}
	errRollback := fmt.Errorf("rolled back")
	one := func() []models.ListHour {
		return []models.ListHour{{UserID: u.ID, List: "activity", Hour: now.Format("2006-01-02 15"), N: 1}}
	}
	for _, c := range []struct {
		name  string
		apply func(tx *gorm.DB) error
	}{
		{"older", func(tx *gorm.DB) error { return models.ApplyListHours(tx, u.ID, one()) }},
		{"count-only", func(tx *gorm.DB) error { return models.UpsertListHoursOnly(tx, one()) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				err := s.Tx(ctx, func(tx *gorm.DB) error {
					if err := c.apply(tx); err != nil {
						return err
					}
					return errRollback
				})
				if err != errRollback {
					b.Fatal(err)
				}
			}
		})
	}
}

// Concurrent changes of the same account's notifications (created, read one by one and all at once,
// deleted, sent to everyone) leave list_hours exactly as a recount makes it, older included: the
// account's totals row lock puts them one after the other. Changes that lose a MySQL deadlock
// more often than Store.tx runs them again are refused whole (an error, nothing written) and
// allowed here; everything that returned nil must be counted.
func TestListHoursStayExactUnderConcurrentChanges(t *testing.T) {
	ctx := context.Background()
	s := testenv.NewStore(t)
	users := []*models.User{billingUser(t, s, "busy@example.com"), billingUser(t, s, "busy-too@example.com")}
	// Two days of notifications first, so that reading and deleting old ones changes past hours
	// (and the older of every later hour) while new ones are made in the current one.
	for _, u := range users {
		var old []models.Notification
		for i := range 200 {
			old = append(old, models.Notification{UserID: u.ID, Title: "old", Type: "info",
				CreatedAt: wire.DateTime(time.Now().UTC().Add(-time.Duration(i*14) * time.Minute).Truncate(time.Second))})
		}
		if err := s.DB().CreateInBatches(old, 100).Error; err != nil {
			t.Fatal(err)
		}
		if err := s.Recount(ctx, u.ID); err != nil { // written behind the totals' back
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 99))
			for i := range 40 {
				u := users[rng.IntN(len(users))]
				var ids []int64
				s.DB().Model(&models.Notification{}).Where("user_id = ?", u.ID).Pluck("id", &ids)
				switch {
				case rng.IntN(10) == 0:
					_, _ = s.NotifyAll(ctx, models.NewNotification{Title: fmt.Sprintf("all %d-%d", w, i)})
				case rng.IntN(8) == 0:
					_, _ = s.MarkAllNotificationsRead(ctx, u.ID)
				case len(ids) > 0 && rng.IntN(3) == 0:
					_ = s.MarkNotificationRead(ctx, u.ID, ids[rng.IntN(len(ids))])
				case len(ids) > 0 && rng.IntN(3) == 0:
					_ = s.DeleteNotification(ctx, u.ID, ids[rng.IntN(len(ids))])
				default:
					_, _ = s.CreateNotification(ctx, u.ID, models.NewNotification{Title: fmt.Sprintf("n %d-%d", w, i)})
				}
			}
		}()
	}
	wg.Wait()
	hours := func() string {
		var rows []models.ListHour
		if err := s.DB().Where("n <> 0").Order("user_id, list, hour").Find(&rows).Error; err != nil {
			t.Fatal(err)
		}
		if len(rows) < 50 {
			t.Fatalf("only %d hours with rows", len(rows))
		}
		return fmt.Sprint(rows)
	}
	kept := hours()
	for _, u := range users {
		if err := s.Recount(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
	}
	if recounted := hours(); kept != recounted {
		t.Fatalf("list_hours after concurrent changes:\n%s\nrecounted:\n%s", kept, recounted)
	}
}
