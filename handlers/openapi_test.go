package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"sharepanel/apidocs"
	"sharepanel/handlers"
	"sharepanel/internal/testenv"
	"sharepanel/models"
)

// loadDoc fetches /docs/openapi.json as served and loads it with kin-openapi.
func loadDoc(t *testing.T, env *testenv.Env) (*openapi3.T, []byte) {
	t.Helper()
	res := env.Do(http.MethodGet, "/docs/openapi.json", nil, nil)
	if res.Code != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("GET /docs/openapi.json: %d %s", res.Code, res.Header.Get("Content-Type"))
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(res.Body)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return doc, res.Body
}

func TestOpenAPIDocumentIsValid(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	doc, raw := loadDoc(t, env)
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("kin-openapi rejects the document: %v", err)
	}
	// The configured origins replace the placeholders everywhere: without a public URL, the
	// relative server "/".
	if bytes.Contains(raw, []byte(".invalid")) {
		t.Fatal("a placeholder is still in the served document")
	}
	if got := doc.Servers[0].URL; got != "/" {
		t.Fatalf("server URL %q", got)
	}

	// The validator can fail: the same document with a broken schema is refused.
	doc.Components.Schemas["Error"].Value.Type = &openapi3.Types{"no-such-type"}
	if err := doc.Validate(context.Background()); err == nil {
		t.Fatal("kin-openapi accepted a schema of type no-such-type: the validation above proves nothing")
	}
}

// Issue 10, point 11: the document's servers entry and cURL lines come from the configuration
// (SHAREPANEL_PUBLIC_URL, else "/" and the listener's address), never from the Host header or
// X-Forwarded-Proto: a cached document must not send clients' keys to a host a request named.
func TestOpenAPIOriginsIgnoreTheHostHeader(t *testing.T) {
	for _, tc := range []struct {
		publicURL, addr, server, curl string
	}{
		{"", "", "/", "http://localhost:8080"},
		{"", "127.0.0.1:18080", "/", "http://127.0.0.1:18080"},
		{"https://api.sharepanel.test", ":8080", "https://api.sharepanel.test", "https://api.sharepanel.test"},
	} {
		env := testenv.New(t, testenv.Options{Deps: func(d *handlers.Deps) { d.PublicURL, d.Addr = tc.publicURL, tc.addr }})
		for _, req := range []struct{ remote, host, proto string }{
			{"203.0.113.9:4000", "evil.example", ""},
			{"10.0.0.5:4000", "evil.example:8443", "https"}, // a proxy's X-Forwarded-Proto changes nothing either
			{"127.0.0.1:4000", `evil"host`, ""},
		} {
			h := http.Header{}
			if req.proto != "" {
				h.Set("X-Forwarded-Proto", req.proto)
			}
			res := doWithHost(env, "/docs/openapi.json", req.remote, req.host, h)
			var doc struct {
				Servers []struct{ URL string } `json:"servers"`
			}
			if err := json.Unmarshal(res.Body, &doc); err != nil || len(doc.Servers) == 0 {
				t.Fatalf("host %q: %v %s", req.host, err, res.Body)
			}
			if doc.Servers[0].URL != tc.server {
				t.Errorf("public URL %q, host %q: server %q, want %q", tc.publicURL, req.host, doc.Servers[0].URL, tc.server)
			}
			if !bytes.Contains(res.Body, []byte(`curl \"`+tc.curl+`/api?mode=auth`)) {
				t.Errorf("public URL %q, host %q: the cURL lines do not use %s", tc.publicURL, req.host, tc.curl)
			}
			if bytes.Contains(res.Body, []byte("evil")) {
				t.Errorf("host %q is in the document", req.host)
			}
		}
	}
}

