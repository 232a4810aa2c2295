package admin

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"sharepanel/apidocs"
)

// The admin API's part of the OpenAPI document, generated from the route table: one operation per
// route, at its REST path, with the admin listener as the path's server.

// DocsHook returns a hook for handlers.Deps.DocsHooks that adds the admin API to the user API's
// document. addr is the admin listener's address (SHAREPANEL_ADMIN_ADDR): the admin paths' server
// is its port on addr's host when it listens on one address, else on the host of publicURL
// (SHAREPANEL_PUBLIC_URL) or, without one, localhost. Never the host a request named.
func DocsHook(addr, publicURL string) func(*apidocs.Document) {
	host, port := "", "2087"
	if h, p, err := net.SplitHostPort(addr); err == nil {
		host, port = h, p
	}
	if ip, err := netip.ParseAddr(host); host == "" || err == nil && ip.IsUnspecified() {
		host = "localhost"
		if u, err := url.Parse(publicURL); publicURL != "" && err == nil {
			host = u.Hostname()
		}
	}
	server := "http://" + net.JoinHostPort(host, port)
	return func(doc *apidocs.Document) { addAdminAPI(doc, server, "Admin API (port "+port+")") }
}

// document is the admin API's own OpenAPI document, which the admin listener serves at
// /docs/openapi.json: its server is "/", the listener it is read from.
func document() *apidocs.Document {
	doc := &apidocs.Document{
		OpenAPI: apidocs.Version,
		Info: apidocs.Info{Title: "SharePanel admin API", Version: "1.0",
			Description: "The user API's document, at /docs/ on the user API's listener, describes this API as well."},
		Servers: []apidocs.Server{{URL: apidocs.ServerPlaceholder, Description: "This admin listener"}},
		Paths:   map[string]*apidocs.PathItem{},
	}
	addAdminAPI(doc, apidocs.OriginPlaceholder, "Admin API")
	return doc
}

// addAdminAPI adds the admin API's operations, schemas, security scheme, sections and introduction
// to doc; server is the admin listener's URL, group the name of the menu group of its sections.
func addAdminAPI(doc *apidocs.Document, server, group string) {
	c := &doc.Components
	if c.Schemas == nil {
		c.Schemas = map[string]*apidocs.Schema{}
	}
	if c.SecuritySchemes == nil {
		c.SecuritySchemes = map[string]*apidocs.SecurityScheme{}
	}
	c.SecuritySchemes["bearerAuth"] = &apidocs.SecurityScheme{Type: "http", Scheme: "bearer", BearerFormat: "JWT",
		Description: "An admin API token from `POST /api/` on the admin listener, sent as `Authorization: Bearer ACCESS_TOKEN`."}
	c.Schemas["AdminError"] = &apidocs.Schema{Title: "Admin API error", Type: "object", Required: []string{"success", "error", "request_id"},
		Properties: apidocs.Properties{
			{Name: "success", Schema: &apidocs.Schema{Type: "boolean", Const: false}},
			{Name: "error", Schema: &apidocs.Schema{Type: "string", Description: "What went wrong, for people"}},
			{Name: "request_id", Schema: &apidocs.Schema{Type: "string", Description: "The X-Request-ID of the request, to quote to whoever reads the logs"}},
		}}
	userTags := tagsInUse(doc)

	ref := apidocs.NewReflector(c.Schemas)
	items := map[string]*apidocs.PathItem{}
	var paths []string
	var index []map[string]any // x-admin-operations: the table's rows in order, for tools and tests
	for _, r := range routeTable {
		path := openAPIPath(r.Path)
		index = append(index, map[string]any{"operationId": "admin." + r.ID, "method": r.Method, "path": path,
			"summary": r.Summary, "tag": r.Tag})
		item := items[path]
		if item == nil {
			item = &apidocs.PathItem{Servers: []apidocs.Server{{URL: server, Description: "The admin API's listener"}}}
			items[path] = item
			paths = append(paths, path)
		}
		*methodSlot(item, r.Method) = operation(r, ref, server)
	}
	for _, p := range paths {
		doc.AddPath(p, items[p])
	}

	var adminTags []string
	for _, t := range tagDocs {
		doc.Tags = append(doc.Tags, apidocs.Tag{Name: t.Name, Description: t.Doc})
		adminTags = append(adminTags, t.Name)
	}
	// Redoc lists sections in groups when x-tagGroups is set, and hides any section outside them:
	// the sections already in the document make the first group.
	if doc.Ext == nil {
		doc.Ext = map[string]any{}
	}
	groups, _ := doc.Ext["x-tagGroups"].([]map[string]any)
	if len(groups) == 0 && len(userTags) > 0 {
		groups = append(groups, map[string]any{"name": "User API", "tags": userTags})
	}
	doc.Ext["x-tagGroups"] = append(groups, map[string]any{"name": group, "tags": adminTags})
	doc.Ext["x-admin-operations"] = index
	doc.Info.Description = strings.TrimRight(doc.Info.Description, "\n") + "\n\n" + adminIntro(server, group)
}

