package models

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"sharepanel/wire"
)

// The demo accounts are known by their usernames, which the API cannot change: SeedDemo resets
// these two accounts and no other.
const (
	DemoUsername       = "demo"
	DemoMemberUsername = "demo-member"
)

// DemoAccount is what SeedDemo made: the logins and a key to try the API with.
type DemoAccount struct {
	UserID      int64
	Username    string
	Email       string
	Password    string
	APIKey      string // read-write; shown once, like every key
	MemberEmail string // demo-member's login; same password
	Reset       bool   // the accounts existed and were reset
}

// SeedDemo creates, or resets, a pro-plan demo account with sample data for every endpoint of the
// user API: three organizations (one shared with a second account, demo-member, and one of
// demo-member's that demo belongs to), instances of both types in every status, invoices in every
// status (the paid ones with their payments), purchases, read and unread notifications, activity,
// and a week of recorded API usage. Resetting deletes everything the two accounts own and makes it
// again, so running it twice gives the same data, not twice as much. It runs in one transaction:
// a failure leaves the database as it was. An email that belongs to another account is ECONFLICT.
func (s *Store) SeedDemo(ctx context.Context, email, password string) (*DemoAccount, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if err := ValidateEmail(email); err != nil {
		return nil, err
	}
	if err := ValidatePassword(password); err != nil {
		return nil, err
	}
	memberEmail := DemoMemberUsername + email[strings.LastIndex(email, "@"):]
	if memberEmail == email {
		return nil, wire.Errorf(wire.EINVALID, "%s is demo-member's address; choose another email for the demo account", email)
	}
	hash, err := s.HashPassword(password)
	if err != nil {
		return nil, err
	}
	out := &DemoAccount{Username: DemoUsername, Email: email, Password: password, MemberEmail: memberEmail}
	// Endpoint numbers are given outside the transaction: once given, a number is for good.
	numbers, err := s.endpoints.number(s.db.WithContext(ctx), s.log, demoEndpoints)
	if err != nil {
		return nil, err
	}
	var memberID int64
	err = s.tx(ctx, func(tx *gorm.DB) error {
		var pro, free Plan
		if err := tx.Where("name = ?", "pro").First(&pro).Error; err != nil {
			return notFound(err, "The pro plan does not exist")
		}
		if err := tx.Where("name = ?", "free").First(&free).Error; err != nil {
			return notFound(err, "The free plan does not exist")
		}
		now := time.Now().UTC()
		demo, existed, err := upsertDemoUser(tx, User{Username: DemoUsername, Email: email, PasswordHash: hash, PlanID: pro.ID,
			Bio: "A demo account with sample data for every endpoint.", FirstName: "Demo", LastName: "User",
			Phone: "+1 555 0100", Address: "1 Demo Street", Verified: true, Balance: 10050, CreatedAt: wire.DateTime(now.AddDate(0, 0, -45))})
		if err != nil {
			return err
		}
		member, _, err := upsertDemoUser(tx, User{Username: DemoMemberUsername, Email: memberEmail, PasswordHash: hash, PlanID: free.ID,
			FirstName: "Demo", LastName: "Member", Verified: true, CreatedAt: wire.DateTime(now.AddDate(0, 0, -41))})
		if err != nil {
			return err
		}
		out.UserID, out.Reset, memberID = demo.ID, existed, member.ID
		if err := wipeAccounts(tx, demo.ID, member.ID); err != nil {
			return err
		}
		seed := demoSeed{tx: tx, now: now, demo: demo.ID, member: member.ID, pro: pro, free: free, endpoints: numbers, counts: newTally(demo.ID)}
		out.APIKey, err = seed.run()
		return err
	})
	if err != nil {
		return nil, err
	}
	s.Invalidate(ctx, Invalidation{UserID: out.UserID}) // the old keys are gone
	s.Invalidate(ctx, Invalidation{UserID: memberID})
	return out, nil
}

// upsertDemoUser creates the account with want's username, or resets the existing one to want.
func upsertDemoUser(tx *gorm.DB, want User) (*User, bool, error) {
	key, err := emailKey(want.Email)
	if err != nil {
		return nil, false, err
	}
	want.EmailKey = key
	var byEmail User
	if err := tx.Where("email_key = ?", key).Limit(1).Find(&byEmail).Error; err != nil {
		return nil, false, err
	}
	if byEmail.ID != 0 && byEmail.Username != want.Username {
		return nil, false, wire.Errorf(wire.ECONFLICT, "%s belongs to another account (%s), not to the demo account %s; choose another email",
			want.Email, byEmail.Username, want.Username)
	}
	var u User
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("username = ?", want.Username).Limit(1).Find(&u).Error; err != nil {
		return nil, false, err
	}
	want.UpdatedAt = wire.Now()
	if u.ID == 0 {
		if err := tx.Omit(clause.Associations).Create(&want).Error; err != nil {
			return nil, false, err
		}
		return &want, false, nil
	}
	want.ID = u.ID
	err = tx.Model(&User{}).Where("id = ?", u.ID).Updates(map[string]any{
		"email": want.Email, "email_key": want.EmailKey, "password_hash": want.PasswordHash, "plan_id": want.PlanID, "bio": want.Bio, "pfp": "",
		"first_name": want.FirstName, "last_name": want.LastName, "phone": want.Phone, "address": want.Address,
		"verified": want.Verified, "balance": want.Balance, "suspended": false, "created_at": want.CreatedAt, "updated_at": want.UpdatedAt,
	}).Error
	return &want, true, err
}

// wipeAccounts deletes everything the accounts own: their organizations (with every membership of
// them), their memberships of other organizations, and all their rows elsewhere.
func wipeAccounts(tx *gorm.DB, userIDs ...int64) error {
	var orgIDs []int64
	if err := tx.Model(&Organization{}).Where("admin_id IN ?", userIDs).Pluck("id", &orgIDs).Error; err != nil {
		return err
	}
	if len(orgIDs) > 0 {
		if err := tx.Where("organization_id IN ?", orgIDs).Delete(&OrgMember{}).Error; err != nil {
			return err
		}
		// Another account's instance in a demo organization stays, outside any organization.
		if err := tx.Model(&Instance{}).Where("organization_id IN ? AND user_id NOT IN ?", orgIDs, userIDs).
			Update("organization_id", nil).Error; err != nil {
			return err
		}
		if err := tx.Where("id IN ?", orgIDs).Delete(&Organization{}).Error; err != nil {
			return err
		}
	}
	for _, model := range []any{&OrgMember{}, &Instance{}, &Invoice{}, &Transaction{}, &Purchase{}, &Notification{}, &Activity{}, &APIUsage{}, &UsageRollup{},
		&UsageDaySummary{}, &UsageKeyDay{}, &APIKey{}, &AccountTotals{}, &ListDay{}, &ListHour{}, &SpendingDayTotal{}, &IdempotencyKey{}} {
		if err := tx.Where("user_id IN ?", userIDs).Delete(model).Error; err != nil {
			return err
		}
	}
	return bumpReports(tx, userIDs...) // its usage and payments are made again, back to past days
}
