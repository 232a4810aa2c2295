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
	db := s.db.WithContext(ctx)
	res := db.Model(&User{}).Where("id = ?", userID).Updates(changes)
	if res.Error != nil || res.RowsAffected > 0 {
		return res.Error
	}
	// MySQL counts the rows an UPDATE changed: the same values again within the same second
	// (updated_at too) change none. Only a missing account is "User not found".
	var n int64
	if err := db.Model(&User{}).Where("id = ?", userID).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return wire.Errorf(wire.ENOTFOUND, "User not found")
	}
	return nil
}

// ProfileStatsOf counts the account's organizations, instances and invoices, and what it has spent
// (the sum of paid invoices): one read of its summary (accountSummaryOf).
func (s *Store) ProfileStatsOf(ctx context.Context, userID int64) (*ProfileStats, error) {
	a, err := accountSummaryOf(s.db.WithContext(ctx), userID)
	if err != nil {
		return nil, err
	}
	return &ProfileStats{OrgCount: a.Orgs, InstanceCount: a.Instances(), ActiveInstances: a.InstancesActive,
		InvoiceCount: a.Invoices(), TotalSpent: wire.Money(a.SpentCents)}, nil
}

// accountSummary is what the overview reports show of an account.
type accountSummary struct {
	Balance    wire.Money
	Orgs       int64 // memberships
	ActiveKeys int64 // usable keys: active and unexpired
	AccountTotals
}

// accountSummaryOf reads the account's balance, its totals (account_totals) and the two counts
// that stay small (memberships, usable keys) in one statement, which reads one consistent state:
// the reports agree with each other and with the lists of the same data.
func accountSummaryOf(db *gorm.DB, userID int64) (*accountSummary, error) {
	var a accountSummary
	totals := ""
	for _, c := range []string{"invoices_pending", "invoices_paid", "invoices_overdue", "spent_cents", "instances_active",
		"instances_sleep", "instances_dead", "transactions", "purchases", "notifications", "notifications_unread", "activity"} {
		totals += ", COALESCE(t." + c + ", 0) AS " + c
	}
	res := db.Raw(`SELECT u.id AS user_id, u.balance,
		(SELECT COUNT(*) FROM org_members m WHERE m.user_id = u.id) AS orgs,
		(SELECT COUNT(*) FROM api_keys k WHERE k.user_id = u.id AND k.is_active = ? AND (k.expires_at IS NULL OR k.expires_at > ?)) AS active_keys`+totals+`
		FROM users u LEFT JOIN account_totals t ON t.user_id = u.id WHERE u.id = ?`, true, wire.Now(), userID).Scan(&a)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 0 {
		return nil, wire.Errorf(wire.ENOTFOUND, "User not found")
	}
	return &a, nil
}

// memberOrgs selects the organizations userID is a member of.
func memberOrgs(tx *gorm.DB, userID int64) *gorm.DB {
	return tx.Model(&OrgMember{}).Where("user_id = ?", userID)
}
