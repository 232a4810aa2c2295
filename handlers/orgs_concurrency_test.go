package handlers_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"sharepanel/internal/testenv"
	"sharepanel/models"
)

// TestOrgsLimitUnderConcurrency fires 20 creations at once on a plan with org_limit 10: exactly 10
// succeed, the others get 403, and the paths generated under contention are all distinct.
func TestOrgsLimitUnderConcurrency(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("pro")
	const n, limit = 20, 10
	results := make([]*testenv.Response, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			results[i] = orgsConcurrentNew(env, acct.Key, `{"mode":"orgs","action":"new","title":"Race"}`)
		}()
	}
	close(start)
	wg.Wait()
	okCount := 0
	for _, r := range results {
		switch {
		case r.Code == http.StatusOK && r.Message() == "Organization created successfully":
			okCount++
		case r.Code == http.StatusForbidden && r.Message() == "Organization limit reached for your plan" && r.Status() == "error":
		default:
			t.Fatalf("unexpected response %d %s", r.Code, r.Body)
		}
	}
	if okCount != limit {
		t.Fatalf("%d creations succeeded, want %d", okCount, limit)
	}
	list := orgsGet(env, acct.Key, map[string]string{"mode": "orgs", "action": "list"}).DataList(t)
	paths := map[any]bool{}
	for _, o := range list {
		paths[o["path"]] = true
	}
	if len(list) != limit || len(paths) != limit || !paths["race"] || !paths["race-10"] {
		t.Fatalf("list after the race: %v", list)
	}

	// Memberships of other accounts' organizations do not count; deleting one frees a slot.
	other := env.NewAccount("pro")
	otherOrg := orgsCreate(t, env, other.Key, nil)
	env.SeedMember(otherOrg, acct.User.ID, false, models.PermissionMember)
	orgsPost(env, acct.Key, map[string]any{"mode": "orgs", "action": "new"}).Expect(t, 403, "Organization limit reached for your plan")
	orgsPost(env, acct.Key, map[string]any{"mode": "orgs", "action": "delete", "org_id": list[0]["id"]}).Expect(t, 200, "Organization deleted successfully")
	orgsCreate(t, env, acct.Key, nil)
	orgsPost(env, acct.Key, map[string]any{"mode": "orgs", "action": "new"}).Expect(t, 403, "Organization limit reached for your plan")
}

// TestOrgsSameTitleAcrossAccountsConcurrently creates the same title from several accounts at once:
// all succeed with distinct paths (on MySQL a creation that loses its generated path is retried).
func TestOrgsSameTitleAcrossAccountsConcurrently(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	const n = 6
	accts := make([]*testenv.Account, n)
	for i := range accts {
		accts[i] = env.NewAccount("free")
	}
	results := make([]*testenv.Response, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			results[i] = orgsConcurrentNew(env, accts[i].Key, `{"mode":"orgs","action":"new","title":"Shared Name"}`)
		}()
	}
	close(start)
	wg.Wait()
	paths := map[string]bool{}
	for i, r := range results {
		if r.Code != http.StatusOK {
			t.Fatalf("account %d: %d %s", i, r.Code, r.Body)
		}
		l := orgsGet(env, accts[i].Key, map[string]string{"mode": "orgs", "action": "list"}).DataList(t)
		if len(l) != 1 {
			t.Fatalf("account %d lists %v", i, l)
		}
		paths[l[0]["path"].(string)] = true
	}
	for i := 1; i <= n; i++ {
		p := "shared-name"
		if i > 1 {
			p += "-" + strconv.Itoa(i)
		}
		if !paths[p] {
			t.Fatalf("paths %v, want shared-name … shared-name-%d", paths, n)
		}
	}
}

// orgsConcurrentNew posts body through env.Echo.ServeHTTP without touching env.T, so that it may run
// in a goroutine (t.Fatal must not be called off the test goroutine).
func orgsConcurrentNew(env *testenv.Env, key, body string) *testenv.Response {
	req := httptest.NewRequest(http.MethodPost, "/api", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-API-Key", key)
	rec := httptest.NewRecorder()
	env.Echo.ServeHTTP(rec, req)
	res := &testenv.Response{Code: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
	if err := json.Unmarshal(res.Body, &res.Env); err != nil {
		res.Env = map[string]any{"status": "unparseable"}
	}
	return res
}
