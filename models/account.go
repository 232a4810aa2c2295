package models

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"sharepanel/wire"
)

// The admin side of accounts: what administrators list and change. Every change that affects how
// the user API treats the account's keys (suspension, plan, deletion) forgets the account's cached
// keys on this replica, so that it applies on the very next request.

// AccountSummary is one account as the admin API lists it.
type AccountSummary struct {
	ID            int64         `json:"id"`
	Username      string        `json:"username"`
	Email         string        `json:"email"`
	Plan          string        `json:"plan"`
	Status        string        `json:"status"` // "active" or "suspended"
	Verified      wire.Flag     `json:"verified"`
	Balance       wire.Money    `json:"balance"`
	CreatedAt     wire.DateTime `json:"created_at"`
	OrgCount      int64         `json:"org_count"`
	InstanceCount int64         `json:"instance_count"`
	InvoiceCount  int64         `json:"invoice_count"`
	APIKeyCount   int64         `json:"api_key_count"` // usable keys: active and unexpired
}

// Account statuses.
const (
	AccountActive    = "active"
	AccountSuspended = "suspended"
)

// AccountFilter narrows ListAccounts; empty fields match everything.
type AccountFilter struct {
	Status string // "active" or "suspended"
	Plan   string
	Search string // part of the username or email
}

// accountColumns selects an AccountSummary, counts included, from users u joined with plans p.
const accountColumns = `u.id, u.username, u.email, p.name AS plan, u.suspended, u.verified, u.balance, u.created_at,
	(SELECT COUNT(*) FROM org_members m WHERE m.user_id = u.id) AS org_count,
	(SELECT COUNT(*) FROM instances i WHERE i.user_id = u.id) AS instance_count,
	(SELECT COUNT(*) FROM invoices v WHERE v.user_id = u.id) AS invoice_count,
	(SELECT COUNT(*) FROM api_keys k WHERE k.user_id = u.id AND k.is_active = ? AND (k.expires_at IS NULL OR k.expires_at > ?)) AS api_key_count`

type accountRow struct {
	AccountSummary
	Suspended bool
}

func (s *Store) accountQuery(ctx context.Context) *gorm.DB {
	return s.db.WithContext(ctx).Table("users AS u").Joins("JOIN plans p ON p.id = u.plan_id")
}

func (r accountRow) summary() AccountSummary {
	a := r.AccountSummary
	a.Status = AccountActive
	if r.Suspended {
		a.Status = AccountSuspended
	}
	return a
}

// ListAccounts returns accounts, oldest first, and how many match in all.
func (s *Store) ListAccounts(ctx context.Context, f AccountFilter, page wire.Page) ([]AccountSummary, int64, error) {
	q := s.accountQuery(ctx)
	switch f.Status {
	case "":
	case AccountActive, AccountSuspended:
		q = q.Where("u.suspended = ?", f.Status == AccountSuspended)
	default:
		return nil, 0, wire.Errorf(wire.EINVALID, "Invalid status. Allowed values: active, suspended")
	}
	if f.Plan != "" {
		q = q.Where("p.name = ?", strings.ToLower(f.Plan))
	}
	if f.Search != "" {
		pattern := "%" + escapeLike(strings.ToLower(f.Search)) + "%"
		q = q.Where("(LOWER(u.username) LIKE ? ESCAPE '!' OR LOWER(u.email) LIKE ? ESCAPE '!')", pattern, pattern)
	}
	var total int64
	if err := q.Session(&gorm.Session{}).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []accountRow
	err := q.Select(accountColumns, true, time.Now().UTC()).Order("u.id").Limit(page.Limit).Offset(page.Offset).Scan(&rows).Error
	if err != nil {
		return nil, 0, err
	}
	out := make([]AccountSummary, len(rows))
	for i, r := range rows {
		out[i] = r.summary()
	}
	return out, total, nil
}

// AccountByUsername returns one account's summary.
func (s *Store) AccountByUsername(ctx context.Context, username string) (*AccountSummary, error) {
	var rows []accountRow
	err := s.accountQuery(ctx).Select(accountColumns, true, time.Now().UTC()).
		Where("u.username = ?", normalizeUsername(username)).Limit(1).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, wire.Errorf(wire.ENOTFOUND, "User not found")
	}
	a := rows[0].summary()
	return &a, nil
}

// escapeLike escapes LIKE's wildcards with '!', the ESCAPE character both databases are given.
func escapeLike(s string) string {
	return strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(s)
}

func normalizeUsername(username string) string { return strings.ToLower(strings.TrimSpace(username)) }

// lockUserNamed reads an account by username, locking its row for the rest of the transaction.
func lockUserNamed(tx *gorm.DB, username string) (*User, error) {
	var u User
	err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("username = ?", normalizeUsername(username)).First(&u).Error
	if err != nil {
		return nil, notFound(err, "User not found")
	}
	return &u, nil
}

// AccountIDByUsername returns the ID of an account.
func (s *Store) AccountIDByUsername(ctx context.Context, username string) (int64, error) {
	var u User
	err := s.db.WithContext(ctx).Select("id").Where("username = ?", normalizeUsername(username)).First(&u).Error
	if err != nil {
		return 0, notFound(err, "User not found")
	}
	return u.ID, nil
}

