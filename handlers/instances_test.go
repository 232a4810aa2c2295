package handlers_test

import (
	"net/http"
	"strconv"
	"testing"

	"sharepanel/internal/testenv"
	"sharepanel/models"
	"sharepanel/wire"
)

var instanceListShape = map[string]string{"id": "integer", "instance_name": "string", "instance_path": "string",
	"created_at": "datetime", "status": "string", "instance_type": "string", "type": "string"}

// instancesIDs lists the ids of an instances list, in order.
func instancesIDs(t *testing.T, res *testenv.Response) []int64 {
	t.Helper()
	res.Expect(t, http.StatusOK, "Instances retrieved successfully")
	var ids []int64
	for _, in := range res.DataList(t) {
		testenv.ExpectShape(t, in, instanceListShape)
		ids = append(ids, int64(in["id"].(float64)))
	}
	return ids
}

func instancesEqual(a []int64, b ...int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestInstancesList(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("pro")
	other := env.NewAccount("pro")
	a := env.SeedInstance(acct.User.ID, models.NewInstance{Name: "Alpha", Path: "alpha", Type: "SNCS", Status: "active"})
	b := env.SeedInstance(acct.User.ID, models.NewInstance{Name: "Beta", Path: "beta", Type: "SMS", Status: "sleep", InstanceType: "wordpress"})
	c := env.SeedInstance(acct.User.ID, models.NewInstance{Name: "Gamma", Path: "gamma", Type: "sms", Status: "dead"})
	d := env.SeedInstance(acct.User.ID, models.NewInstance{Name: "Delta", Path: "delta", Type: "SNCS", Status: "sleep"})
	env.SeedInstance(other.User.ID, models.NewInstance{Name: "Alpha", Path: "alpha", Type: "SNCS"}) // same path, other account

	list := func(params map[string]string) *testenv.Response {
		p := map[string]string{"mode": "instances", "action": "list"}
		for k, v := range params {
			p[k] = v
		}
		return orgsGet(env, acct.Key, p)
	}
	// Newest first: these share a creation second, so the later ID comes first.
	if ids := instancesIDs(t, list(nil)); !instancesEqual(ids, d.ID, c.ID, b.ID, a.ID) {
		t.Fatalf("all: %v", ids)
	}
	cases := []struct {
		params map[string]string
		want   []int64
	}{
		{map[string]string{"type": "all"}, []int64{d.ID, c.ID, b.ID, a.ID}},
		{map[string]string{"type": "SMS"}, []int64{c.ID, b.ID}},
		{map[string]string{"type": "sncs"}, []int64{d.ID, a.ID}},
		{map[string]string{"status": "sleep"}, []int64{d.ID, b.ID}},
		{map[string]string{"status": "dead"}, []int64{c.ID}},
		{map[string]string{"type": "SMS", "status": "sleep"}, []int64{b.ID}},
		{map[string]string{"type": "SMS", "status": "active"}, nil},
		{map[string]string{"type": "", "status": ""}, []int64{d.ID, c.ID, b.ID, a.ID}}, // empty is absent
	}
	for _, tc := range cases {
		if ids := instancesIDs(t, list(tc.params)); !instancesEqual(ids, tc.want...) {
			t.Errorf("%v: %v, want %v", tc.params, ids, tc.want)
		}
	}
	res := list(map[string]string{"type": "SMS", "status": "sleep"})
	got := res.DataList(t)[0]
	if got["instance_name"] != "Beta" || got["instance_path"] != "beta" || got["type"] != "SMS" || got["instance_type"] != "wordpress" ||
		got["status"] != "sleep" || got["created_at"] != b.CreatedAt.Time().Format(wire.DateTimeLayout) {
		t.Fatalf("beta %v", got)
	}
	if l := list(map[string]string{"type": "SMS", "status": "active"}); l.Data() == nil {
		t.Fatalf("an empty list must be [], got %s", l.Body)
	}
	list(map[string]string{"type": "bogus"}).Expect(t, 400, "Invalid type. Allowed values: SNCS, SMS, all")
	list(map[string]string{"status": "asleep"}).Expect(t, 400, "Invalid status. Allowed values: active, sleep, dead")
}

func TestInstancesView(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("pro")
	other := env.NewAccount("pro")
	in := env.SeedInstance(acct.User.ID, models.NewInstance{Name: "Site", Path: "site", Type: "SMS", Status: "sleep"})
	id := strconv.FormatInt(in.ID, 10)

	res := orgsGet(env, acct.Key, map[string]string{"mode": "instances", "action": "view", "instance_id": id})
	res.Expect(t, http.StatusOK, "Instance retrieved successfully")
	d := res.DataMap(t)
	testenv.ExpectShape(t, d, map[string]string{"id": "integer", "instance_name": "string", "instance_path": "string",
		"created_at": "datetime", "status": "string", "instance_type": "string", "user_id": "integer"})
	if d["id"] != float64(in.ID) || d["instance_name"] != "Site" || d["instance_path"] != "site" || d["status"] != "sleep" ||
		d["instance_type"] != "default" || d["user_id"] != float64(acct.User.ID) {
		t.Fatalf("view %v", d)
	}
	orgsGet(env, other.Key, map[string]string{"mode": "instances", "action": "view", "instance_id": id}).Expect(t, 404, "Instance not found")
	orgsGet(env, acct.Key, map[string]string{"mode": "instances", "action": "view", "instance_id": "999999"}).Expect(t, 404, "Instance not found")
	orgsGet(env, acct.Key, map[string]string{"mode": "instances", "action": "view"}).Expect(t, 400, "Instance ID is required")
	orgsGet(env, acct.Key, map[string]string{"mode": "instances", "action": "view", "instance_id": "-1"}).Expect(t, 400, "Instance ID must be a positive integer")
}

func TestInstancesUpdateStatus(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("pro")
	other := env.NewAccount("pro")
	in := env.SeedInstance(acct.User.ID, models.NewInstance{Status: "active"})
	id := strconv.FormatInt(in.ID, 10)
	update := func(acct *testenv.Account, params map[string]any) *testenv.Response {
		p := map[string]any{"mode": "instances", "action": "update_status"}
		for k, v := range params {
			p[k] = v
		}
		return orgsPost(env, acct.Key, p)
	}
	status := func() string {
		res := orgsGet(env, acct.Key, map[string]string{"mode": "instances", "action": "view", "instance_id": id})
		res.Expect(t, http.StatusOK, "Instance retrieved successfully")
		return res.DataMap(t)["status"].(string)
	}

	update(acct, map[string]any{"instance_id": in.ID, "status": "sleep"}).Expect(t, 200, "Instance status updated successfully")
	if s := status(); s != "sleep" {
		t.Fatalf("status %q", s)
	}
	update(acct, map[string]any{"instance_id": id, "status": "DEAD"}).Expect(t, 200, "Instance status updated successfully")
	update(acct, map[string]any{"instance_id": id, "status": "dead"}).Expect(t, 200, "Instance status updated successfully")   // no change
	update(acct, map[string]any{"instance_id": id, "status": "active"}).Expect(t, 200, "Instance status updated successfully") // explicit revival
	if s := status(); s != "active" {
		t.Fatalf("status %q", s)
	}
	acts := orgsActivity(t, env, acct.User.ID, "instance_status_changed")
	var changes []string
	for i := len(acts) - 1; i >= 0; i-- {
		d := orgsDetails(t, acts[i])
		changes = append(changes, d["from"].(string)+">"+d["to"].(string))
		if acts[i].ResourceType != "instance" || *acts[i].ResourceID != in.ID {
			t.Fatalf("activity %+v", acts[i])
		}
	}
	if len(changes) != 3 || changes[0] != "active>sleep" || changes[1] != "sleep>dead" || changes[2] != "dead>active" {
		t.Fatalf("status changes logged: %v", changes)
	}

	update(other, map[string]any{"instance_id": id, "status": "dead"}).Expect(t, 404, "Instance not found")
	update(acct, map[string]any{"instance_id": 999999, "status": "dead"}).Expect(t, 404, "Instance not found")
	update(acct, map[string]any{"status": "dead"}).Expect(t, 400, "Instance ID is required")
	update(acct, map[string]any{"instance_id": id}).Expect(t, 400, "Status is required")
	update(acct, map[string]any{"instance_id": id, "status": "paused"}).Expect(t, 400, "Invalid status. Allowed values: active, sleep, dead")
	if s := status(); s != "active" {
		t.Fatalf("a refused update changed the status to %q", s)
	}
	orgsGet(env, acct.Key, map[string]string{"mode": "instances", "action": "update_status", "instance_id": id, "status": "dead"}).
		Expect(t, 405, "Method not allowed. Use POST for this action")
}

func TestInstancesBulkActions(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("pro")
	other := env.NewAccount("pro")
	seed := func(userID int64, status string, n int) {
		for range n {
			env.SeedInstance(userID, models.NewInstance{Status: status})
		}
	}
	seed(acct.User.ID, "active", 2)
	seed(acct.User.ID, "sleep", 3)
	seed(acct.User.ID, "dead", 4)
	seed(other.User.ID, "active", 1)
	seed(other.User.ID, "sleep", 1)
	seed(other.User.ID, "dead", 1)

	bulk := func(action string) *testenv.Response {
		return orgsPost(env, acct.Key, map[string]any{"mode": "instances", "action": action})
	}
	count := func(key, status string) int {
		res := orgsGet(env, key, map[string]string{"mode": "instances", "action": "list", "status": status})
		res.Expect(t, http.StatusOK, "Instances retrieved successfully")
		return len(res.DataList(t))
	}

	bulk("awaken_all").Expect(t, 200, "3 instances awakened successfully")
	if count(acct.Key, "active") != 5 || count(acct.Key, "dead") != 4 {
		t.Fatal("awaken_all woke a dead instance or missed a sleeping one")
	}
	bulk("awaken_all").Expect(t, 200, "0 instances awakened successfully")
	bulk("sleep_all").Expect(t, 200, "5 instances put to sleep successfully")
	bulk("sleep_all").Expect(t, 200, "0 instances put to sleep successfully")
	if count(acct.Key, "sleep") != 5 || count(acct.Key, "dead") != 4 {
		t.Fatal("sleep_all touched a dead instance")
	}
	bulk("delete_dead").Expect(t, 200, "4 dead instances deleted successfully")
	bulk("delete_dead").Expect(t, 200, "0 dead instances deleted successfully")
	if count(acct.Key, "") != 5 {
		t.Fatal("delete_dead deleted a live instance")
	}
	// The other account's instances were not touched.
	if count(other.Key, "active") != 1 || count(other.Key, "sleep") != 1 || count(other.Key, "dead") != 1 {
		t.Fatal("bulk actions reached another account")
	}
	for action, want := range map[string]string{"instances_awakened": `{"count":3}`, "instances_put_to_sleep": `{"count":5}`, "dead_instances_deleted": `{"count":4}`} {
		if acts := orgsActivity(t, env, acct.User.ID, action); len(acts) != 1 || string(acts[0].Details) != want {
			t.Errorf("%s activity %+v", action, acts)
		}
	}
	for _, action := range []string{"delete_dead", "awaken_all", "sleep_all"} {
		orgsGet(env, acct.Key, map[string]string{"mode": "instances", "action": action}).Expect(t, 405, "Method not allowed. Use POST for this action")
	}
}
