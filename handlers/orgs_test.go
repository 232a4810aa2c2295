package handlers_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"sharepanel/internal/testenv"
	"sharepanel/models"
)

var orgListShape = map[string]string{"id": "integer", "title": "string", "path": "string", "admin_id": "integer",
	"contact": "string", "created_by": "integer", "isAdmin": "flag", "permissionlevel": "integer"}

func TestOrgsNewDefaultsAndList(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("pro")
	uid := float64(acct.User.ID)

	id1 := orgsCreate(t, env, acct.Key, nil)
	id2 := orgsCreate(t, env, acct.Key, map[string]any{"title": ""}) // empty title: the default
	id3 := orgsCreate(t, env, acct.Key, map[string]any{"title": "  Acme & Sons, Ltd.  ", "contact": "boss@acme.example.com"})

	res := orgsGet(env, acct.Key, map[string]string{"mode": "orgs", "action": "list"})
	res.Expect(t, http.StatusOK, "Organizations retrieved successfully")
	list := res.DataList(t)
	if len(list) != 3 {
		t.Fatalf("list has %d organizations, want 3: %s", len(list), res.Body)
	}
	want := []struct {
		id                   int64
		title, path, contact string
	}{
		{id1, "New Organization", "new-organization", ""},
		{id2, "New Organization", "new-organization-2", ""},
		{id3, "Acme & Sons, Ltd.", "acme-sons-ltd", "boss@acme.example.com"},
	}
	for i, o := range list {
		testenv.ExpectShape(t, o, orgListShape)
		w := want[i]
		if o["id"] != float64(w.id) || o["title"] != w.title || o["path"] != w.path || o["contact"] != w.contact ||
			o["admin_id"] != uid || o["created_by"] != uid || o["isAdmin"] != float64(1) || o["permissionlevel"] != float64(3) {
			t.Fatalf("org %d = %v, want %+v", i, o, w)
		}
	}

	acts := orgsActivity(t, env, acct.User.ID, "organization_created")
	if len(acts) != 3 || orgsDetails(t, acts[0])["org_name"] != "Acme & Sons, Ltd." || acts[0].ResourceType != "organization" ||
		acts[0].ResourceID == nil || *acts[0].ResourceID != id3 {
		t.Fatalf("activity %+v", acts)
	}

	// Another account sees none of them.
	other := env.NewAccount("pro")
	res = orgsGet(env, other.Key, map[string]string{"mode": "orgs", "action": "list"})
	res.Expect(t, http.StatusOK, "Organizations retrieved successfully")
	if l := res.DataList(t); len(l) != 0 {
		t.Fatalf("other account lists %v", l)
	}
}

