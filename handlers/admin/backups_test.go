package admin_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"sharepanel/models"
	"sharepanel/wire"
)

// seedAccount gives ada a bit of everything: profile fields, an organization with another member, a
// membership of someone else's organization, instances in and out of an organization, invoices,
// a transaction, a purchase, notifications, activity and a balance.
func seedAccount(t *testing.T, e *env) (adaKey string) {
	t.Helper()
	_, _, adaKey = e.createUser(t, "ada", "pro")
	_, _, bobKey := e.createUser(t, "bob", "pro")
	e.Post(map[string]any{"mode": "profile", "action": "update", "api_key": adaKey, "bio": "Builder", "first_name": "Ada",
		"last_name": "Lovelace", "phone": "+44 20 7946 0000", "address": "12 St James's Square"}).Expect(t, 200, "Profile updated successfully")
	adaOrg := e.Post(map[string]any{"mode": "orgs", "action": "new", "api_key": adaKey, "title": "Ada Labs", "contact": "ops@ada.example"}).DataMap(t)["org_id"].(float64)
	bobOrg := e.Post(map[string]any{"mode": "orgs", "action": "new", "api_key": bobKey, "title": "Bob Co"}).DataMap(t)["org_id"].(float64)
	db := e.Store.DB()
	ada, _ := e.Store.AccountIDByUsername(context.Background(), "ada")
	bob, _ := e.Store.AccountIDByUsername(context.Background(), "bob")
	at := func(s string) wire.DateTime { v, _ := time.Parse(time.DateTime, s); return wire.DateTime(v) }
	// Memberships of other accounts' organizations have no API yet: rows.
	for _, m := range []*models.OrgMember{
		{OrganizationID: int64(adaOrg), UserID: bob, PermissionLevel: models.PermissionManager, CreatedAt: at("2024-01-05 09:00:00")},
		{OrganizationID: int64(bobOrg), UserID: ada, PermissionLevel: models.PermissionMember, CreatedAt: at("2024-01-06 09:00:00")},
	} {
		if err := db.Create(m).Error; err != nil {
			t.Fatal(err)
		}
	}
	paid := e.as(t, http.MethodPost, "/api/users/ada/invoices", map[string]any{"amount": "50.00"}).object(t)["invoice"].(map[string]any)["id"].(float64)
	e.as(t, http.MethodPatch, "/api/invoices/"+strconv.Itoa(int(paid)), map[string]any{"status": "paid"}).object(t)
	e.as(t, http.MethodPost, "/api/users/ada/invoices", map[string]any{"amount": "19.99"}).object(t)
	e.as(t, http.MethodPost, "/api/users/ada/balance", map[string]any{"amount": "100.50"}).object(t)
	e.as(t, http.MethodPost, "/api/notifications", map[string]any{"username": "ada", "title": "Welcome", "type": "success"}).object(t)
	e.Post(map[string]any{"mode": "notifications", "action": "mark_read", "api_key": adaKey, "notification_id": 1}).Expect(t, 200, "Notification marked as read")
	if _, err := e.Store.CreatePurchase(context.Background(), ada, models.NewPurchase{ItemID: "app-123", ItemType: "app", Price: 2500, TokensPaid: 2500}); err != nil {
		t.Fatal(err)
	}
	if err := db.Model(&models.User{}).Where("id = ?", ada).Update("verified", true).Error; err != nil {
		t.Fatal(err)
	}
	e.as(t, http.MethodPost, "/api/users/ada/instances", map[string]any{"name": "Shop", "type": "SNCS", "org_id": adaOrg}).object(t)
	e.as(t, http.MethodPost, "/api/users/ada/instances", map[string]any{"name": "Mail", "type": "SMS", "status": "sleep", "instance_type": "postfix"}).object(t)
	e.as(t, http.MethodPost, "/api/users/ada/instances", map[string]any{"name": "In Bob Co", "type": "SMS", "org_id": bobOrg}).object(t)
	return adaKey
}