// tagsInUse are the tags of doc's operations: in the order of doc.Tags, then the others, sorted.
func tagsInUse(doc *apidocs.Document) []string {
	used := map[string]bool{}
	for _, it := range doc.Paths {
		for _, op := range []*apidocs.Operation{it.Get, it.Post, it.Put, it.Patch, it.Delete} {
			if op != nil {
				for _, t := range op.Tags {
					used[t] = true
				}
			}
		}
	}
	// The document's own order of sections first, then any other tag, sorted.
	var out []string
	for _, t := range doc.Tags {
		if used[t.Name] && !slices.Contains(out, t.Name) {
			out = append(out, t.Name)
		}
	}
	var rest []string
	for t := range used {
		if !slices.Contains(out, t) {
			rest = append(rest, t)
		}
	}
	slices.Sort(rest)
	return append(out, rest...)
}

var pathParam = regexp.MustCompile(`:([A-Za-z_]+)`)

// openAPIPath is an echo path in OpenAPI's form: /api/users/{username}.
func openAPIPath(p string) string { return pathParam.ReplaceAllString(p, "{$1}") }

// methodSlot is where an operation of method goes in item; it panics on a method OpenAPI has no
// operation for (CONNECT goes in route.Also), which checkRoutes reports first.
func methodSlot(item *apidocs.PathItem, method string) **apidocs.Operation {
	switch method {
	case http.MethodGet:
		return &item.Get
	case http.MethodPost:
		return &item.Post
	case http.MethodPut:
		return &item.Put
	case http.MethodPatch:
		return &item.Patch
	case http.MethodDelete:
		return &item.Delete
	}
	panic("admin: no OpenAPI operation for method " + method)
}

// operation is one route's operation.
func operation(r route, ref *apidocs.Reflector, server string) *apidocs.Operation {
	op := &apidocs.Operation{OperationID: "admin." + r.ID, Summary: r.Summary, Description: r.Doc, Tags: []string{r.Tag},
		Security: []map[string][]string{{"bearerAuth": {}}}, Responses: map[string]*apidocs.Response{}}
	if r.Auth == authNone {
		op.Security = []map[string][]string{{}}
	}
	for _, m := range pathParam.FindAllStringSubmatch(r.Path, -1) {
		p := pathParams[m[1]]
		op.Parameters = append(op.Parameters, &apidocs.Parameter{Name: m[1], In: "path", Required: true, Description: p.Doc, Schema: p.Schema})
	}
	for _, q := range r.Query {
		s := q.Schema
		if s == nil {
			s = &apidocs.Schema{Type: "string"}
		}
		op.Parameters = append(op.Parameters, &apidocs.Parameter{Name: q.Name, In: "query", Description: q.Doc, Schema: s})
	}
	if r.Body != nil {
		mt := &apidocs.MediaType{Schema: schemaOf(ref, r.Body), Examples: map[string]*apidocs.Example{}}
		for i, ex := range r.Examples {
			var v any
			if json.Unmarshal([]byte(ex.Body), &v) == nil {
				mt.Examples[fmt.Sprintf("example%d", i+1)] = &apidocs.Example{Summary: cmp.Or(ex.Label, r.Summary), Value: v}
			}
		}
		if len(mt.Examples) == 0 {
			mt.Examples = nil
		}
		op.RequestBody = &apidocs.RequestBody{Required: true, Content: map[string]*apidocs.MediaType{"application/json": mt},
			Description: "A JSON object (read as JSON whatever the Content-Type, when it starts with `{`), or a urlencoded form; null is the same as absent."}
	}

	answer := schemaOf(ref, r.Answer)
	if !r.Bare {
		answer = &apidocs.Schema{Type: "object", Required: []string{"response", "success"}, Properties: apidocs.Properties{
			{Name: "response", Schema: answer},
			{Name: "success", Schema: &apidocs.Schema{Type: "boolean", Const: true}},
		}}
	}
	ok := &apidocs.Response{Description: "Success", Headers: map[string]*apidocs.Header{"X-Request-ID": requestIDHeader()},
		Content: map[string]*apidocs.MediaType{"application/json": {Schema: answer}}}
	if r.Total {
		ok.Description = "Success: the list"
		ok.Headers["X-Total-Count"] = &apidocs.Header{Description: "The number of all matches, beyond this page", Schema: &apidocs.Schema{Type: "integer"}}
	}
	op.Responses["200"] = ok
	for _, e := range routeErrors(r) {
		op.Responses[fmt.Sprint(e.Status)] = errorResponse(r, e)
	}

	var samples []map[string]string
	for _, ex := range r.Examples {
		samples = append(samples, map[string]string{"lang": "Shell", "label": "cURL" + label(ex.Label), "source": curlLine(server, r, ex)})
	}
	op.Ext = map[string]any{"x-codeSamples": samples}
	if len(r.Also) > 0 {
		var also []string
		for _, a := range r.Also {
			also = append(also, openAPIPath(a))
		}
		op.Ext["x-also"] = also
	}
	return op
}