func TestOrgsNewPaths(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("enterprise")
	pathOf := func(id int64) string {
		t.Helper()
		res := orgsGet(env, acct.Key, map[string]string{"mode": "orgs", "action": "view", "org_id": strconv.FormatInt(id, 10)})
		res.Expect(t, http.StatusOK, "Organization retrieved successfully")
		return res.DataMap(t)["path"].(string)
	}
	cases := []struct {
		title, path, want string
	}{
		{"Team Rocket", "", "team-rocket"},
		{"team rocket!", "", "team-rocket-2"},
		{"TEAM--ROCKET", "", "team-rocket-3"},
		{"Whatever", "team-rocket-5", "team-rocket-5"},
		{"Team Rocket", "", "team-rocket-4"},
		{"Team Rocket", "", "team-rocket-6"},
		{"¡¿!!", "", "organization"},
		{"Café Zürich", "", "caf-z-rich"},
		{strings.Repeat("ab ", 40), "", strings.TrimRight(strings.Repeat("ab-", 17), "-")[:50]},
		{"Explicit", "x", "x"},
		{"Explicit", "a1-b2-c3", "a1-b2-c3"},
		{"Explicit", strings.Repeat("z", 64), strings.Repeat("z", 64)},
	}
	for _, c := range cases {
		id := orgsCreate(t, env, acct.Key, map[string]any{"title": c.title, "path": c.path})
		if got := pathOf(id); got != c.want {
			t.Errorf("title %q path %q: got path %q, want %q", c.title, c.path, got, c.want)
		}
	}

	const invalid = "Invalid path: use lowercase letters, digits and single hyphens, e.g. my-organization"
	errs := []struct {
		params map[string]any
		code   int
		msg    string
	}{
		{map[string]any{"path": "My-Org"}, 400, invalid},
		{map[string]any{"path": "my_org"}, 400, invalid},
		{map[string]any{"path": "-abc"}, 400, invalid},
		{map[string]any{"path": "abc-"}, 400, invalid},
		{map[string]any{"path": "a--b"}, 400, invalid},
		{map[string]any{"path": "a b"}, 400, invalid},
		{map[string]any{"path": "ünï"}, 400, invalid},
		{map[string]any{"path": strings.Repeat("z", 65)}, 400, "path must be at most 64 characters"},
		{map[string]any{"title": strings.Repeat("t", 256)}, 400, "title must be at most 255 characters"},
		{map[string]any{"path": "team-rocket"}, 409, "Organization path already exists"},
		{map[string]any{"path": "team-rocket", "title": "Other"}, 409, "Organization path already exists"},
		{map[string]any{"contact": "not-an-email"}, 400, "Invalid contact email"},
		{map[string]any{"contact": "Boss <boss@example.com>"}, 400, "Invalid contact email"},
		{map[string]any{"contact": "boss@localhost"}, 400, "Invalid contact email"},
	}
	for _, e := range errs {
		p := map[string]any{"mode": "orgs", "action": "new"}
		for k, v := range e.params {
			p[k] = v
		}
		orgsPost(env, acct.Key, p).Expect(t, e.code, e.msg)
	}

	// A path taken by another account's organization is taken too: paths are global.
	other := env.NewAccount("pro")
	orgsPost(env, other.Key, map[string]any{"mode": "orgs", "action": "new", "path": "x"}).Expect(t, 409, "Organization path already exists")
	id := orgsCreate(t, env, other.Key, map[string]any{"title": "Team Rocket"})
	res := orgsGet(env, other.Key, map[string]string{"mode": "orgs", "action": "view", "org_id": strconv.FormatInt(id, 10)})
	res.Expect(t, http.StatusOK, "Organization retrieved successfully")
	if p := res.DataMap(t)["path"]; p != "team-rocket-7" {
		t.Fatalf("other account's generated path %v", p)
	}
}