// snapshot is what an account sees through the user API, IDs included.
func snapshot(t *testing.T, e *env, key string) map[string]any {
	t.Helper()
	out := map[string]any{}
	get := func(name string, params map[string]string) {
		params["api_key"] = key
		res := e.Get(params)
		if res.Code != 200 {
			t.Fatalf("%s: %d %s", name, res.Code, res.Body)
		}
		out[name] = res.Data()
	}
	get("profile", map[string]string{"mode": "profile", "action": "view"})
	get("stats", map[string]string{"mode": "profile", "action": "stats"})
	get("orgs", map[string]string{"mode": "orgs", "action": "list"})
	for _, o := range out["orgs"].([]any) {
		id := strconv.Itoa(int(o.(map[string]any)["id"].(float64)))
		get("org "+id, map[string]string{"mode": "orgs", "action": "view", "org_id": id})
		get("members "+id, map[string]string{"mode": "orgs", "action": "members", "org_id": id})
	}
	get("instances", map[string]string{"mode": "instances", "action": "list"})
	get("balance", map[string]string{"mode": "billing", "action": "balance"})
	get("invoices", map[string]string{"mode": "billing", "action": "invoices"})
	get("transactions", map[string]string{"mode": "billing", "action": "transactions"})
	get("purchases", map[string]string{"mode": "billing", "action": "purchases"})
	get("notifications", map[string]string{"mode": "notifications", "action": "list"})
	get("unread", map[string]string{"mode": "notifications", "action": "unread_count"})
	get("overview", map[string]string{"mode": "stats", "type": "overview"})
	return out
}

// exported is GET /api/backups/USERNAME's document, without its own creation time.
func exported(t *testing.T, e *env, username string) map[string]any {
	t.Helper()
	doc := e.as(t, http.MethodGet, "/api/backups/"+username, nil).object(t)
	delete(doc, "created_at")
	return doc
}

func TestBackupDeleteRestoreRoundTrip(t *testing.T) {
	e := newEnv(t, envOptions{})
	key := seedAccount(t, e)
	before := snapshot(t, e, key)
	res := e.as(t, http.MethodGet, "/api/backups/ada", nil)
	doc := res.object(t)
	if doc["format"] != "sharepanel-account-backup" || doc["version"] != float64(1) {
		t.Fatalf("backup header %v", doc)
	}
	for _, part := range []string{"organizations", "memberships", "instances", "invoices", "transactions", "purchases", "notifications", "activity"} {
		if l, _ := doc[part].([]any); len(l) == 0 {
			t.Errorf("backup has no %s", part)
		}
	}
	if strings.Contains(string(res.Body), "key_hash") || strings.Contains(string(res.Body), "sp_") {
		t.Fatal("the backup carries API keys")
	}
	docBefore := exported(t, e, "ada")

	adaID := int64(doc["account"].(map[string]any)["id"].(float64))
	e.as(t, http.MethodDelete, "/api/users/ada", nil).expectMessage(t, "User ada deleted")
	e.profile(t, key).Expect(t, 401, "Invalid or expired API key")
	expectNothingOf(t, e, adaID)

	// Restore from the export's whole answer, as `curl -d @backup.json` sends a saved export.
	restored := e.as(t, http.MethodPost, "/api/backups", string(res.Body)).object(t)
	skipped, _ := json.Marshal(restored["skipped"])
	// A backup cannot grant a membership of another account's organization (bob's): that
	// membership, and the instance's place in that organization, are reported and not restored.
	wantSkipped := `["membership of organization bob-co: not in this backup; a restore cannot grant access to another account's organization",` +
		`"organization bob-co of instance in-bob-co: not in this backup; the instance is restored outside any organization"]`
	if restored["message"] != "Backup restored into user ada" || string(skipped) != wantSkipped {
		t.Fatalf("restore %v", restored)
	}
	// Bob, bob-co's administrator, grants them again; then everything is as it was.
	var bobOrg models.Organization
	db := e.Store.DB()
	if err := db.Where("path = ?", "bob-co").First(&bobOrg).Error; err != nil {
		t.Fatal(err)
	}
	at, _ := time.Parse(time.DateTime, "2024-01-06 09:00:00")
	if err := db.Create(&models.OrgMember{OrganizationID: bobOrg.ID, UserID: adaID, PermissionLevel: models.PermissionMember, CreatedAt: wire.DateTime(at)}).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Model(&models.Instance{}).Where("instance_path = ? AND user_id = ?", "in-bob-co", adaID).Update("organization_id", bobOrg.ID).Error; err != nil {
		t.Fatal(err)
	}
	// Keys are not in backups: the restored account logs in with its old password for a new one.
	auth := e.Get(map[string]string{"mode": "auth", "email": "ada@example.com", "password": "pw-ada-123"})
	auth.Expect(t, 200, "Authentication successful")
	newKey := auth.DataMap(t)["api_key"].(string)
	if after := snapshot(t, e, newKey); !reflect.DeepEqual(before, after) {
		a, _ := json.Marshal(before)
		b, _ := json.Marshal(after)
		t.Fatalf("user API differs after restore:\nbefore %s\nafter  %s", a, b)
	}
	docAfter := exported(t, e, "ada")
	// The new login added one activity entry (its key); everything else is as it was, IDs included.
	act := docAfter["activity"].([]any)
	docAfter["activity"] = act[:len(act)-1]
	if !reflect.DeepEqual(docBefore, docAfter) {
		a, _ := json.Marshal(docBefore)
		b, _ := json.Marshal(docAfter)
		t.Fatalf("export differs after restore:\nbefore %s\nafter  %s", a, b)
	}
}