// changeAccount runs change on the account named username, its row locked, in one transaction.
// Once it commits, the account's cached keys are forgotten on every replica, so that the change
// applies from the very next request.
func (s *Store) changeAccount(ctx context.Context, username string, change func(tx *gorm.DB, u *User) error) error {
	var userID int64
	err := s.tx(ctx, func(tx *gorm.DB) error {
		u, err := lockUserNamed(tx, username)
		if err != nil {
			return err
		}
		userID = u.ID
		return change(tx, u)
	})
	if err != nil {
		return err
	}
	s.Invalidate(ctx, Invalidation{UserID: userID})
	return nil
}

// updateAccount sets columns of an account's row, and its updated_at.
func updateAccount(tx *gorm.DB, id int64, columns map[string]any) error {
	columns["updated_at"] = wire.Now()
	return tx.Model(&User{}).Where("id = ?", id).Updates(columns).Error
}

// SetSuspended suspends or unsuspends an account. Suspension refuses every key of the account, and
// mode=auth, from the next request on. Setting the state it already has is not an error.
func (s *Store) SetSuspended(ctx context.Context, username string, suspended bool) error {
	return s.changeAccount(ctx, username, func(tx *gorm.DB, u *User) error {
		if u.Suspended == suspended {
			return nil
		}
		if err := updateAccount(tx, u.ID, map[string]any{"suspended": suspended}); err != nil {
			return err
		}
		action := "account_unsuspended"
		if suspended {
			action = "account_suspended"
		}
		return logActivity(tx, u.ID, action, "user", u.ID, map[string]any{"by": "admin"})
	})
}

// SetAccountPassword sets an account's password. Its API keys keep working.
func (s *Store) SetAccountPassword(ctx context.Context, username, password string) error {
	if err := ValidatePassword(password); err != nil {
		return err
	}
	hash, err := s.HashPassword(password)
	if err != nil {
		return err
	}
	return s.changeAccount(ctx, username, func(tx *gorm.DB, u *User) error {
		if err := updateAccount(tx, u.ID, map[string]any{"password_hash": hash}); err != nil {
			return err
		}
		return logActivity(tx, u.ID, "password_changed", "user", u.ID, map[string]any{"by": "admin"})
	})
}

// ChangeAccountPlan moves an account to another plan. Its new request limits apply from its next
// request; what it already has beyond the new plan's limits is kept, new creations are refused.
func (s *Store) ChangeAccountPlan(ctx context.Context, username, planName string) error {
	planName = strings.ToLower(strings.TrimSpace(planName))
	if planName == "" {
		return wire.Errorf(wire.EINVALID, "plan_name is required")
	}
	return s.changeAccount(ctx, username, func(tx *gorm.DB, u *User) error {
		var from, to Plan
		if err := tx.Where("name = ?", planName).First(&to).Error; err != nil {
			return notFoundAs(err, wire.EINVALID, "Unknown plan: "+planName)
		}
		if err := tx.Select("name").First(&from, u.PlanID).Error; err != nil {
			return err
		}
		if from.Name == to.Name {
			return nil
		}
		if err := updateAccount(tx, u.ID, map[string]any{"plan_id": to.ID}); err != nil {
			return err
		}
		return logActivity(tx, u.ID, "plan_changed", "user", u.ID, map[string]any{"from": from.Name, "to": to.Name})
	})
}

// DeleteAccount deletes an account and everything it owns, in one transaction: its keys and their
// usage, autologin tokens, instances, invoices, transactions, purchases, notifications, activity,
// memberships, and the organizations it administers (with their memberships; other accounts'
// instances in them are kept, outside any organization). Its keys fail on the next request.
func (s *Store) DeleteAccount(ctx context.Context, username string) error {
	return s.changeAccount(ctx, username, func(tx *gorm.DB, u *User) error {
		var orgIDs []int64
		if err := tx.Model(&Organization{}).Where("admin_id = ?", u.ID).Pluck("id", &orgIDs).Error; err != nil {
			return err
		}
		if len(orgIDs) > 0 {
			if err := tx.Model(&Instance{}).Where("organization_id IN ? AND user_id <> ?", orgIDs, u.ID).
				Update("organization_id", nil).Error; err != nil {
				return err
			}
			if err := tx.Where("organization_id IN ?", orgIDs).Delete(&OrgMember{}).Error; err != nil {
				return err
			}
			if err := tx.Where("id IN ?", orgIDs).Delete(&Organization{}).Error; err != nil {
				return err
			}
		}
		for _, model := range []any{&AutologinToken{}, &APIKey{}, &APIUsage{}, &UsageRollup{}, &UsageDaySummary{}, &UsageKeyDay{},
			&OrgMember{}, &Instance{}, &Transaction{}, &Purchase{}, &Invoice{}, &Notification{}, &Activity{},
			&AccountTotals{}, &ListDay{}, &ListHour{}, &SpendingDayTotal{}, &IdempotencyKey{}, &ReportVersion{}} {
			if err := tx.Where("user_id = ?", u.ID).Delete(model).Error; err != nil {
				return err
			}
		}
		if err := bumpReportEpoch(tx); err != nil { // no replica serves its kept reports to its id's next account
			return err
		}
		return tx.Delete(&User{}, u.ID).Error
	})
}
