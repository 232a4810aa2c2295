package handlers_test

import (
	"bufio"
	"encoding/json"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"sharepanel/handlers"
)

// refEndpoint is one endpoint of the reference (docs/reference/sharepanel-api-reference.md): its
// method rule, mode, selector value and example response.
type refEndpoint struct {
	Title    string
	PostOnly bool
	Mode     string
	Action   string // action, stats type, or "" (auth, search)
	Example  map[string]any
}

var endpointLine = regexp.MustCompile("^\\*\\*(GET/POST|POST)\\*\\* `(/api\\?[^`]+)`")

// readReference parses the reference's endpoints in document order.
func readReference(t *testing.T) []refEndpoint {
	t.Helper()
	f, err := os.Open("../docs/reference/sharepanel-api-reference.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []refEndpoint
	var cur *refEndpoint
	var title string
	var inJSON bool
	var buf strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "### "):
			title = strings.TrimPrefix(line, "### ")
		case endpointLine.MatchString(line):
			m := endpointLine.FindStringSubmatch(line)
			// "&action=delete¬ification_id=" is "&notification_id=" eaten by an HTML entity.
			raw := strings.ReplaceAll(m[2], "¬ification_id", "&notification_id")
			u, err := url.Parse(raw)
			if err != nil {
				t.Fatalf("reference URL %q: %v", raw, err)
			}
			q := u.Query()
			out = append(out, refEndpoint{Title: title, PostOnly: m[1] == "POST", Mode: q.Get("mode"), Action: q.Get("action") + q.Get("type")})
			cur = &out[len(out)-1]
		case cur != nil && cur.Example == nil && line == "```json":
			inJSON = true
			buf.Reset()
		case inJSON && line == "```":
			inJSON = false
			if err := json.Unmarshal([]byte(buf.String()), &cur.Example); err != nil {
				t.Fatalf("%s: example is not JSON: %v", cur.Title, err)
			}
		case inJSON:
			buf.WriteString(line + "\n")
		}
	}
	if len(out) != 38 {
		t.Fatalf("parsed %d endpoints from the reference, want 38", len(out))
	}
	return out
}

// jsonFields returns the JSON field names of a Go value's type (or of its element type for slices).
func jsonFields(v any) []string {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Slice || t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var out []string
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// exampleObjects returns the example's data objects (every element of a list), whether data is a
// list, and the union of their field names; nil when the example has no data.
func exampleObjects(ex map[string]any) ([]map[string]any, bool, []string) {
	data, ok := ex["data"]
	if !ok {
		return nil, false, nil
	}
	list, isList := data.([]any)
	if !isList {
		list = []any{data}
	}
	var objs []map[string]any
	names := map[string]bool{}
	for _, o := range list {
		m := o.(map[string]any)
		objs = append(objs, m)
		for k := range m {
			names[k] = true
		}
	}
	var out []string
	for k := range names {
		out = append(out, k)
	}
	sort.Strings(out)
	return objs, isList, out
}

// jsonKinds maps a Go value's JSON field names to the JSON kinds its values take.
func jsonKinds(v any) map[string][]string {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Slice || t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	out := map[string][]string{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		ft := f.Type
		var kinds []string
		if ft.Kind() == reflect.Pointer {
			kinds = append(kinds, "null")
			ft = ft.Elem()
		}
		switch {
		case ft.Name() == "Money" || ft.Name() == "Flag" || ft.Kind() >= reflect.Int && ft.Kind() <= reflect.Float64:
			kinds = append(kinds, "number")
		case ft.Name() == "JSONText":
			kinds = append(kinds, "object")
		case ft.Kind() == reflect.String || ft.Name() == "DateTime":
			kinds = append(kinds, "string")
		default:
			kinds = append(kinds, ft.String())
		}
		out[name] = kinds
	}
	return out
}

func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case float64:
		return "number"
	case string:
		return "string"
	case map[string]any:
		return "object"
	}
	return reflect.TypeOf(v).String()
}

// The dispatch table holds every endpoint of the reference, with its method rule and exactly the
// response fields of its example (extra fields are allowed only where DECISIONS.md says so).
func TestDispatchTableMatchesReference(t *testing.T) {
	extras := map[string][]string{"api_keys.list": {"key_prefix", "allowed_ips", "scopes"}}
	seen := map[string]bool{}
	for _, ep := range readReference(t) {
		name := ep.Mode + "." + ep.Action
		seen[name] = true
		mode, action := findAction(ep.Mode, ep.Action)
		if mode == nil {
			t.Errorf("%s: mode %q missing", ep.Title, ep.Mode)
			continue
		}
		if action == nil {
			t.Errorf("%s: action %q of mode %q missing", ep.Title, ep.Action, ep.Mode)
			continue
		}
		if action.Write != ep.PostOnly {
			t.Errorf("%s: Write=%v, reference says POST-only=%v", name, action.Write, ep.PostOnly)
		}
		objs, wantList, want := exampleObjects(ep.Example)
		if action.Response == nil {
			if want != nil {
				t.Errorf("%s: reference returns data %v, the table declares none", name, want)
			}
			continue
		}
		if want == nil {
			t.Errorf("%s: table declares a response, the reference returns no data", name)
			continue
		}
		if isList := reflect.TypeOf(action.Response).Kind() == reflect.Slice; isList != wantList {
			t.Errorf("%s: response is a list=%v, reference list=%v", name, isList, wantList)
		}
		want = append(want, extras[name]...)
		sort.Strings(want)
		if got := jsonFields(action.Response); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: fields\n got %v\nwant %v", name, got, want)
		}
		kinds := jsonKinds(action.Response)
		for _, obj := range objs {
			for field, v := range obj {
				if k := kindOf(v); !slices.Contains(kinds[field], k) {
					t.Errorf("%s: field %s is %v in the reference, %v here", name, field, k, kinds[field])
				}
			}
		}
	}
	for _, mode := range handlers.Routes {
		modeName := mode.Name
		for _, action := range mode.Actions {
			actionName := action.Name
			if !seen[modeName+"."+actionName] {
				t.Errorf("%s.%s is in the table but not in the reference", modeName, actionName)
			}
		}
	}
}