func TestOrgsNewFormAndQuery(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("pro")
	// The reference's PHP client posts form data; cURL users put everything in the query string.
	res := env.Do(http.MethodPost, "/api", "mode=orgs&action=new&title=My+Organization&contact=contact%40example.com&api_key="+acct.Key,
		http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
	res.Expect(t, http.StatusOK, "Organization created successfully")
	res = env.Do(http.MethodPost, "/api?mode=orgs&action=new&title=Second&api_key="+acct.Key, nil, nil)
	res.Expect(t, http.StatusOK, "Organization created successfully")
	list := orgsGet(env, acct.Key, map[string]string{"mode": "orgs", "action": "list"}).DataList(t)
	if len(list) != 2 || list[0]["path"] != "my-organization" || list[0]["contact"] != "contact@example.com" || list[1]["path"] != "second" {
		t.Fatalf("list %v", list)
	}
}

func TestOrgsWriteActionsRefuseGetAndReadOnlyKeys(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("pro")
	id := strconv.FormatInt(orgsCreate(t, env, acct.Key, nil), 10)
	for _, action := range []string{"new", "update", "delete"} {
		res := orgsGet(env, acct.Key, map[string]string{"mode": "orgs", "action": action, "org_id": id, "title": "x"})
		res.Expect(t, http.StatusMethodNotAllowed, "Method not allowed. Use POST for this action")
	}
	readOnly, _, err := env.Store.CreateAPIKey(context.Background(), acct.User.ID, models.NewKey{Name: "ro", Permissions: "read"})
	if err != nil {
		t.Fatal(err)
	}
	for _, action := range []string{"new", "update", "delete"} {
		res := orgsPost(env, readOnly, map[string]any{"mode": "orgs", "action": action, "org_id": id, "title": "x"})
		res.Expect(t, http.StatusForbidden, "This API key does not have write permission")
	}
	orgsGet(env, readOnly, map[string]string{"mode": "orgs", "action": "view", "org_id": id}).Expect(t, http.StatusOK, "Organization retrieved successfully")
}

func TestOrgsViewAndMembers(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	owner := env.NewAccount("pro")
	member := env.NewAccount("free")
	stranger := env.NewAccount("pro")
	orgID := orgsCreate(t, env, owner.Key, map[string]any{"title": "Blue", "contact": "blue@example.com"})
	id := strconv.FormatInt(orgID, 10)
	env.SeedMember(orgID, member.User.ID, false, models.PermissionMember)
	env.SeedInstance(owner.User.ID, models.NewInstance{OrgID: &orgID})
	env.SeedInstance(owner.User.ID, models.NewInstance{OrgID: &orgID})
	env.SeedInstance(owner.User.ID, models.NewInstance{}) // not in the organization

	for _, acct := range []*testenv.Account{owner, member} {
		res := orgsGet(env, acct.Key, map[string]string{"mode": "orgs", "action": "view", "org_id": id})
		res.Expect(t, http.StatusOK, "Organization retrieved successfully")
		d := res.DataMap(t)
		testenv.ExpectShape(t, d, map[string]string{"id": "integer", "title": "string", "path": "string", "admin_id": "integer",
			"contact": "string", "created_by": "integer", "member_count": "integer", "instance_count": "integer"})
		if d["id"] != float64(orgID) || d["title"] != "Blue" || d["path"] != "blue" || d["contact"] != "blue@example.com" ||
			d["admin_id"] != float64(owner.User.ID) || d["member_count"] != float64(2) || d["instance_count"] != float64(2) {
			t.Fatalf("view %v", d)
		}

		res = orgsGet(env, acct.Key, map[string]string{"mode": "orgs", "action": "members", "org_id": id})
		res.Expect(t, http.StatusOK, "Members retrieved successfully")
		ms := res.DataList(t)
		if len(ms) != 2 {
			t.Fatalf("members %s", res.Body)
		}
		shape := map[string]string{"memberID": "integer", "organization_id": "integer", "isAdmin": "flag", "permissionlevel": "integer",
			"username": "string", "email": "string", "pfp": "string"}
		for _, m := range ms {
			testenv.ExpectShape(t, m, shape)
		}
		if ms[0]["memberID"] != float64(owner.User.ID) || ms[0]["isAdmin"] != float64(1) || ms[0]["permissionlevel"] != float64(3) ||
			ms[0]["email"] != owner.User.Email || ms[0]["username"] != owner.User.Username || ms[0]["organization_id"] != float64(orgID) ||
			ms[1]["memberID"] != float64(member.User.ID) || ms[1]["isAdmin"] != float64(0) || ms[1]["permissionlevel"] != float64(1) {
			t.Fatalf("members %v", ms)
		}
	}

	// The member's list shows the organization with the member's own membership.
	l := orgsGet(env, member.Key, map[string]string{"mode": "orgs", "action": "list"}).DataList(t)
	if len(l) != 1 || l[0]["id"] != float64(orgID) || l[0]["isAdmin"] != float64(0) || l[0]["permissionlevel"] != float64(1) ||
		l[0]["admin_id"] != float64(owner.User.ID) {
		t.Fatalf("member's list %v", l)
	}

	for _, action := range []string{"view", "members"} {
		// Someone else's organization and a missing one read the same.
		orgsGet(env, stranger.Key, map[string]string{"mode": "orgs", "action": action, "org_id": id}).Expect(t, 404, "Organization not found")
		orgsGet(env, owner.Key, map[string]string{"mode": "orgs", "action": action, "org_id": "999999"}).Expect(t, 404, "Organization not found")
		orgsGet(env, owner.Key, map[string]string{"mode": "orgs", "action": action}).Expect(t, 400, "Organization ID is required")
		orgsGet(env, owner.Key, map[string]string{"mode": "orgs", "action": action, "org_id": "abc"}).Expect(t, 400, "Organization ID must be a positive integer")
		orgsGet(env, owner.Key, map[string]string{"mode": "orgs", "action": action, "org_id": "0"}).Expect(t, 400, "Organization ID must be a positive integer")
	}
	// JSON numbers and strings both work for org_id.
	orgsPost(env, owner.Key, map[string]any{"mode": "orgs", "action": "view", "org_id": orgID}).Expect(t, 200, "Organization retrieved successfully")
	orgsPost(env, owner.Key, map[string]any{"mode": "orgs", "action": "view", "org_id": id}).Expect(t, 200, "Organization retrieved successfully")
	orgsGet(env, owner.Key, map[string]string{"mode": "orgs", "action": "bogus"}).Expect(t, 400, "Invalid action for orgs mode")
}

func TestOrgsUpdate(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	owner := env.NewAccount("pro")
	manager := env.NewAccount("free")
	coAdmin := env.NewAccount("free")
	plain := env.NewAccount("free")
	stranger := env.NewAccount("pro")
	orgID := orgsCreate(t, env, owner.Key, map[string]any{"title": "Green", "contact": "g@example.com"})
	id := strconv.FormatInt(orgID, 10)
	orgsCreate(t, env, stranger.Key, map[string]any{"title": "Taken"})
	env.SeedMember(orgID, manager.User.ID, false, models.PermissionManager)
	env.SeedMember(orgID, coAdmin.User.ID, true, models.PermissionMember)
	env.SeedMember(orgID, plain.User.ID, false, models.PermissionMember)

	update := func(acct *testenv.Account, fields map[string]any) *testenv.Response {
		p := map[string]any{"mode": "orgs", "action": "update", "org_id": id}
		for k, v := range fields {
			p[k] = v
		}
		return orgsPost(env, acct.Key, p)
	}
	view := func() map[string]any {
		res := orgsGet(env, owner.Key, map[string]string{"mode": "orgs", "action": "view", "org_id": id})
		res.Expect(t, http.StatusOK, "Organization retrieved successfully")
		return res.DataMap(t)
	}

	// Only given fields change.
	update(owner, map[string]any{"title": "Green Team"}).Expect(t, 200, "Organization updated successfully")
	if d := view(); d["title"] != "Green Team" || d["path"] != "green" || d["contact"] != "g@example.com" {
		t.Fatalf("after title update %v", d)
	}
	update(manager, map[string]any{"path": "green-team"}).Expect(t, 200, "Organization updated successfully")
	update(coAdmin, map[string]any{"contact": "team@example.com"}).Expect(t, 200, "Organization updated successfully")
	update(owner, map[string]any{"path": "green-team"}).Expect(t, 200, "Organization updated successfully") // its own path
	if d := view(); d["title"] != "Green Team" || d["path"] != "green-team" || d["contact"] != "team@example.com" {
		t.Fatalf("after updates %v", d)
	}
	update(owner, map[string]any{"contact": ""}).Expect(t, 200, "Organization updated successfully") // empty clears
	if d := view(); d["contact"] != "" {
		t.Fatalf("contact not cleared: %v", d)
	}
	acts := orgsActivity(t, env, manager.User.ID, "organization_updated")
	if len(acts) != 1 || string(acts[0].Details) != `{"fields":["path"],"org_name":"Green Team"}` {
		t.Fatalf("manager's activity %+v", acts)
	}

	errs := []struct {
		acct   *testenv.Account
		fields map[string]any
		code   int
		msg    string
	}{
		{owner, nil, 400, "No fields to update. Send at least one of: title, path, contact"},
		{owner, map[string]any{"title": "   "}, 400, "Title cannot be empty"},
		{owner, map[string]any{"path": ""}, 400, "Invalid path: use lowercase letters, digits and single hyphens, e.g. my-organization"},
		{owner, map[string]any{"path": "Bad Path"}, 400, "Invalid path: use lowercase letters, digits and single hyphens, e.g. my-organization"},
		{owner, map[string]any{"path": "taken"}, 409, "Organization path already exists"},
		{owner, map[string]any{"contact": "nope"}, 400, "Invalid contact email"},
		{plain, map[string]any{"title": "Mine now"}, 403, "You do not have permission to update this organization"},
		{stranger, map[string]any{"title": "Mine now"}, 404, "Organization not found"},
	}
	for _, e := range errs {
		update(e.acct, e.fields).Expect(t, e.code, e.msg)
	}
	orgsPost(env, owner.Key, map[string]any{"mode": "orgs", "action": "update", "org_id": 999999, "title": "x"}).Expect(t, 404, "Organization not found")
	orgsPost(env, owner.Key, map[string]any{"mode": "orgs", "action": "update", "title": "x"}).Expect(t, 400, "Organization ID is required")
	if d := view(); d["title"] != "Green Team" || d["path"] != "green-team" {
		t.Fatalf("a refused update changed the organization: %v", d)
	}
}

func TestOrgsDelete(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	owner := env.NewAccount("pro")
	coAdmin := env.NewAccount("free")
	stranger := env.NewAccount("pro")
	orgID := orgsCreate(t, env, owner.Key, map[string]any{"title": "Red"})
	keepID := orgsCreate(t, env, owner.Key, map[string]any{"title": "Keep"})
	id := strconv.FormatInt(orgID, 10)
	env.SeedMember(orgID, coAdmin.User.ID, true, models.PermissionAdmin)
	env.SeedMember(keepID, coAdmin.User.ID, false, models.PermissionMember)
	inOrg := env.SeedInstance(owner.User.ID, models.NewInstance{OrgID: &orgID})
	inKeep := env.SeedInstance(owner.User.ID, models.NewInstance{OrgID: &keepID})

	del := func(acct *testenv.Account, orgID any) *testenv.Response {
		return orgsPost(env, acct.Key, map[string]any{"mode": "orgs", "action": "delete", "org_id": orgID})
	}
	// A member with isAdmin 1 and level 3 is still not the organization's admin.
	del(coAdmin, id).Expect(t, 403, "You do not have permission to delete this organization")
	del(stranger, id).Expect(t, 404, "Organization not found")
	del(owner, 999999).Expect(t, 404, "Organization not found")
	orgsPost(env, owner.Key, map[string]any{"mode": "orgs", "action": "delete"}).Expect(t, 400, "Organization ID is required")

	del(owner, id).Expect(t, 200, "Organization deleted successfully")
	del(owner, id).Expect(t, 404, "Organization not found")
	orgsGet(env, coAdmin.Key, map[string]string{"mode": "orgs", "action": "view", "org_id": id}).Expect(t, 404, "Organization not found")

	// Memberships went with it; the instance stays, with no organization.
	l := orgsGet(env, coAdmin.Key, map[string]string{"mode": "orgs", "action": "list"}).DataList(t)
	if len(l) != 1 || l[0]["id"] != float64(keepID) {
		t.Fatalf("co-admin's list after delete %v", l)
	}
	var members int64
	if err := env.Store.DB().Model(&models.OrgMember{}).Where("organization_id = ?", orgID).Count(&members).Error; err != nil || members != 0 {
		t.Fatalf("memberships left: %d, %v", members, err)
	}
	var got []models.Instance
	if err := env.Store.DB().Order("id").Find(&got).Error; err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != inOrg.ID || got[0].OrganizationID != nil || got[1].ID != inKeep.ID || got[1].OrganizationID == nil || *got[1].OrganizationID != keepID {
		t.Fatalf("instances after delete %+v", got)
	}
	acts := orgsActivity(t, env, owner.User.ID, "organization_deleted")
	if len(acts) != 1 || string(acts[0].Details) != `{"org_name":"Red"}` || *acts[0].ResourceID != orgID {
		t.Fatalf("activity %+v", acts)
	}
	// The path is free again.
	orgsCreate(t, env, stranger.Key, map[string]any{"path": "red"})
}