func TestRestoreIntoAnotherUsername(t *testing.T) {
	e := newEnv(t, envOptions{})
	seedAccount(t, e)
	doc := e.as(t, http.MethodGet, "/api/backups/ada", nil).object(t)

	// Beside the original: the username and email are taken, then the organization path.
	e.as(t, http.MethodPost, "/api/backups", map[string]any{"backup": doc}).fail(t, 409, "A user with that email or username already exists")
	e.as(t, http.MethodPost, "/api/backups", map[string]any{"backup": doc, "username": "ada2", "email": "ada2@example.com"}).
		fail(t, 409, "Organization path ada-labs is already taken")
	if n := len(e.as(t, http.MethodGet, "/api/users", nil).items(t)); n != 2 {
		t.Fatalf("a refused restore left %d accounts", n)
	}

	// After the original and bob are gone: restored as ada2; links to bob are reported, not lost silently.
	e.as(t, http.MethodDelete, "/api/users/ada", nil).object(t)
	e.as(t, http.MethodDelete, "/api/users/bob", nil).object(t)
	res := e.as(t, http.MethodPost, "/api/backups?username=ada2&email=ada2@example.com", map[string]any{"backup": doc}).object(t)
	skipped, _ := json.Marshal(res["skipped"])
	want := `["member bob of organization ada-labs: no such user",` +
		`"membership of organization bob-co: not in this backup; a restore cannot grant access to another account's organization",` +
		`"organization bob-co of instance in-bob-co: not in this backup; the instance is restored outside any organization"]`
	if res["username"] != "ada2" || string(skipped) != want {
		t.Fatalf("restore as ada2: %v", res)
	}
	auth := e.Get(map[string]string{"mode": "auth", "email": "ada2@example.com", "password": "pw-ada-123"})
	auth.Expect(t, 200, "Authentication successful")
	key := auth.DataMap(t)["api_key"].(string)
	p := e.profile(t, key).DataMap(t)
	if p["username"] != "ada2" || p["bio"] != "Builder" || p["balance"] != 100.5 || p["verified"] != float64(1) {
		t.Fatalf("profile %v", p)
	}
	orgs := e.Get(map[string]string{"mode": "orgs", "action": "list", "api_key": key}).DataList(t)
	if len(orgs) != 1 || orgs[0]["path"] != "ada-labs" || orgs[0]["isAdmin"] != float64(1) {
		t.Fatalf("orgs %v", orgs)
	}
	if n := len(e.Get(map[string]string{"mode": "instances", "action": "list", "api_key": key}).DataList(t)); n != 3 {
		t.Fatalf("%d instances", n)
	}
}

