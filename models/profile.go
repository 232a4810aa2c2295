package models

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"strings"

	"gorm.io/gorm"
)

// profileSQL reads a profile with its plan's limits: one statement, prepared once (PrepareStmt).
const profileSQL = `SELECT u.id, u.username, u.email, COALESCE(u.bio, ''), u.pfp, p.name AS plan, p.org_limit, p.instance_limit,
	u.verified, u.balance, u.created_at, p.filelimit AS file_limit, p.storagelimit AS storage_limit,
	u.first_name, u.last_name, u.phone, u.address
	FROM users u JOIN plans p ON p.id = u.plan_id WHERE u.id = ? LIMIT 1`

// ProfileOf returns the account's profile with its plan's limits, in one query: profile view is
// the most frequent call, and a second round trip for the plan cost a fifth of its CPU under load,
// building the statement with gorm's clauses and scanning by reflection on every call another
// tenth (docs/BENCHMARKS.md).
func (s *Store) ProfileOf(ctx context.Context, userID int64) (*Profile, error) {
	var p Profile
	err := s.db.WithContext(ctx).Raw(profileSQL, userID).Row().Scan(&p.ID, &p.Username, &p.Email, &p.Bio, &p.Pfp,
		&p.Plan, &p.OrgLimit, &p.InstanceLimit, &p.Verified, &p.Balance, &p.CreatedAt, &p.FileLimit, &p.StorageLimit,
		&p.FirstName, &p.LastName, &p.Phone, &p.Address)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(ENOTFOUND, "User not found")
	}
	if err != nil {
		return nil, err
	}
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
			return Errorf(EINVALID, "pfp must be an http or https URL")
		}
	}
	if in.Phone != nil && strings.Trim(*in.Phone, "0123456789+-(). ") != "" {
		return Errorf(EINVALID, "phone may contain only digits, spaces and + - ( ) .")
	}
	set("bio", in.Bio)
	set("pfp", in.Pfp)
	set("first_name", in.FirstName)
	set("last_name", in.LastName)
	set("phone", in.Phone)
	set("address", in.Address)
	if len(changes) == 0 {
		return Errorf(EINVALID, "No fields to update. Send at least one of: bio, pfp, first_name, last_name, phone, address")
	}
	changes["updated_at"] = Now()
	res := s.db.WithContext(ctx).Model(&User{}).Where("id = ?", userID).Updates(changes)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return Errorf(ENOTFOUND, "User not found")
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
func totalSpent(tx *gorm.DB, userID int64) (Money, error) {
	var m Money
	err := tx.Model(&Invoice{}).Where("user_id = ? AND status = ?", userID, InvoicePaid).
		Select("COALESCE(SUM(total_amount), 0)").Row().Scan(&m)
	return m, err
}