// TestOpenAPICoversDispatchTable fails when an action is added to the table without what the
// docs need, or when the document and the table disagree: every action is one operation at its
// path, with a stable operationId, the method rule, its parameters as the table declares them, its
// answer's own schema, and a section (tag) per mode.
func TestOpenAPICoversDispatchTable(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	doc, _ := loadDoc(t, env)
	schemas := doc.Components.Schemas
	tags := map[string]string{}
	for _, tag := range doc.Tags {
		tags[tag.Name] = tag.Description
	}
	count := 0
	operationIDs := map[string]bool{}
	for _, mode := range handlers.Routes {
		if !strings.Contains(tags[mode.Name], "`mode="+mode.Name+"`") {
			t.Errorf("no section (tag) for mode %s", mode.Name)
		}
		for _, action := range mode.Actions {
			count++
			id := handlers.Endpoint(mode.Name, action.Name)
			if strings.TrimSpace(action.Summary) == "" {
				t.Errorf("%s has no Summary: document it in routes.go", id)
			}
			item := doc.Paths.Find(handlers.ActionPath(mode.Name, action.Name))
			if item == nil {
				t.Errorf("%s: no path %s", id, handlers.ActionPath(mode.Name, action.Name))
				continue
			}
			// The method rule: an action that changes data is POST, the others GET.
			op := item.Get
			if action.Write {
				op = item.Post
			}
			if op == nil || (item.Get != nil && item.Post != nil) {
				t.Errorf("%s (write %v): GET %v, POST %v", id, action.Write, item.Get != nil, item.Post != nil)
				continue
			}
			wantID := strings.ReplaceAll(id, ".", "_")
			if op.OperationID != wantID || operationIDs[wantID] {
				t.Errorf("%s: operationId %q, want %q once", id, op.OperationID, wantID)
			}
			operationIDs[wantID] = true
			if len(op.Tags) != 1 || op.Tags[0] != mode.Name {
				t.Errorf("%s: tags %v", id, op.Tags)
			}
			// The parameters: query parameters of a read, the body's properties of a write; and the
			// headers of issue 13: Idempotency-Key on writes, If-None-Match on keyed reads.
			declared := map[string]bool{}
			var headers []string
			for _, p := range op.Parameters {
				switch {
				case p.Value.In == "header":
					headers = append(headers, p.Value.Name)
				case p.Value.In != "query" || action.Write:
					t.Errorf("%s: parameter %s in %s", id, p.Value.Name, p.Value.In)
				default:
					declared[p.Value.Name] = p.Value.Required
				}
			}
			wantHeaders := []string{"If-None-Match"}
			switch {
			case action.Write:
				wantHeaders = []string{"Idempotency-Key"}
			case mode.Public:
				wantHeaders = nil
			}
			if !slices.Equal(headers, wantHeaders) {
				t.Errorf("%s: header parameters %v, want %v", id, headers, wantHeaders)
			}
			ok200 := op.Responses.Value("200").Value.Headers
			switch {
			case action.Write:
				if ok200["Idempotent-Replayed"] == nil || op.Responses.Value("422") == nil || op.Responses.Value("409") == nil || op.Responses.Value("304") != nil {
					t.Errorf("%s: a write documents Idempotent-Replayed, 409 and 422, and no 304", id)
				}
			case !mode.Public:
				if ok200["ETag"] == nil || op.Responses.Value("304") == nil || op.Responses.Value("422") != nil {
					t.Errorf("%s: a read documents ETag and 304, and no 422", id)
				}
			}
			if action.Write && len(action.Params) > 0 {
				body := op.RequestBody.Value.Content.Get("application/json").Schema.Value
				for name := range body.Properties {
					declared[name] = slices.Contains(body.Required, name)
				}
			}
			if len(declared) != len(action.Params) {
				t.Errorf("%s: documented parameters %v, the table has %d", id, declared, len(action.Params))
			}
			for _, p := range action.Params {
				if required, ok := declared[p.Name]; !ok || required != p.Required {
					t.Errorf("%s: parameter %s documented %v (required %v), table required %v", id, p.Name, ok, required, p.Required)
				}
			}
			// The answer: the action's own schema, or the plain success.
			want := "#/components/schemas/Success"
			if action.Response != nil {
				want = "#/components/schemas/Response." + id
				if schemas["Response."+id] == nil {
					t.Errorf("no schema Response.%s", id)
				}
			}
			if got := op.Responses.Value("200").Value.Content.Get("application/json").Schema.Ref; got != want {
				t.Errorf("%s: 200 is %s, want %s", id, got, want)
			}
		}
	}
	if n := len(doc.Extensions["x-actions"].([]any)); n != count {
		t.Fatalf("x-actions lists %d actions, the table has %d", n, count)
	}
	// The reference's form, /api, stays documented.
	if api := doc.Paths.Find("/api"); api == nil || api.Get == nil || api.Post == nil {
		t.Fatal("/api is not documented with GET and POST")
	}
}

