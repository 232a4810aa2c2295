package models

import (
	"context"
	"errors"
	"net/mail"
	"regexp"
	"strings"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"sharepanel/wire"
)

// User is an account of the user API.
type User struct {
	ID       int64  `gorm:"primaryKey"`
	Username string `gorm:"size:64;uniqueIndex;not null"`  // binary collation on MySQL
	Email    string `gorm:"size:255;uniqueIndex;not null"` // as given, lower-cased; binary collation on MySQL
	// EmailKey is the email as logins compare it (IdentityKey), unique: the account's identity.
	// NULL only for an account made by a previous version's replica during a rolling upgrade.
	EmailKey     string        `gorm:"size:320;uniqueIndex"`
	PasswordHash string        `gorm:"size:255;not null"`
	Bio          string        `gorm:"type:text"`
	Pfp          string        `gorm:"size:1024;not null;default:''"`
	PlanID       int64         `gorm:"not null;index"`
	Plan         Plan          `gorm:"constraint:OnDelete:RESTRICT"`
	Verified     wire.Flag     `gorm:"not null;default:false"`
	Balance      wire.Money    `gorm:"type:decimal(12,2);not null;default:0"`
	FirstName    string        `gorm:"size:100;not null;default:''"`
	LastName     string        `gorm:"size:100;not null;default:''"`
	Phone        string        `gorm:"size:32;not null;default:''"`
	Address      string        `gorm:"size:255;not null;default:''"`
	Suspended    bool          `gorm:"not null;default:false"`
	CreatedAt    wire.DateTime `gorm:"not null"`
	UpdatedAt    wire.DateTime `gorm:"not null"`
}

// HashPassword returns a bcrypt hash of password at the store's PasswordCost.
func (s *Store) HashPassword(password string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(password), s.PasswordCost)
	return string(h), err
}

// passwordMatches checks password against a bcrypt hash, including the $2y$ hashes a PHP panel writes.
func passwordMatches(hash, password string) bool {
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
}

