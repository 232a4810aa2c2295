package models

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"sharepanel/wire"
)

// APIKey is a key of the user API. Only its SHA-256 and a short display prefix are stored; the
// secret is shown once, when it is made.
type APIKey struct {
	ID          int64          `gorm:"primaryKey" json:"id"`
	UserID      int64          `gorm:"not null;index" json:"-"`
	Name        string         `gorm:"size:100;not null" json:"name"`
	KeyHash     string         `gorm:"size:64;uniqueIndex;not null" json:"-"`
	KeyPrefix   string         `gorm:"size:16;not null" json:"key_prefix"`
	Permissions string         `gorm:"size:16;not null" json:"permissions"`
	IsActive    wire.Flag      `gorm:"not null;default:true" json:"is_active"`
	CreatedAt   wire.DateTime  `gorm:"not null" json:"created_at"`
	LastUsedAt  *wire.DateTime `json:"last_used_at"`
	ExpiresAt   *wire.DateTime `gorm:"index" json:"expires_at"`
}

// MaxActiveKeys is how many unexpired keys one account may hold.
const MaxActiveKeys = 25

// keyPrefix marks SharePanel keys so that secret scanners and people can recognise them.
const keyPrefix = "sp_"

// HashKey returns the hex SHA-256 under which a key is stored.
func HashKey(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// newSecret returns a fresh key: "sp_" and 32 random bytes, base64url.
func newSecret() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("crypto/rand failed: " + err.Error()) // never happens on a supported OS
	}
	return keyPrefix + base64.RawURLEncoding.EncodeToString(b[:])
}

// ParsePermissions normalises "read", "write" and "read,write" (in any order, any spacing).
func ParsePermissions(s string) (string, error) {
	var read, write bool
	for _, p := range strings.Split(s, ",") {
		switch strings.TrimSpace(strings.ToLower(p)) {
		case "read":
			read = true
		case "write":
			write = true
		default:
			return "", wire.Errorf(wire.EINVALID, "Invalid permissions: use read, write or read,write")
		}
	}
	switch {
	case read && write:
		return "read,write", nil
	case write:
		return "write", nil
	default:
		return "read", nil
	}
}

// NewKey is what creating a key takes.
type NewKey struct {
	Name        string
	Permissions string     // normalised by ParsePermissions
	ExpiresAt   *time.Time // nil: never
	Via         string     // "login" or "api", for the activity log
}

// CreateAPIKey makes a key for userID and returns its secret, which is not stored. An account holds
// at most MaxActiveKeys unexpired keys.
func (s *Store) CreateAPIKey(ctx context.Context, userID int64, in NewKey) (string, *APIKey, error) {
	secret := newSecret()
	key := &APIKey{UserID: userID, Name: in.Name, KeyHash: HashKey(secret), KeyPrefix: secret[:10],
		Permissions: in.Permissions, IsActive: true, CreatedAt: wire.Now()}
	if in.ExpiresAt != nil {
		t := wire.DateTime(in.ExpiresAt.UTC())
		key.ExpiresAt = &t
	}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		// Lock the account row so that concurrent creations count each other.
		var u User
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Select("id").First(&u, userID).Error; err != nil {
			return notFound(err, "User not found")
		}
		var active int64
		if err := activeKeys(tx, userID).Count(&active).Error; err != nil {
			return err
		}
		if active >= MaxActiveKeys {
			return wire.Errorf(wire.EFORBIDDEN, "API key limit reached: an account may hold %d active keys. Delete one first", MaxActiveKeys)
		}
		if err := tx.Create(key).Error; err != nil {
			return err
		}
		return logActivity(tx, userID, "api_key_created", "api_key", key.ID,
			map[string]any{"key_name": key.Name, "permissions": key.Permissions, "via": in.Via})
	})
	if err != nil {
		return "", nil, err
	}
	return secret, key, nil
}

