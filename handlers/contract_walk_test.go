package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"testing"

	"sharepanel/internal/testenv"
)

var digits = regexp.MustCompile(`\d+`)

// Every endpoint of the reference, called in document order on the demo account, answers 200 with
// the reference's message (numbers aside), the reference's data fields, and their JSON types.
func TestEveryEndpointAnswersLikeTheReference(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	demo, err := env.Store.SeedDemo(context.Background(), "demo@example.com", "demo-password")
	if err != nil {
		t.Fatal(err)
	}
	key := demo.APIKey
	first := func(mode, action string, where func(map[string]any) bool) string {
		t.Helper()
		for _, item := range env.Get(map[string]string{"mode": mode, "action": action, "api_key": key}).DataList(t) {
			if where == nil || where(item) {
				return fmt.Sprint(item["id"])
			}
		}
		t.Fatalf("no %s %s item to use", mode, action)
		return ""
	}
	adminOrg := first("orgs", "list", func(o map[string]any) bool { return o["isAdmin"] == float64(1) })
	var newOrg string
	params := map[string]func() map[string]string{
		"auth.":          func() map[string]string { return map[string]string{"email": demo.Email, "password": demo.Password} },
		"profile.update": func() map[string]string { return map[string]string{"bio": "Contract test"} },
		"orgs.view":      func() map[string]string { return map[string]string{"org_id": adminOrg} },
		"orgs.update":    func() map[string]string { return map[string]string{"org_id": adminOrg, "contact": "ops@example.com"} },
		"orgs.new":       func() map[string]string { return map[string]string{"title": "Contract Org"} },
		"orgs.delete":    func() map[string]string { return map[string]string{"org_id": newOrg} },
		"orgs.members":   func() map[string]string { return map[string]string{"org_id": adminOrg} },
		"instances.view": func() map[string]string { return map[string]string{"instance_id": first("instances", "list", nil)} },
		"instances.update_status": func() map[string]string {
			return map[string]string{"instance_id": first("instances", "list", nil), "status": "active"}
		},
		"billing.invoice": func() map[string]string { return map[string]string{"invoice_id": first("billing", "invoices", nil)} },
		"notifications.mark_read": func() map[string]string {
			return map[string]string{"notification_id": first("notifications", "list", nil)}
		},
		"notifications.delete": func() map[string]string {
			return map[string]string{"notification_id": first("notifications", "list", nil)}
		},
		"api_keys.delete": func() map[string]string {
			made := env.Post(map[string]any{"mode": "api_keys", "action": "create", "api_key": key, "name": "doomed"})
			made.Expect(t, 200, "API key created successfully")
			return map[string]string{"key_id": first("api_keys", "list", func(k map[string]any) bool { return k["name"] == "doomed" })}
		},
		"api_keys.usage": func() map[string]string { return map[string]string{"key_id": first("api_keys", "list", nil)} },
		"search.":        func() map[string]string { return map[string]string{"query": "agency"} },
	}
	env.FlushUsage() // the demo's usage rows are in; make sure today's requests are too, below
	for _, ep := range readReference(t) {
		name := ep.Mode + "." + ep.Action
		t.Run(name, func(t *testing.T) {
			p := map[string]any{"mode": ep.Mode, "api_key": key}
			switch ep.Mode {
			case "stats":
				p["type"] = ep.Action
			case "auth", "search":
			default:
				p["action"] = ep.Action
			}
			if f := params[name]; f != nil {
				for k, v := range f() {
					p[k] = v
				}
			}
			res := env.Post(p) // every endpoint accepts POST
			wantMsg, _ := ep.Example["message"].(string)
			if res.Code != http.StatusOK || digits.ReplaceAllString(res.Message(), "N") != digits.ReplaceAllString(wantMsg, "N") {
				t.Fatalf("got %d %q, want 200 %q; body %s", res.Code, res.Message(), wantMsg, res.Body)
			}
			if name == "orgs.new" {
				newOrg = fmt.Sprint(res.DataMap(t)["org_id"])
			}
			refObjs, refList, refFields := exampleObjects(ep.Example)
			_, hasData := res.Env["data"]
			if refFields == nil {
				if hasData {
					t.Fatalf("reference has no data; got %s", res.Body)
				}
				return
			}
			var got []map[string]any
			if refList {
				got = res.DataList(t)
				if len(got) == 0 {
					t.Fatalf("the demo account should give a non-empty list: %s", res.Body)
				}
			} else {
				got = []map[string]any{res.DataMap(t)}
			}
			refKinds := map[string][]string{}
			for _, o := range refObjs {
				for k, v := range o {
					refKinds[k] = append(refKinds[k], kindOf(v))
				}
			}
			_, action := findAction(ep.Mode, ep.Action)
			goKinds := jsonKinds(action.Response)
			for _, obj := range got {
				for _, f := range refFields {
					v, ok := obj[f]
					if !ok && !(name == "search." && f == "status") {
						t.Errorf("field %s missing: %v", f, obj)
						continue
					}
					k := kindOf(v)
					if ok && !slices.Contains(refKinds[f], k) && !(k == "null" && slices.Contains(goKinds[f], "null")) {
						t.Errorf("field %s is %s (%v), the reference has %v", f, k, v, refKinds[f])
					}
				}
			}
		})
	}
}
