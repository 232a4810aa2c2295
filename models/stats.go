package models

import (
	"context"

	"sharepanel/wire"
)

// StatsOverviewOf counts userID's organizations (memberships), instances by status, invoices (all,
// paid, pending: overdue ones count only in the total) and usable API keys, with the balance and
// the total spent (the sum of paid invoices): one read (accountSummaryOf), so the numbers agree
// with each other and with the lists of the same data.
func (s *Store) StatsOverviewOf(ctx context.Context, userID int64) (*StatsOverview, error) {
	a, err := accountSummaryOf(s.db.WithContext(ctx), userID)
	if err != nil {
		return nil, err
	}
	return &StatsOverview{Orgs: a.Orgs, TotalInstances: a.Instances(), ActiveInstances: a.InstancesActive, AsleepInstances: a.InstancesSleep,
		DeadInstances: a.InstancesDead, TotalInvoices: a.Invoices(), PaidInvoices: a.InvoicesPaid, PendingInvoices: a.InvoicesPending,
		APIKeys: a.ActiveKeys, Balance: a.Balance, TotalSpent: wire.Money(a.SpentCents)}, nil
}

// InstanceStatsOf counts userID's instances by status (its totals), and the distinct instance_type
// values through the index on (user_id, instance_type): grouped by both columns, MariaDB reads one
// entry of it per type (a loose index scan, "Using index for group-by"), where COUNT(DISTINCT …)
// reads every instance's (0.3 ms against 0.11 ms for 2,000 instances of 4 types). instance_type is
// never NULL, so the groups are the distinct values COUNT(DISTINCT …) counted.
func (s *Store) InstanceStatsOf(ctx context.Context, userID int64) (*InstanceStats, error) {
	db := s.db.WithContext(ctx)
	t, err := totalsOf(db, userID)
	if err != nil {
		return nil, err
	}
	st := InstanceStats{Total: t.Instances(), Active: t.InstancesActive, Asleep: t.InstancesSleep, Dead: t.InstancesDead}
	err = scanRow(db.Raw("SELECT COUNT(*) FROM (SELECT instance_type FROM instances WHERE user_id = ? GROUP BY user_id, instance_type) AS types", userID).Row(), &st.Types)
	if err != nil {
		return nil, err
	}
	return &st, nil
}

// OrgStatsOf counts the organizations userID is a member of, and those where the membership is an
// admin one (isAdmin).
func (s *Store) OrgStatsOf(ctx context.Context, userID int64) (*OrgStats, error) {
	var st OrgStats
	err := scanRow(memberOrgs(s.db.WithContext(ctx), userID).
		Select("COUNT(*), COALESCE(SUM(CASE WHEN is_admin = ? THEN 1 ELSE 0 END), 0)", true).
		Row(), &st.Total, &st.AdminCount)
	if err != nil {
		return nil, err
	}
	return &st, nil
}
