package admin_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"

	"sharepanel/apidocs"
	"sharepanel/handlers"
	"sharepanel/handlers/admin"
	"sharepanel/internal/testenv"
)

// loadServed fetches /docs/openapi.json from h and loads it with kin-openapi.
func loadServed(t *testing.T, h http.Handler) (*openapi3.T, []byte) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/docs/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /docs/openapi.json: %d %s", rec.Code, rec.Body)
	}
	doc, err := openapi3.NewLoader().LoadFromData(rec.Body.Bytes())
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return doc, rec.Body.Bytes()
}

// userDocs is the user API's document with the admin API added, as main wires it.
func userDocs(t *testing.T, adminAddr string) (*openapi3.T, []byte) {
	t.Helper()
	env := testenv.New(t, testenv.Options{Deps: func(d *handlers.Deps) {
		d.DocsHooks = append(d.DocsHooks, admin.DocsHook(adminAddr, ""))
	}})
	return loadServed(t, env.Echo)
}

// adminOps are the document's admin operations by "METHOD /path", from x-admin-operations (the
// table's order).
type adminOp struct {
	ID, Method, Path string
	Op               *openapi3.Operation
	Item             *openapi3.PathItem
}

func adminOps(t *testing.T, doc *openapi3.T) []adminOp {
	t.Helper()
	index, _ := doc.Extensions["x-admin-operations"].([]any)
	if len(index) == 0 {
		t.Fatal("no x-admin-operations: the admin API is not in the document")
	}
	var out []adminOp
	for _, x := range index {
		m := x.(map[string]any)
		o := adminOp{ID: m["operationId"].(string), Method: m["method"].(string), Path: m["path"].(string)}
		if o.Item = doc.Paths.Value(o.Path); o.Item != nil {
			o.Op = o.Item.GetOperation(o.Method)
		}
		if o.Op == nil || o.Op.OperationID != o.ID {
			t.Fatalf("x-admin-operations lists %s %s %s, not in paths", o.ID, o.Method, o.Path)
		}
		out = append(out, o)
	}
	return out
}

func TestOpenAPIIncludesTheAdminAPI(t *testing.T) {
	doc, raw := userDocs(t, ":2087")
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("kin-openapi rejects the document: %v", err)
	}
	if strings.Contains(string(raw), ".invalid") {
		t.Fatal("a placeholder is still in the served document")
	}
	if doc.Paths.Value("/api") == nil || doc.Paths.Value("/api").Post.OperationID != "api_post" || doc.Paths.Value("/api/orgs/list") == nil {
		t.Fatal("the user API's /api is gone")
	}
	ops := adminOps(t, doc)
	if len(ops) < 25 {
		t.Fatalf("%d admin operations", len(ops))
	}
	for _, o := range ops {
		name := o.Method + " " + o.Path
		if len(o.Item.Servers) != 1 || o.Item.Servers[0].URL != "http://localhost:2087" {
			t.Errorf("%s: servers %v, want the admin listener http://localhost:2087", name, o.Item.Servers)
		}
		if o.Op.Summary == "" || len(o.Op.Tags) != 1 || !strings.HasPrefix(o.Op.Tags[0], "Admin: ") {
			t.Errorf("%s: summary %q, tags %v", name, o.Op.Summary, o.Op.Tags)
		}
		samples, _ := o.Op.Extensions["x-codeSamples"].([]any)
		if len(samples) == 0 {
			t.Errorf("%s: no cURL example", name)
		}
		for _, s := range samples {
			if src := s.(map[string]any)["source"].(string); !strings.Contains(src, `"http://localhost:2087/api`) {
				t.Errorf("%s: cURL line not on the admin listener: %s", name, src)
			}
		}
		sec := o.Op.Security
		if o.ID == "admin.token" {
			if sec == nil || len(*sec) != 1 || len((*sec)[0]) != 0 {
				t.Errorf("%s: the token needs no token, security %v", name, sec)
			}
		} else if sec == nil || len(*sec) != 1 || (*sec)[0]["bearerAuth"] == nil {
			t.Errorf("%s: security %v, want bearerAuth", name, sec)
		} else if o.Op.Responses.Status(http.StatusUnauthorized) == nil {
			t.Errorf("%s: no 401", name)
		}
		if o.Op.Responses.Status(http.StatusOK) == nil || o.Op.Responses.Status(http.StatusForbidden) == nil ||
			o.Op.Responses.Status(http.StatusInternalServerError) == nil {
			t.Errorf("%s: responses %v", name, o.Op.Responses.Map())
		}
	}
	if p := doc.Paths.Value("/api/users/{username}"); p == nil || p.Get == nil || p.Get.Parameters.GetByInAndName("path", "username") == nil {
		t.Error("GET /api/users/{username} lacks its path parameter")
	}
	bearer := doc.Components.SecuritySchemes["bearerAuth"]
	if bearer == nil || bearer.Value.Scheme != "bearer" || bearer.Value.BearerFormat != "JWT" {
		t.Fatalf("bearerAuth %+v", bearer)
	}
	groups, _ := json.Marshal(doc.Extensions["x-tagGroups"])
	if !strings.Contains(string(groups), `{"name":"User API","tags":["The /api form","auth","profile","orgs",`) || !strings.Contains(string(groups), `"name":"Admin API (port 2087)"`) {
		t.Errorf("x-tagGroups %s", groups)
	}
	if !strings.Contains(doc.Info.Description, "\n# Admin API\n") || !strings.Contains(doc.Info.Description, `"http://localhost:2087/api/whoami"`) {
		t.Error("info.description has no admin section with the admin listener's URL")
	}

	// The validator can fail: without the security scheme the operations refer to, it refuses.
	delete(doc.Components.SecuritySchemes, "bearerAuth")
	if err := doc.Validate(context.Background()); err == nil {
		t.Fatal("kin-openapi accepted operations that need an undefined security scheme")
	}
}