func label(l string) string {
	if l == "" {
		return ""
	}
	return ": " + l
}

// schemaOf reflects a body's or an answer's type; oneOf and anyOf list alternatives.
func schemaOf(ref *apidocs.Reflector, v any) *apidocs.Schema {
	each := func(alts []any) (out []*apidocs.Schema) {
		for _, x := range alts {
			out = append(out, ref.For(reflect.TypeOf(x)))
		}
		return out
	}
	switch a := v.(type) {
	case oneOf:
		return &apidocs.Schema{OneOf: each(a)}
	case anyOf:
		return &apidocs.Schema{AnyOf: each(a)}
	}
	return ref.For(reflect.TypeOf(v))
}

func requestIDHeader() *apidocs.Header {
	return &apidocs.Header{Description: "The request's ID: yours if you sent a sane X-Request-ID, else a new UUID", Schema: &apidocs.Schema{Type: "string"}}
}

// errorResponse is one error status of a route, with its messages as examples.
func errorResponse(r route, e errorDoc) *apidocs.Response {
	mt := &apidocs.MediaType{Schema: apidocs.Ref("AdminError"), Examples: map[string]*apidocs.Example{}}
	for i, msg := range e.Messages {
		mt.Examples[fmt.Sprintf("error%d", i+1)] = &apidocs.Example{Summary: msg, Value: map[string]any{"success": false, "error": msg, "request_id": "6f1c2a9e-3b0d-4f7e-9a51-2c8d7e4b1f03"}}
	}
	desc := statusDocs[e.Status]
	if e.Status == http.StatusUnauthorized && r.Auth == authNone {
		desc = "A wrong username or password."
	}
	res := &apidocs.Response{Description: desc, Headers: map[string]*apidocs.Header{"X-Request-ID": requestIDHeader()},
		Content: map[string]*apidocs.MediaType{"application/json": mt}}
	if e.Status == http.StatusTooManyRequests {
		res.Headers["Retry-After"] = &apidocs.Header{Description: "Seconds until a login may be tried again", Schema: &apidocs.Schema{Type: "integer"}}
	}
	return res
}

// routeErrors are the errors every route of its kind has, merged with its own, by status.
func routeErrors(r route) []errorDoc {
	var all []errorDoc
	if r.Body != nil {
		all = append(all, errorDoc{400, []string{"Invalid JSON body", "Request body must be a JSON object"}})
	}
	for _, q := range r.Query {
		if q.Name == "limit" {
			all = append(all, errorDoc{400, []string{"limit must be an integer between 1 and 500", "offset must be a non-negative integer"}})
		}
	}
	if r.Auth == authToken {
		all = append(all, errorDoc{401, []string{"Missing token: send the header Authorization: Bearer ACCESS_TOKEN", "Invalid or expired token"}})
	}
	all = append(all, errorDoc{403, []string{msgAPIOff}})
	if r.Body != nil {
		all = append(all, errorDoc{413, []string{fmt.Sprintf("Request body too large: at most %d bytes", bodyLimit(r.Method, routerPath(r.Path)))}})
	}
	all = append(all, errorDoc{500, []string{"Internal server error"}})
	all = append(all, r.Errors...)

	var out []errorDoc
	for _, e := range all {
		i := slices.IndexFunc(out, func(o errorDoc) bool { return o.Status == e.Status })
		if i < 0 {
			out = append(out, errorDoc{Status: e.Status})
			i = len(out) - 1
		}
		for _, m := range e.Messages {
			if !slices.Contains(out[i].Messages, m) {
				out[i].Messages = append(out[i].Messages, m)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b errorDoc) int { return a.Status - b.Status })
	return out
}

// curlLine is an example as a cURL line, in the OpenPanel document's form: method, headers, body,
// then the URL. $JWT stands for the token.
func curlLine(server string, r route, ex example) string {
	method := cmp.Or(ex.Method, r.Method)
	parts := []string{"curl -X " + method}
	if method != http.MethodGet {
		parts = append(parts, `-H "Content-Type: application/json"`)
	}
	if r.Auth == authToken {
		parts = append(parts, `-H "Authorization: Bearer $JWT"`)
	}
	if ex.Body != "" {
		parts = append(parts, "-d '"+ex.Body+"'")
	}
	parts = append(parts, `"`+server+ex.Path+`"`)
	if ex.Save != "" {
		parts = append(parts, "-o "+ex.Save)
	}
	return strings.Join(parts, " ")
}
