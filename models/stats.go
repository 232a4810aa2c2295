package models

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// StatsOverviewOf counts userID's organizations (memberships), instances by status, invoices (all,
// paid, pending: overdue ones count only in the total) and usable API keys, with the balance and
// the total spent (the sum of paid invoices). One read transaction, so the numbers agree with each
// other and with the lists of the same data.
func (s *Store) StatsOverviewOf(ctx context.Context, userID int64) (*StatsOverview, error) {
	var st StatsOverview
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := memberOrgs(tx, userID).Count(&st.Orgs).Error; err != nil {
			return err
		}
		is, err := instanceStats(tx, userID)
		if err != nil {
			return err
		}
		st.TotalInstances, st.ActiveInstances, st.AsleepInstances, st.DeadInstances = is.Total, is.Active, is.Asleep, is.Dead
		err = tx.Model(&Invoice{}).Where("user_id = ?", userID).
			Select("COUNT(*), COALESCE(SUM(CASE WHEN status = ? THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN status = ? THEN 1 ELSE 0 END), 0)",
				InvoicePaid, InvoicePending).
			Row().Scan(&st.TotalInvoices, &st.PaidInvoices, &st.PendingInvoices)
		if err != nil {
			return err
		}
		if err := activeKeys(tx, userID, time.Now().UTC()).Count(&st.APIKeys).Error; err != nil {
			return err
		}
		var u User
		if err := tx.Select("id", "balance").Take(&u, userID).Error; err != nil {
			return notFound(err, "User not found")
		}
		st.Balance = u.Balance
		st.TotalSpent, err = totalSpent(tx, userID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &st, nil
}

// InstanceStatsOf counts userID's instances by status, and the distinct instance_type values.
func (s *Store) InstanceStatsOf(ctx context.Context, userID int64) (*InstanceStats, error) {
	return instanceStats(s.db.WithContext(ctx), userID)
}

func instanceStats(tx *gorm.DB, userID int64) (*InstanceStats, error) {
	var st InstanceStats
	const count = "COALESCE(SUM(CASE WHEN status = ? THEN 1 ELSE 0 END), 0)"
	err := tx.Model(&Instance{}).Where("user_id = ?", userID).
		Select("COUNT(*), "+count+", "+count+", "+count+", COUNT(DISTINCT instance_type)", StatusActive, StatusSleep, StatusDead).
		Row().Scan(&st.Total, &st.Active, &st.Asleep, &st.Dead, &st.Types)
	if err != nil {
		return nil, err
	}
	return &st, nil
}

// OrgStatsOf counts the organizations userID is a member of, and those where the membership is an
// admin one (isAdmin).
func (s *Store) OrgStatsOf(ctx context.Context, userID int64) (*OrgStats, error) {
	var st OrgStats
	err := memberOrgs(s.db.WithContext(ctx), userID).
		Select("COUNT(*), COALESCE(SUM(CASE WHEN is_admin = ? THEN 1 ELSE 0 END), 0)", true).
		Row().Scan(&st.Total, &st.AdminCount)
	if err != nil {
		return nil, err
	}
	return &st, nil
}
