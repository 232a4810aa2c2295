package handlers_test

import (
	"net/http"
	"testing"

	"sharepanel/internal/testenv"
)

func TestProfileView(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("pro")
	res := env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": acct.Key})
	res.Expect(t, http.StatusOK, "Profile retrieved successfully")
	d := res.DataMap(t)
	if d["plan"] != "pro" || d["org_limit"] != float64(10) || d["email"] != acct.User.Email {
		t.Fatalf("profile data %v", d)
	}
}
