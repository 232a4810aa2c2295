package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"sharepanel/internal/testenv"
)

// Answers are one line of JSON and a newline; ?pretty (echo's switch, however it is spelled in the
// query) indents them, for successes and errors alike.
func TestPrettyQueryIndentsJSON(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("pro")
	for _, tc := range []struct {
		query  string
		code   int
		indent bool
	}{
		{"mode=profile&action=view&api_key=" + acct.Key, http.StatusOK, false},
		{"mode=profile&action=view&pretty&api_key=" + acct.Key, http.StatusOK, true},
		{"mode=profile&action=view&pr%65tty=1&api_key=" + acct.Key, http.StatusOK, true},
		{"mode=profile&action=view&api_key=sp_wrong", http.StatusUnauthorized, false},
		{"mode=profile&action=view&api_key=sp_wrong&pretty=", http.StatusUnauthorized, true},
		{"mode=nope&x=%41", http.StatusBadRequest, false},
	} {
		res := env.Do(http.MethodGet, "/api?"+tc.query, nil, nil)
		body := string(res.Body)
		if res.Code != tc.code || !strings.HasSuffix(body, "}\n") || strings.Count(body, "\n") == 1 == tc.indent {
			t.Errorf("%s: %d, want %d, indented %v: %q", tc.query, res.Code, tc.code, tc.indent, body)
		}
		if tc.indent && !strings.HasPrefix(body, "{\n  \"status\": ") {
			t.Errorf("%s: not indented as echo does: %q", tc.query, body)
		}
	}
}
