package admin_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"sharepanel/models"
	"sharepanel/wire"
)

// The document's user-management flow, each step seen from the user API.
func TestUserLifecycle(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := context.Background()

	// Create: the document's body, answered without the password.
	res := e.as(t, http.MethodPost, "/api/users", map[string]string{"username": "stefan", "password": "s32dsasaq", "email": "stefan@pejcic.rs", "plan_name": "basic"})
	res.expectMessage(t, "Successfully added user stefan")
	if strings.Contains(string(res.Body), "s32dsasaq") {
		t.Fatal("create echoes the password")
	}
	auth := e.Get(map[string]string{"mode": "auth", "email": "stefan@pejcic.rs", "password": "s32dsasaq"})
	auth.Expect(t, 200, "Authentication successful")
	key := auth.DataMap(t)["api_key"].(string)
	p := e.profile(t, key)
	p.Expect(t, 200, "Profile retrieved successfully")
	if d := p.DataMap(t); d["username"] != "stefan" || d["plan"] != "basic" || d["instance_limit"] != float64(5) {
		t.Fatalf("profile %v", d)
	}

	// List: the account with its plan, status, created_at and counts, with their JSON types.
	list := e.as(t, http.MethodGet, "/api/users", nil)
	items := list.items(t)
	if len(items) != 1 || list.Header.Get("X-Total-Count") != "1" {
		t.Fatalf("list %s", list.Body)
	}
	u := items[0]
	want := map[string]any{"username": "stefan", "email": "stefan@pejcic.rs", "plan": "basic", "status": "active",
		"org_count": float64(0), "instance_count": float64(0), "invoice_count": float64(0), "api_key_count": float64(1),
		"balance": float64(0), "verified": float64(0)}
	for k, v := range want {
		if u[k] != v {
			t.Fatalf("%s = %#v, want %#v; %s", k, u[k], v, list.Body)
		}
	}
	if _, isNum := u["id"].(float64); !isNum || len(u["created_at"].(string)) != 19 {
		t.Fatalf("id/created_at types: %s", list.Body)
	}
	e.as(t, http.MethodGet, "/api/users/", nil).items(t) // the trailing-slash form
	if one := e.as(t, http.MethodGet, "/api/users/stefan", nil).object(t); one["username"] != "stefan" {
		t.Fatalf("one account: %v", one)
	}

	// Suspend: every key is refused at once, and so is mode=auth; unsuspend restores both.
	e.as(t, http.MethodPatch, "/api/users/stefan", map[string]string{"action": "suspend"}).expectMessage(t, "User stefan suspended")
	e.profile(t, key).Expect(t, http.StatusForbidden, "Account suspended")
	e.Get(map[string]string{"mode": "auth", "email": "stefan@pejcic.rs", "password": "s32dsasaq"}).Expect(t, http.StatusForbidden, "Account suspended")
	if got := e.as(t, http.MethodGet, "/api/users/stefan", nil).object(t)["status"]; got != "suspended" {
		t.Fatalf("status %v", got)
	}
	e.as(t, http.MethodPatch, "/api/users/stefan", map[string]string{"action": "suspend"}).expectMessage(t, "User stefan suspended") // idempotent
	e.as(t, http.MethodPatch, "/api/users/stefan", map[string]string{"action": "unsuspend"}).expectMessage(t, "User stefan unsuspended")
	e.profile(t, key).Expect(t, 200, "Profile retrieved successfully")

	// Password: the old one stops working, the new one works, keys keep working.
	e.as(t, http.MethodPatch, "/api/users/stefan", map[string]string{"password": "new-password-9"}).expectMessage(t, "Password changed for user stefan")
	e.Get(map[string]string{"mode": "auth", "email": "stefan@pejcic.rs", "password": "s32dsasaq"}).Expect(t, 401, "Invalid email or password")
	e.Get(map[string]string{"mode": "auth", "email": "stefan@pejcic.rs", "password": "new-password-9"}).Expect(t, 200, "Authentication successful")
	e.profile(t, key).Expect(t, 200, "Profile retrieved successfully")

	// Plan: visible in mode=profile on the next request.
	e.as(t, http.MethodPut, "/api/users/stefan", map[string]string{"plan_name": "enterprise"}).expectMessage(t, "Plan of user stefan changed to enterprise")
	if d := e.profile(t, key).DataMap(t); d["plan"] != "enterprise" || d["org_limit"] != float64(100) || d["instance_limit"] != float64(250) {
		t.Fatalf("profile after plan change %v", d)
	}

	// Autologin with CONNECT, exchanged once on the user API for a key named for it.
	al := e.as(t, "CONNECT", "/api/users/stefan", nil).object(t)
	token, _ := al["autologin_token"].(string)
	if token == "" || al["expires_in"] != float64(60) || len(al["expires_at"].(string)) != 19 {
		t.Fatalf("autologin %v", al)
	}
	ex := e.Get(map[string]string{"mode": "auth", "autologin_token": token})
	ex.Expect(t, 200, "Authentication successful")
	alKey := ex.DataMap(t)["api_key"].(string)
	e.profile(t, alKey).Expect(t, 200, "Profile retrieved successfully")
	e.Get(map[string]string{"mode": "auth", "autologin_token": token}).Expect(t, 401, "Invalid or expired autologin token")
	keys := e.Get(map[string]string{"mode": "api_keys", "action": "list", "api_key": key})
	if !strings.Contains(string(keys.Body), `"name":"Autologin key for stefan"`) {
		t.Fatalf("keys %s", keys.Body)
	}
	activity, _, err := e.Store.ListActivity(ctx, e.as(t, http.MethodGet, "/api/users/stefan", nil).accountID(t), wire.Page{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, a := range activity {
		seen[a.Action] = true
	}
	for _, want := range []string{"autologin_token_created", "account_suspended", "account_unsuspended", "password_changed", "plan_changed"} {
		if !seen[want] {
			t.Errorf("activity has no %s: %v", want, seen)
		}
	}
	// The POST form of autologin, for clients that cannot send CONNECT.
	al2 := e.as(t, http.MethodPost, "/api/users/stefan/autologin", nil).object(t)
	e.Get(map[string]string{"mode": "auth", "autologin_token": al2["autologin_token"].(string)}).Expect(t, 200, "Authentication successful")

	// Delete: every key is dead at once, and the account is gone from the list.
	e.as(t, http.MethodDelete, "/api/users/stefan", nil).expectMessage(t, "User stefan deleted")
	for _, k := range []string{key, alKey} {
		e.profile(t, k).Expect(t, http.StatusUnauthorized, "Invalid or expired API key")
	}
	e.Get(map[string]string{"mode": "auth", "email": "stefan@pejcic.rs", "password": "new-password-9"}).Expect(t, 401, "Invalid email or password")
	if items := e.as(t, http.MethodGet, "/api/users", nil).items(t); len(items) != 0 {
		t.Fatalf("deleted account still listed: %v", items)
	}
	e.as(t, http.MethodDelete, "/api/users/stefan", nil).fail(t, 404, "User not found")
}

// accountID reads the id of a one-account answer.
func (r *response) accountID(t *testing.T) int64 {
	t.Helper()
	id, _ := r.object(t)["id"].(float64)
	return int64(id)
}

func TestCreateUserErrors(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createUser(t, "taken", "free")
	base := func(changes map[string]any) map[string]any {
		b := map[string]any{"email": "new@example.com", "username": "newuser", "password": "long-enough", "plan_name": "pro"}
		for k, v := range changes {
			if v == nil {
				delete(b, k)
			} else {
				b[k] = v
			}
		}
		return b
	}
	for _, tc := range []struct {
		name string
		body any
		code int
		msg  string
	}{
		{"duplicate username", base(map[string]any{"username": "taken"}), 409, "A user with that email or username already exists"},
		{"duplicate email", base(map[string]any{"email": "TAKEN@example.com"}), 409, "A user with that email or username already exists"},
		{"unknown plan", base(map[string]any{"plan_name": "platinum"}), 400, "Unknown plan: platinum"},
		{"bad email", base(map[string]any{"email": "not-an-email"}), 400, "Invalid email address"},
		{"weak password", base(map[string]any{"password": "short"}), 400, "Password must be at least 8 characters"},
		{"no email", base(map[string]any{"email": nil}), 400, "email is required"},
		{"no password", base(map[string]any{"password": nil}), 400, "password is required"},
		{"bad username", base(map[string]any{"username": "no spaces"}), 400, "Invalid username: use 2-32 lowercase letters, digits, '.', '_' or '-'"},
		{"number as password", base(map[string]any{"password": []int{1}}), 400, "password must be a string"},
		{"bad JSON", `{"email":`, 400, "Invalid JSON body"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := e.as(t, http.MethodPost, "/api/users", tc.body)
			res.fail(t, tc.code, tc.msg)
			if strings.Contains(string(res.Body), "long-enough") {
				t.Fatal("error echoes the password")
			}
		})
	}
	if n := len(e.as(t, http.MethodGet, "/api/users", nil).items(t)); n != 1 {
		t.Fatalf("%d accounts after refused creations", n)
	}
	// No plan_name: the default_plan setting.
	e.as(t, http.MethodPatch, "/api/settings", map[string]string{"default_plan": "basic"}).object(t)
	e.as(t, http.MethodPost, "/api/users", base(map[string]any{"plan_name": nil})).expectMessage(t, "Successfully added user newuser")
	if got := e.as(t, http.MethodGet, "/api/users/newuser", nil).object(t)["plan"]; got != "basic" {
		t.Fatalf("default plan gave %v", got)
	}
}

func TestUserChangeErrors(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createUser(t, "ada", "free")
	for _, tc := range []struct {
		name, method, path string
		body               any
		code               int
		msg                string
	}{
		{"suspend unknown", http.MethodPatch, "/api/users/nobody", map[string]string{"action": "suspend"}, 404, "User not found"},
		{"unsuspend unknown", http.MethodPatch, "/api/users/nobody", map[string]string{"action": "unsuspend"}, 404, "User not found"},
		{"password unknown", http.MethodPatch, "/api/users/nobody", map[string]string{"password": "long-enough"}, 404, "User not found"},
		{"plan unknown user", http.MethodPut, "/api/users/nobody", map[string]string{"plan_name": "pro"}, 404, "User not found"},
		{"delete unknown", http.MethodDelete, "/api/users/nobody", nil, 404, "User not found"},
		{"get unknown", http.MethodGet, "/api/users/nobody", nil, 404, "User not found"},
		{"autologin unknown", "CONNECT", "/api/users/nobody", nil, 404, "User not found"},
		{"bad action", http.MethodPatch, "/api/users/ada", map[string]string{"action": "ban"}, 400, "Invalid action. Allowed values: suspend, unsuspend"},
		{"action and password", http.MethodPatch, "/api/users/ada", map[string]string{"action": "suspend", "password": "long-enough"}, 400, "Send either action or password, not both"},
		{"empty patch", http.MethodPatch, "/api/users/ada", map[string]string{}, 400, `Send {"action": "suspend"}, {"action": "unsuspend"} or {"password": "..."}`},
		{"weak password", http.MethodPatch, "/api/users/ada", map[string]string{"password": "short"}, 400, "Password must be at least 8 characters"},
		{"long password", http.MethodPatch, "/api/users/ada", map[string]string{"password": strings.Repeat("x", 73)}, 400, "Password must be at most 72 characters"},
		{"empty password", http.MethodPatch, "/api/users/ada", map[string]string{"password": ""}, 400, "password is required"},
		{"no plan", http.MethodPut, "/api/users/ada", map[string]string{}, 400, "plan_name is required"},
		{"unknown plan", http.MethodPut, "/api/users/ada", map[string]string{"plan_name": "platinum"}, 400, "Unknown plan: platinum"},
		{"wrong method", http.MethodPost, "/api/users/ada", nil, 405, "Method not allowed for this endpoint"},
		{"bad paging", http.MethodGet, "/api/users?limit=0", nil, 400, "limit must be an integer between 1 and 500"},
		{"bad offset", http.MethodGet, "/api/users?offset=-1", nil, 400, "offset must be a non-negative integer"},
		{"bad status filter", http.MethodGet, "/api/users?status=gone", nil, 400, "Invalid status. Allowed values: active, suspended"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.as(t, tc.method, tc.path, tc.body).fail(t, tc.code, tc.msg)
		})
	}
	// A suspended account gets no autologin token.
	e.as(t, http.MethodPatch, "/api/users/ada", map[string]string{"action": "suspend"}).object(t)
	e.as(t, "CONNECT", "/api/users/ada", nil).fail(t, 403, "Account suspended")
	// Without a token, every one of these is 401 before anything else.
	for _, path := range []string{"/api/users", "/api/users/ada", "/api/plans", "/api/settings", "/api/admin/log", "/api/backups/ada"} {
		e.call(t, http.MethodGet, path, nil, "").expectStatus(t, http.StatusUnauthorized)
	}
}

