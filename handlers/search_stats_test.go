package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"sharepanel/internal/testenv"
	"sharepanel/models"
	"sharepanel/wire"
)

// searchNames runs a search and returns "type:name" of each hit, in order, checking each hit's shape.
func searchNames(t *testing.T, env *testenv.Env, key string, params map[string]string) []string {
	t.Helper()
	p := map[string]string{"mode": "search"}
	for k, v := range params {
		p[k] = v
	}
	res := orgsGet(env, key, p)
	res.Expect(t, http.StatusOK, "Search completed successfully")
	out := []string{}
	for _, h := range res.DataList(t) {
		shape := map[string]string{"type": "string", "id": "integer", "name": "string", "path": "string", "created_at": "datetime"}
		if h["type"] == "instance" {
			shape["status"] = "string"
		}
		testenv.ExpectShape(t, h, shape)
		out = append(out, h["type"].(string)+":"+h["name"].(string))
	}
	return out
}

func TestSearch(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("enterprise")
	other := env.NewAccount("enterprise")

	orgsCreate(t, env, acct.Key, map[string]any{"title": "Alpha Team"})
	orgsCreate(t, env, acct.Key, map[string]any{"title": "Beta Group", "path": "alpha-beta"}) // matches by path
	orgsCreate(t, env, acct.Key, map[string]any{"title": "Gamma"})
	partners := orgsCreate(t, env, other.Key, map[string]any{"title": "Alpha Partners"})
	env.SeedMember(partners, acct.User.ID, false, models.PermissionMember) // acct is a member: found
	orgsCreate(t, env, other.Key, map[string]any{"title": "Alpha Secret"}) // acct is not: not found

	for _, in := range []models.NewInstance{
		{Name: "Alpha Web", Path: "alpha-web", Status: "sleep"},
		{Name: "Shop", Path: "shop-alpha"},
		{Name: "50% off", Path: "fifty"},
		{Name: "500 club", Path: "five-hundred"},
		{Name: "a_b", Path: "ab1"},
		{Name: "axb", Path: "ab2"},
		{Name: "x!y", Path: "xy"},
		{Name: `back\slash`, Path: "bs"},
		{Name: "café", Path: "c1"},
	} {
		env.SeedInstance(acct.User.ID, in)
	}
	env.SeedInstance(other.User.ID, models.NewInstance{Name: "Alpha Hidden", Path: "alpha-hidden"})
	env.SeedInstance(other.User.ID, models.NewInstance{Name: "50% hidden", Path: "hidden-fifty"})

	alpha := "organization:Alpha Team,organization:Beta Group,organization:Alpha Partners,instance:Alpha Web,instance:Shop"
	cases := []struct {
		params map[string]string
		want   string
	}{
		{map[string]string{"query": "alpha"}, alpha},
		{map[string]string{"query": "ALPHA"}, alpha},
		{map[string]string{"query": "  aLpHa  "}, alpha},
		{map[string]string{"query": "alpha", "type": "all"}, alpha},
		{map[string]string{"query": "alpha", "type": "organizations"}, "organization:Alpha Team,organization:Beta Group,organization:Alpha Partners"},
		{map[string]string{"query": "alpha", "type": "instances"}, "instance:Alpha Web,instance:Shop"},
		{map[string]string{"query": "50%"}, "instance:50% off"},
		{map[string]string{"query": "50"}, "instance:50% off,instance:500 club"},
		{map[string]string{"query": "%"}, "instance:50% off"},
		{map[string]string{"query": "a_b"}, "instance:a_b"},
		{map[string]string{"query": "_"}, "instance:a_b"},
		{map[string]string{"query": "!"}, "instance:x!y"},
		{map[string]string{"query": "x!y"}, "instance:x!y"},
		{map[string]string{"query": "!y"}, "instance:x!y"},
		{map[string]string{"query": `\`}, `instance:back\slash`},
		{map[string]string{"query": `k\s`}, `instance:back\slash`},
		{map[string]string{"query": "café"}, "instance:café"},
		{map[string]string{"query": "cafe"}, ""}, // accents are not ignored, on either database
		{map[string]string{"query": "nothing like it"}, ""},
	}
	for _, c := range cases {
		if got := strings.Join(searchNames(t, env, acct.Key, c.params), ","); got != c.want {
			t.Errorf("%v: got %q, want %q", c.params, got, c.want)
		}
	}
	// The other account finds its own things only.
	if got := strings.Join(searchNames(t, env, other.Key, map[string]string{"query": "alpha"}), ","); got != "organization:Alpha Partners,organization:Alpha Secret,instance:Alpha Hidden" {
		t.Fatalf("other account: %q", got)
	}
	// An instance hit carries its status.
	res := orgsGet(env, acct.Key, map[string]string{"mode": "search", "query": "alpha-web"})
	if h := res.DataList(t); len(h) != 1 || h[0]["status"] != "sleep" || h[0]["path"] != "alpha-web" {
		t.Fatalf("hit %s", res.Body)
	}

	orgsGet(env, acct.Key, map[string]string{"mode": "search"}).Expect(t, 400, "Search query is required")
	orgsGet(env, acct.Key, map[string]string{"mode": "search", "query": "   "}).Expect(t, 400, "Search query is required")
	orgsGet(env, acct.Key, map[string]string{"mode": "search", "query": strings.Repeat("q", 101)}).Expect(t, 400, "Search query must be at most 100 characters")
	orgsGet(env, acct.Key, map[string]string{"mode": "search", "query": "a", "type": "users"}).Expect(t, 400, "Invalid type. Allowed values: organizations, instances, all")
	orgsPost(env, acct.Key, map[string]any{"mode": "search", "query": "alpha"}).Expect(t, 200, "Search completed successfully")
}

// Search finds an organization by its title and path as they are now, for every member: a rename
// (title, then path) is found at once under the new name and no longer under the old, by the
// member who made it and by one who did not (search matches copies of them kept on each
// membership, migration 24).
func TestSearchFollowsOrganizationChanges(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	admin := env.NewAccount("enterprise")
	member := env.NewAccount("enterprise")
	org := orgsCreate(t, env, admin.Key, map[string]any{"title": "Gamma Works", "path": "gamma-works"})
	env.SeedMember(org, member.User.ID, false, models.PermissionMember)
	find := func(query string) string {
		t.Helper()
		a := strings.Join(searchNames(t, env, admin.Key, map[string]string{"query": query, "type": "organizations"}), ",")
		m := strings.Join(searchNames(t, env, member.Key, map[string]string{"query": query, "type": "organizations"}), ",")
		if a != m {
			t.Fatalf("%q: the admin finds %q, the member %q", query, a, m)
		}
		return a
	}
	if got := find("GAMMA"); got != "organization:Gamma Works" {
		t.Fatalf("before the rename: %q", got)
	}
	orgsPost(env, admin.Key, map[string]any{"mode": "orgs", "action": "update", "org_id": org, "title": "Delta Force"}).
		Expect(t, http.StatusOK, "Organization updated successfully")
	for query, want := range map[string]string{"delta": "organization:Delta Force", "works": "organization:Delta Force" /* its path */, "gamma w": ""} {
		if got := find(query); got != want {
			t.Errorf("after the title changed, %q: %q, want %q", query, got, want)
		}
	}
	orgsPost(env, admin.Key, map[string]any{"mode": "orgs", "action": "update", "org_id": org, "path": "epsilon"}).
		Expect(t, http.StatusOK, "Organization updated successfully")
	for query, want := range map[string]string{"EPSILON": "organization:Delta Force", "works": "", "force": "organization:Delta Force"} {
		if got := find(query); got != want {
			t.Errorf("after the path changed, %q: %q, want %q", query, got, want)
		}
	}
	// Renamed behind the copies' back (as a replica of an earlier version does): a recount of each
	// member takes it in.
	if err := env.Store.DB().Exec("UPDATE organizations SET title = 'Zeta Labs' WHERE id = ?", org).Error; err != nil {
		t.Fatal(err)
	}
	if err := env.Store.Recount(context.Background(), admin.User.ID, member.User.ID); err != nil {
		t.Fatal(err)
	}
	if got := find("zeta"); got != "organization:Zeta Labs" {
		t.Errorf("after a rename behind its back and a recount: %q", got)
	}
}

// Search pages like every list: its hits are one list, organizations first, then instances, each
// by ID; a page may start among either, or straddle them. Nothing is counted (no X-Total-Count);
// a next link says that more follow.
func TestSearchPages(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("enterprise")
	var want []string
	for i := range 3 {
		orgsCreate(t, env, acct.Key, map[string]any{"title": fmt.Sprintf("Bulk Org %d", i)})
		want = append(want, fmt.Sprintf("organization:Bulk Org %d", i))
	}
	for i := range 7 {
		env.SeedInstance(acct.User.ID, models.NewInstance{Name: fmt.Sprintf("bulk %d", i)})
		want = append(want, fmt.Sprintf("instance:bulk %d", i))
	}
	env.SeedInstance(acct.User.ID, models.NewInstance{Name: "other"})
	page := func(typ string, limit, offset int) ([]string, *testenv.Response) {
		t.Helper()
		res := orgsGet(env, acct.Key, map[string]string{"mode": "search", "query": "BULK", "type": typ, "limit": fmt.Sprint(limit), "offset": fmt.Sprint(offset)})
		res.Expect(t, http.StatusOK, "Search completed successfully")
		var names []string
		for _, h := range res.DataList(t) {
			names = append(names, fmt.Sprintf("%s:%s", h["type"], h["name"]))
		}
		if res.Header.Get("X-Total-Count") != "" {
			t.Fatalf("search counted its hits: X-Total-Count %q", res.Header.Get("X-Total-Count"))
		}
		return names, res
	}
	for _, c := range []struct {
		typ           string
		limit, offset int
		want          []string
		next          bool
	}{
		{"all", 4, 0, want[0:4], true},   // the organizations and the first instance
		{"all", 4, 4, want[4:8], true},   // instances only, the page past the organizations
		{"all", 4, 8, want[8:10], false}, // the last two
		{"all", 2, 2, want[2:4], true},   // straddling
		{"all", 50, 0, want, false},      // the default page holds them all
		{"all", 4, 10, nil, false},       // past the end
		{"organizations", 2, 2, want[2:3], false},
		{"organizations", 2, 1, want[1:3], false},
		{"instances", 3, 5, want[8:10], false},
		{"instances", 3, 0, want[3:6], true},
	} {
		got, res := page(c.typ, c.limit, c.offset)
		if strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("type=%s limit=%d offset=%d: %v, want %v", c.typ, c.limit, c.offset, got, c.want)
		}
		if hasNext := strings.Contains(res.Header.Get("Link"), `rel="next"`); hasNext != c.next {
			t.Errorf("type=%s limit=%d offset=%d: Link %q, want a next link: %v", c.typ, c.limit, c.offset, res.Header.Get("Link"), c.next)
		}
	}
}

func TestStatsAgreeWithLists(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	ctx := context.Background()
	acct := env.NewAccount("pro")
	other := env.NewAccount("pro")

	orgsCreate(t, env, acct.Key, map[string]any{"title": "Own One"})
	orgsCreate(t, env, acct.Key, map[string]any{"title": "Own Two"})
	member := orgsCreate(t, env, other.Key, map[string]any{"title": "Member Of"})
	coAdmin := orgsCreate(t, env, other.Key, map[string]any{"title": "Co-admin Of"})
	orgsCreate(t, env, other.Key, map[string]any{"title": "Not Mine"})
	env.SeedMember(member, acct.User.ID, false, models.PermissionMember)
	env.SeedMember(coAdmin, acct.User.ID, true, models.PermissionAdmin)

	for _, in := range []models.NewInstance{
		{Status: "active"}, {Status: "active", InstanceType: "wordpress"}, {Status: "active", InstanceType: "node"},
		{Status: "sleep", Type: "SMS"}, {Status: "sleep"}, {Status: "dead", InstanceType: "node"},
	} {
		env.SeedInstance(acct.User.ID, in)
	}
	env.SeedInstance(other.User.ID, models.NewInstance{Status: "dead", InstanceType: "other"})

	orgsSeedInvoice(t, env, acct.User.ID, "10.10", models.InvoicePaid)
	orgsSeedInvoice(t, env, acct.User.ID, "20.25", models.InvoicePaid)
	orgsSeedInvoice(t, env, acct.User.ID, "5.00", models.InvoicePending)
	orgsSeedInvoice(t, env, acct.User.ID, "7.00", models.InvoiceOverdue)
	orgsSeedInvoice(t, env, other.User.ID, "99.99", models.InvoicePaid)
	if err := env.Store.DB().Model(&models.User{}).Where("id = ?", acct.User.ID).Update("balance", wire.Money(10050)).Error; err != nil {
		t.Fatal(err)
	}
	// Keys: the test's key, one more usable key, one expired (does not count).
	if _, _, err := env.Store.CreateAPIKey(ctx, acct.User.ID, models.NewKey{Name: "ro", Permissions: "read"}); err != nil {
		t.Fatal(err)
	}
	past := time.Now().Add(-time.Hour)
	if _, _, err := env.Store.CreateAPIKey(ctx, acct.User.ID, models.NewKey{Name: "old", Permissions: "read", ExpiresAt: &past}); err != nil {
		t.Fatal(err)
	}

	stats := func(typ string) *testenv.Response {
		p := map[string]string{"mode": "stats"}
		if typ != "" {
			p["type"] = typ
		}
		return orgsGet(env, acct.Key, p)
	}
	listLen := func(mode string, params map[string]string) float64 {
		p := map[string]string{"mode": mode, "action": "list"}
		for k, v := range params {
			p[k] = v
		}
		res := orgsGet(env, acct.Key, p)
		if res.Code != http.StatusOK {
			t.Fatalf("%s list: %s", mode, res.Body)
		}
		return float64(len(res.DataList(t)))
	}

	for _, typ := range []string{"", "overview"} {
		res := stats(typ)
		res.Expect(t, http.StatusOK, "Statistics retrieved successfully")
		d := res.DataMap(t)
		testenv.ExpectShape(t, d, map[string]string{"orgs": "integer", "total_instances": "integer", "active_instances": "integer",
			"asleep_instances": "integer", "dead_instances": "integer", "total_invoices": "integer", "paid_invoices": "integer",
			"pending_invoices": "integer", "api_keys": "integer", "balance": "number", "total_spent": "number"})
		keys, err := env.Store.CountActiveAPIKeys(ctx, acct.User.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]float64{
			"orgs": listLen("orgs", nil), "total_instances": listLen("instances", nil),
			"active_instances": listLen("instances", map[string]string{"status": "active"}),
			"asleep_instances": listLen("instances", map[string]string{"status": "sleep"}),
			"dead_instances":   listLen("instances", map[string]string{"status": "dead"}),
			"total_invoices":   4, "paid_invoices": 2, "pending_invoices": 1, "api_keys": float64(keys),
		}
		if want["orgs"] != 4 || want["total_instances"] != 6 || want["active_instances"] != 3 || want["asleep_instances"] != 2 ||
			want["dead_instances"] != 1 || keys != 2 {
			t.Fatalf("fixture lists are not what the test set up: %v, keys %d", want, keys)
		}
		for k, v := range want {
			if d[k] != v {
				t.Errorf("%s = %v, want %v", k, d[k], v)
			}
		}
		if !strings.Contains(string(res.Body), `"balance":100.50`) || !strings.Contains(string(res.Body), `"total_spent":30.35`) {
			t.Errorf("money: %s", res.Body)
		}
	}

	res := stats("instances")
	res.Expect(t, http.StatusOK, "Instance statistics retrieved successfully")
	d := res.DataMap(t)
	testenv.ExpectShape(t, d, map[string]string{"total": "integer", "active": "integer", "asleep": "integer", "dead": "integer", "types": "integer"})
	if d["total"] != listLen("instances", nil) || d["active"] != listLen("instances", map[string]string{"status": "active"}) ||
		d["asleep"] != listLen("instances", map[string]string{"status": "sleep"}) ||
		d["dead"] != listLen("instances", map[string]string{"status": "dead"}) || d["types"] != float64(3) {
		t.Errorf("instance stats %v", d)
	}

	res = stats("organizations")
	res.Expect(t, http.StatusOK, "Organization statistics retrieved successfully")
	d = res.DataMap(t)
	testenv.ExpectShape(t, d, map[string]string{"total": "integer", "admin_count": "integer"})
	orgs := orgsGet(env, acct.Key, map[string]string{"mode": "orgs", "action": "list"}).DataList(t)
	admins := 0
	for _, o := range orgs {
		if o["isAdmin"] == float64(1) {
			admins++
		}
	}
	if d["total"] != float64(len(orgs)) || d["admin_count"] != float64(admins) || admins != 3 {
		t.Errorf("organization stats %v, list has %d with %d admin memberships", d, len(orgs), admins)
	}

	stats("bogus").Expect(t, 400, "Invalid action for stats mode")

	// A fresh account: zeros, and the key it holds.
	fresh := env.NewAccount("free")
	res = orgsGet(env, fresh.Key, map[string]string{"mode": "stats"})
	res.Expect(t, http.StatusOK, "Statistics retrieved successfully")
	want := `"data":{"orgs":0,"total_instances":0,"active_instances":0,"asleep_instances":0,"dead_instances":0,"total_invoices":0,"paid_invoices":0,"pending_invoices":0,"api_keys":1,"balance":0.00,"total_spent":0.00}`
	if !strings.Contains(string(res.Body), want) {
		t.Errorf("fresh account: %s", res.Body)
	}
	res = orgsGet(env, fresh.Key, map[string]string{"mode": "stats", "type": "instances"})
	if !strings.Contains(string(res.Body), `"data":{"total":0,"active":0,"asleep":0,"dead":0,"types":0}`) {
		t.Errorf("fresh account instances: %s", res.Body)
	}
	res = orgsGet(env, fresh.Key, map[string]string{"mode": "stats", "type": "organizations"})
	if !strings.Contains(string(res.Body), `"data":{"total":0,"admin_count":0}`) {
		t.Errorf("fresh account organizations: %s", res.Body)
	}
}