// dummyHash is compared against when the email is unknown, so that a wrong email costs as long as a
// wrong password and response times do not tell which accounts exist. A bcrypt hash (cost 10) of a
// throwaway string, written out so that no hashing runs at start-up.
const dummyHash = "$2a$10$JTrgw3fRYqXZgn981FbhGuE8CC/tfCUsgi9XQFT3lq9o4TCV/yReK"

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{1,31}$`)

// NewAccount is what creating an account takes.
type NewAccount struct {
	Email    string
	Username string // derived from the email when empty
	Password string
	PlanName string
	// PasswordHash, when set, is a bcrypt hash to store instead of hashing Password (imports, and
	// tests that need many accounts fast); Password is then not checked.
	PasswordHash string
}

// ValidateEmail returns a clear error for an address that is not one, or that holds control or
// invisible characters (IdentityKey).
func ValidateEmail(email string) error {
	if _, err := IdentityKey("email", email); err != nil {
		return err
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || !strings.Contains(email[strings.LastIndex(email, "@")+1:], ".") || len(email) > 255 {
		return wire.Errorf(wire.EINVALID, "Invalid email address")
	}
	if _, err := emailKey(email); err != nil {
		return err
	}
	return nil
}

// ValidatePassword enforces the minimum an account password must meet.
func ValidatePassword(password string) error {
	if len(password) < 8 {
		return wire.Errorf(wire.EINVALID, "Password must be at least 8 characters")
	}
	if len(password) > 72 {
		return wire.Errorf(wire.EINVALID, "Password must be at most 72 characters")
	}
	return nil
}

// UsernameFromEmail derives a username from the local part of an email address.
func UsernameFromEmail(email string) string {
	local, _, _ := strings.Cut(strings.ToLower(email), "@")
	var b strings.Builder
	for _, r := range local {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '.' || r == '-' {
			b.WriteRune(r)
		}
	}
	name := strings.Trim(b.String(), "._-")
	if len(name) > 32 {
		name = name[:32]
	}
	for len(name) < 2 {
		name += "0"
	}
	return name
}

// CreateAccount creates an account, on the default_plan setting's plan when in names none. A taken
// email or username is ECONFLICT, an unknown plan EINVALID.
func (s *Store) CreateAccount(ctx context.Context, in NewAccount) (*User, error) {
	if strings.TrimSpace(in.PlanName) == "" {
		plan, err := s.Setting(ctx, SettingDefaultPlan, defaultPlanName)
		if err != nil {
			return nil, err
		}
		in.PlanName = plan
	}
	in.Email = strings.TrimSpace(strings.ToLower(in.Email))
	if err := ValidateEmail(in.Email); err != nil {
		return nil, err
	}
	if in.Username == "" {
		in.Username = UsernameFromEmail(in.Email)
	}
	in.Username = strings.ToLower(strings.TrimSpace(in.Username))
	if !usernamePattern.MatchString(in.Username) {
		return nil, wire.Errorf(wire.EINVALID, "Invalid username: use 2-32 lowercase letters, digits, '.', '_' or '-'")
	}
	hash := in.PasswordHash
	if hash == "" {
		if err := ValidatePassword(in.Password); err != nil {
			return nil, err
		}
		var err error
		if hash, err = s.HashPassword(in.Password); err != nil {
			return nil, err
		}
	}
	key, err := emailKey(in.Email)
	if err != nil {
		return nil, err
	}
	u := &User{Email: in.Email, EmailKey: key, Username: in.Username, PasswordHash: hash}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		var plan Plan
		if err := tx.Where("name = ?", strings.ToLower(in.PlanName)).First(&plan).Error; err != nil {
			return notFoundAs(err, wire.EINVALID, "Unknown plan: "+in.PlanName)
		}
		u.PlanID = plan.ID
		var taken int64
		cond, args := keyless(u.EmailKey)
		if err := tx.Model(&User{}).Where("email_key = ? OR username = ? OR ("+cond+")", append([]any{u.EmailKey, u.Username}, args...)...).
			Count(&taken).Error; err != nil {
			return err
		}
		if taken > 0 {
			return wire.Errorf(wire.ECONFLICT, "A user with that email or username already exists")
		}
		if err := tx.Create(u).Error; err != nil {
			if isDuplicate(err) {
				return wire.Errorf(wire.ECONFLICT, "A user with that email or username already exists")
			}
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// notFoundAs maps gorm's not-found error to an *Error with the given code.
func notFoundAs(err error, code, message string) error {
	if err = notFound(err, message); wire.ErrorCode(err) == wire.ENOTFOUND {
		return wire.Errorf(code, "%s", message)
	}
	return err
}

// Authenticate checks an email and password. The email is compared as IdentityKey makes it, exactly.
// Both a wrong email and a wrong password are "Invalid email or password"; a suspended account is
// "Account suspended" (only after the password matched, so suspension does not reveal that an email
// exists).
func (s *Store) Authenticate(ctx context.Context, email, password string) (*User, error) {
	key, err := IdentityKey("email", email)
	if err != nil {
		return nil, err
	}
	var u User
	err = s.db.WithContext(ctx).Where("email_key = ?", key).First(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		err = s.adoptKeyless(ctx, key, &u)
	}
	if err != nil {
		passwordMatches(dummyHash, password)
		return nil, notFoundAs(err, wire.EUNAUTHORIZED, "Invalid email or password")
	}
	if !passwordMatches(u.PasswordHash, password) {
		return nil, wire.Errorf(wire.EUNAUTHORIZED, "Invalid email or password")
	}
	if u.Suspended {
		return nil, wire.Errorf(wire.EFORBIDDEN, "Account suspended")
	}
	return &u, nil
}

// AccountByID returns the account with its plan.
func (s *Store) AccountByID(ctx context.Context, id int64) (*User, error) {
	var u User
	err := s.db.WithContext(ctx).Preload("Plan").First(&u, id).Error
	if err != nil {
		return nil, notFound(err, "User not found")
	}
	return &u, nil
}

// adoptKeyless finds the account that a previous version's replica made without a key during a
// rolling upgrade, whose email is key, and gives it its key (once: a concurrent login may have).
func (s *Store) adoptKeyless(ctx context.Context, key string, u *User) error {
	cond, args := keyless(key)
	if err := s.db.WithContext(ctx).Where(cond, args...).First(u).Error; err != nil {
		return err
	}
	err := s.db.WithContext(ctx).Model(&User{}).Where("id = ? AND email_key IS NULL", u.ID).Update("email_key", key).Error
	if isDuplicate(err) {
		return gorm.ErrRecordNotFound // the key belongs to another account: this one is not it
	}
	return err
}
