package models

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"strings"

	"gorm.io/gorm"

	"sharepanel/wire"
)

// profileSQL reads the account's row by primary key: one prepared statement. The plan's fields
// come from the plan cache.
const profileSQL = `SELECT id, username, email, COALESCE(bio, ''), pfp, plan_id, verified, balance, created_at,
	first_name, last_name, phone, address FROM users WHERE id = ?`

// ProfileOf returns the account's profile with its plan's limits. Profile view is the most frequent
// call, so it costs one primary-key read and nothing else: a second round trip for the plan (gorm's
// Preload) cost a fifth of the gateway's CPU under load, a join more database time per request, and
// building the statement from gorm clauses and scanning by reflection another tenth
// (docs/BENCHMARKS.md). The plan comes from the plan cache, as fresh as the limits.
func (s *Store) ProfileOf(ctx context.Context, userID int64) (*Profile, error) {
	var p Profile
	var planID int64
	err := scanRow(s.db.WithContext(ctx).Raw(profileSQL, userID).Row(), &p.ID, &p.Username, &p.Email, &p.Bio, &p.Pfp,
		&planID, &p.Verified, &p.Balance, &p.CreatedAt, &p.FirstName, &p.LastName, &p.Phone, &p.Address)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wire.Errorf(wire.ENOTFOUND, "User not found")
	}
	if err != nil {
		return nil, err
	}
	plan, err := s.Plans.plan(ctx, planID)
	if err != nil {
		return nil, err
	}
	p.Plan, p.OrgLimit, p.InstanceLimit, p.FileLimit, p.StorageLimit = plan.Name, plan.OrgLimit, plan.InstanceLimit, plan.FileLimit, plan.StorageLimit
	return &p, nil
}

// ProfileUpdate holds the fields to change; nil leaves a field as it is.
type ProfileUpdate struct {
	Bio, Pfp, FirstName, LastName, Phone, Address *string
}

// UpdateProfile changes the given fields. A pfp must be an http(s) URL or empty; a phone holds
// digits and + - ( ) . and spaces.
func (s *Store) UpdateProfile(ctx context.Context, userID int64, in ProfileUpdate) error {
	changes := map[string]any{}
	set := func(column string, v *string) {
		if v != nil {
			changes[column] = strings.TrimSpace(*v)
		}
	}
	if in.Pfp != nil && *in.Pfp != "" {
		u, err := url.Parse(strings.TrimSpace(*in.Pfp))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return wire.Errorf(wire.EINVALID, "pfp must be an http or https URL")
		}
	}
	if in.Phone != nil && strings.Trim(*in.Phone, "0123456789+-(). ") != "" {
		return wire.Errorf(wire.EINVALID, "phone may contain only digits, spaces and + - ( ) .")
	}
	set("bio", in.Bio)
	set("pfp", in.Pfp)
	set("first_name", in.FirstName)
	set("last_name", in.LastName)
	set("phone", in.Phone)
	set("address", in.Address)
	if len(changes) == 0 {
		return wire.Errorf(wire.EINVALID, "No fields to update. Send at least one of: bio, pfp, first_name, last_name, phone, address")
	}
	changes["updated_at"] = wire.Now()
	res := s.db.WithContext(ctx).Model(&User{}).Where("id = ?", userID).Updates(changes)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return wire.Errorf(wire.ENOTFOUND, "User not found")
	}
	return nil
}

// ProfileStatsOf counts the account's organizations, instances and invoices, and what it has spent
// (the sum of paid invoices). The counts agree with the lists of the same data.
func (s *Store) ProfileStatsOf(ctx context.Context, userID int64) (*ProfileStats, error) {
	var st ProfileStats
	db := s.db.WithContext(ctx)
	err := db.Transaction(func(tx *gorm.DB) error {
		if err := memberOrgs(tx, userID).Count(&st.OrgCount).Error; err != nil {
			return err
		}
		if err := tx.Model(&Instance{}).Where("user_id = ?", userID).Count(&st.InstanceCount).Error; err != nil {
			return err
		}
		if err := tx.Model(&Instance{}).Where("user_id = ? AND status = ?", userID, StatusActive).Count(&st.ActiveInstances).Error; err != nil {
			return err
		}
		if err := tx.Model(&Invoice{}).Where("user_id = ?", userID).Count(&st.InvoiceCount).Error; err != nil {
			return err
		}
		var err error
		st.TotalSpent, err = totalSpent(tx, userID)
		return err
	})
	return &st, err
}

// memberOrgs selects the organizations userID is a member of.
func memberOrgs(tx *gorm.DB, userID int64) *gorm.DB {
	return tx.Model(&OrgMember{}).Where("user_id = ?", userID)
}

// totalSpent sums the account's paid invoices.
func totalSpent(tx *gorm.DB, userID int64) (wire.Money, error) {
	var m wire.Money
	err := scanRow(tx.Model(&Invoice{}).Where("user_id = ? AND status = ?", userID, InvoicePaid).
		Select("COALESCE(SUM(total_amount), 0)").Row(), &m)
	return m, err
}
