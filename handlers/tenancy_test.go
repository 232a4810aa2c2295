package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"sharepanel/handlers"
	"sharepanel/internal/testenv"
	"sharepanel/models"
)

// A second account tries every action that takes an ID on the first account's objects: each is a
// 404 with the same message as a missing object, and nothing of the first account changes.
func TestEveryIDTakingActionIsScopedToTheCaller(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	demo, err := env.Store.SeedDemo(context.Background(), "owner@example.com", "owner-password")
	if err != nil {
		t.Fatal(err)
	}
	intruder := env.NewAccount("enterprise")
	firstID := func(mode, action string) string {
		list := env.Get(map[string]string{"mode": mode, "action": action, "api_key": demo.APIKey}).DataList(t)
		if len(list) == 0 {
			t.Fatalf("demo has no %s", mode)
		}
		return fmt.Sprint(list[0]["id"])
	}
	// The owner's objects, by parameter name.
	owned := map[string]string{
		"org_id":          firstID("orgs", "list"),
		"instance_id":     firstID("instances", "list"),
		"invoice_id":      firstID("billing", "invoices"),
		"notification_id": firstID("notifications", "list"),
		"key_id":          firstID("api_keys", "list"),
	}
	notFound := map[string]string{
		"org_id": "Organization not found", "instance_id": "Instance not found", "invoice_id": "Invoice not found",
		"notification_id": "Notification not found", "key_id": "API key not found",
	}
	extra := map[string]map[string]any{
		"instances.update_status": {"status": "dead"},
		"orgs.update":             {"title": "Taken over"},
	}
	snapshot := func() string {
		var b []byte
		for _, q := range []map[string]string{
			{"mode": "orgs", "action": "view", "org_id": owned["org_id"]},
			{"mode": "orgs", "action": "members", "org_id": owned["org_id"]},
			{"mode": "instances", "action": "view", "instance_id": owned["instance_id"]},
			{"mode": "billing", "action": "invoice", "invoice_id": owned["invoice_id"]},
			{"mode": "notifications", "action": "list"},
			{"mode": "api_keys", "action": "list"},
		} {
			q["api_key"] = demo.APIKey
			res := env.Get(q)
			if res.Code != 200 {
				t.Fatalf("owner's %v: %d %s", q, res.Code, res.Body)
			}
			data, _ := res.Env["data"].([]any)
			if q["mode"] == "api_keys" { // last_used_at moves with the owner's own reads
				for _, k := range data {
					delete(k.(map[string]any), "last_used_at")
				}
			}
			b = fmt.Append(b, res.Env["data"])
		}
		return string(b)
	}
	before := snapshot()
	tried := 0
	for _, mode := range handlers.Routes {
		modeName := mode.Name
		for _, action := range mode.Actions {
			actionName := action.Name
			for _, p := range action.Params {
				id, ok := owned[p.Name]
				if !ok {
					continue
				}
				tried++
				params := map[string]any{"mode": modeName, "api_key": intruder.Key, p.Name: id}
				if mode.Selector != "" {
					params[mode.Selector] = actionName
				}
				for k, v := range extra[modeName+"."+actionName] {
					params[k] = v
				}
				env.Post(params).Expect(t, http.StatusNotFound, notFound[p.Name])
			}
		}
	}
	if tried < 11 {
		t.Fatalf("only %d ID-taking actions found in the table", tried)
	}
	if after := snapshot(); after != before {
		t.Fatalf("the owner's data changed:\nbefore %s\nafter  %s", before, after)
	}
	// The intruder's own lists hold nothing of the owner's.
	for _, q := range [][2]string{{"orgs", "list"}, {"instances", "list"}, {"billing", "invoices"}, {"notifications", "list"}} {
		res := env.Get(map[string]string{"mode": q[0], "action": q[1], "api_key": intruder.Key})
		if l := res.DataList(t); len(l) != 0 {
			t.Errorf("%s %s of a new account: %v", q[0], q[1], l)
		}
	}
	var n int64
	env.Store.DB().Model(&models.APIKey{}).Where("user_id = ?", demo.UserID).Count(&n)
	if n < 2 {
		t.Fatalf("owner's keys were deleted: %d left", n)
	}
}