func TestListUsersPagingAndFilters(t *testing.T) {
	e := newEnv(t, envOptions{})
	for i := 0; i < 5; i++ {
		plan := "free"
		if i%2 == 1 {
			plan = "pro"
		}
		e.createUser(t, fmt.Sprintf("user%d", i), plan)
	}
	e.as(t, http.MethodPatch, "/api/users/user3", map[string]string{"action": "suspend"}).object(t)
	names := func(path string) string {
		res := e.as(t, http.MethodGet, path, nil)
		var out []string
		for _, it := range res.items(t) {
			out = append(out, it["username"].(string))
		}
		return strings.Join(out, ",") + "/" + res.Header.Get("X-Total-Count")
	}
	for path, want := range map[string]string{
		"/api/users?limit=2":            "user0,user1/5",
		"/api/users?limit=2&offset=4":   "user4/5",
		"/api/users?offset=10":          "/5",
		"/api/users?plan=pro":           "user1,user3/2",
		"/api/users?status=suspended":   "user3/1",
		"/api/users?status=active":      "user0,user1,user2,user4/4",
		"/api/users?search=USER2":       "user2/1",
		"/api/users?search=%25":         "/0", // a literal %, not a wildcard
		"/api/users?search=example.com": "user0,user1,user2,user3,user4/5",
	} {
		if got := names(path); got != want {
			t.Errorf("%s: %s, want %s", path, got, want)
		}
	}
}

