package admin_test

import (
	"net/http"
	"strconv"
	"testing"
)

func TestInstancesSeenThroughTheUserAPI(t *testing.T) {
	e := newEnv(t, envOptions{})
	_, _, key := e.createUser(t, "ada", "basic") // instance_limit 5
	org := e.Post(map[string]any{"mode": "orgs", "action": "new", "api_key": key, "title": "Ada Labs"})
	org.Expect(t, 200, "Organization created successfully")
	orgID := org.DataMap(t)["org_id"].(float64)

	res := e.as(t, http.MethodPost, "/api/users/ada/instances", map[string]any{"name": "Shop", "path": "shop", "type": "sncs",
		"instance_type": "wordpress", "org_id": orgID})
	obj := res.object(t)
	inst := obj["instance"].(map[string]any)
	if obj["message"] != "Instance shop created for user ada" || inst["type"] != "SNCS" || inst["status"] != "active" ||
		inst["org_id"] != orgID || inst["instance_type"] != "wordpress" {
		t.Fatalf("created %s", res.Body)
	}
	id := strconv.Itoa(int(inst["id"].(float64)))
	// No path: made from the name; no instance_type: "default".
	e.as(t, http.MethodPost, "/api/users/ada/instances", map[string]any{"name": "Mail Server", "type": "SMS", "status": "sleep"}).object(t)

	list := e.Get(map[string]string{"mode": "instances", "action": "list", "api_key": key})
	list.Expect(t, 200, "Instances retrieved successfully")
	items := list.DataList(t)
	if len(items) != 2 || items[0]["instance_path"] != "mail-server" || items[0]["instance_type"] != "default" || items[0]["status"] != "sleep" ||
		items[1]["instance_path"] != "shop" || items[1]["type"] != "SNCS" {
		t.Fatalf("user API list %s", list.Body)
	}
	view := e.Get(map[string]string{"mode": "orgs", "action": "view", "org_id": strconv.Itoa(int(orgID)), "api_key": key})
	if view.DataMap(t)["instance_count"] != float64(1) {
		t.Fatalf("org view %s", view.Body)
	}

	// Status change, seen at once.
	e.as(t, http.MethodPatch, "/api/instances/"+id, map[string]string{"status": "dead"}).expectMessage(t, "Instance "+id+" status set to dead")
	v := e.Get(map[string]string{"mode": "instances", "action": "view", "instance_id": id, "api_key": key})
	if v.DataMap(t)["status"] != "dead" {
		t.Fatalf("view after status change %s", v.Body)
	}
	// Delete.
	e.as(t, http.MethodDelete, "/api/instances/"+id, nil).expectMessage(t, "Instance "+id+" deleted")
	e.Get(map[string]string{"mode": "instances", "action": "view", "instance_id": id, "api_key": key}).Expect(t, 404, "Instance not found")
	e.as(t, http.MethodDelete, "/api/instances/"+id, nil).fail(t, 404, "Instance not found")
	if n := e.as(t, http.MethodGet, "/api/users/ada", nil).object(t)["instance_count"]; n != float64(1) {
		t.Fatalf("instance_count %v", n)
	}
}

func TestInstanceErrors(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createUser(t, "ada", "free") // instance_limit 1
	_, _, bobKey := e.createUser(t, "bob", "free")
	bobOrg := e.Post(map[string]any{"mode": "orgs", "action": "new", "api_key": bobKey, "title": "Bob Co"}).DataMap(t)["org_id"]
	e.as(t, http.MethodPost, "/api/users/ada/instances", map[string]any{"name": "One", "type": "SNCS"}).object(t)
	for _, tc := range []struct {
		name, method, path string
		body               any
		code               int
		msg                string
	}{
		{"over the plan's limit", http.MethodPost, "/api/users/ada/instances", map[string]any{"name": "Two", "type": "SNCS"}, 403, "Instance limit reached for your plan"},
		{"unknown user", http.MethodPost, "/api/users/nobody/instances", map[string]any{"name": "X", "type": "SNCS"}, 404, "User not found"},
		{"no type", http.MethodPost, "/api/users/bob/instances", map[string]any{"name": "X"}, 400, "type is required (SNCS or SMS)"},
		{"bad type", http.MethodPost, "/api/users/bob/instances", map[string]any{"name": "X", "type": "VPS"}, 400, "Invalid type. Allowed values: SNCS, SMS"},
		{"no name", http.MethodPost, "/api/users/bob/instances", map[string]any{"type": "SMS", "path": "x"}, 400, "Instance name is required and must be at most 255 characters"},
		{"bad path", http.MethodPost, "/api/users/bob/instances", map[string]any{"name": "X", "type": "SMS", "path": "Bad Path"}, 400, "Invalid instance path: use at most 128 lowercase letters, digits and single hyphens"},
		{"bad status", http.MethodPost, "/api/users/bob/instances", map[string]any{"name": "X", "type": "SMS", "status": "zombie"}, 400, "Invalid status. Allowed values: active, sleep, dead"},
		{"bad org_id", http.MethodPost, "/api/users/bob/instances", map[string]any{"name": "X", "type": "SMS", "org_id": "one"}, 400, "org_id must be an integer"},
		{"status of unknown", http.MethodPatch, "/api/instances/999", map[string]string{"status": "sleep"}, 404, "Instance not found"},
		{"bad id", http.MethodPatch, "/api/instances/abc", map[string]string{"status": "sleep"}, 400, "Instance ID must be a positive integer"},
		{"no status", http.MethodPatch, "/api/instances/1", map[string]string{}, 400, "status is required"},
		{"bad new status", http.MethodPatch, "/api/instances/1", map[string]string{"status": "zombie"}, 400, "Invalid status. Allowed values: active, sleep, dead"},
		{"delete bad id", http.MethodDelete, "/api/instances/0", nil, 400, "Instance ID must be a positive integer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.as(t, tc.method, tc.path, tc.body).fail(t, tc.code, tc.msg)
		})
	}
	// An instance goes only under an organization its owner is a member of.
	e.createUser(t, "carol", "basic")
	for _, org := range []any{bobOrg, 999} {
		e.as(t, http.MethodPost, "/api/users/carol/instances", map[string]any{"name": "X", "type": "SMS", "org_id": org}).fail(t, 404, "Organization not found")
	}
	e.as(t, http.MethodPost, "/api/users/bob/instances", map[string]any{"name": "X", "type": "SMS", "org_id": bobOrg}).object(t)
}
