package handlers_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"sharepanel/internal/testenv"
	"sharepanel/models"
	"sharepanel/wire"
)

func TestAPIKeysCreateListDelete(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("pro")
	expires := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)
	res := env.Post(map[string]any{"mode": "api_keys", "action": "create", "api_key": acct.Key,
		"name": "reporting", "permissions": "read", "expires_at": expires.Format(time.RFC3339)})
	res.Expect(t, 200, "API key created successfully")
	newKey := res.DataMap(t)["api_key"].(string)

	list := env.Get(map[string]string{"mode": "api_keys", "action": "list", "api_key": acct.Key})
	list.Expect(t, 200, "API keys retrieved successfully")
	keys := list.DataList(t)
	if len(keys) != 2 {
		t.Fatalf("want 2 keys, got %d", len(keys))
	}
	k := keys[1]
	for field, want := range map[string]any{"name": "reporting", "permissions": "read", "is_active": float64(1),
		"expires_at": expires.Format(wire.DateTimeLayout), "last_used_at": nil} {
		if k[field] != want {
			t.Errorf("%s = %#v, want %#v", field, k[field], want)
		}
	}
	if _, ok := k["id"].(float64); !ok {
		t.Errorf("id is %T", k["id"])
	}
	if _, ok := k["created_at"].(string); !ok {
		t.Errorf("created_at is %T", k["created_at"])
	}
	// The read-only key reads but cannot change data.
	env.Get(map[string]string{"mode": "api_keys", "action": "list", "api_key": newKey}).Expect(t, 200, "API keys retrieved successfully")
	env.Post(map[string]any{"mode": "api_keys", "action": "create", "api_key": newKey}).
		Expect(t, 403, "This API key does not have write permission")

	// Deleting a key makes it fail on the very next request.
	id := fmt.Sprint(k["id"])
	env.Post(map[string]any{"mode": "api_keys", "action": "delete", "key_id": id, "api_key": acct.Key}).
		Expect(t, 200, "API key deleted successfully")
	env.Get(map[string]string{"mode": "api_keys", "action": "list", "api_key": newKey}).Expect(t, 401, "Invalid or expired API key")
	env.Post(map[string]any{"mode": "api_keys", "action": "delete", "key_id": id, "api_key": acct.Key}).
		Expect(t, 404, "API key not found")
}

func TestAPIKeysCreateValidation(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	key := env.NewAccount("free").Key
	for _, tc := range []struct {
		params map[string]any
		msg    string
	}{
		{map[string]any{"permissions": "admin"}, "Invalid permissions: use read, write or read,write"},
		{map[string]any{"expires_at": "tomorrow"}, "expires_at must be an ISO 8601 date or date-time, e.g. 2025-12-31T23:59:59Z"},
		{map[string]any{"expires_at": "2001-01-01"}, "expires_at must be in the future and at most 10 years from now"},
		{map[string]any{"name": strings.Repeat("n", 101)}, "name must be at most 100 characters"},
	} {
		tc.params["mode"], tc.params["action"], tc.params["api_key"] = "api_keys", "create", key
		env.Post(tc.params).Expect(t, http.StatusBadRequest, tc.msg)
	}
	// Defaults: name "New API Key", permissions "read,write".
	env.Post(map[string]any{"mode": "api_keys", "action": "create", "api_key": key}).Expect(t, 200, "API key created successfully")
	keys := env.Get(map[string]string{"mode": "api_keys", "action": "list", "api_key": key}).DataList(t)
	last := keys[len(keys)-1]
	if last["name"] != "New API Key" || last["permissions"] != "read,write" || last["expires_at"] != nil {
		t.Fatalf("defaults: %v", last)
	}
}

func TestAPIKeyLimit(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	key := env.NewAccount("free").Key // holds 1 key
	for i := 1; i < models.MaxActiveKeys; i++ {
		env.Post(map[string]any{"mode": "api_keys", "action": "create", "api_key": key}).Expect(t, 200, "API key created successfully")
	}
	env.Post(map[string]any{"mode": "api_keys", "action": "create", "api_key": key}).
		Expect(t, 403, "API key limit reached: an account may hold 25 active keys. Delete one first")
}

func TestAPIKeysTenancy(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	owner, other := env.NewAccount("free"), env.NewAccount("free")
	keys := env.Get(map[string]string{"mode": "api_keys", "action": "list", "api_key": owner.Key}).DataList(t)
	ownerKeyID := fmt.Sprint(keys[0]["id"])
	env.Get(map[string]string{"mode": "api_keys", "action": "usage", "key_id": ownerKeyID, "api_key": other.Key}).Expect(t, 404, "API key not found")
	env.Get(map[string]string{"mode": "api_keys", "action": "usage", "key_id": "999999", "api_key": other.Key}).Expect(t, 404, "API key not found")
	env.Post(map[string]any{"mode": "api_keys", "action": "delete", "key_id": ownerKeyID, "api_key": other.Key}).Expect(t, 404, "API key not found")
	env.Get(map[string]string{"mode": "api_keys", "action": "usage", "api_key": other.Key}).Expect(t, 400, "API key ID is required")
	env.Get(map[string]string{"mode": "api_keys", "action": "usage", "key_id": "abc", "api_key": other.Key}).Expect(t, 400, "API key ID must be a positive integer")
	// The owner's key still works.
	env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": owner.Key}).Expect(t, 200, "Profile retrieved successfully")
}

func TestUsageIsRecordedAndReported(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("pro")
	for i := 0; i < 3; i++ {
		env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": acct.Key})
	}
	env.Get(map[string]string{"mode": "profile", "action": "update", "api_key": acct.Key}) // 405: not authenticated, not recorded
	env.Post(map[string]any{"mode": "profile", "action": "update", "api_key": acct.Key})   // 400: recorded as an error
	env.FlushUsage()
	keys := env.Get(map[string]string{"mode": "api_keys", "action": "list", "api_key": acct.Key}).DataList(t)
	res := env.Get(map[string]string{"mode": "api_keys", "action": "usage", "key_id": fmt.Sprint(keys[0]["id"]), "api_key": acct.Key})
	res.Expect(t, 200, "API key usage retrieved successfully")
	d := res.DataMap(t)
	// 3 views + 1 failed update; the list came after the flush.
	for field, want := range map[string]float64{"total_requests": 4, "active_days": 1, "endpoints_used": 2, "success_count": 3, "error_count": 1} {
		if d[field] != want {
			t.Errorf("%s = %v, want %v", field, d[field], want)
		}
	}
	if _, ok := d["avg_response_time"].(float64); !ok {
		t.Errorf("avg_response_time is %T", d["avg_response_time"])
	}
	if _, ok := d["last_request"].(string); !ok {
		t.Errorf("last_request is %T", d["last_request"])
	}
	if _, ok := keys[0]["last_used_at"].(string); !ok {
		t.Errorf("last_used_at not written by the flush: %v", keys[0]["last_used_at"])
	}
}
