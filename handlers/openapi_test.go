package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
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
// docs need, or when the document and the table disagree.
func TestOpenAPICoversDispatchTable(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	doc, _ := loadDoc(t, env)
	schemas := doc.Components.Schemas
	count := 0
	for _, mode := range handlers.Routes {
		modeName := mode.Name
		if !strings.Contains(doc.Info.Description, "\n# "+modeName+"\n") {
			t.Errorf("info.description has no section for mode %s", modeName)
		}
		for _, action := range mode.Actions {
			name := action.Name
			count++
			id := handlers.Endpoint(modeName, name)
			if strings.TrimSpace(action.Summary) == "" {
				t.Errorf("%s has no Summary: document it in routes.go", id)
			}
			req := schemas["Request."+id]
			if req == nil {
				t.Errorf("no schema Request.%s", id)
				continue
			}
			s := req.Value
			if s.Extensions["x-mode"] != modeName || s.Extensions["x-action"] != name || s.Extensions["x-write"] != action.Write {
				t.Errorf("Request.%s extensions %v", id, s.Extensions)
			}
			for _, p := range action.Params {
				if s.Properties[p.Name] == nil {
					t.Errorf("Request.%s lacks parameter %s", id, p.Name)
				}
				if slices.Contains(s.Required, p.Name) != p.Required {
					t.Errorf("Request.%s: %s required=%v in the document, %v in the table", id, p.Name, !p.Required, p.Required)
				}
			}
			if mode.Selector != "" && mode.Default != name && !slices.Contains(s.Required, mode.Selector) {
				t.Errorf("Request.%s: the selector %s is not required", id, mode.Selector)
			}
			// The method rule: write actions are in the POST union only.
			inGet, inPost := unionHas(schemas, "GetRequest", id), unionHas(schemas, "PostRequest", id)
			if !inPost || inGet == action.Write {
				t.Errorf("%s (write %v): in GET union %v, in POST union %v", id, action.Write, inGet, inPost)
			}
			if (action.Response != nil) != (schemas["Response."+id] != nil) {
				t.Errorf("%s: Response type %T but schema Response.%s present=%v", id, action.Response, id, schemas["Response."+id] != nil)
			}
		}
	}
	if n := len(doc.Extensions["x-actions"].([]any)); n != count {
		t.Fatalf("x-actions lists %d actions, the table has %d", n, count)
	}
}

// unionHas tells whether the union (GetRequest or PostRequest) reaches Request.<id>.
func unionHas(schemas openapi3.Schemas, union, id string) bool {
	var walk func(s *openapi3.SchemaRef) bool
	walk = func(s *openapi3.SchemaRef) bool {
		if s.Ref == "#/components/schemas/Request."+id {
			return true
		}
		for _, v := range s.Value.OneOf {
			if walk(v) {
				return true
			}
		}
		return false
	}
	return walk(schemas[union])
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
