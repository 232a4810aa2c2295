package admin_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"sharepanel/ratelimit"
)

// recordingLimiter allows everything and remembers the limits it was asked to apply.
type recordingLimiter struct {
	mu   sync.Mutex
	last ratelimit.Limits
}

func (l *recordingLimiter) Allow(_ context.Context, _ string, limits ratelimit.Limits) (ratelimit.Decision, error) {
	l.mu.Lock()
	l.last = limits
	l.mu.Unlock()
	return ratelimit.Decision{Allowed: true}, nil
}

func (l *recordingLimiter) Last() ratelimit.Limits {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.last
}

func TestPlansList(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createUser(t, "ada", "pro")
	res := e.as(t, http.MethodGet, "/api/plans", nil)
	plans := res.items(t)
	if len(plans) != 4 || res.Header.Get("X-Total-Count") != "4" {
		t.Fatalf("plans %s", res.Body)
	}
	pro := plans[2]
	want := map[string]any{"name": "pro", "price": 29.99, "org_limit": float64(10), "instance_limit": float64(25),
		"filelimit": float64(20000), "storagelimit": float64(2000), "description": "Pro plan", "features": "All features, priority support",
		"requests_per_day": float64(10000), "requests_per_minute": float64(100), "max_payload_bytes": float64(15 << 20), "user_count": float64(1)}
	for k, v := range want {
		if pro[k] != v {
			t.Errorf("%s = %#v, want %#v", k, pro[k], v)
		}
	}
	if !strings.Contains(string(res.Body), `"price":29.99,`) {
		t.Fatalf("price is not written as a two-decimal number: %s", res.Body)
	}
	if got := e.as(t, http.MethodGet, "/api/plans/pro", nil).object(t)["user_count"]; got != float64(1) {
		t.Fatalf("one plan: user_count %v", got)
	}
	e.as(t, http.MethodGet, "/api/plans/platinum", nil).fail(t, 404, "Plan not found")
}

func TestPlanLifecycleAppliesToTheUserAPI(t *testing.T) {
	lim := &recordingLimiter{}
	e := newEnv(t, envOptions{Limiter: lim})

	// Create: the user API's fields and the limits; what is not given takes the free plan's values.
	res := e.as(t, http.MethodPost, "/api/plans", map[string]any{"name": "default_plan_nginx", "price": "12.50",
		"org_limit": 2, "instance_limit": "3", "description": "Nginx plan", "features": "nginx", "requests_per_minute": 7})
	obj := res.object(t)
	plan := obj["plan"].(map[string]any)
	if obj["message"] != "Plan default_plan_nginx created" || plan["price"] != 12.5 || plan["instance_limit"] != float64(3) ||
		plan["requests_per_day"] != float64(100) || plan["max_payload_bytes"] != float64(1<<20) || plan["user_count"] != float64(0) {
		t.Fatalf("created plan %s", res.Body)
	}
	// The document's create-account example names this plan.
	e.as(t, http.MethodPost, "/api/users", map[string]string{"username": "stefan", "password": "s32dsasaq", "email": "stefan@pejcic.rs", "plan_name": "default_plan_nginx"}).
		expectMessage(t, "Successfully added user stefan")
	auth := e.Get(map[string]string{"mode": "auth", "email": "stefan@pejcic.rs", "password": "s32dsasaq"})
	key := auth.DataMap(t)["api_key"].(string)
	if d := e.profile(t, key).DataMap(t); d["plan"] != "default_plan_nginx" || d["instance_limit"] != float64(3) {
		t.Fatalf("profile %v", d)
	}
	if l := lim.Last(); l.PerMinute != 7 || l.PerDay != 100 {
		t.Fatalf("limits applied %+v", l)
	}

	// Update: the next user API request sees the new fields and limits.
	res = e.as(t, http.MethodPatch, "/api/plans/default_plan_nginx", map[string]any{"instance_limit": 9, "requests_per_minute": 70,
		"requests_per_day": 0, "max_payload_bytes": 2048})
	if p := res.object(t)["plan"].(map[string]any); p["instance_limit"] != float64(9) || p["price"] != 12.5 || p["user_count"] != float64(1) {
		t.Fatalf("updated plan %s", res.Body)
	}
	if d := e.profile(t, key).DataMap(t); d["instance_limit"] != float64(9) {
		t.Fatalf("profile after update %v", d)
	}
	if l := lim.Last(); l.PerMinute != 70 || l.PerDay != 0 {
		t.Fatalf("limits after update %+v", l)
	}
	// 2,100 bytes in 700 characters: within bio's 1,000 (a write takes no parameter it does not declare).
	big := map[string]any{"mode": "profile", "action": "update", "api_key": key, "bio": strings.Repeat("€", 700)}
	e.Post(big).Expect(t, http.StatusRequestEntityTooLarge, "Payload too large. The default_plan_nginx plan accepts at most 2048 bytes")

	// PUT is the same as PATCH.
	e.as(t, http.MethodPut, "/api/plans/default_plan_nginx", map[string]any{"max_payload_bytes": 1 << 20}).object(t)
	e.Post(big).Expect(t, http.StatusOK, "Profile updated successfully")

	// Delete: refused while an account uses the plan, allowed once none does.
	e.as(t, http.MethodDelete, "/api/plans/default_plan_nginx", nil).
		fail(t, http.StatusConflict, "Plan default_plan_nginx is used by 1 account(s); move them to another plan first")
	e.as(t, http.MethodPut, "/api/users/stefan", map[string]string{"plan_name": "free"}).object(t)
	e.as(t, http.MethodDelete, "/api/plans/default_plan_nginx", nil).expectMessage(t, "Plan default_plan_nginx deleted")
	e.as(t, http.MethodGet, "/api/plans/default_plan_nginx", nil).fail(t, 404, "Plan not found")
	e.as(t, http.MethodDelete, "/api/plans/default_plan_nginx", nil).fail(t, 404, "Plan not found")
}

