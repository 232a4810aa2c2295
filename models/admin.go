package models

import (
	"context"
	"strings"

	"gorm.io/gorm"

	"sharepanel/wire"
)

// Admin is an administrator of the admin API. TokenVersion is part of every token issued to the
// admin; changing the password bumps it, so tokens issued before stop working.
type Admin struct {
	ID           int64         `gorm:"primaryKey" json:"id"`
	Username     string        `gorm:"size:64;uniqueIndex;not null" json:"username"` // binary collation on MySQL
	PasswordHash string        `gorm:"size:255;not null" json:"-"`
	TokenVersion int           `gorm:"not null;default:1" json:"-"`
	CreatedAt    wire.DateTime `gorm:"not null" json:"created_at"`
	UpdatedAt    wire.DateTime `gorm:"not null" json:"-"`
}

// normalizeAdminName lowercases and checks an administrator's username (same rule as accounts).
func normalizeAdminName(username string) (string, error) {
	username = strings.ToLower(strings.TrimSpace(username))
	if !usernamePattern.MatchString(username) {
		return "", wire.Errorf(wire.EINVALID, "Invalid username: use 2-32 lowercase letters, digits, '.', '_' or '-'")
	}
	return username, nil
}

// CreateAdmin adds an administrator. A taken username is ECONFLICT.
func (s *Store) CreateAdmin(ctx context.Context, username, password string) (*Admin, error) {
	username, err := normalizeAdminName(username)
	if err != nil {
		return nil, err
	}
	if err := ValidatePassword(password); err != nil {
		return nil, err
	}
	hash, err := s.HashPassword(password)
	if err != nil {
		return nil, err
	}
	a := &Admin{Username: username, PasswordHash: hash, TokenVersion: 1}
	if err := s.db.WithContext(ctx).Create(a).Error; err != nil {
		if isDuplicate(err) {
			return nil, wire.Errorf(wire.ECONFLICT, "Administrator %s already exists", username)
		}
		return nil, err
	}
	return a, nil
}

// ListAdmins returns every administrator, oldest first.
func (s *Store) ListAdmins(ctx context.Context) ([]Admin, error) {
	var out []Admin
	err := s.db.WithContext(ctx).Order("id").Find(&out).Error
	return out, err
}

// DeleteAdmin removes an administrator; its tokens stop working on their next request.
func (s *Store) DeleteAdmin(ctx context.Context, username string) error {
	res := s.db.WithContext(ctx).Where("username = ?", strings.ToLower(strings.TrimSpace(username))).Delete(&Admin{})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return wire.Errorf(wire.ENOTFOUND, "Administrator not found")
	}
	return nil
}

// SetAdminPassword changes an administrator's password and revokes the tokens issued before.
func (s *Store) SetAdminPassword(ctx context.Context, username, password string) error {
	if err := ValidatePassword(password); err != nil {
		return err
	}
	hash, err := s.HashPassword(password)
	if err != nil {
		return err
	}
	res := s.db.WithContext(ctx).Model(&Admin{}).Where("username = ?", strings.ToLower(strings.TrimSpace(username))).
		Updates(map[string]any{"password_hash": hash, "token_version": gorm.Expr("token_version + 1"), "updated_at": wire.Now()})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return wire.Errorf(wire.ENOTFOUND, "Administrator not found")
	}
	return nil
}

// AuthenticateAdmin checks an administrator's username and password. The username is compared as
// IdentityKey makes it, exactly (administrators' names are ASCII, so their key is the name itself).
// A wrong username and a wrong password are the same EUNAUTHORIZED, and cost the same time.
func (s *Store) AuthenticateAdmin(ctx context.Context, username, password string) (*Admin, error) {
	key, err := IdentityKey("username", username)
	if err != nil {
		return nil, err
	}
	var a Admin
	if !usernamePattern.MatchString(key) {
		err = gorm.ErrRecordNotFound // no administrator has such a name
	} else {
		err = s.db.WithContext(ctx).Where("username = ?", key).First(&a).Error
	}
	if err != nil {
		passwordMatches(string(dummyHash), password)
		return nil, notFoundAs(err, wire.EUNAUTHORIZED, "Invalid username or password")
	}
	if !passwordMatches(a.PasswordHash, password) {
		return nil, wire.Errorf(wire.EUNAUTHORIZED, "Invalid username or password")
	}
	return &a, nil
}

// AdminByID returns an administrator, or ENOTFOUND when it was deleted.
func (s *Store) AdminByID(ctx context.Context, id int64) (*Admin, error) {
	var a Admin
	if err := s.db.WithContext(ctx).First(&a, id).Error; err != nil {
		return nil, notFound(err, "Administrator not found")
	}
	return &a, nil
}