func activeKeys(tx *gorm.DB, userID int64) *gorm.DB {
	return tx.Model(&APIKey{}).Where("user_id = ? AND is_active = ? AND (expires_at IS NULL OR expires_at > ?)", userID, true, time.Now().UTC())
}

// ListAPIKeys returns a page of the account's keys, oldest first, without secrets, and how many
// there are.
func (s *Store) ListAPIKeys(ctx context.Context, userID int64, page wire.Page) ([]APIKey, int64, error) {
	db := s.db.WithContext(ctx)
	var total int64
	if err := db.Model(&APIKey{}).Where("user_id = ?", userID).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	keys := []APIKey{}
	if int64(page.Offset) >= total {
		return keys, total, nil
	}
	err := db.Where("user_id = ?", userID).Order("id").Limit(page.Limit).Offset(page.Offset).Find(&keys).Error
	return keys, total, err
}

// CountActiveAPIKeys counts the account's usable keys.
func (s *Store) CountActiveAPIKeys(ctx context.Context, userID int64) (int64, error) {
	var n int64
	err := activeKeys(s.db.WithContext(ctx), userID).Count(&n).Error
	return n, err
}

// DeleteAPIKey deletes one of the account's keys; it fails on the very next request on this replica.
func (s *Store) DeleteAPIKey(ctx context.Context, userID, keyID int64) error {
	err := s.tx(ctx, func(tx *gorm.DB) error {
		res := tx.Where("id = ? AND user_id = ?", keyID, userID).Delete(&APIKey{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return wire.Errorf(wire.ENOTFOUND, "API key not found")
		}
		return logActivity(tx, userID, "api_key_deleted", "api_key", keyID, nil)
	})
	if err != nil {
		return err
	}
	s.Keys.ForgetKey(keyID)
	return nil
}

// Principal is who is calling: what a key resolves to.
type Principal struct {
	KeyID     int64
	UserID    int64
	PlanID    int64
	CanRead   bool
	CanWrite  bool
	ExpiresAt time.Time // zero: never
	Suspended bool
}

// Expired tells whether the key has expired at now.
func (p *Principal) Expired(now time.Time) bool {
	return !p.ExpiresAt.IsZero() && !now.Before(p.ExpiresAt)
}

// lookupKey reads the principal for a key hash straight from the database; nil when there is none.
func (s *Store) lookupKey(ctx context.Context, hash string) (*Principal, error) {
	var row struct {
		KeyID       int64
		UserID      int64
		PlanID      int64
		Permissions string
		ExpiresAt   *wire.DateTime
		Suspended   bool
	}
	err := s.db.WithContext(ctx).Table("api_keys AS k").
		Select("k.id AS key_id, k.user_id, u.plan_id, k.permissions, k.expires_at, u.suspended").
		Joins("JOIN users u ON u.id = k.user_id").
		Where("k.key_hash = ? AND k.is_active = ?", hash, true).
		Limit(1).Scan(&row).Error
	if err != nil {
		return nil, err
	}
	if row.KeyID == 0 {
		return nil, nil
	}
	p := &Principal{KeyID: row.KeyID, UserID: row.UserID, PlanID: row.PlanID, Suspended: row.Suspended,
		CanRead: strings.Contains(row.Permissions, "read"), CanWrite: strings.Contains(row.Permissions, "write")}
	if row.ExpiresAt != nil {
		p.ExpiresAt = row.ExpiresAt.Time()
	}
	return p, nil
}

// Login checks an email and password and makes a new key for the account (auth mode). name
// defaults to "API Key for <username>". The login is recorded in the activity log.
func (s *Store) Login(ctx context.Context, email, password, name string) (string, error) {
	u, err := s.Authenticate(ctx, email, password)
	if err != nil {
		return "", err
	}
	if name == "" {
		name = "API Key for " + u.Username
	}
	secret, _, err := s.CreateAPIKey(ctx, u.ID, NewKey{Name: name, Permissions: "read,write", Via: "login"})
	return secret, err
}
