package handlers_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"sharepanel/internal/testenv"
	"sharepanel/models"
)

const invalidMode = "Invalid mode. Available modes: auth, profile, orgs, instances, billing, analytics, notifications, api_keys, search, stats"

func TestModeAndActionErrors(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	key := env.NewAccount("free").Key
	cases := []struct {
		name   string
		params map[string]string
		msg    string
	}{
		{"no mode", map[string]string{"api_key": key}, invalidMode},
		{"unknown mode", map[string]string{"mode": "webhooks", "api_key": key}, invalidMode},
		{"mode is case-sensitive", map[string]string{"mode": "Profile", "action": "view", "api_key": key}, invalidMode},
		{"no action", map[string]string{"mode": "orgs", "api_key": key}, "Invalid action for orgs mode"},
		{"unknown action", map[string]string{"mode": "billing", "action": "refund", "api_key": key}, "Invalid action for billing mode"},
		{"unknown stats type", map[string]string{"mode": "stats", "type": "everything", "api_key": key}, "Invalid action for stats mode"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := env.Get(tc.params)
			res.Expect(t, http.StatusBadRequest, tc.msg)
			if res.Env["code"] != "invalid_request" {
				t.Fatalf("code %v", res.Env["code"])
			}
			if _, has := res.Env["data"]; has {
				t.Fatalf("error envelope has data: %s", res.Body)
			}
		})
	}
}

