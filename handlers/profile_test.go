package handlers_test

import (
	"net/http"
	"testing"

	"sharepanel/internal/testenv"
)

// Profile view has every field of the reference with its JSON type, the plan's limits and the
// account's own values.
func TestProfileView(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("pro")
	env.Post(map[string]any{"mode": "profile", "action": "update", "api_key": acct.Key, "bio": "Hello", "first_name": "Ada",
		"last_name": "Lovelace", "phone": "+44 1", "address": "London", "pfp": "https://example.com/a.png"}).
		Expect(t, http.StatusOK, "Profile updated successfully")
	res := env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": acct.Key})
	res.Expect(t, http.StatusOK, "Profile retrieved successfully")
	d := res.DataMap(t)
	testenv.ExpectShape(t, d, map[string]string{"id": "integer", "username": "string", "email": "string", "bio": "string",
		"pfp": "string", "plan": "string", "org_limit": "integer", "instance_limit": "integer", "verified": "flag",
		"balance": "number", "created_at": "datetime", "filelimit": "integer", "storagelimit": "integer",
		"first_name": "string", "last_name": "string", "phone": "string", "address": "string"})
	want := map[string]any{"id": float64(acct.User.ID), "username": acct.User.Username, "email": acct.User.Email,
		"bio": "Hello", "pfp": "https://example.com/a.png", "plan": "pro", "org_limit": float64(10), "instance_limit": float64(25),
		"verified": float64(0), "balance": float64(0), "filelimit": float64(20000), "storagelimit": float64(2000),
		"first_name": "Ada", "last_name": "Lovelace", "phone": "+44 1", "address": "London"}
	for k, v := range want {
		if d[k] != v {
			t.Errorf("%s = %#v, want %#v", k, d[k], v)
		}
	}
}

// Sending the same profile update again is a success, not "User not found": MySQL counts the rows
// an UPDATE changed, and a repeat within the same second (updated_at included) changes none. A
// client that retries an update it got no answer to sends exactly that.
func TestProfileUpdateRepeated(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("pro")
	for range 5 { // five in a row: some surely within one second
		env.Post(map[string]any{"mode": "profile", "action": "update", "api_key": acct.Key, "bio": "Same again"}).
			Expect(t, http.StatusOK, "Profile updated successfully")
	}
}
