package models

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"time"

	"gorm.io/gorm"

	"sharepanel/wire"
)

// AutologinToken is a one-time token an administrator makes for an account: the user API exchanges
// it, once, within AutologinTTL, for a new API key (mode=auth&autologin_token=…). Only its SHA-256
// is stored.
type AutologinToken struct {
	ID        int64          `gorm:"primaryKey"`
	UserID    int64          `gorm:"not null;index"`
	TokenHash string         `gorm:"size:64;uniqueIndex;not null"`
	ExpiresAt wire.DateTime  `gorm:"not null;index"`
	UsedAt    *wire.DateTime ``
	CreatedAt wire.DateTime  `gorm:"not null"`
}

// AutologinTTL is how long an autologin token can be exchanged.
const AutologinTTL = 60 * time.Second

// autologinPrefix tells autologin tokens apart from API keys ("sp_") at a glance.
const autologinPrefix = "spal_"

// CreateAutologinToken makes a one-time token for an account and records it in the account's
// activity. A suspended account gets none. Expired tokens of the account are cleaned up on the way.
func (s *Store) CreateAutologinToken(ctx context.Context, username string) (string, time.Time, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", time.Time{}, err
	}
	secret := autologinPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	now := time.Now().UTC().Truncate(time.Second)
	expires := now.Add(AutologinTTL)
	err := s.tx(ctx, func(tx *gorm.DB) error {
		u, err := lockUserNamed(tx, username)
		if err != nil {
			return err
		}
		if u.Suspended {
			return wire.Errorf(wire.EFORBIDDEN, "Account suspended")
		}
		if err := tx.Where("user_id = ? AND expires_at < ?", u.ID, now).Delete(&AutologinToken{}).Error; err != nil {
			return err
		}
		t := AutologinToken{UserID: u.ID, TokenHash: HashKey(secret), ExpiresAt: wire.DateTime(expires), CreatedAt: wire.DateTime(now)}
		if err := tx.Create(&t).Error; err != nil {
			return err
		}
		return logActivity(tx, u.ID, "autologin_token_created", "user", u.ID,
			map[string]any{"by": "admin", "expires_at": wire.DateTime(expires)})
	})
	if err != nil {
		return "", time.Time{}, err
	}
	return secret, expires, nil
}

// errBadAutologin is the one answer for a token that is unknown, used or expired.
func errBadAutologin() error {
	return wire.Errorf(wire.EUNAUTHORIZED, "Invalid or expired autologin token")
}

// RedeemAutologin exchanges an autologin token for a new API key named "Autologin key for
// <username>" (or name), a login key (MaxLoginKeys). Spending the token and making the key are one
// transaction: a key that cannot be made leaves the token unspent. The token is spent by a
// conditional UPDATE, so of concurrent redemptions exactly one wins. A suspended account is refused
// and its token is left unspent.
func (s *Store) RedeemAutologin(ctx context.Context, secret, name string) (string, error) {
	if len(secret) > 128 {
		return "", errBadAutologin()
	}
	hash := HashKey(secret)
	var made createdKey
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var t AutologinToken
		if err := tx.Where("token_hash = ?", hash).First(&t).Error; err != nil {
			return notFoundAs(err, wire.EUNAUTHORIZED, "Invalid or expired autologin token")
		}
		var u User
		if err := tx.First(&u, t.UserID).Error; err != nil {
			return notFoundAs(err, wire.EUNAUTHORIZED, "Invalid or expired autologin token")
		}
		if u.Suspended {
			return wire.Errorf(wire.EFORBIDDEN, "Account suspended")
		}
		res := tx.Model(&AutologinToken{}).Where("id = ? AND used_at IS NULL AND expires_at > ?", t.ID, time.Now().UTC()).
			Update("used_at", wire.Now())
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return errBadAutologin()
		}
		if name == "" {
			name = "Autologin key for " + u.Username
		}
		var err error
		made, err = createAPIKey(tx, u.ID, NewKey{Name: name, Permissions: "read,write", Via: "autologin"})
		return err
	})
	if err != nil {
		return "", err
	}
	s.forgetRevoked(ctx, made.revoked)
	return made.secret, nil
}
