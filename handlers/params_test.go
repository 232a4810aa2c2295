package handlers

import (
	"net/url"
	"testing"
)

// parseQuery gives what r.URL.Query() gives (the first value of each name), on well-formed and
// malformed queries alike.
func TestParseQueryMatchesURLQuery(t *testing.T) {
	for _, raw := range []string{
		"", "mode=profile&action=view", "a=1&a=2&b=", "a", "=5", "&&a=1&", "a=%zz&b=2", "%zz=1&c=3",
		"a=1;b=2&c=3", "q=%E2%9C%93+ok&x=a%2Bb", "api_key=sp_abc&mode=orgs&org_id=5&org_id=6",
	} {
		got := Params{}
		parseQuery(raw, got)
		want := Params{}
		q, _ := url.ParseQuery(raw)
		for k, v := range q {
			want[k] = v[0]
		}
		if len(got) != len(want) {
			t.Fatalf("%q: got %v, want %v", raw, got, want)
		}
		for k, v := range want {
			if got[k] != v {
				t.Fatalf("%q: %s = %q, want %q", raw, k, got[k], v)
			}
		}
	}
}