// TestAdminServerURL: the admin paths' server is the admin listener's port, on the listener's own
// address if it has one, else on the public URL's host or localhost: never the host a request named.
func TestAdminServerURL(t *testing.T) {
	for _, tc := range []struct{ addr, public, want string }{
		{":2087", "", "http://localhost:2087"}, {"0.0.0.0:3000", "", "http://localhost:3000"},
		{"[::]:2087", "", "http://localhost:2087"}, {"10.1.2.3:2099", "", "http://10.1.2.3:2099"},
		{"[fd00::1]:2087", "", "http://[fd00::1]:2087"}, {"localhost:2087", "", "http://localhost:2087"},
		{":2087", "https://api.example.com", "http://api.example.com:2087"}, {"10.1.2.3:2099", "https://api.example.com", "http://10.1.2.3:2099"},
	} {
		doc := &apidocs.Document{Paths: map[string]*apidocs.PathItem{}}
		admin.DocsHook(tc.addr, tc.public)(doc)
		if got := doc.Paths["/api/users"].Servers[0].URL; got != tc.want {
			t.Errorf("%s %s: %s, want %s", tc.addr, tc.public, got, tc.want)
		}
	}
}

// TestAdminListenerServesItsDocument: the admin listener serves the admin API's part, with itself
// ("/") as the server, and the same operations as the user API's document.
func TestAdminListenerServesItsDocument(t *testing.T) {
	e := newEnv(t, envOptions{})
	doc, _ := loadServed(t, e.Admin)
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("kin-openapi rejects the admin listener's document: %v", err)
	}
	if len(doc.Servers) != 1 || doc.Servers[0].URL != "/" || doc.Paths.Value("/api") != nil {
		t.Fatalf("servers %v", doc.Servers)
	}
	full, _ := userDocs(t, ":2087")
	var own, inFull []string
	for _, o := range adminOps(t, doc) {
		own = append(own, o.ID)
	}
	for _, o := range adminOps(t, full) {
		inFull = append(inFull, o.ID)
	}
	if !slices.Equal(own, inFull) {
		t.Errorf("admin listener %v, user API's document %v", own, inFull)
	}
	rec := httptest.NewRecorder()
	e.Admin.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/docs/index.html", nil))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "/docs/openapi.json") {
		t.Fatalf("index: %d", rec.Code)
	}
	// Behind the switch, like everything on this listener.
	e.setAPI(t, "off")
	e.call(t, http.MethodGet, "/docs/openapi.json", nil, "").fail(t, http.StatusForbidden, "API access is disabled. Enable it with: sharepanel config update api on")
}

// undocumented are the routes e serves that the document does not describe (the docs pages
// aside), and the documented ones it does not serve.
func undocumented(doc *openapi3.T, ops []adminOp, e *echo.Echo) (missing, extra []string) {
	toEcho := regexp.MustCompile(`\{([^}]+)\}`)
	documented := map[string]bool{}
	add := func(method, path string) {
		path = toEcho.ReplaceAllString(path, ":$1")
		if len(path) > 1 {
			path = strings.TrimSuffix(path, "/") // /api/ is served as /api (RemoveTrailingSlash)
		}
		documented[method+" "+path] = true
	}
	for _, o := range ops {
		add(o.Method, o.Path)
		also, _ := o.Op.Extensions["x-also"].([]any)
		for _, a := range also {
			m, p, _ := strings.Cut(a.(string), " ")
			add(m, p)
		}
	}
	served := map[string]bool{}
	for _, r := range e.Routes() {
		if r.Path == "/docs" || strings.HasPrefix(r.Path, "/docs/") {
			continue
		}
		k := r.Method + " " + r.Path
		served[k] = true
		if !documented[k] {
			missing = append(missing, k)
		}
	}
	for k := range documented {
		if !served[k] {
			extra = append(extra, k)
		}
	}
	return missing, extra
}

// TestEveryServedAdminRouteIsDocumented: nothing can be added outside the route table, and the
// document describes nothing that is not served.
func TestEveryServedAdminRouteIsDocumented(t *testing.T) {
	e := newEnv(t, envOptions{APIOff: true})
	doc, _ := userDocs(t, ":2087")
	ops := adminOps(t, doc)
	missing, extra := undocumented(doc, ops, e.Admin)
	if len(missing)+len(extra) > 0 {
		t.Fatalf("served but not documented: %v; documented but not served: %v", missing, extra)
	}
	if n := len(e.Admin.Routes()); n < len(ops) {
		t.Fatalf("%d routes", n)
	}
	// The check can fail: a route registered beside the table is reported.
	e.Admin.GET("/api/extra/:thing", func(c echo.Context) error { return nil })
	if missing, _ := undocumented(doc, ops, e.Admin); !slices.Equal(missing, []string{"GET /api/extra/:thing"}) {
		t.Fatalf("missing %v", missing)
	}
}
