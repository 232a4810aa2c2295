package admin

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"sharepanel/apidocs"
)

// The prose of the admin API's part of the OpenAPI document, and the check that every route has
// what the document needs.

// tagDoc is one section of the document.
type tagDoc struct{ Name, Doc string }

// tagDocs are the sections, in order.
var tagDocs = []tagDoc{
	{tagTokens, "Administrators exchange a username and password for a JWT, then send it as `Authorization: Bearer " +
		"ACCESS_TOKEN`. Administrators are made from the command line: `sharepanel admin new USERNAME PASSWORD`; " +
		"deleting one (`sharepanel admin delete`) or changing its password (`sharepanel admin password`) revokes its tokens."},
	{tagAccounts, "User accounts: what the user API's `mode=auth` logs in to. An account shows `id`, `username`, " +
		"`email`, `plan`, `status` (`active` or `suspended`), `verified`, `balance`, `created_at`, and counts of its " +
		"memberships, instances, invoices and usable API keys."},
	{tagUserData, "What users then see through the user API: instances (`mode=instances`), invoices and balance " +
		"(`mode=billing`), notifications (`mode=notifications`). Changes go into the account's activity."},
	{tagPlans, "Plans: what the user API shows (`name`, `price`, `org_limit`, `instance_limit`, `filelimit`, " +
		"`storagelimit`, `description`, `features`) and the limits the gateway enforces (`requests_per_day`, " +
		"`requests_per_minute`, `max_payload_bytes`). Changes apply to the user API from the next request. " +
		"`sharepanel migrate`, run at every start, re-creates any of the four seeded plans that is missing."},
	{tagSettings, "The operator's settings, kept in the database (every replica follows within a second; the " +
		"command line is `sharepanel config get|update KEY [VALUE]`), and the health of the services the gateway uses."},
	{tagBackups, "One account's data as one JSON document, and back. Other accounts appear only by username or " +
		"organization path; links to ones that no longer exist are left out of a restore, and listed."},
	{tagAudit, "Every administrator action, successful or not."},
}

// statusDocs say what each error status means on the admin API.
var statusDocs = map[int]string{
	http.StatusBadRequest:            "A field or parameter is missing or invalid.",
	http.StatusUnauthorized:          "No token, or a bad, expired or revoked one.",
	http.StatusForbidden:             "The admin API is switched off (`sharepanel config update api on`), or a rule refuses.",
	http.StatusNotFound:              "No such object.",
	http.StatusConflict:              "A duplicate, or a state that does not allow the change.",
	http.StatusRequestEntityTooLarge: "The body is too large.",
	http.StatusTooManyRequests:       "Too many login attempts: Retry-After says when to try again.",
	http.StatusInternalServerError:   "Something unexpected; the cause is in the server's log under the X-Request-ID.",
}

// adminIntro is the admin API's section of the document's introduction.
func adminIntro(server, group string) string {
	return fmt.Sprintf(`# Admin API

The administrators' API, after OpenPanel's: JSON over HTTP on its own listener, **%[1]s**
(`+"`SHAREPANEL_ADMIN_ADDR`"+`), served by the same process as the user API. It creates, suspends and deletes
accounts, changes their plans, manages plans, and makes what users see (instances, invoices, notifications).
Its operations are the sections under **%[2]s**; each gives the admin listener as its server.
The OpenPanel document's cURL lines work as written with only the address changed.

It answers only while an operator has switched it on: `+"`sharepanel config update api on`"+` (while off, every
request is 403). Administrators are made from the command line: `+"`sharepanel admin new USERNAME PASSWORD`"+`.

`+"```sh"+`
# A token (JWT, valid SHAREPANEL_ADMIN_TOKEN_TTL, default 1h):
curl -X POST -H "Content-Type: application/json" -d '{"username":"stefan","password":"megamind728"}' "%[1]s/api/"
# {"access_token":"eyJ…","expires_in":3600,"token_type":"Bearer"}
JWT=eyJ…   # the access_token: every cURL line of the admin API sends it
curl -X GET -H "Authorization: Bearer $JWT" "%[1]s/api/whoami"
`+"```"+`

- **Success** is `+"`{\"response\": …, \"success\": true}`"+` (the token and whoami answer as OpenPanel's do, outside
  it). Lists are arrays in `+"`response`"+`; those that page take `+"`limit`"+` (1-500, default 50) and `+"`offset`"+`
  and give the number of all matches in `+"`X-Total-Count`"+`.
- **Errors** are `+"`{\"success\": false, \"error\": \"…\"}`"+`: 400 bad or missing field, 401 token, 403 switched off or
  not allowed, 404 not found, 405 wrong method, 409 duplicate or conflict, 413 body too large (1 MB; 64 MB for a
  restore), 429 too many failed logins, 500 unexpected (the cause only in the log).
- **Bodies** are JSON objects (read as JSON whatever the Content-Type when they start with `+"`{`"+`) or
  urlencoded forms; `+"`null`"+` is the same as absent; numbers and amounts may be strings. Trailing slashes are
  optional (`+"`/api/`"+` is `+"`/api`"+`); a path's username matches case-insensitively.
- Money is a JSON number with two decimals, exact; date-times are `+"`YYYY-MM-DD HH:MM:SS`"+` UTC. Passwords and
  tokens never appear in answers (but the one that issues a token), logs or the audit log.
`, server, group)
}

// msgAPIOff is every request's answer while the admin API is switched off.
const msgAPIOff = "API access is disabled. Enable it with: sharepanel config update api on"

// enumSchema is a string that takes one of values.
func enumSchema(values ...string) *apidocs.Schema {
	s := &apidocs.Schema{Type: "string"}
	for _, v := range values {
		s.Enum = append(s.Enum, v)
	}
	return s
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
