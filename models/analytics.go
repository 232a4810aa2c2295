package models

import (
	"context"
	"sort"
	"time"

	"sharepanel/wire"
)

// AnalyticsOverviewOf sums up the account: the same counts as profile stats (so the two agree),
// its balance and its usable API keys.
func (s *Store) AnalyticsOverviewOf(ctx context.Context, userID int64) (*AnalyticsOverview, error) {
	st, err := s.ProfileStatsOf(ctx, userID)
	if err != nil {
		return nil, err
	}
	balance, err := s.BalanceOf(ctx, userID)
	if err != nil {
		return nil, err
	}
	keys, err := s.CountActiveAPIKeys(ctx, userID)
	if err != nil {
		return nil, err
	}
	return &AnalyticsOverview{TotalOrgs: st.OrgCount, TotalInstances: st.InstanceCount, ActiveInstance: st.ActiveInstances,
		TotalInvoices: st.InvoiceCount, TotalSpent: st.TotalSpent, CurrentBalance: balance, ActiveAPIKeys: keys}, nil
}

// SpendingDays returns what the account paid per day over the last period days (today included):
// its paid invoices grouped by the UTC date of paid_at, newest first; days without payments are
// left out. The grouping is done here rather than in SQL because the two databases store times
// differently (SQLite as text), and the sums stay exact integer cents.
func (s *Store) SpendingDays(ctx context.Context, userID int64, period int) ([]SpendingDay, error) {
	y, m, d := time.Now().UTC().AddDate(0, 0, -(period - 1)).Date()
	since := wire.DateTime(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
	var rows []struct {
		PaidAt      wire.DateTime
		TotalAmount wire.Money
	}
	err := s.db.WithContext(ctx).Model(&Invoice{}).Select("paid_at, total_amount").
		Where("user_id = ? AND status = ? AND paid_at >= ?", userID, InvoicePaid, since).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	byDate := map[string]*SpendingDay{}
	for _, r := range rows {
		date := r.PaidAt.Time().Format("2006-01-02")
		day := byDate[date]
		if day == nil {
			day = &SpendingDay{Date: date}
			byDate[date] = day
		}
		day.InvoiceCount++
		day.TotalSpent += r.TotalAmount
	}
	out := make([]SpendingDay, 0, len(byDate))
	for _, day := range byDate {
		out = append(out, *day)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date > out[j].Date })
	return out, nil
}
