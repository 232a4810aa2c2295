package admin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// curlCall is a documented cURL line, parsed.
type curlCall struct {
	Method, URL, Body, Save string
	Header                  http.Header
}

// parseCurl reads the cURL lines the document writes: -X, -H, -d, -o and the URL, with words in
// single or double quotes and $JWT expanded in double quotes, as the shell would.
func parseCurl(line, jwt string) (curlCall, error) {
	var words []string
	for rest := strings.TrimSpace(line); rest != ""; rest = strings.TrimLeft(rest, " ") {
		switch rest[0] {
		case '\'', '"':
			end := strings.IndexByte(rest[1:], rest[0])
			if end < 0 {
				return curlCall{}, fmt.Errorf("unclosed quote")
			}
			w := rest[1 : end+1]
			if rest[0] == '"' {
				w = strings.ReplaceAll(w, "$JWT", jwt)
			}
			words, rest = append(words, w), rest[end+2:]
		default:
			end := strings.IndexByte(rest, ' ')
			if end < 0 {
				end = len(rest)
			}
			words, rest = append(words, rest[:end]), rest[end:]
		}
	}
	c := curlCall{Method: http.MethodGet, Header: http.Header{}}
	if len(words) == 0 || words[0] != "curl" {
		return c, fmt.Errorf("not a curl line")
	}
	for i := 1; i < len(words); i++ {
		arg := words[i]
		if strings.HasPrefix(arg, "-") && i+1 >= len(words) {
			return c, fmt.Errorf("%s without a value", arg)
		}
		switch arg {
		case "-X":
			i++
			c.Method = words[i]
		case "-H":
			i++
			k, v, _ := strings.Cut(words[i], ": ")
			c.Header.Add(k, v)
		case "-d":
			i++
			c.Body = words[i]
		case "-o":
			i++
			c.Save = words[i]
		default:
			if strings.HasPrefix(arg, "-") || c.URL != "" {
				return c, fmt.Errorf("unexpected %q", arg)
			}
			c.URL = arg
		}
	}
	return c, nil
}

// TestAdminCurlExamplesRun sends every documented cURL line of the admin API, as the shell would
// run it, to the admin API: in the table's order, deletions after everything else (in reverse,
// so that what was made last goes first), and lines that send a saved file last of all (the
// restore of the exported, then deleted, account). Each must succeed; its body must match the
// documented request schema and its answer the documented response. Without its token, each
// line must get a documented 401.
func TestAdminCurlExamplesRun(t *testing.T) {
	e := newEnv(t, envOptions{})
	if _, err := e.Store.CreateAdmin(context.Background(), "stefan", "megamind728"); err != nil {
		t.Fatal(err)
	}
	doc, _ := loadServed(t, e.Admin)
	type line struct {
		op     adminOp
		source string
	}
	var first, deletes, fromFiles []line
	for _, o := range adminOps(t, doc) {
		samples, _ := o.Op.Extensions["x-codeSamples"].([]any)
		for _, s := range samples {
			l := line{o, s.(map[string]any)["source"].(string)}
			switch {
			case strings.Contains(l.source, "-d '@"):
				fromFiles = append(fromFiles, l)
			case o.Method == http.MethodDelete:
				deletes = append(deletes, l)
			default:
				first = append(first, l)
			}
		}
	}
	slices.Reverse(deletes)
	opts := []openapi3.SchemaValidationOption{openapi3.EnableJSONSchema2020(), openapi3.MultiErrors()}
	jwt := ""
	files := map[string]string{}
	ran := 0
	for _, l := range slices.Concat(first, deletes, fromFiles) {
		name := l.op.ID + ": " + l.source
		c, err := parseCurl(l.source, jwt)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		server := l.op.Item.Servers[0].URL
		if !strings.HasPrefix(c.URL, server+"/api") {
			t.Fatalf("%s: not on the path's server %s", name, server)
		}
		if f, isFile := strings.CutPrefix(c.Body, "@"); isFile {
			if c.Body = files[f]; c.Body == "" {
				t.Fatalf("%s: no earlier line saved %s", name, f)
			}
		}
		if c.Body != "" {
			var body any
			if err := json.Unmarshal([]byte(c.Body), &body); err != nil {
				t.Fatalf("%s: body is not JSON: %v", name, err)
			}
			schema := l.op.Op.RequestBody.Value.Content.Get("application/json").Schema.Value
			if err := schema.VisitJSON(body, opts...); err != nil {
				t.Errorf("%s: the body does not match the documented schema: %v", name, err)
			}
			if extra := undocumentedKeys(schema, body, "body", opts); len(extra) > 0 {
				t.Errorf("%s: undocumented fields %v", name, extra)
			}
		}
		u, err := url.Parse(c.URL)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		send := func(h http.Header) *response {
			// The request line has the path, as curl sends it (a CONNECT's absolute URL would be
			// taken for an authority).
			req := httptest.NewRequest(c.Method, u.RequestURI(), strings.NewReader(c.Body))
			req.Host, req.Header = u.Host, h.Clone()
			return e.do(t, req)
		}
		if h := c.Header.Clone(); h.Get("Authorization") != "" {
			h.Del("Authorization")
			res := send(h)
			checkAnswer(t, name+" (without its token)", l.op.Op, res, http.StatusUnauthorized, opts)
		}
		res := send(c.Header)
		checkAnswer(t, name, l.op.Op, res, http.StatusOK, opts)
		if l.op.ID == "admin.token" {
			jwt, _ = res.JSON["access_token"].(string)
		}
		if c.Save != "" {
			files[c.Save] = string(res.Body)
		}
		ran++
	}
	if ran < 30 {
		t.Fatalf("ran %d lines", ran)
	}
	// The last line restored ada as exported: the account is back.
	e.as(t, http.MethodGet, "/api/users/ada", nil).ok(t)
}

