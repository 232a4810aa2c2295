package models

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"hash/crc32"
	"math/big"
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
	// Source is what made the key: KeySourceAPI (api_keys create, and keys made before sources
	// were recorded) or KeySourceLogin (mode=auth, with a password or an autologin token). The two
	// are capped apart.
	Source string `gorm:"size:16;not null;default:'api'" json:"-"`
	// AllowedIPs and Scopes lock the key down (keyrestrictions.go): the addresses it may be used
	// from and the modes it may use, each as a comma-separated list; nil: unrestricted.
	AllowedIPs *string `gorm:"size:1000" json:"allowed_ips"`
	Scopes     *string `gorm:"size:255" json:"scopes"`
}

// Key sources.
const (
	KeySourceAPI   = "api"
	KeySourceLogin = "login"
)

// MaxActiveKeys is how many unexpired keys made with api_keys create one account may hold; past it,
// creating one is refused.
const MaxActiveKeys = 25

// MaxLoginKeys is how many keys made by logins (mode=auth) one account holds: a login past it
// revokes the account's oldest login key, as GitHub does with OAuth tokens, so that a script that
// logs in on every run is never locked out.
const MaxLoginKeys = 10

// keyPrefix marks SharePanel keys so that secret scanners and people can recognise them.
const keyPrefix = "sp_"

// Key shapes. Keys issued now are "sp_", 32 random bytes in base62 (43 characters), and a checksum:
// the CRC-32 of the first 46 characters in base62 (6), 52 characters in all, like GitHub's tokens.
// A key whose checksum does not match is refused without a lookup: a forged or mistyped key costs
// no database query. Keys issued before checksums, "sp_" and the 32 bytes in base64url (46
// characters), keep working; only they can cost a lookup when forged.
const (
	keyBodyLen   = 43
	keyCheckLen  = 6
	keyLen       = len(keyPrefix) + keyBodyLen + keyCheckLen // 52
	legacyKeyLen = len(keyPrefix) + 43                       // 46
	base62       = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
)

// HashKey returns the hex SHA-256 under which a key is stored.
func HashKey(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// newSecret returns a fresh key: "sp_", 32 random bytes in base62, and their checksum.
func newSecret() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("crypto/rand failed: " + err.Error()) // never happens on a supported OS
	}
	body := keyPrefix + padBase62(new(big.Int).SetBytes(b[:]), keyBodyLen)
	return body + keyChecksum(body)
}

// keyChecksum is the base62 CRC-32 (IEEE) of a key's first 46 characters, 6 digits (62^6 > 2^32).
func keyChecksum(body string) string {
	n := crc32.ChecksumIEEE([]byte(body))
	var b [keyCheckLen]byte
	for i := keyCheckLen - 1; i >= 0; i-- {
		b[i] = base62[n%62]
		n /= 62
	}
	return string(b[:])
}

// padBase62 writes n in base62 (0-9, a-z, A-Z: big.Int's digits), left-padded with '0' to width.
func padBase62(n *big.Int, width int) string {
	s := n.Text(62)
	return strings.Repeat("0", width-len(s)) + s
}

// KeyLooksValid reports, without any lookup, whether secret can be a key at all: a checksummed key
// whose checksum matches, or a key of the shape issued before checksums.
func KeyLooksValid(secret string) bool {
	switch len(secret) {
	case keyLen:
		if !strings.HasPrefix(secret, keyPrefix) || !onlyIn(secret[len(keyPrefix):], base62) {
			return false
		}
		body := secret[:keyLen-keyCheckLen]
		return subtle.ConstantTimeCompare([]byte(keyChecksum(body)), []byte(secret[len(body):])) == 1
	case legacyKeyLen:
		_, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(secret, keyPrefix))
		return strings.HasPrefix(secret, keyPrefix) && err == nil
	}
	return false
}

// onlyIn reports whether every byte of s is one of alphabet's.
func onlyIn(s, alphabet string) bool {
	for i := range len(s) {
		if strings.IndexByte(alphabet, s[i]) < 0 {
			return false
		}
	}
	return true
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
	Via         string     // "login", "autologin" or "api", for the activity log; the first two make login keys
	// AllowedIPs and Scopes are the key's restrictions as stored (Allowlist.String,
	// Scopes.String); "" for none.
	AllowedIPs, Scopes string
}

// source is the key's Source.
func (in NewKey) source() string {
	if in.Via == "login" || in.Via == "autologin" {
		return KeySourceLogin
	}
	return KeySourceAPI
}

// CreateAPIKey makes a key for userID and returns its secret, which is not stored. An account holds
// at most MaxActiveKeys unexpired keys made with api_keys create; a login key past MaxLoginKeys
// revokes the oldest. The account's expired keys are purged on the way.
func (s *Store) CreateAPIKey(ctx context.Context, userID int64, in NewKey) (string, *APIKey, error) {
	var made createdKey
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var err error
		made, err = createAPIKey(tx, userID, in)
		return err
	})
	if err != nil {
		return "", nil, err
	}
	s.forgetRevoked(ctx, made.revoked)
	return made.secret, made.key, nil
}

