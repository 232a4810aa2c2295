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

// Every error body carries request_id, the X-Request-ID header's value (the client's own when it
// sent a sane one), so a customer can quote it to support; success bodies stay as the reference has
// them.
func TestErrorsCarryTheRequestID(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("pro")
	for _, c := range []struct {
		target string
		header http.Header
	}{
		{"/api?mode=nosuch", nil},
		{"/api?mode=profile&action=view", nil},
		{"/api?mode=orgs&action=view&org_id=999999", http.Header{"X-Api-Key": {acct.Key}}},
		{"/api?mode=orgs&action=new", http.Header{"X-Api-Key": {acct.Key}}},
		{"/api?mode=nosuch", http.Header{"X-Request-Id": {"support-ticket-42"}}},
	} {
		res := env.Do(http.MethodGet, c.target, nil, c.header)
		id := res.Header.Get("X-Request-ID")
		if res.Code < 400 || id == "" || res.Env["request_id"] != id {
			t.Errorf("%s: %d, request_id %v, header %q", c.target, res.Code, res.Env["request_id"], id)
		}
		if c.header.Get("X-Request-Id") != "" && id != c.header.Get("X-Request-Id") {
			t.Errorf("the client's request ID was not kept: %q", id)
		}
	}
	ok := env.Do(http.MethodGet, "/api?mode=profile&action=view", nil, http.Header{"X-Api-Key": {acct.Key}})
	if _, has := ok.Env["request_id"]; ok.Code != 200 || has {
		t.Fatalf("a success carries request_id: %s", ok.Body)
	}
}