// checkAnswer checks that res has status want, that the operation documents it, and that the
// body matches the documented schema (an error's message is one of the documented examples).
func checkAnswer(t *testing.T, name string, op *openapi3.Operation, res *response, want int, opts []openapi3.SchemaValidationOption) {
	t.Helper()
	if res.Code != want {
		t.Fatalf("%s: %d %s, want %d", name, res.Code, res.Body, want)
	}
	doc := op.Responses.Status(res.Code)
	if doc == nil {
		t.Fatalf("%s: status %d is not documented", name, res.Code)
	}
	mt := doc.Value.Content.Get("application/json")
	var body any
	if err := json.Unmarshal(res.Body, &body); err != nil {
		t.Fatal(err)
	}
	if err := mt.Schema.Value.VisitJSON(body, opts...); err != nil {
		t.Errorf("%s: the answer does not match the documented schema: %v\n%s", name, err, res.Body)
	}
	if extra := undocumentedKeys(mt.Schema.Value, body, "answer", opts); len(extra) > 0 {
		t.Errorf("%s: the answer has undocumented fields %v", name, extra)
	}
	if want != http.StatusOK {
		documented := false
		for _, ex := range mt.Examples {
			documented = documented || ex.Value.Value.(map[string]any)["error"] == res.JSON["error"]
		}
		if !documented {
			t.Errorf("%s: the message %q is not among the documented ones", name, res.JSON["error"])
		}
	}
	if doc.Value.Headers["X-Total-Count"] != nil && res.Header.Get("X-Total-Count") == "" {
		t.Errorf("%s: no X-Total-Count", name)
	}
}

// undocumentedKeys lists the object keys in v, at any depth, that schema s does not describe:
// the schemas allow more properties, but a field the handler writes and the document lacks is
// a gap in the document. Objects without properties (free-form details) take anything.
func undocumentedKeys(s *openapi3.Schema, v any, at string, opts []openapi3.SchemaValidationOption) []string {
	if alts := slices.Concat(s.OneOf, s.AnyOf); len(alts) > 0 {
		var first []string
		for _, alt := range alts {
			if alt.Value.VisitJSON(v, opts...) != nil {
				continue
			}
			extra := undocumentedKeys(alt.Value, v, at, opts)
			if len(extra) == 0 {
				return nil
			}
			if first == nil {
				first = extra
			}
		}
		return first
	}
	var out []string
	switch x := v.(type) {
	case map[string]any:
		if len(s.Properties) == 0 {
			return nil
		}
		for k, val := range x {
			p, found := s.Properties[k]
			if !found {
				out = append(out, at+"."+k)
				continue
			}
			out = append(out, undocumentedKeys(p.Value, val, at+"."+k, opts)...)
		}
	case []any:
		if s.Items != nil {
			for i, val := range x {
				out = append(out, undocumentedKeys(s.Items.Value, val, fmt.Sprintf("%s[%d]", at, i), opts)...)
			}
		}
	}
	return out
}
