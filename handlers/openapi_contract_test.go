package handlers_test

import (
	"cmp"
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"sharepanel/handlers"
	"sharepanel/internal/testenv"
	"sharepanel/models"
	"sharepanel/wire"
)

// sample sets every field of v: with full, pointers are set, slices have one element and values
// are not zero; without, everything stays zero (nil pointers marshal as null).
func sample(v reflect.Value, full bool) {
	switch v.Type() {
	case reflect.TypeFor[wire.DateTime]():
		v.Set(reflect.ValueOf(wire.DateTime(time.Date(2024, 1, 1, 12, 30, 0, 0, time.UTC))))
		return
	case reflect.TypeFor[wire.JSONText]():
		if full {
			v.SetString(`{"org_name":"My Org"}`)
		}
		return
	}
	if !full {
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				sample(v.Field(i), full)
			}
		}
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		sample(v.Elem(), full)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		sample(s.Index(0), full)
		v.Set(s)
	case reflect.String:
		v.SetString("text")
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(1230) // wire.Money: 12.30
	case reflect.Float64:
		v.SetFloat(0.125)
	case reflect.Bool:
		v.SetBool(true)
	}
}

// envelopeOf is the JSON an action answers with when its data is data (a nil slice is written
// as [], as handlers.success does).
func envelopeOf(t *testing.T, data any) any {
	t.Helper()
	if v := reflect.ValueOf(data); v.Kind() == reflect.Slice && v.IsNil() {
		data = []struct{}{}
	}
	b, err := json.Marshal(map[string]any{"status": "success", "message": "ok", "timestamp": "2024-01-01T12:00:00+00:00", "data": data})
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestOpenAPIResponseSchemasMatchJSON marshals every action's Response type as the handlers do,
// empty and filled, and validates it against the document's schema for that action: the
// reflection's mapping of Money, DateTime, *DateTime, Flag and JSONText is what the wire carries.
func TestOpenAPIResponseSchemasMatchJSON(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	doc, _ := loadDoc(t, env)
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	opts := []openapi3.SchemaValidationOption{openapi3.EnableJSONSchema2020(), openapi3.MultiErrors()}
	checked := 0
	for _, mode := range handlers.Routes {
		modeName := mode.Name
		for _, action := range mode.Actions {
			name := action.Name
			if action.Response == nil {
				continue
			}
			id := handlers.Endpoint(modeName, name)
			schema := doc.Components.Schemas["Response."+id].Value
			for _, full := range []bool{false, true} {
				v := reflect.New(reflect.TypeOf(action.Response)).Elem()
				sample(v, full)
				if err := schema.VisitJSON(envelopeOf(t, v.Interface()), opts...); err != nil {
					t.Errorf("%s (filled %v): the JSON does not match the documented schema: %v", id, full, err)
				}
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no action with data checked")
	}

	// And the schemas can refuse: money as a string, a date-time in another format, a flag of 2.
	for _, bad := range []struct{ schema, data string }{
		{"Response.billing.balance", `{"balance": "100.50", "currency": "USD"}`},
		{"Response.profile.stats", `{"org_count": 1, "instance_count": 1, "active_instances": 1, "invoice_count": 1, "total_spent": null}`},
		{"Response.billing.invoice", `{"id": 1, "invoice_number": "INV-1", "total_amount": 1, "status": "paid", "created_at": "2024-01-01T12:00:00Z", "paid_at": null}`},
		{"Response.notifications.list", `[{"id": 1, "title": "t", "message": "m", "type": "info", "is_read": 2, "link": "", "created_at": "2024-01-01 12:00:00"}]`},
	} {
		var data any
		if err := json.Unmarshal([]byte(bad.data), &data); err != nil {
			t.Fatal(err)
		}
		if err := doc.Components.Schemas[bad.schema].Value.VisitJSON(envelopeOf(t, data), opts...); err == nil {
			t.Errorf("%s accepted %s", bad.schema, bad.data)
		}
	}
}

func b3(b bool) int {
	if b {
		return 1
	}
	return 0
}

var (
	curlGet  = regexp.MustCompile(`^curl "http://localhost:8080(/api\?[^"]*)"( -H "X-API-Key: \$SHAREPANEL_API_KEY")?$`)
	curlPost = regexp.MustCompile(`^curl -X POST "http://localhost:8080(/api)" -H "X-API-Key: \$SHAREPANEL_API_KEY" -H "Content-Type: application/json" -d '([^']*)'$`)
	shBlock  = regexp.MustCompile("(?s)```sh\n(.*?)\n```")
)

// TestOpenAPICurlExamplesWork sends every action's documented cURL request to the server with a
// real key: none may be refused for its form (400, 401, 405). IDs in the examples may not exist
// (404), and actions still being written answer 500.
func TestOpenAPICurlExamplesWork(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("pro")
	if _, err := env.Store.CreateAccount(context.Background(), models.NewAccount{Email: "user@example.com", Password: "password", PlanName: "pro"}); err != nil {
		t.Fatal(err)
	}
	doc, _ := loadDoc(t, env)
	type entry struct {
		id     string
		mode   *handlers.Mode
		action *handlers.Action
	}
	var all []entry
	for i := range handlers.Routes {
		mode := &handlers.Routes[i]
		for j := range mode.Actions {
			all = append(all, entry{handlers.Endpoint(mode.Name, mode.Actions[j].Name), mode, &mode.Actions[j]})
		}
	}
	// api_keys delete (key_id=1) may delete the caller's own key: it goes last.
	slices.SortFunc(all, func(a, b entry) int {
		return cmp.Or(cmp.Compare(b3(a.id == "api_keys.delete"), b3(b.id == "api_keys.delete")), strings.Compare(a.id, b.id))
	})
	for _, e := range all {
		id, mode, action := e.id, e.mode, e.action
		op := operationOf(t, doc, mode.Name, action.Name)
		m := shBlock.FindStringSubmatch(op.Description)
		if m == nil {
			t.Errorf("%s: no cURL line in its description", id)
			continue
		}
		line := m[1]
		if samples, _ := op.Extensions["x-codeSamples"].([]any); len(samples) != 1 || samples[0].(map[string]any)["source"] != line {
			t.Errorf("%s: x-codeSamples %v, want the description's line", id, op.Extensions["x-codeSamples"])
		}
		h := http.Header{}
		var res *testenv.Response
		if g := curlGet.FindStringSubmatch(line); g != nil && !action.Write {
			if g[2] != "" {
				h.Set("X-API-Key", acct.Key)
			}
			res = env.Do(http.MethodGet, g[1], nil, h)
		} else if p := curlPost.FindStringSubmatch(line); p != nil && action.Write {
			h.Set("X-API-Key", acct.Key)
			h.Set("Content-Type", "application/json")
			res = env.Do(http.MethodPost, p[1], p[2], h)
		} else {
			t.Errorf("%s (write %v): unexpected cURL line %s", id, action.Write, line)
			continue
		}
		switch res.Code {
		case http.StatusBadRequest, http.StatusUnauthorized, http.StatusMethodNotAllowed:
			t.Errorf("%s: %s\nanswered %d %s", id, line, res.Code, res.Body)
		}
		if mode.Public && res.Code != http.StatusOK {
			t.Errorf("%s: %s\nanswered %d %s", id, line, res.Code, res.Body)
		}
	}
}

// operationOf is an action's operation at its path, with the method it is documented with.
func operationOf(t *testing.T, doc *openapi3.T, mode, action string) *openapi3.Operation {
	t.Helper()
	item := doc.Paths.Find(handlers.ActionPath(mode, action))
	if item == nil {
		t.Fatalf("no path %s", handlers.ActionPath(mode, action))
	}
	if item.Post != nil {
		return item.Post
	}
	if item.Get == nil {
		t.Fatalf("%s has neither GET nor POST", handlers.ActionPath(mode, action))
	}
	return item.Get
}
