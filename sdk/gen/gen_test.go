package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"sharepanel/handlers"
	"sharepanel/models"
)

func mustGenerate(t *testing.T, api *API) Files {
	t.Helper()
	files, err := generate(api)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func mustLoad(t *testing.T) *API {
	t.Helper()
	api, err := loadTable()
	if err != nil {
		t.Fatal(err)
	}
	return api
}

// The committed SDKs are what the table generates, byte for byte, with no stale generated file:
// what .ci/sdk.sh checks with git, here for go test ./... too.
func TestCommittedSDKsAreCurrent(t *testing.T) {
	files := mustGenerate(t, mustLoad(t))
	for path, want := range files {
		got, err := os.ReadFile(filepath.Join("..", filepath.FromSlash(path)))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("sdk/%s is not what the table generates: run go generate ./sdk/...", path)
		}
	}
	for _, dir := range ownedDirs {
		_ = filepath.WalkDir(filepath.Join("..", dir), func(full string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel("..", full)
			if _, ok := files[filepath.ToSlash(rel)]; ok {
				return nil
			}
			// Only files that say they are generated: build output (__pycache__) is not ours.
			if content, err := os.ReadFile(full); err == nil && bytes.Contains(content[:min(len(content), 400)], []byte(Marker)) {
				t.Errorf("sdk/%s is generated but the table no longer calls for it: run go generate ./sdk/...", rel)
			}
			return nil
		})
	}
}

func TestGenerationIsDeterministic(t *testing.T) {
	a := mustGenerate(t, mustLoad(t))
	b := mustGenerate(t, mustLoad(t))
	if len(a) != len(b) {
		t.Fatalf("%d files, then %d", len(a), len(b))
	}
	for path := range a {
		if !bytes.Equal(a[path], b[path]) {
			t.Errorf("%s differs between two runs", path)
		}
	}
}

// Adding a parameter to an action of the dispatch table shows up in the OpenAPI document and in
// all three SDKs, and nowhere else: no other edit is needed.
func TestAParameterAddedToTheTableReachesTheSpecAndEverySDK(t *testing.T) {
	before, err := fromRoutes(handlers.Routes)
	if err != nil {
		t.Fatal(err)
	}
	baseline := mustGenerate(t, before)

	// A copy of the table whose orgs new has one more parameter, in place of the table for the
	// document's sake (OpenAPI reads handlers.Routes), restored when the test ends.
	routes := slices.Clone(handlers.Routes)
	for i := range routes {
		if routes[i].Name != "orgs" {
			continue
		}
		routes[i].Actions = slices.Clone(routes[i].Actions)
		for j := range routes[i].Actions {
			if a := &routes[i].Actions[j]; a.Name == "new" {
				a.Params = append(slices.Clone(a.Params),
					handlers.Param{Name: "color", Kind: handlers.KindEnum, Enum: []string{"red", "blue"}, Doc: "Badge colour"})
			}
		}
	}
	original := handlers.Routes
	handlers.Routes = routes
	t.Cleanup(func() { handlers.Routes = original })

	spec := handlers.OpenAPI(models.DefaultPlans()).Components.Schemas["Request.orgs.new"]
	if spec == nil || spec.Properties.Get("color") == nil {
		t.Fatal("the OpenAPI document's Request.orgs.new has no color")
	}
	after, err := fromRoutes(routes)
	if err != nil {
		t.Fatal(err)
	}
	changed := mustGenerate(t, after)

	want := map[string][]string{
		"python/sharepanel/client.py": {`color: Optional[Literal["red", "blue"]] = None,`, `"contact": contact, "color": color}`, `color: Badge colour (one of red, blue)`},
		"python/sharepanel/_meta.py":  {`"params": ("title", "path", "contact", "color")`},
		"php/src/Modes/OrgsMode.php":  {`?string $color = null,`, `'contact' => $contact, 'color' => $color]`, `@param 'red'|'blue'|null $color Badge colour (one of red, blue)`},
		"php/src/Meta.php":            {`'params' => ['title', 'path', 'contact', 'color']`},
		"typescript/src/types.ts":     {`color?: "red" | "blue";`},
		"typescript/src/client.ts":    {`params: ["title", "path", "contact", "color"]`},
		"typescript/src/meta.ts":      {`params: ["title", "path", "contact", "color"]`},
	}
	for path, content := range changed {
		snippets, expected := want[path]
		if bytes.Equal(content, baseline[path]) {
			if expected {
				t.Errorf("%s did not change", path)
			}
			continue
		}
		if !expected {
			t.Errorf("%s changed, unexpectedly", path)
			continue
		}
		for _, s := range snippets {
			if !bytes.Contains(content, []byte(s)) {
				t.Errorf("%s has no %q", path, s)
			}
			if bytes.Contains(baseline[path], []byte(s)) {
				t.Errorf("%s had %q before the parameter was added", path, s)
			}
		}
		t.Logf("%s:\n%s", path, lineDiff(baseline[path], content))
	}
}

