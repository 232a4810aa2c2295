package testenv

import (
	"encoding/json"
	"regexp"
	"sort"
	"strings"
	"testing"
)

var (
	dateTimePattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$`)
	datePattern     = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

// ExpectShape fails the test unless obj has exactly the fields of want, each of the JSON kind
// named: "integer", "number", "string", "datetime" (YYYY-MM-DD HH:MM:SS), "date" (YYYY-MM-DD),
// "flag" (0 or 1), "null" or "object". Numbers may be float64 or json.Number.
func ExpectShape(t testing.TB, obj map[string]any, want map[string]string) {
	t.Helper()
	var got, exp []string
	for k := range obj {
		got = append(got, k)
	}
	for k := range want {
		exp = append(exp, k)
	}
	sort.Strings(got)
	sort.Strings(exp)
	if strings.Join(got, ",") != strings.Join(exp, ",") {
		t.Fatalf("fields %v, want %v (%v)", got, exp, obj)
	}
	for k, kind := range want {
		if !hasKind(obj[k], kind) {
			t.Fatalf("field %s = %#v (%T), want %s (%v)", k, obj[k], obj[k], kind, obj)
		}
	}
}

func hasKind(v any, kind string) bool {
	var f float64
	isNum := false
	switch n := v.(type) {
	case float64:
		f, isNum = n, true
	case json.Number:
		x, err := n.Float64()
		f, isNum = x, err == nil
	}
	s, isStr := v.(string)
	switch kind {
	case "integer":
		return isNum && f == float64(int64(f))
	case "number":
		return isNum
	case "flag":
		return isNum && (f == 0 || f == 1)
	case "string":
		return isStr
	case "datetime":
		return isStr && dateTimePattern.MatchString(s)
	case "date":
		return isStr && datePattern.MatchString(s)
	case "null":
		return v == nil
	case "object":
		_, ok := v.(map[string]any)
		return ok
	}
	panic("testenv.ExpectShape: unknown kind " + kind)
}