func TestEnvelopeShape(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	key := env.NewAccount("free").Key
	res := env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": key})
	res.Expect(t, http.StatusOK, "Profile retrieved successfully")
	ts, _ := res.Env["timestamp"].(string)
	if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$`).MatchString(ts) {
		t.Fatalf("timestamp %q", ts)
	}
	if len(res.Env) != 4 {
		t.Fatalf("success envelope keys: %v", res.Env)
	}
	if id := res.Header.Get("X-Request-ID"); len(id) != 36 {
		t.Fatalf("X-Request-ID %q is not a UUID", id)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q", ct)
	}
	// A client's sane request ID is kept; an insane one is replaced.
	sane := env.Do(http.MethodGet, "/api?mode=nope", nil, http.Header{"X-Request-Id": {"client-abc.123"}})
	if sane.Header.Get("X-Request-ID") != "client-abc.123" {
		t.Fatalf("sane request id not kept: %q", sane.Header.Get("X-Request-ID"))
	}
	insane := env.Do(http.MethodGet, "/api?mode=nope", nil, http.Header{"X-Request-Id": {"<script>"}})
	if insane.Header.Get("X-Request-ID") == "<script>" {
		t.Fatal("insane request id echoed")
	}
}

func TestUnknownRouteIsEnvelope(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	res := env.Do(http.MethodGet, "/nothing-here", nil, nil)
	if res.Code != http.StatusNotFound || res.Status() != "error" || res.Env["code"] != "not_found" {
		t.Fatalf("got %d %s", res.Code, res.Body)
	}
}

func TestMethodRules(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	key := env.NewAccount("free").Key
	// Actions that change data refuse GET.
	res := env.Get(map[string]string{"mode": "profile", "action": "update", "bio": "x", "api_key": key})
	res.Expect(t, http.StatusMethodNotAllowed, "Method not allowed. Use POST for this action")
	if res.Header.Get("Allow") != "POST" {
		t.Fatalf("Allow %q", res.Header.Get("Allow"))
	}
	// Other methods are refused on /api altogether.
	for _, m := range []string{http.MethodPut, http.MethodDelete, http.MethodPatch} {
		res := env.Do(m, "/api?mode=profile&action=view&api_key="+key, nil, nil)
		res.Expect(t, http.StatusMethodNotAllowed, "Method not allowed. Use GET or POST")
	}
	// Both /api and /api/ answer.
	env.Do(http.MethodGet, "/api/?mode=profile&action=view&api_key="+key, nil, nil).Expect(t, http.StatusOK, "Profile retrieved successfully")
}

func TestAPIKeyLocations(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	key := env.NewAccount("free").Key
	view := "/api?mode=profile&action=view"
	for name, h := range map[string]http.Header{
		"bearer":      {"Authorization": {"Bearer " + key}},
		"bearer case": {"Authorization": {"bearer " + key}},
		"x-api-key":   {"X-Api-Key": {key}},
	} {
		t.Run(name, func(t *testing.T) {
			env.Do(http.MethodGet, view, nil, h).Expect(t, http.StatusOK, "Profile retrieved successfully")
		})
	}
	t.Run("query", func(t *testing.T) {
		env.Do(http.MethodGet, view+"&api_key="+url.QueryEscape(key), nil, nil).Expect(t, http.StatusOK, "Profile retrieved successfully")
	})
	for name, h := range map[string]http.Header{
		"none":        nil,
		"wrong":       {"X-Api-Key": {"sp_notakey"}},
		"basic":       {"Authorization": {"Basic " + key}},
		"empty param": nil,
	} {
		t.Run("refused "+name, func(t *testing.T) {
			target := view
			if name == "empty param" {
				target += "&api_key="
			}
			res := env.Do(http.MethodGet, target, nil, h)
			res.Expect(t, http.StatusUnauthorized, "Invalid or expired API key")
			if res.Env["code"] != "unauthorized" {
				t.Fatalf("code %v", res.Env["code"])
			}
		})
	}
}

func TestParameterSources(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	key := env.NewAccount("free").Key
	viewBio := func() string {
		res := env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": key})
		return res.DataMap(t)["bio"].(string)
	}
	ok := "Profile updated successfully"

	env.Post(map[string]any{"mode": "profile", "action": "update", "api_key": key, "bio": "json"}).Expect(t, 200, ok)
	if viewBio() != "json" {
		t.Fatal("JSON body not applied")
	}
	form := url.Values{"mode": {"profile"}, "action": {"update"}, "api_key": {key}, "bio": {"form"}}
	env.Do(http.MethodPost, "/api", form, nil).Expect(t, 200, ok)
	if viewBio() != "form" {
		t.Fatal("urlencoded body not applied")
	}
	var mp bytes.Buffer
	w := multipart.NewWriter(&mp)
	for k, v := range map[string]string{"mode": "profile", "action": "update", "api_key": key, "bio": "multipart"} {
		_ = w.WriteField(k, v)
	}
	fw, _ := w.CreateFormFile("upload", "ignored.txt")
	_, _ = fw.Write([]byte("files are not parameters"))
	_ = w.Close()
	env.Do(http.MethodPost, "/api", mp.Bytes(), http.Header{"Content-Type": {w.FormDataContentType()}}).Expect(t, 200, ok)
	if viewBio() != "multipart" {
		t.Fatal("multipart body not applied")
	}
	// The body wins over the query.
	env.Do(http.MethodPost, "/api?mode=profile&action=view&bio=query&api_key="+key,
		map[string]any{"action": "update", "bio": "body"}, nil).Expect(t, 200, ok)
	if viewBio() != "body" {
		t.Fatal("body did not override query")
	}
	// fetch() sends a string body as text/plain: still read as JSON.
	env.Do(http.MethodPost, "/api", `{"mode":"profile","action":"update","api_key":"`+key+`","bio":"text"}`,
		http.Header{"Content-Type": {"text/plain;charset=UTF-8"}}).Expect(t, 200, ok)
	if viewBio() != "text" {
		t.Fatal("text/plain JSON body not applied")
	}
	// JSON numbers and booleans are parameters too.
	env.Post(map[string]any{"mode": "profile", "action": "update", "api_key": key, "phone": 1234567890}).Expect(t, 200, ok)
	res := env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": key})
	if res.DataMap(t)["phone"] != "1234567890" {
		t.Fatalf("numeric phone: %v", res.DataMap(t)["phone"])
	}
}

func TestBadBodies(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	json := http.Header{"Content-Type": {"application/json"}}
	env.Do(http.MethodPost, "/api", `{"mode":`, json).Expect(t, 400, "Invalid JSON body")
	env.Do(http.MethodPost, "/api", `["profile"]`, json).Expect(t, 400, "Request body must be a JSON object")
	env.Do(http.MethodPost, "/api", `{"mode":"profile"} {"x":1}`, json).Expect(t, 400, "Invalid JSON body: one JSON object expected")
	env.Do(http.MethodGet, "/api?mode=profile&bio=%ff", nil, nil).Expect(t, 400, "Parameters must be valid UTF-8")
}

func TestPagingBounds(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	key := env.NewAccount("free").Key
	for _, tc := range []struct{ limit, offset, msg string }{
		{"0", "", "limit must be an integer between 1 and 500"},
		{"501", "", "limit must be an integer between 1 and 500"},
		{"ten", "", "limit must be an integer between 1 and 500"},
		{"1.5", "", "limit must be an integer between 1 and 500"},
		{"", "-1", "offset must be a non-negative integer"},
		{"", "x", "offset must be a non-negative integer"},
	} {
		p := map[string]string{"mode": "notifications", "action": "list", "api_key": key}
		if tc.limit != "" {
			p["limit"] = tc.limit
		}
		if tc.offset != "" {
			p["offset"] = tc.offset
		}
		env.Get(p).Expect(t, http.StatusBadRequest, tc.msg)
	}
}

func TestReadOnlyAndExpiredKeys(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("free")
	ctx := context.Background()
	readKey, _, err := env.Store.CreateAPIKey(ctx, acct.User.ID, models.NewKey{Name: "ro", Permissions: "read"})
	if err != nil {
		t.Fatal(err)
	}
	env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": readKey}).Expect(t, 200, "Profile retrieved successfully")
	env.Post(map[string]any{"mode": "profile", "action": "update", "bio": "x", "api_key": readKey}).
		Expect(t, http.StatusForbidden, "This API key does not have write permission")

	writeKey, _, _ := env.Store.CreateAPIKey(ctx, acct.User.ID, models.NewKey{Name: "wo", Permissions: "write"})
	env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": writeKey}).
		Expect(t, http.StatusForbidden, "This API key does not have read permission")

	past := time.Now().Add(-time.Minute)
	expired, _, _ := env.Store.CreateAPIKey(ctx, acct.User.ID, models.NewKey{Name: "old", Permissions: "read,write", ExpiresAt: &past})
	env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": expired}).Expect(t, 401, "Invalid or expired API key")
}

func TestSuspendedAccount(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("free")
	env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": acct.Key}).Expect(t, 200, "Profile retrieved successfully")
	if err := env.Store.DB().Model(&models.User{}).Where("id = ?", acct.User.ID).Update("suspended", true).Error; err != nil {
		t.Fatal(err)
	}
	env.Store.Keys.ForgetUser(acct.User.ID)
	env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": acct.Key}).Expect(t, 403, "Account suspended")
	env.Get(map[string]string{"mode": "auth", "email": acct.User.Email, "password": acct.Password}).Expect(t, 403, "Account suspended")
}

func TestPayloadCapBeforeKnowingTheKey(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	// Shrink every plan so the test moves kilobytes, not 50 MB.
	if err := env.Store.DB().Model(&models.Plan{}).Where("1 = 1").Update("max_payload_bytes", 4096).Error; err != nil {
		t.Fatal(err)
	}
	env.Store.Plans.Invalidate()
	big := `{"mode":"profile","action":"view","pad":"` + strings.Repeat("x", 5000) + `"}`
	res := env.Do(http.MethodPost, "/api", big, http.Header{"Content-Type": {"application/json"}})
	res.Expect(t, http.StatusRequestEntityTooLarge, "Payload too large. No plan accepts more than 4096 bytes")

	// Chunked (no Content-Length): the same, without reading past the cap.
	req := httptest.NewRequest(http.MethodPost, "/api", struct{ *strings.Reader }{strings.NewReader(big)})
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	env.Echo.ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("chunked: %d %s", rec.Code, rec.Body)
	}
}