// The autologin token is single-use even when redeemed concurrently.
func TestAutologinRedeemedOnce(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createUser(t, "ada", "free")
	token := e.as(t, http.MethodPost, "/api/users/ada/autologin", nil).object(t)["autologin_token"].(string)
	const n = 8
	var wg sync.WaitGroup
	results := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := e.Store.RedeemAutologin(context.Background(), token, "")
			results <- err
		}()
	}
	wg.Wait()
	close(results)
	wins := 0
	for err := range results {
		if err == nil {
			wins++
		} else if wire.ErrorMessage(err) != "Invalid or expired autologin token" {
			t.Fatalf("redeem: %v", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d redemptions succeeded", wins)
	}
}

func TestAutologinExpiresAndIsHashed(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createUser(t, "ada", "free")
	token := e.as(t, "CONNECT", "/api/users/ada", nil).object(t)["autologin_token"].(string)
	var stored []models.AutologinToken
	if err := e.Store.DB().Find(&stored).Error; err != nil || len(stored) != 1 {
		t.Fatalf("stored tokens %v %v", stored, err)
	}
	if stored[0].TokenHash != models.HashKey(token) {
		t.Fatal("the token is not stored as its SHA-256")
	}
	// Move its expiry to the past, as 60 seconds would.
	if err := e.Store.DB().Model(&models.AutologinToken{}).Where("id = ?", stored[0].ID).
		Update("expires_at", stored[0].CreatedAt.Time().Add(-models.AutologinTTL)).Error; err != nil {
		t.Fatal(err)
	}
	e.Get(map[string]string{"mode": "auth", "autologin_token": token}).Expect(t, 401, "Invalid or expired autologin token")
	e.Get(map[string]string{"mode": "auth", "autologin_token": "spal_made-up"}).Expect(t, 401, "Invalid or expired autologin token")
	// A suspended account is refused, and its token is not spent.
	token = e.as(t, "CONNECT", "/api/users/ada", nil).object(t)["autologin_token"].(string)
	e.as(t, http.MethodPatch, "/api/users/ada", map[string]string{"action": "suspend"}).object(t)
	e.Get(map[string]string{"mode": "auth", "autologin_token": token}).Expect(t, 403, "Account suspended")
	e.as(t, http.MethodPatch, "/api/users/ada", map[string]string{"action": "unsuspend"}).object(t)
	e.Get(map[string]string{"mode": "auth", "autologin_token": token}).Expect(t, 200, "Authentication successful")
}

// CONNECT through a real listener, as curl -X CONNECT sends it: net/http must hand a CONNECT with a
// path to the admin API rather than treat it as a proxy request.
func TestAutologinCONNECTOverTheWire(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createUser(t, "ada", "free")
	srv := httptest.NewServer(e.Admin)
	defer srv.Close()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "CONNECT /api/users/ada HTTP/1.1\r\nHost: %s\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n"+
		"Content-Type: application/json\r\nAuthorization: Bearer %s\r\n\r\n", srv.Listener.Addr(), e.Token)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Response map[string]any `json:"response"`
		Success  bool           `json:"success"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != 200 || !body.Success {
		t.Fatalf("CONNECT: %d %v %v", resp.StatusCode, body, err)
	}
	token, _ := body.Response["autologin_token"].(string)
	e.Get(map[string]string{"mode": "auth", "autologin_token": token}).Expect(t, 200, "Authentication successful")
}
