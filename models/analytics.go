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
	var rows []SpendingDayTotal
	err := s.db.WithContext(ctx).Select("day", "invoice_count", "spent_cents").
		Where("user_id = ? AND day >= ? AND invoice_count > 0", userID, since).Order("day DESC").Find(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make([]SpendingDay, len(rows))
	for i, r := range rows {
		out[i] = SpendingDay{Date: r.Day, InvoiceCount: r.InvoiceCount, TotalSpent: wire.Money(r.SpentCents)}
	}
	return out, nil
}