// lineDiff lists the lines only in a (-) and only in b (+): enough to show a small change.
func lineDiff(a, b []byte) string {
	count := func(text []byte) map[string]int {
		m := map[string]int{}
		for _, l := range strings.Split(string(text), "\n") {
			m[l]++
		}
		return m
	}
	ca, cb := count(a), count(b)
	var out []string
	for _, l := range strings.Split(string(a), "\n") {
		if ca[l] > cb[l] {
			out = append(out, "- "+l)
			ca[l]--
		}
	}
	ca = count(a)
	for _, l := range strings.Split(string(b), "\n") {
		if cb[l] > ca[l] {
			out = append(out, "+ "+l)
			cb[l]--
		}
	}
	return strings.Join(out, "\n")
}

func TestTheModelFollowsTheTable(t *testing.T) {
	api := mustLoad(t)
	var order []string
	actions := map[string]*Action{}
	for _, m := range api.Modes {
		order = append(order, m.Name)
		for _, a := range m.Actions {
			actions[a.ID()] = a
		}
	}
	if got := strings.Join(order, ","); got != "auth,profile,orgs,instances,billing,analytics,notifications,api_keys,search,stats" {
		t.Errorf("modes %s, want the reference's order", got)
	}
	list := actions["orgs.list"]
	if list == nil || list.Result.Descriptor() != "OrgListItem[]" || !list.IsList() || !list.Paged() {
		t.Errorf("orgs.list: %+v", list)
	}
	if usage := actions["analytics.usage"]; usage == nil || !usage.IsList() || usage.Paged() { // bounded by its period
		t.Errorf("analytics.usage: %+v", usage)
	}
	invoices := actions["billing.invoices"]
	if !invoices.Paged() || invoices.Param("limit").Default != "50" || *invoices.Param("limit").Max != 500 {
		t.Errorf("billing.invoices does not page by limit 1-500, default 50")
	}
	if offset := invoices.Param("offset"); *offset.Min != 0 || offset.Max != nil {
		t.Errorf("offset bounds %v %v, want 0 and none", *offset.Min, offset.Max)
	}
	if id := actions["orgs.view"].Param("org_id"); !id.Required || id.Kind != KindInt || *id.Min != 1 {
		t.Errorf("org_id: %+v", id)
	}
	if a := actions["auth"]; a.Method() != "login" || !a.Mode.Public || a.Result.Descriptor() != "AuthData" {
		t.Errorf("auth: method %s", a.Method())
	}
	if a := actions["orgs.delete"]; !a.Write || a.Result != nil || a.WireForm() != "POST /api?mode=orgs&action=delete" {
		t.Errorf("orgs.delete: %+v", a)
	}
	if a := actions["stats.instances"]; a.WireForm() != "GET /api?mode=stats&type=instances" {
		t.Errorf("stats.instances: %s", a.WireForm())
	}
	types := map[string]*NamedType{}
	for _, nt := range api.Types {
		types[nt.Name] = nt
	}
	field := func(typ, name string) Field {
		for _, f := range types[typ].Fields {
			if f.Name == name {
				return f
			}
		}
		t.Fatalf("%s has no field %s", typ, name)
		return Field{}
	}
	for _, c := range []struct {
		typ, field, descriptor string
		required               bool
	}{
		{"KeyUsage", "last_request", "string?", true},
		{"SearchResult", "status", "string", false},
		{"Profile", "balance", "number", true},
		{"Profile", "verified", "integer", true},
		{"Activity", "details", "object", true},
		{"Activity", "resource_id", "integer?", true},
	} {
		f := field(c.typ, c.field)
		if f.Type.Descriptor() != c.descriptor || f.Required != c.required {
			t.Errorf("%s.%s: %s required=%t, want %s required=%t", c.typ, c.field, f.Type.Descriptor(), f.Required, c.descriptor, c.required)
		}
	}
	if !slices.Equal(field("Profile", "verified").Type.Enum, []string{"0", "1"}) {
		t.Errorf("Profile.verified is not 0 or 1")
	}
}

