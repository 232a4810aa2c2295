package admin

import (
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"sharepanel/models"
)

// TestRouteTableIsDocumented fails when a route is added to the table without what the document
// needs: a summary, a section, an answer type, documented parameters, a cURL example.
func TestRouteTableIsDocumented(t *testing.T) {
	for _, err := range checkRoutes(routeTable) {
		t.Error(err)
	}

	// The check can fail: rows that lack each thing are reported, each for its own reason.
	i := slices.IndexFunc(routeTable, func(r route) bool { return r.ID == "listUsers" })
	if i < 0 {
		t.Fatal("no listUsers route")
	}
	good := routeTable[i]
	broken := []struct {
		want string
		r    route
	}{
		{"no Summary", with(good, func(r *route) { r.Summary = " " })},
		{"no ID", with(good, func(r *route) { r.ID = "" })},
		{"is not one of tagDocs", with(good, func(r *route) { r.Tag = "Misc" })},
		{"no Answer type", with(good, func(r *route) { r.Answer = nil })},
		{"no cURL example", with(good, func(r *route) { r.Examples = nil })},
		{"path parameter org is not in pathParams", with(good, func(r *route) {
			r.Path, r.Examples = "/api/orgs/:org", []example{{Path: "/api/orgs/7"}}
		})},
		{"query parameter status has no Doc", with(good, func(r *route) { r.Query = []queryParam{{Name: "status"}} })},
		{"OpenAPI has no CONNECT operation", with(good, func(r *route) { r.Method = http.MethodConnect })},
		{"example path /api/plans is not this route's", with(good, func(r *route) { r.Examples = []example{{Path: "/api/plans"}} })},
		{"a body exactly when the route takes one", with(good, func(r *route) { r.Body = credentials{} })},
		{"error 418: unknown status or no message", with(good, func(r *route) { r.Errors = []errorDoc{{418, []string{"teapot"}}} })},
	}
	for _, b := range broken {
		errs := checkRoutes([]route{b.r})
		if len(errs) != 1 || !strings.Contains(errs[0].Error(), b.want) {
			t.Errorf("want one error %q, got %v", b.want, errs)
		}
	}
	if errs := checkRoutes([]route{good, good}); len(errs) != 2 || !strings.Contains(errs[0].Error(), "duplicate ID") ||
		!strings.Contains(errs[1].Error(), "another row has GET /api/users") {
		t.Errorf("duplicate rows: %v", errs)
	}
}

func with(r route, change func(*route)) route {
	change(&r)
	return r
}

// TestDocumentedTypesCoverTheServer ties the documented types to what the server knows.
func TestDocumentedTypesCoverTheServer(t *testing.T) {
	var settings []string
	for i := range reflect.TypeFor[settingsView]().NumField() {
		name, _, _ := strings.Cut(reflect.TypeFor[settingsView]().Field(i).Tag.Get("json"), ",")
		settings = append(settings, name)
	}
	if want := slices.Sorted(slices.Values(models.SettingKeys)); !slices.Equal(slices.Sorted(slices.Values(settings)), want) {
		t.Errorf("settingsView has %v, the store's settings are %v", settings, want)
	}
	if !strings.HasSuffix(unknownPlanField, "Fields: "+strings.Join(planFields, ", ")) {
		t.Errorf("the documented message %q does not list the fields %v", unknownPlanField, planFields)
	}
	if len(planFields) != 11 || planFields[0] != "name" || planFields[10] != "max_payload_bytes" {
		t.Errorf("planFields %v", planFields)
	}
}

var openAPIMethods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// checkRoutes reports what rows of a route table lack for the document, one error each.
func checkRoutes(rs []route) []error {
	var errs []error
	bad := func(r route, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s %s (%s): %s", r.Method, r.Path, r.ID, fmt.Sprintf(format, args...)))
	}
	ids, routes := map[string]bool{}, map[string]bool{}
	tags := map[string]bool{}
	for _, t := range tagDocs {
		tags[t.Name] = true
	}
	for _, r := range rs {
		switch {
		case r.ID == "":
			bad(r, "no ID")
		case ids[r.ID]:
			bad(r, "duplicate ID")
		}
		ids[r.ID] = true
		if key := r.Method + " " + routerPath(r.Path); routes[key] {
			bad(r, "another row has %s", key)
		} else {
			routes[key] = true
		}
		if !slices.Contains(openAPIMethods, r.Method) {
			bad(r, "OpenAPI has no %s operation: register it in Also of the route it is another form of", r.Method)
		}
		if r.Handler == nil {
			bad(r, "no handler")
		}
		if strings.TrimSpace(r.Summary) == "" {
			bad(r, "no Summary")
		}
		if !tags[r.Tag] {
			bad(r, "Tag %q is not one of tagDocs", r.Tag)
		}
		if r.Answer == nil {
			bad(r, "no Answer type")
		}
		for _, m := range pathParam.FindAllStringSubmatch(r.Path, -1) {
			if pathParams[m[1]].Doc == "" {
				bad(r, "path parameter %s is not in pathParams", m[1])
			}
		}
		for _, q := range r.Query {
			if q.Doc == "" {
				bad(r, "query parameter %s has no Doc", q.Name)
			}
		}
		for _, e := range r.Errors {
			if statusDocs[e.Status] == "" || len(e.Messages) == 0 {
				bad(r, "error %d: unknown status or no message", e.Status)
			}
		}
		if len(r.Examples) == 0 {
			bad(r, "no cURL example")
		}
		pattern := regexp.MustCompile("^" + pathParam.ReplaceAllString(regexp.QuoteMeta(routerPath(r.Path)), `[^/]+`) + `/?(\?.*)?$`)
		for _, ex := range r.Examples {
			if ex.Method == "" && !pattern.MatchString(ex.Path) {
				bad(r, "example path %s is not this route's", ex.Path)
			}
			if (ex.Body != "") != (r.Body != nil) {
				bad(r, "example %q: a body exactly when the route takes one", ex.Path)
			}
		}
		for _, a := range r.Also {
			m, p, _ := strings.Cut(a, " ")
			if key := m + " " + routerPath(p); m == "" || !strings.HasPrefix(p, "/") {
				bad(r, "Also %q is not METHOD /path", a)
			} else if routes[key] {
				bad(r, "another row has %s", key)
			} else {
				routes[key] = true
			}
		}
	}
	return errs
}
