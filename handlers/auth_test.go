package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"sharepanel/internal/testenv"
	"sharepanel/models"
)

func TestAuthIssuesAWorkingKey(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("basic")
	// The reference's GET form, with the email in any case.
	res := env.Get(map[string]string{"mode": "auth", "email": strings.ToUpper(acct.User.Email), "password": acct.Password})
	res.Expect(t, http.StatusOK, "Authentication successful")
	key, _ := res.DataMap(t)["api_key"].(string)
	if !strings.HasPrefix(key, "sp_") || len(key) < 40 {
		t.Fatalf("api_key %q", key)
	}
	env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": key}).Expect(t, 200, "Profile retrieved successfully")

	// POST with a form body and a name; the list shows the name, never the secret.
	form := url.Values{"mode": {"auth"}, "email": {acct.User.Email}, "password": {acct.Password}, "name": {"CI deploy"}}
	env.Do(http.MethodPost, "/api", form, nil).Expect(t, 200, "Authentication successful")
	list := env.Get(map[string]string{"mode": "api_keys", "action": "list", "api_key": key})
	list.Expect(t, 200, "API keys retrieved successfully")
	names := map[string]bool{}
	for _, k := range list.DataList(t) {
		names[k["name"].(string)] = true
	}
	if !names["API Key for "+acct.User.Username] || !names["CI deploy"] {
		t.Fatalf("key names %v", names)
	}
	if strings.Contains(string(list.Body), key) || strings.Contains(string(list.Body), models.HashKey(key)) {
		t.Fatal("key list leaks a secret or its hash")
	}
}

func TestAuthErrors(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("free")
	for _, p := range []map[string]string{
		{"mode": "auth"},
		{"mode": "auth", "email": acct.User.Email},
		{"mode": "auth", "password": "x"},
		{"mode": "auth", "email": " ", "password": "x"},
	} {
		env.Get(p).Expect(t, http.StatusBadRequest, "Email and password are required")
	}
	env.Get(map[string]string{"mode": "auth", "email": acct.User.Email, "password": "wrong-password"}).
		Expect(t, http.StatusUnauthorized, "Invalid email or password")
	env.Get(map[string]string{"mode": "auth", "email": "nobody@example.com", "password": "wrong-password"}).
		Expect(t, http.StatusUnauthorized, "Invalid email or password")
}

func TestAuthAcceptsPHPBcryptHashes(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("free")
	h, err := bcrypt.GenerateFromPassword([]byte("php-made-password"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	phpHash := "$2y$" + string(h[4:]) // PHP's password_hash writes $2y$; the algorithm is the same
	if err := env.Store.DB().Model(&models.User{}).Where("id = ?", acct.User.ID).Update("password_hash", phpHash).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := env.Store.Authenticate(context.Background(), acct.User.Email, "php-made-password"); err != nil {
		t.Fatalf("$2y$ hash refused: %v", err)
	}
}