// createdKey is what createAPIKey made: the secret, the row, and the login keys it revoked.
type createdKey struct {
	secret  string
	key     *APIKey
	revoked []int64
}

// createAPIKey is CreateAPIKey inside a transaction; once it commits, the caller forgets the
// revoked keys (forgetRevoked).
func createAPIKey(tx *gorm.DB, userID int64, in NewKey) (createdKey, error) {
	secret := newSecret()
	now := time.Now().UTC()
	key := &APIKey{UserID: userID, Name: in.Name, KeyHash: HashKey(secret), KeyPrefix: secret[:10],
		Permissions: in.Permissions, IsActive: true, CreatedAt: wire.Now(), Source: in.source()}
	if in.ExpiresAt != nil {
		t := wire.DateTime(in.ExpiresAt.UTC())
		key.ExpiresAt = &t
	}
	if in.AllowedIPs != "" {
		key.AllowedIPs = &in.AllowedIPs
	}
	if in.Scopes != "" {
		key.Scopes = &in.Scopes
	}
	out := createdKey{secret: secret, key: key}
	// Lock the account row so that concurrent creations count each other.
	var u User
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Select("id").First(&u, userID).Error; err != nil {
		return out, notFound(err, "User not found")
	}
	if err := tx.Where("user_id = ? AND expires_at IS NOT NULL AND expires_at <= ?", userID, now).Delete(&APIKey{}).Error; err != nil {
		return out, err
	}
	var active []int64
	if err := activeKeys(tx, userID, now).Where("source = ?", key.Source).Order("id").Pluck("id", &active).Error; err != nil {
		return out, err
	}
	switch {
	case key.Source == KeySourceLogin && len(active) >= MaxLoginKeys:
		out.revoked = active[:len(active)-MaxLoginKeys+1]
		if err := tx.Where("id IN ?", out.revoked).Delete(&APIKey{}).Error; err != nil {
			return out, err
		}
		for _, id := range out.revoked {
			if err := logActivity(tx, userID, "api_key_deleted", "api_key", id, map[string]any{"reason": "login key limit"}); err != nil {
				return out, err
			}
		}
	case key.Source == KeySourceAPI && len(active) >= MaxActiveKeys:
		return out, wire.Errorf(wire.EFORBIDDEN, "API key limit reached: an account may hold %d active keys. Delete one first", MaxActiveKeys)
	}
	if err := tx.Create(key).Error; err != nil {
		return out, err
	}
	details := map[string]any{"key_name": key.Name, "permissions": key.Permissions, "via": in.Via}
	if key.AllowedIPs != nil {
		details["allowed_ips"] = *key.AllowedIPs
	}
	if key.Scopes != nil {
		details["scopes"] = *key.Scopes
	}
	return out, logActivity(tx, userID, "api_key_created", "api_key", key.ID, details)
}

// forgetRevoked makes keys that a committed change revoked fail on their next request, on every
// replica.
func (s *Store) forgetRevoked(ctx context.Context, keyIDs []int64) {
	for _, id := range keyIDs {
		s.Invalidate(ctx, Invalidation{KeyID: id})
	}
}

func activeKeys(tx *gorm.DB, userID int64, now time.Time) *gorm.DB {
	return tx.Model(&APIKey{}).Where("user_id = ? AND is_active = ? AND (expires_at IS NULL OR expires_at > ?)", userID, true, now)
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
	err := activeKeys(s.db.WithContext(ctx), userID, time.Now().UTC()).Count(&n).Error
	return n, err
}

// DeleteAPIKey deletes one of the account's keys; it fails on the very next request, on every replica.
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
	s.Invalidate(ctx, Invalidation{KeyID: keyID})
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
	// AllowedIPs and Scopes are the key's restrictions, read once when the key is cached (nil:
	// none); allowedIPs and scopes the same as stored, for messages.
	AllowedIPs         Allowlist
	Scopes             Scopes
	allowedIPs, scopes string
}

// Permissions are the principal's key's permissions, as ParsePermissions spells them.
func (p *Principal) Permissions() string {
	switch {
	case p.CanRead && p.CanWrite:
		return "read,write"
	case p.CanWrite:
		return "write"
	}
	return "read"
}

// KeyRequest is what api_keys create asks for, parsed: each field's zero value means "not given".
type KeyRequest struct {
	Name        string
	Permissions string     // as given; "": the creating key's
	ExpiresAt   *time.Time // nil: the creating key's expiry, or never
	// AllowedIPs (ParseAllowlist) and Scopes (ParseScopes, whose mode order ScopeModes is): nil,
	// the creating key's own.
	AllowedIPs Allowlist
	Scopes     Scopes
	ScopeModes []string
}

