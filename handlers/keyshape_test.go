package handlers_test

import (
	"crypto/rand"
	"encoding/base64"
	"hash/crc32"
	"math/big"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"sharepanel/internal/testenv"
	"sharepanel/models"
	"sharepanel/wire"
)

// newShape is a key as issued now: "sp_", 43 base62 characters, a 6-character base62 CRC-32.
var newShape = regexp.MustCompile(`^sp_[0-9a-zA-Z]{49}$`)

// checksum is the key format's checksum, computed here independently of models.
func checksum(body string) string {
	s := new(big.Int).SetUint64(uint64(crc32.ChecksumIEEE([]byte(body)))).Text(62)
	return strings.Repeat("0", 6-len(s)) + s
}

// randomBase62 is n random base62 characters.
func randomBase62(t *testing.T, n int) string {
	const alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// Keys issued now carry a checksum: mode=auth and api_keys create both make one, and it works.
func TestNewKeysCarryAChecksum(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("basic")
	res := env.Get(map[string]string{"mode": "auth", "email": acct.User.Email, "password": acct.Password})
	res.Expect(t, http.StatusOK, "Authentication successful")
	for _, key := range []string{acct.Key, res.DataMap(t)["api_key"].(string)} {
		if !newShape.MatchString(key) || key[46:] != checksum(key[:46]) {
			t.Fatalf("key %q: not sp_ + 43 base62 + their CRC-32 in base62", key)
		}
		env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": key}).Expect(t, http.StatusOK, "Profile retrieved successfully")
	}
}

// A forged key of today's shape (a random body, or a real key with one character changed) is
// refused without a single database query; one of the shape issued before checksums costs one
// lookup, and a key of that shape that was really issued still works.
func TestForgedKeysCostNoLookup(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("basic")
	sqlLog := testenv.LogSQL(t, env.Store)

	typo := []byte(acct.Key)
	typo[10] = map[bool]byte{true: 'b', false: 'a'}[typo[10] == 'a']
	body := "sp_" + randomBase62(t, 43)
	forged := map[string]string{
		"random body, random checksum": body + randomBase62(t, 6),
		"random body, wrong checksum":  body + checksum(body+"x"),
		"a real key with a typo":       string(typo),
		"too short":                    acct.Key[:51],
		"too long":                     acct.Key + "0",
		"not base62":                   acct.Key[:20] + "-" + acct.Key[21:],
	}
	for name, key := range forged {
		sqlLog.Reset()
		for _, header := range []http.Header{{"X-Api-Key": {key}}, {"Authorization": {"Bearer " + key}}} {
			res := env.Do(http.MethodGet, "/api?mode=profile&action=view", nil, header)
			res.Expect(t, http.StatusUnauthorized, "Invalid or expired API key")
		}
		if reads := sqlLog.Reads(); len(reads) != 0 {
			t.Errorf("%s: %d queries for a forged key: %v", name, len(reads), reads)
		}
	}

	// The shape of keys issued before checksums: "sp_" + 32 bytes in base64url.
	legacyKey := func() string {
		raw := make([]byte, 32)
		if _, err := rand.Read(raw); err != nil {
			t.Fatal(err)
		}
		return "sp_" + base64.RawURLEncoding.EncodeToString(raw)
	}
	sqlLog.Reset()
	env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": legacyKey()}).Expect(t, http.StatusUnauthorized, "Invalid or expired API key")
	if n := sqlLog.ReadsMentioning("api_keys"); n != 1 {
		t.Fatalf("an unknown key of the old shape cost %d lookups, want 1", n)
	}

	// Issued before checksums (stored as its hash, like every key): it still authenticates.
	legacy := legacyKey()
	key := &models.APIKey{UserID: acct.User.ID, Name: "old", KeyHash: models.HashKey(legacy), KeyPrefix: legacy[:10],
		Permissions: "read,write", IsActive: true, CreatedAt: wire.Now()}
	if err := env.Store.DB().Create(key).Error; err != nil {
		t.Fatal(err)
	}
	env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": legacy}).Expect(t, http.StatusOK, "Profile retrieved successfully")
}
