package models_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"sharepanel/internal/testenv"
	"sharepanel/models"
)

// The data checks of migrations 2 (users.email_key) and 20 (api_keys.source), beside
// TestUpgradeKeepsEveryRow: a v1 database, with rows added as v1's code made them, is migrated;
// every row is kept, each account gets its identity key, colliding identities keep their rows, and
// the keys that logins made become login keys.
func TestUpgradeFillsIdentitiesAndKeySources(t *testing.T) {
	ctx := context.Background()
	s, f := loadFixture(t, 1)
	db := s.DB()
	hash := func(pw string) string {
		h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		return string(h)
	}
	type account struct {
		id             int64
		email, pw, key string
	}
	accounts := []account{
		{101, "zoë@fixture.example", "zoe-password-1", "zoë@fixture.example"},
		{102, "strasse@fixture.example", "strasse-password-1", "strasse@fixture.example"},
	}
	if !testenv.IsMySQL() {
		// SQLite compared emails byte for byte, so v1 could hold identities that are one now;
		// MariaDB's unique index (utf8mb4_unicode_ci) refused them.
		accounts = append(accounts,
			account{103, "straße@fixture.example", "strasse-password-2", "strasse@fixture.example #103"},
			account{104, "zoe\u0308@fixture.example", "zoe-password-2", "zoë@fixture.example #104"})
	}
	now := time.Now().UTC().Format("2006-01-02 15:04:05")
	for _, a := range accounts {
		err := db.Exec(`INSERT INTO users (id, username, email, password_hash, bio, pfp, plan_id, verified, balance, first_name,
			last_name, phone, address, suspended, created_at, updated_at) VALUES (?, ?, ?, ?, '', '', 1, 0, 0, '', '', '', '', 0, ?, ?)`,
			a.id, fmt.Sprintf("upgrade-%d", a.id), a.email, hash(a.pw), now, now).Error
		if err != nil {
			t.Fatalf("insert %s: %v", a.email, err)
		}
	}
	// A key that mode=auth made under v1, recorded as such in the activity log.
	if err := db.Exec(`INSERT INTO api_keys (id, user_id, name, key_hash, key_prefix, permissions, is_active, created_at)
		VALUES (50, 101, 'API Key for upgrade-101', ?, 'sp_login00', 'read,write', 1, ?)`, models.HashKey(v1LoginKey), now).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Exec(`INSERT INTO activity_logs (user_id, action, resource_type, resource_id, details, ip_address, created_at)
		VALUES (101, 'api_key_created', 'api_key', 50, '{"key_name":"API Key for upgrade-101","permissions":"read,write","via":"login"}', '203.0.113.10', ?)`, now).Error; err != nil {
		t.Fatal(err)
	}
	var usersBefore int64
	db.Table("users").Count(&usersBefore)

	if _, err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	var usersAfter int64
	db.Table("users").Count(&usersAfter)
	if usersAfter != usersBefore {
		t.Fatalf("%d accounts after the upgrade, %d before", usersAfter, usersBefore)
	}
	keyOf := func(id int64) string {
		var k string
		if err := db.Raw("SELECT email_key FROM users WHERE id = ?", id).Scan(&k).Error; err != nil {
			t.Fatal(err)
		}
		return k
	}
	if got := keyOf(1); got != f.Expect.DemoEmail {
		t.Errorf("demo's email_key %q", got)
	}
	for _, a := range accounts {
		if got := keyOf(a.id); got != a.key {
			t.Errorf("%s: email_key %q, want %q", a.email, got, a.key)
		}
	}
	var source string
	db.Raw("SELECT source FROM api_keys WHERE id = 50").Scan(&source)
	var apiSources int64
	db.Raw("SELECT COUNT(*) FROM api_keys WHERE source = 'api'").Scan(&apiSources)
	if source != "login" || apiSources != 3 {
		t.Errorf("key 50's source %q, %d api keys (want login, and the fixture's 3)", source, apiSources)
	}

	env := testenv.New(t, testenv.Options{Store: s})
	login := func(email, pw string) int {
		return env.Get(map[string]string{"mode": "auth", "email": email, "password": pw}).Code
	}
	// Every spelling of an identity is that identity; the account that lost its key to an older
	// one logs in no more by email, and its row and keys are kept.
	for email, pw := range map[string]string{"ZOË@fixture.example": "zoe-password-1", "ｓtrasse@fixture.example": "strasse-password-1"} {
		if code := login(email, pw); code != http.StatusOK {
			t.Errorf("login %s: %d", email, code)
		}
	}
	if !testenv.IsMySQL() {
		if code := login("straße@fixture.example", "strasse-password-2"); code != http.StatusUnauthorized {
			t.Errorf("the later of two colliding accounts logs in by email: %d", code)
		}
	}
	// The v1 login key is one of the account's 10 login keys (with the one made just above): the
	// 11th revokes it, the oldest.
	for range models.MaxLoginKeys - 2 {
		login("zoë@fixture.example", "zoe-password-1")
	}
	view := func() int {
		return env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": v1LoginKey}).Code
	}
	if code := view(); code != http.StatusOK {
		t.Fatalf("v1 login key with 10 login keys: %d", code)
	}
	login("zoë@fixture.example", "zoe-password-1")
	if code := view(); code != http.StatusUnauthorized {
		t.Fatalf("v1 login key after an 11th login key: %d, want revoked", code)
	}
}

// During a rolling upgrade a replica of the previous version keeps making accounts after migration
// 2: without an email_key (NULL, which the unique index allows). They log in on the new version,
// which gives them their key then, and their email stays taken.
func TestAccountsMadeByThePreviousVersionDuringAnUpgrade(t *testing.T) {
	ctx := context.Background()
	s := testenv.NewStore(t)
	now := time.Now().UTC().Format("2006-01-02 15:04:05")
	h, _ := bcrypt.GenerateFromPassword([]byte("old-replica-1"), bcrypt.MinCost)
	for i, email := range []string{"old1@example.com", "old2@example.com"} { // two: NULL keys do not collide
		err := s.DB().Exec(`INSERT INTO users (username, email, password_hash, bio, pfp, plan_id, verified, balance, first_name,
			last_name, phone, address, suspended, created_at, updated_at) VALUES (?, ?, ?, '', '', 1, 0, 0, '', '', '', '', 0, ?, ?)`,
			fmt.Sprintf("old%d", i+1), email, string(h), now, now).Error
		if err != nil {
			t.Fatalf("insert as the previous version did: %v", err)
		}
	}
	if _, err := s.CreateAccount(ctx, models.NewAccount{Email: "OLD2@example.com", Password: "new-replica-1", PlanName: "free"}); err == nil {
		t.Fatal("an email taken by a keyless account was given again")
	}
	env := testenv.New(t, testenv.Options{Store: s})
	env.Get(map[string]string{"mode": "auth", "email": "Old1@Example.com", "password": "old-replica-1"}).Expect(t, http.StatusOK, "Authentication successful")
	var key string
	s.DB().Raw("SELECT email_key FROM users WHERE username = 'old1'").Scan(&key)
	if key != "old1@example.com" {
		t.Fatalf("email_key after the first login %q", key)
	}
	env.Get(map[string]string{"mode": "auth", "email": "old1@example.com", "password": "old-replica-1"}).Expect(t, http.StatusOK, "Authentication successful")
}

// v1LoginKey has the shape keys had before checksums: "sp_" and 43 base64url characters.
const v1LoginKey = "sp_v1-login-key-000000000000000000000000000000"
