package models

import (
	"context"
	"time"

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
	rows, err := s.db.WithContext(ctx).Raw(`SELECT day, invoice_count, spent_cents FROM spending_days
		WHERE user_id = ? AND day >= ? AND invoice_count > 0 ORDER BY day DESC`, userID, since).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]SpendingDay, 0, min(period, 64))
	var c cells // as UsageDays scans
	dest := c.dest(3)
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, unavailable(err)
		}
		d := SpendingDay{Date: c.text(0), InvoiceCount: c.int(1), TotalSpent: wire.Money(c.int(2))}
		if c.err != nil {
			return nil, c.err
		}
		out = append(out, d)
	}
	return out, unavailable(rows.Err())
}