// The path form of an action answers exactly as the reference's form: same status, message and
// data, for every action that reads, and for writes; the path names the mode and action.
func TestPathFormAnswersAsTheQueryForm(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("pro")
	h := http.Header{"X-Api-Key": {acct.Key}}
	strip := func(r *testenv.Response) string {
		delete(r.Env, "timestamp")
		delete(r.Env, "request_id")
		b, _ := json.Marshal(r.Env)
		return fmt.Sprintf("%d %s", r.Code, b)
	}
	for _, mode := range handlers.Routes {
		for _, action := range mode.Actions {
			if action.Write || mode.Public {
				continue
			}
			q := "mode=" + mode.Name
			if mode.Selector != "" {
				q += "&" + mode.Selector + "=" + action.Name
			}
			extra := "&org_id=1&instance_id=1&invoice_id=1&key_id=1&query=x"
			query := env.Do(http.MethodGet, "/api?"+q+extra, nil, h)
			path := env.Do(http.MethodGet, handlers.ActionPath(mode.Name, action.Name)+"?"+extra[1:], nil, h)
			if a, b := strip(query), strip(path); a != b {
				t.Errorf("%s:\n query form %s\n path form  %s", q, a, b)
			}
		}
	}
	// A write, with a JSON body; its path refuses GET as /api does.
	res := env.Do(http.MethodPost, "/api/orgs/new", map[string]any{"title": "By path"}, h)
	res.Expect(t, http.StatusOK, "Organization created successfully")
	env.Do(http.MethodGet, "/api/orgs/new", nil, h).Expect(t, http.StatusMethodNotAllowed, "Method not allowed. Use POST for this action")
	// The path wins over mode and action parameters.
	env.Do(http.MethodGet, "/api/orgs/list?mode=billing&action=balance", nil, h).Expect(t, http.StatusOK, "Organizations retrieved successfully")
	// Unknown modes and actions are the reference's 400s; stats takes its default; auth needs no key.
	env.Do(http.MethodGet, "/api/nosuch/list", nil, h).Expect(t, http.StatusBadRequest,
		"Invalid mode. Available modes: auth, profile, orgs, instances, billing, analytics, notifications, api_keys, search, stats")
	env.Do(http.MethodGet, "/api/orgs/nosuch", nil, h).Expect(t, http.StatusBadRequest, "Invalid action for orgs mode")
	env.Do(http.MethodGet, "/api/orgs", nil, h).Expect(t, http.StatusBadRequest, "Invalid action for orgs mode")
	env.Do(http.MethodGet, "/api/search/x?query=y", nil, h).Expect(t, http.StatusBadRequest, "Invalid action for search mode")
	env.Do(http.MethodGet, "/api/stats", nil, h).Expect(t, http.StatusOK, "Statistics retrieved successfully")
	env.Do(http.MethodGet, "/api/auth?email="+acct.User.Email+"&password="+acct.Password, nil, nil).Expect(t, http.StatusOK, "Authentication successful")
	env.Do(http.MethodGet, "/api/profile/view", nil, nil).Expect(t, http.StatusUnauthorized, "Invalid or expired API key")
}

