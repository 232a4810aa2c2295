package models

import (
	"context"
	"database/sql"
	"time"

	"gorm.io/gorm"

	"sharepanel/wire"
)

// AnalyticsOverviewOf sums up the account: the same counts as profile stats (so the two agree),
// its balance and its usable API keys, in one read (accountSummaryOf).
func (s *Store) AnalyticsOverviewOf(ctx context.Context, userID int64) (*AnalyticsOverview, error) {
	a, err := accountSummaryOf(s.db.WithContext(ctx), userID)
	if err != nil {
		return nil, err
	}
	return &AnalyticsOverview{TotalOrgs: a.Orgs, TotalInstances: a.Instances(), ActiveInstance: a.InstancesActive,
		TotalInvoices: a.Invoices(), TotalSpent: wire.Money(a.SpentCents), CurrentBalance: a.Balance, ActiveAPIKeys: a.ActiveKeys}, nil
}

// SpendingDays returns what the account paid per day over the last period days (today included):
// its paid invoices grouped by the UTC date of paid_at, newest first; days without payments are
// left out. One row per day, kept by the payments themselves (spending_days), in integer cents.
func (s *Store) SpendingDays(ctx context.Context, userID int64, period int) ([]SpendingDay, error) {
	since := time.Now().UTC().AddDate(0, 0, -(period - 1)).Format("2006-01-02")
	return dayReport(ctx, s, spendingReport, userID, period, since, // as UsageDays reads its days
		func(db *gorm.DB, from string, versioned bool) (*sql.Rows, error) {
			if versioned {
				return db.Raw(spendingReportSQL[1], userID, userID, from).Rows()
			}
			return db.Raw(spendingReportSQL[0], userID, from).Rows()
		},
		func(c *cells) SpendingDay {
			return SpendingDay{Date: c.text(2), InvoiceCount: c.int(3), TotalSpent: wire.Money(c.int(4))}
		},
		func(d *SpendingDay) string { return d.Date })
}

// spendingReportSQL reads an account's days of payments from a date on, newest first: [0] plainly,
// [1] with the report epoch and the account's report version (reportSQL).
var spendingReportSQL = func() [2]string {
	cols, cond := "d.day, d.invoice_count, d.spent_cents", "d.user_id = ? AND d.day >= ? AND d.invoice_count > 0"
	return [2]string{reportSQL(cols, "spending_days", cond, false), reportSQL(cols, "spending_days", cond, true)}
}()