func TestPlanErrors(t *testing.T) {
	e := newEnv(t, envOptions{})
	for _, tc := range []struct {
		name, method, path string
		body               any
		code               int
		msg                string
	}{
		{"no name", http.MethodPost, "/api/plans", map[string]any{"price": 1}, 400, "name is required"},
		{"duplicate", http.MethodPost, "/api/plans", map[string]any{"name": "Pro"}, 409, "Plan pro already exists"},
		{"bad name", http.MethodPost, "/api/plans", map[string]any{"name": "two words"}, 400, "Invalid plan name: use 1-64 lowercase letters, digits, '.', '_' or '-'"},
		{"negative limit", http.MethodPost, "/api/plans", map[string]any{"name": "x", "org_limit": -1}, 400, "org_limit must be 0 or more"},
		{"negative price", http.MethodPost, "/api/plans", map[string]any{"name": "x", "price": -1}, 400, "price must be 0 or more"},
		{"price with mills", http.MethodPost, "/api/plans", map[string]any{"name": "x", "price": "1.234"}, 400, "price must be an amount such as 10.00"},
		{"text limit", http.MethodPost, "/api/plans", map[string]any{"name": "x", "instance_limit": "many"}, 400, "instance_limit must be an integer"},
		{"tiny payload", http.MethodPost, "/api/plans", map[string]any{"name": "x", "max_payload_bytes": 10}, 400, "max_payload_bytes must be between 1024 and 1073741824"},
		{"unknown field", http.MethodPost, "/api/plans", map[string]any{"name": "x", "colour": "red"}, 400, `Unknown plan field "colour". Fields: name, price, org_limit, instance_limit, filelimit, storagelimit, description, features, requests_per_day, requests_per_minute, max_payload_bytes`},
		{"update unknown", http.MethodPatch, "/api/plans/platinum", map[string]any{"price": 1}, 404, "Plan not found"},
		{"update nothing", http.MethodPatch, "/api/plans/pro", map[string]any{}, 400, "No fields to update"},
		{"rename onto another", http.MethodPatch, "/api/plans/pro", map[string]any{"name": "basic"}, 409, "Plan basic already exists"},
		{"delete default", http.MethodDelete, "/api/plans/free", nil, 409, "Plan free is the default plan; change default_plan first"},
		{"delete unknown", http.MethodDelete, "/api/plans/platinum", nil, 404, "Plan not found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.as(t, tc.method, tc.path, tc.body).fail(t, tc.code, tc.msg)
		})
	}
	// Renaming the default plan renames the setting with it.
	e.as(t, http.MethodPatch, "/api/plans/free", map[string]any{"name": "starter"}).object(t)
	if got := e.as(t, http.MethodGet, "/api/settings", nil).object(t)["default_plan"]; got != "starter" {
		t.Fatalf("default_plan after rename: %v", got)
	}
}