func TestDocsPage(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	res := rawGet(env, "/docs/index.html")
	if res.Code != http.StatusOK || !strings.HasPrefix(res.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("index: %d %s", res.Code, res.Header().Get("Content-Type"))
	}
	if csp := res.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Fatalf("index CSP %q", csp)
	}
	page := res.Body.String()
	for _, want := range []string{`src="/docs/ui/vendor/redoc.standalone.js"`, `src="/docs/ui/init.js"`, `href="/docs/openapi.json"`} {
		if !strings.Contains(page, want) {
			t.Errorf("index.html lacks %s", want)
		}
	}
	if strings.Contains(page, "https://") {
		t.Error("index.html refers to another host: the page must work offline")
	}
	js := rawGet(env, "/docs/ui/vendor/redoc.standalone.js")
	if js.Code != http.StatusOK || !strings.Contains(js.Header().Get("Content-Type"), "javascript") || js.Body.Len() < 500_000 {
		t.Fatalf("viewer asset: %d %s %d bytes", js.Code, js.Header().Get("Content-Type"), js.Body.Len())
	}
	for _, path := range []string{"/docs/ui/nothing.js", "/docs/ui/", "/docs/ui/../../go.mod"} {
		if res := rawGet(env, path); res.Code != http.StatusNotFound && res.Code != http.StatusMovedPermanently {
			t.Fatalf("%s: %d %.200s", path, res.Code, res.Body)
		}
	}
	if res := rawGet(env, "/docs"); res.Code != http.StatusMovedPermanently || res.Header().Get("Location") != "/docs/" {
		t.Fatalf("/docs: %d %s", res.Code, res.Header().Get("Location"))
	}
	if res := rawGet(env, "/docs/"); res.Code != http.StatusOK || res.Body.String() != page {
		t.Fatalf("/docs/: %d", res.Code)
	}
}

// TestDocsHooksAddOperations is the admin API's way in: a hook adds its paths to the document.
func TestDocsHooksAddOperations(t *testing.T) {
	hook := func(doc *apidocs.Document) {
		doc.AddPath("/admin/api/users", &apidocs.PathItem{Get: &apidocs.Operation{OperationID: "adminListUsers",
			Summary: "List users", Responses: map[string]*apidocs.Response{"200": {Description: "OK"}}}})
	}
	env := testenv.New(t, testenv.Options{Deps: func(d *handlers.Deps) { d.DocsHooks = append(d.DocsHooks, hook) }})
	doc, _ := loadDoc(t, env)
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if doc.Paths.Find("/admin/api/users") == nil || doc.Paths.Find("/api") == nil {
		t.Fatal("the hook's path is missing, or it replaced /api")
	}
}

// The document's plan figures are the plans': an administrator's edit shows in the next document.
func TestDocumentFollowsThePlans(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	description := func() string {
		var doc struct {
			Info struct {
				Description string `json:"description"`
			} `json:"info"`
		}
		if err := json.Unmarshal(rawGet(env, "/docs/openapi.json").Body.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		return doc.Info.Description
	}
	if d := description(); !strings.Contains(d, "Free 100/day and 10/min, Basic 1,000 and 30, Pro 10,000 and 100, Enterprise 50,000 and 500") {
		t.Fatalf("seeded figures missing: %s", d)
	}
	perDay, payload := int64(250), int64(2<<20)
	name := "free"
	if _, err := env.Store.UpdatePlan(context.Background(), name, models.PlanInput{RequestsPerDay: &perDay, MaxPayloadBytes: &payload}); err != nil {
		t.Fatal(err)
	}
	env.Store.Plans.Invalidate()
	if d := description(); !strings.Contains(d, "Free 250/day and 10/min, Basic 1,000") {
		t.Fatalf("edited figures missing: %s", d)
	}
	if body := rawGet(env, "/docs/openapi.json").Body.String(); !strings.Contains(body, "Free 2 MB, Basic 5 MB") {
		t.Fatal("413 figures did not follow the plan")
	}
}