func TestRestoreErrors(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createUser(t, "ada", "free")
	doc := e.as(t, http.MethodGet, "/api/backups/ada", nil).object(t)
	e.as(t, http.MethodDelete, "/api/users/ada", nil).object(t)
	with := func(k string, v any) map[string]any {
		c := map[string]any{}
		for kk, vv := range doc {
			c[kk] = vv
		}
		c[k] = v
		return map[string]any{"backup": c}
	}
	acct := func(k string, v any) map[string]any {
		a := map[string]any{}
		for kk, vv := range doc["account"].(map[string]any) {
			a[kk] = vv
		}
		a[k] = v
		return with("account", a)
	}
	for _, tc := range []struct {
		name string
		body any
		code int
		msg  string
	}{
		{"no backup", map[string]any{"username": "x"}, 400, "backup is required"},
		{"not a backup", map[string]any{"backup": map[string]any{"hello": 1}}, 400, `backup is not a SharePanel account backup (format "sharepanel-account-backup" expected)`},
		{"future version", with("version", 2), 400, "Unsupported backup version 2"},
		{"wrong type", with("instances", "many"), 400, "backup is not a valid backup document: field instances has the wrong type"},
		{"unknown plan", acct("plan", "platinum"), 400, "Unknown plan: platinum"},
		{"no password hash", acct("password_hash", ""), 400, "backup has no valid password hash"},
		{"bad username", map[string]any{"backup": doc, "username": "Bad Name"}, 400, "Invalid username: use 2-32 lowercase letters, digits, '.', '_' or '-'"},
		{"bad email", map[string]any{"backup": doc, "email": "nope"}, 400, "Invalid email address"},
		{"export of unknown", nil, 404, "User not found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.body == nil {
				e.as(t, http.MethodGet, "/api/backups/nobody", nil).fail(t, tc.code, tc.msg)
				return
			}
			e.as(t, http.MethodPost, "/api/backups", tc.body).fail(t, tc.code, tc.msg)
		})
	}
	// A refused restore leaves nothing behind; the good one then works.
	e.as(t, http.MethodPost, "/api/backups", map[string]any{"backup": doc}).object(t)
}

func TestBodyLimits(t *testing.T) {
	e := newEnv(t, envOptions{})
	big := `{"email": "a@example.com", "password": "long-enough", "pad": "` + strings.Repeat("x", 1<<20) + `"}`
	const tooLarge = "Request body too large: at most 1048576 bytes"
	e.as(t, http.MethodPost, "/api/users", big).fail(t, http.StatusRequestEntityTooLarge, tooLarge)
	// Without a Content-Length (chunked), the read stops at the limit.
	req := httptest.NewRequest(http.MethodPost, "/api/users", io.MultiReader(strings.NewReader(big)))
	req.Header.Set("Authorization", "Bearer "+e.Token)
	if req.ContentLength > 0 {
		t.Fatal("the request has a length")
	}
	e.do(t, req).fail(t, http.StatusRequestEntityTooLarge, tooLarge)
	// A restore may be larger: the same size is read and refused for what it is, not its size.
	e.as(t, http.MethodPost, "/api/backups", big).fail(t, 400, "backup is required")
}

// expectNothingOf checks that no row of any table (those added later included) still refers to the
// account: a user_id, or an organization's admin_id.
func expectNothingOf(t *testing.T, e *env, userID int64) {
	t.Helper()
	db := e.Store.DB()
	tables, err := db.Migrator().GetTables()
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, table := range tables {
		cols, err := db.Migrator().ColumnTypes(table)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cols {
			if c.Name() != "user_id" && !(table == "organizations" && c.Name() == "admin_id") {
				continue
			}
			var n int64
			if err := db.Table(table).Where(c.Name()+" = ?", userID).Count(&n).Error; err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Errorf("%s still has %d rows with %s %d", table, n, c.Name(), userID)
			}
			checked++
		}
	}
	if checked < 10 {
		t.Fatalf("only %d columns checked: the schema walk is broken", checked)
	}
}
