package admin

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"sharepanel/apidocs"
)

// route is one endpoint of the admin API: what the router registers and what the OpenAPI document
// says about it. The table (routeTable) is the whole API; docs_test proves every row documented
// and every registered route in the document.
type route struct {
	ID      string // the operationId's suffix: admin.<ID>
	Method  string
	Path    string // echo's form (/api/users/:username); a trailing slash is the OpenPanel form, served without it too
	Handler func(*server, echo.Context) error
	Auth    auth
	Tag     string // the document's section (adminTags)
	Summary string
	Doc     string       // Markdown: what the summary leaves out
	Query   []queryParam // query-string parameters
	Body    any          // the body's type (a zero value), a oneOf or anyOf of them; nil: no body
	Answer  any          // the type of "response" (of the whole answer when Bare); a oneOf of them
	Bare    bool         // the answer is not in the envelope (the token and whoami, as OpenPanel has them)
	Total   bool         // the answer is a list, with the number of all matches in X-Total-Count
	Errors  []errorDoc   // what this route adds to the errors every route has (commonErrors)
	// Examples are the route's cURL lines, the OpenPanel document's where it has one, with values
	// that run in the table's order against a fresh database (docs_test runs them).
	Examples []example
	// Also are further "METHOD /path" routes to the same handler that OpenAPI cannot describe:
	// CONNECT, which OpenPanel uses for autologin.
	Also []string
	// Secret: the answer carries a secret (a token, the password hash of a backup), so it is
	// marked Cache-Control: no-store.
	Secret bool
}

// auth is what a route needs.
type auth int

const (
	authToken auth = iota // Authorization: Bearer <JWT>
	authNone              // only POST /api/, which issues tokens
)

// queryParam is a query-string parameter.
type queryParam struct {
	Name, Doc string
	Schema    *apidocs.Schema // nil: a string
}

// errorDoc is an error status a route can answer, with messages the server really writes.
type errorDoc struct {
	Status   int
	Messages []string
}

// example is one cURL line: the route's method (or Method) on Path, with Body (JSON, or @FILE).
// Save writes the answer to a file (curl -o), for a later example's @FILE.
type example struct {
	Label  string
	Method string // default: the route's
	Path   string // concrete, with its query string
	Body   string
	Save   string
}

// paging are the parameters of lists that page.
var paging = []queryParam{
	{Name: "limit", Doc: "At most this many (1-500, default 50).", Schema: &apidocs.Schema{Type: "integer", Minimum: ptr(int64(1)), Maximum: ptr(int64(500)), Default: 50}},
	{Name: "offset", Doc: "Skip this many (0 or more, default 0).", Schema: &apidocs.Schema{Type: "integer", Minimum: ptr(int64(0)), Default: 0}},
}

// pathParams document the path parameters by name.
var pathParams = map[string]queryParam{
	"username": {Doc: "The account's username (matched case-insensitively).", Schema: &apidocs.Schema{Type: "string", Examples: []any{"ada"}}},
	"name":     {Doc: "The plan's name.", Schema: &apidocs.Schema{Type: "string", Examples: []any{"pro"}}},
	"id":       {Doc: "The ID, a positive integer.", Schema: &apidocs.Schema{Type: "integer", Format: "int64", Minimum: ptr(int64(1))}},
}

// register adds every route of the table to e. Routes carry their middleware themselves rather than
// through a group: a group would answer unknown paths and wrong methods with 401 instead of 404
// and 405.
func (s *server) register(e *echo.Echo) {
	for _, r := range routeTable {
		var mw []echo.MiddlewareFunc
		if r.Secret {
			mw = append(mw, noStore)
		}
		if r.Auth == authToken {
			mw = append(mw, s.requireToken)
		}
		h := r.Handler
		handler := func(c echo.Context) error { return h(s, c) }
		// RemoveTrailingSlash runs before routing: /api/ arrives as /api.
		e.Add(r.Method, routerPath(r.Path), handler, mw...)
		for _, also := range r.Also {
			method, path, _ := strings.Cut(also, " ")
			e.Add(method, routerPath(path), handler, mw...)
		}
	}
}

func routerPath(p string) string {
	if len(p) > 1 {
		return strings.TrimSuffix(p, "/")
	}
	return p
}

// bodyLimit is the most a request may send: a restore carries a whole account; the token request,
// read before anyone is known, no more than a username and a password; nothing else more than a
// small JSON object.
func bodyLimit(method, path string) int64 {
	switch {
	case method == http.MethodPost && path == "/api/backups":
		return maxBackupBody
	case method == http.MethodPost && (path == "/api" || path == "/api/"):
		return maxTokenBody
	}
	return maxBody
}

func ptr[T any](v T) *T { return &v }

// noStore keeps an answer that carries a secret out of every cache, errors included.
func noStore(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Cache-Control", "no-store")
		h.Set("Pragma", "no-cache")
		return next(c)
	}
}
