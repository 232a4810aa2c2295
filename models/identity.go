package models

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
	"gorm.io/gorm"

	"sharepanel/wire"
)

// Identities (emails, administrators' usernames) are compared as IdentityKey makes them, exactly,
// on both databases: users.email_key holds each account's, under a unique index with a binary
// collation, and the login limits count failures under it. So every spelling that reaches an
// account (case, width, compatibility forms such as ſ or ﬁ) is that account's identity and spends
// its budget of failed logins, and every other spelling reaches no account: MariaDB's
// utf8mb4_unicode_ci, which matched dáve@ to dave@ while the limits counted them apart, no longer
// decides.

// maxIdentity is the longest identity key an account may have (an email is at most 255 bytes; its
// normal form may be longer, email_key holds 320).
const maxIdentity = 255

// IdentityKey returns s as logins compare it: trimmed, NFKC-normalised, case-folded (full Unicode
// folding: ß and ss, K and k, ſ and s are one) and normalised again. Text with control characters,
// format characters (zero-width spaces and joiners, bidirectional marks, soft hyphens), variation
// selectors or other invisible code points is refused: a name that looks like another must not be
// another. field names s in the message.
func IdentityKey(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) {
		return "", errInvisible(field)
	}
	for _, r := range s {
		if unicode.In(r, unicode.Cc, unicode.Cf, unicode.Co, unicode.Cs, unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point) ||
			r == utf8.RuneError {
			return "", errInvisible(field)
		}
	}
	return norm.NFKC.String(cases.Fold().String(norm.NFKC.String(s))), nil
}

func errInvisible(field string) error {
	return wire.Errorf(wire.EINVALID, "%s must not contain control or invisible characters", field)
}

// emailKey is an account's email_key: IdentityKey of a valid email, at most maxIdentity long.
func emailKey(email string) (string, error) {
	k, err := IdentityKey("email", email)
	if err != nil {
		return "", err
	}
	if len(k) > maxIdentity {
		return "", wire.Errorf(wire.EINVALID, "Invalid email address")
	}
	return k, nil
}

// keyless is the condition, in an account query, of an account that has no key yet but whose email
// is key: one that a replica of the previous version made during a rolling upgrade (migration 2),
// which stored emails lower-cased, so that an ASCII email is its own key.
func keyless(key string) (string, []any) {
	return "email_key IS NULL AND email = ?", []any{key}
}

// BeforeCreate fills an account's email_key from its email when the code that made the row did not
// (bulk inserts, seeds).
func (u *User) BeforeCreate(*gorm.DB) error {
	if u.EmailKey != "" {
		return nil
	}
	k, err := emailKey(u.Email)
	u.EmailKey = k
	return err
}

// migrateIdentities is migration 2: users.email_key, filled for every account and unique; and on
// MySQL, the binary collation for emails and usernames of accounts and administrators, so that
// every comparison of an identity is exact. Safe to run again after failing halfway: each change
// is checked before it is made, and the keys are computed again from the emails, in the same order.
//
// Accounts whose emails have one key (possible on SQLite, where emails were compared byte for byte:
// "straße@x" and "strasse@x"; MariaDB's unique index already refused such pairs) all keep their
// rows: the oldest keeps the key, each later one gets "<key> #<id>", which no login can spell (an
// email has no space), so it logs in with its API keys only until an administrator changes its
// email. An email that has no key (invisible characters) gets "<email> #<id>" alike.
func migrateIdentities(s migrationStep) error {
	if s.mysql {
		for _, stmt := range []string{
			"ALTER TABLE users MODIFY username VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, " +
				"MODIFY email VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL",
			"ALTER TABLE admins MODIFY username VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL",
		} {
			if err := s.exec(stmt); err != nil {
				return err
			}
		}
	}
	m := s.db.Migrator()
	if !m.HasColumn(&User{}, "email_key") {
		// Nullable: a replica of the previous version, still running during a rolling upgrade,
		// inserts accounts without a key (NULL, which the unique index allows any number of);
		// Authenticate gives them theirs.
		ddl := "ALTER TABLE users ADD COLUMN email_key VARCHAR(320)"
		if s.mysql {
			ddl = "ALTER TABLE users ADD COLUMN email_key VARCHAR(320) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL AFTER email"
		}
		if err := s.exec(ddl); err != nil {
			return err
		}
	}
	var rows []struct {
		ID       int64
		Email    string
		EmailKey *string
	}
	if err := s.db.Table("users").Select("id, email, email_key").Order("id").Scan(&rows).Error; err != nil {
		return err
	}
	// Most emails are their own key (lower-case ASCII): one statement fills those; the others, and
	// the collisions, are written one by one. No unique index yet, so no order matters.
	if err := s.exec("UPDATE users SET email_key = email WHERE email_key IS NULL"); err != nil {
		return err
	}
	owner := make(map[string]int64, len(rows))
	for _, r := range rows {
		k, err := emailKey(r.Email)
		if err != nil {
			k = strings.ToLower(strings.TrimSpace(r.Email))
		}
		if _, taken := owner[k]; taken || err != nil {
			k = fmt.Sprintf("%s #%d", k, r.ID)
		}
		owner[k] = r.ID
		current := r.Email // as the statement above made it, when it had none
		if r.EmailKey != nil {
			current = *r.EmailKey
		}
		if k != current {
			if err := s.exec("UPDATE users SET email_key = ? WHERE id = ?", k, r.ID); err != nil {
				return err
			}
		}
	}
	if !m.HasIndex(&User{}, "idx_users_email_key") {
		return s.exec("CREATE UNIQUE INDEX idx_users_email_key ON users (email_key)")
	}
	return nil
}