// Each status the gateway answers with raises exactly one class, in every language.
func TestEveryErrorStatusHasOneClass(t *testing.T) {
	seen := map[int]string{}
	for _, e := range errorClasses {
		for _, s := range e.Statuses {
			if prev, dup := seen[s]; dup {
				t.Errorf("%d raises %s and %s", s, prev, e.Name)
			}
			seen[s] = e.Name
		}
	}
	for _, s := range []int{400, 401, 403, 404, 405, 409, 413, 422, 429, 500, 503} {
		if seen[s] == "" {
			t.Errorf("no class for %d", s)
		}
	}
	files := mustGenerate(t, mustLoad(t))
	for _, e := range errorClasses {
		for path, want := range map[string]string{
			"python/sharepanel/errors.py":                   "class " + e.Name + "Error(",
			"typescript/src/errors.ts":                      "export class " + e.Name + "Error ",
			"php/src/Exception/" + e.Name + "Exception.php": "class " + e.Name + "Exception ",
		} {
			if !bytes.Contains(files[path], []byte(want)) {
				t.Errorf("%s has no %q", path, want)
			}
		}
	}
}

// The project files written by hand declare the generator's version.
func TestProjectFilesDeclareTheSDKVersion(t *testing.T) {
	for path, pattern := range map[string]string{
		"python/pyproject.toml":   `(?m)^version = "([^"]+)"`,
		"php/composer.json":       `"version": "([^"]+)"`,
		"typescript/package.json": `"version": "([^"]+)"`,
	} {
		b, err := os.ReadFile(filepath.Join("..", path))
		if err != nil {
			t.Fatal(err)
		}
		m := regexp.MustCompile(pattern).FindSubmatch(b)
		if m == nil || string(m[1]) != Version {
			t.Errorf("sdk/%s does not declare version %s", path, Version)
		}
	}
}

// write removes generated files the table no longer calls for, and nothing written by hand.
func TestWriteRemovesStaleGeneratedFilesOnly(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, "python", "sharepanel", "gone.py")
	mine := filepath.Join(dir, "python", "sharepanel", "local_notes.txt")
	if err := os.MkdirAll(filepath.Dir(stale), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stale, []byte(header("# ")), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(mine, []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	files := Files{"python/sharepanel/client.py": []byte(header("# ") + "x = 1\n")}
	changed, err := write(dir, files)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Error("the stale generated file is still there")
	}
	if _, err := os.Stat(mine); err != nil {
		t.Error("a file written by hand was removed")
	}
	if !slices.Equal(changed, []string{"python/sharepanel/client.py", "python/sharepanel/gone.py (removed)"}) {
		t.Errorf("changed %v", changed)
	}
	if again, _ := write(dir, files); len(again) != 0 {
		t.Errorf("a second write changed %v", again)
	}
}

// Every generated file says so in its first lines, in its language's comment syntax.
func TestEveryGeneratedFileHasTheHeader(t *testing.T) {
	for path, content := range mustGenerate(t, mustLoad(t)) {
		first := strings.SplitN(string(content), "\n", 3)
		line := first[0]
		if strings.HasSuffix(path, ".php") {
			line = first[1]
		}
		if !strings.Contains(line, Marker) || !(strings.HasPrefix(line, "# ") || strings.HasPrefix(line, "// ")) {
			t.Errorf("%s starts with %q", path, line)
		}
	}
}