// Grant checks what a key made by p's key may be, and returns it: permissions no more than p's
// (by default p's own), an expiry no later than p's (by default p's own, or never when p's key
// never expires), an allowlist within p's and scopes within p's (by default p's own, or none). A
// key cannot mint one stronger than itself.
func (p *Principal) Grant(req KeyRequest) (NewKey, error) {
	out := NewKey{Name: req.Name, Permissions: p.Permissions(), ExpiresAt: req.ExpiresAt, Via: "api",
		AllowedIPs: p.allowedIPs, Scopes: p.scopes}
	if strings.TrimSpace(req.Permissions) != "" {
		want, err := ParsePermissions(req.Permissions)
		if err != nil {
			return NewKey{}, err
		}
		if strings.Contains(want, "read") && !p.CanRead || strings.Contains(want, "write") && !p.CanWrite {
			return NewKey{}, wire.Errorf(wire.EFORBIDDEN, "An API key may only create keys with its own permissions or fewer: this key has %s", p.Permissions())
		}
		out.Permissions = want
	}
	if !p.ExpiresAt.IsZero() {
		if out.ExpiresAt == nil {
			own := p.ExpiresAt
			out.ExpiresAt = &own
		} else if out.ExpiresAt.After(p.ExpiresAt) {
			return NewKey{}, wire.Errorf(wire.EFORBIDDEN, "An API key that expires may only create keys that expire no later: this key expires at %s UTC",
				p.ExpiresAt.UTC().Format(wire.DateTimeLayout))
		}
	}
	if req.AllowedIPs != nil {
		if !p.AllowedIPs.covers(req.AllowedIPs) {
			return NewKey{}, wire.Errorf(wire.EFORBIDDEN, "An API key with an IP allowlist may only create keys whose allowlist is within its own: this key allows %s", p.allowedIPs)
		}
		out.AllowedIPs = req.AllowedIPs.String()
	}
	if req.Scopes != nil {
		if !p.Scopes.covers(req.Scopes) {
			return NewKey{}, wire.Errorf(wire.EFORBIDDEN, "An API key with scopes may only create keys within its own scopes: this key has %s", p.scopes)
		}
		out.Scopes = req.Scopes.String(req.ScopeModes)
	}
	return out, nil
}

// AllowsIP reports whether the key may be used from ip (the client-IP rule's address).
func (p *Principal) AllowsIP(ip string) bool { return p.AllowedIPs.Allows(ip) }

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
		AllowedIPs  *string
		Scopes      *string
	}
	err := s.db.WithContext(ctx).Table("api_keys AS k").
		Select("k.id AS key_id, k.user_id, u.plan_id, k.permissions, k.expires_at, u.suspended, k.allowed_ips, k.scopes").
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
	if row.AllowedIPs != nil && *row.AllowedIPs != "" {
		p.allowedIPs, p.AllowedIPs = *row.AllowedIPs, parseStoredAllowlist(*row.AllowedIPs)
	}
	if row.Scopes != nil && *row.Scopes != "" {
		p.scopes, p.Scopes = *row.Scopes, parseStoredScopes(*row.Scopes)
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

// migrateKeySources is migration 20: api_keys.source. Keys that logins made before it are found in
// the activity log (api_key_created, via login or autologin); every other key is "api". Safe to
// run again: the column is added once, and the update only moves keys that are still "api".
func migrateKeySources(s migrationStep) error {
	if !s.db.Migrator().HasColumn(&APIKey{}, "source") {
		if err := s.exec("ALTER TABLE api_keys ADD COLUMN source VARCHAR(16) NOT NULL DEFAULT 'api'"); err != nil {
			return err
		}
	}
	return s.exec(`UPDATE api_keys SET source = 'login' WHERE source = 'api' AND id IN (
		SELECT resource_id FROM activity_logs WHERE action = 'api_key_created' AND resource_type = 'api_key'
		AND (details LIKE '%"via":"login"%' OR details LIKE '%"via":"autologin"%'))`)
}

// migrateKeyRestrictions is migration 6: api_keys.allowed_ips and api_keys.scopes, nullable (every
// existing key stays unrestricted). Safe to run again: each column is added once.
func migrateKeyRestrictions(s migrationStep) error {
	for _, col := range []struct{ name, ddl string }{
		{"allowed_ips", "ALTER TABLE api_keys ADD COLUMN allowed_ips VARCHAR(1000) NULL"},
		{"scopes", "ALTER TABLE api_keys ADD COLUMN scopes VARCHAR(255) NULL"},
	} {
		if s.db.Migrator().HasColumn(&APIKey{}, col.name) {
			continue
		}
		if err := s.exec(col.ddl); err != nil {
			return err
		}
	}
	return nil
}
