package models_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"sharepanel/internal/testenv"
	"sharepanel/models"
	"sharepanel/wire"
)

// usageReport is an account's analytics usage over 366 days (a period whose past days are kept),
// as text, and how many requests it counts.
func usageReport(t *testing.T, s *models.Store, userID int64) (string, int64) {
	t.Helper()
	days, err := s.UsageDays(context.Background(), userID, 366)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, d := range days {
		n += d.RequestCount
	}
	return fmt.Sprint(days), n
}

// twoReplicas opens two Stores on one new, migrated database: two replicas of the gateway.
func twoReplicas(t *testing.T) (a, b *models.Store) {
	t.Helper()
	url := testenv.EmptyDatabase(t)
	a = testenv.OpenStore(t, url)
	if _, err := a.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return a, testenv.OpenStore(t, url)
}

// A replica keeps the past days of a report it read (reports.go), and never serves them once a
// change to one of those days has committed, whichever replica made it: a late request of five
// days ago flushed by another replica, a paid invoice dated back that a recount takes in. The
// other replica's store is a second Store on the same database.
func TestKeptReportsSeeEveryChangeToAPastDay(t *testing.T) {
	ctx := context.Background()
	a, b := twoReplicas(t)
	u := billingUser(t, a, "kept@example.com")
	now := time.Now().UTC()
	fiveDaysAgo := now.AddDate(0, 0, -5)

	recA := a.NewUsageRecorder(testenv.Logger(t), time.Hour, 100)
	recB := b.NewUsageRecorder(testenv.Logger(t), time.Hour, 100)
	for range 3 {
		recA.Record(models.UsageRecord{UserID: u.ID, KeyID: 1, Endpoint: "profile.view", Status: 200, Duration: time.Millisecond, At: fiveDaysAgo})
	}
	if err := recA.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	before, n := usageReport(t, a, u.ID) // read, and kept
	if n != 3 {
		t.Fatalf("usage %s: %d requests, want 3", before, n)
	}
	if again, _ := usageReport(t, a, u.ID); again != before {
		t.Fatalf("the kept report differs from the one read: %s, then %s", before, again)
	}
	// Another replica flushes a request of the same past day.
	recB.Record(models.UsageRecord{UserID: u.ID, KeyID: 1, Endpoint: "billing.balance", Status: 404, Duration: time.Millisecond, At: fiveDaysAgo})
	if err := recB.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	after, n := usageReport(t, a, u.ID)
	if n != 4 || after == before {
		t.Fatalf("after a late request on another replica: %s (%d requests), want 4 requests", after, n)
	}
	fresh, _ := usageReport(t, b, u.ID)
	if fresh != after {
		t.Fatalf("replica a reads %s, replica b %s", after, fresh)
	}

	// Spending: an invoice paid five days ago, written behind the totals' back, then recounted.
	spending := func(s *models.Store) string {
		days, err := s.SpendingDays(ctx, u.ID, 366)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(days)
	}
	if got := spending(a); got != "[]" {
		t.Fatalf("spending %s, want none", got)
	}
	paid := wire.DateTime(fiveDaysAgo.Truncate(time.Second))
	inv := models.Invoice{UserID: u.ID, InvoiceNumber: "INV-BACK-1", TotalAmount: 1250, Status: models.InvoicePaid, CreatedAt: paid, PaidAt: &paid}
	if err := b.DB().Create(&inv).Error; err != nil {
		t.Fatal(err)
	}
	if err := b.Recount(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("[{%s 1 12.50}]", fiveDaysAgo.Format("2006-01-02"))
	if got := spending(a); got != want {
		t.Fatalf("spending after a recount on another replica: %s, want %s", got, want)
	}
}

// An account id used again (a database may give a deleted account's id to a later one) never finds
// the reports a replica kept for the account it had before: deleting an account adds to the epoch.
func TestKeptReportsDoNotOutliveTheirAccount(t *testing.T) {
	ctx := context.Background()
	s := testenv.NewStore(t)
	first := billingUser(t, s, "first@example.com")
	// A day of usage written on that day, three days ago: no change to a past day, so its account's
	// report version is still none when it is read.
	day := models.UsageDaySummary{UserID: first.ID, Day: time.Now().UTC().AddDate(0, 0, -3).Format("2006-01-02"), RequestCount: 1, SuccessCount: 1}
	if err := s.DB().Create(&day).Error; err != nil {
		t.Fatal(err)
	}
	if _, n := usageReport(t, s, first.ID); n != 1 { // read, and kept
		t.Fatalf("first account: %d requests, want 1", n)
	}
	if err := s.DeleteAccount(ctx, first.Username); err != nil {
		t.Fatal(err)
	}
	// The next account gets the deleted one's id, as a database that gives ids again would.
	next := billingUser(t, s, "next@example.com")
	if err := s.DB().Exec("UPDATE users SET id = ? WHERE id = ?", first.ID, next.ID).Error; err != nil {
		t.Fatal(err)
	}
	if report, n := usageReport(t, s, first.ID); n != 0 {
		t.Fatalf("the next account (id %d) reads %s: the deleted account's usage", first.ID, report)
	}
}

// Usage an older replica wrote to api_usage during a rolling upgrade, of a past day, reaches a
// report this replica already keeps once the flush's drain moves it (the drain adds to the version).
func TestKeptReportsSeeTheLegacyDrain(t *testing.T) {
	ctx := context.Background()
	s := testenv.NewStore(t)
	u := billingUser(t, s, "drain@example.com")
	if _, n := usageReport(t, s, u.ID); n != 0 { // read, and kept
		t.Fatalf("%d requests, want 0", n)
	}
	day := time.Now().UTC().AddDate(0, 0, -5).Format("2006-01-02")
	if err := s.DB().Create(&models.APIUsage{UserID: u.ID, KeyID: 1, Endpoint: "profile.view", StatusCode: 200, Day: day, RequestCount: 2}).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := s.DrainLegacy(ctx); err != nil {
		t.Fatal(err)
	}
	if report, n := usageReport(t, s, u.ID); n != 2 {
		t.Fatalf("after the drain: %s (%d requests), want 2", report, n)
	}
}
