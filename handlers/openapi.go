package handlers

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"sharepanel/apidocs"
	"sharepanel/models"
)

// The OpenAPI document of the user API, generated from the dispatch table (routes.go).
//
// OpenAPI identifies an operation by path and method, and the reference's /api has one path: mode
// and action are parameters. So every action also answers at a path of its own,
// /api/<mode>/<action> (/api/<mode> for auth and search), through the same pipeline, and the
// document gives each action one operation there: operationId <mode>_<action>, its parameters
// (query parameters for an action that reads, a JSON or form body for one that changes data), its
// answer's own schema, its errors and a cURL line in the reference's query-string form. That is what
// code generators need. /api itself, the contract, is described as GET and POST operations that
// take mode and the selector, and whose answer is the envelope with any data.

// docAction is one row of the dispatch table, as the docs walk it.
type docAction struct {
	Mode, Selector, Name string
	M                    *Mode
	A                    *Action
}

// ID names the action in the document: "orgs.new", or "auth" for a mode without selector.
func (d docAction) ID() string { return Endpoint(d.Mode, d.Name) }

// OperationID is the action's operationId: "orgs_new", "auth".
func (d docAction) OperationID() string { return strings.ReplaceAll(d.ID(), ".", "_") }

// Path is where the action answers besides /api: /api/orgs/new, /api/auth.
func (d docAction) Path() string { return ActionPath(d.Mode, d.Name) }

// Method is the action's documented method: POST for actions that change data, GET for the rest
// (which answer POST as well).
func (d docAction) Method() string {
	if d.A.Write {
		return http.MethodPost
	}
	return http.MethodGet
}

// ActionPath is the path form of an action: /api/<mode>/<action>, or /api/<mode> for a mode with a
// single action.
func ActionPath(mode, action string) string {
	if action == "" {
		return "/api/" + mode
	}
	return "/api/" + mode + "/" + action
}

// docActions walks the table in its order.
func docActions() []docAction {
	var out []docAction
	for i := range Routes {
		m := &Routes[i]
		for j := range m.Actions {
			out = append(out, docAction{Mode: m.Name, Selector: m.Selector, Name: m.Actions[j].Name, M: m, A: &m.Actions[j]})
		}
	}
	return out
}

// docsSpec is the document /docs serves: built from the plans as they are, again only when their
// figures change (an administrator edited a plan), with the hooks' additions.
type docsSpec struct {
	store *models.Store
	hooks []func(*apidocs.Document)

	mu   sync.Mutex
	key  string // the plan figures the document was built with
	json []byte
}

func (d *docsSpec) get(ctx context.Context) ([]byte, error) {
	plans, err := d.store.Plans.All(ctx)
	if err != nil {
		return nil, err
	}
	key := planFigures(plans)
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.json != nil && d.key == key {
		return d.json, nil
	}
	doc := OpenAPI(plans)
	for _, hook := range d.hooks {
		hook(doc)
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	d.key, d.json = key, b
	return b, nil
}

// OpenAPI returns a new OpenAPI 3.1 document of the user API, whose prose gives the limits of plans
// (cheapest first). Its server URL is apidocs.ServerPlaceholder and its cURL lines use
// apidocs.OriginPlaceholder, which the /docs handler replaces with the configured origins.
func OpenAPI(plans []models.Plan) *apidocs.Document {
	acts := docActions()
	errs := errorDocs(plans)
	origin := apidocs.OriginPlaceholder
	doc := &apidocs.Document{
		OpenAPI: apidocs.Version,
		Info: apidocs.Info{Title: "SharePanel API", Version: "2.0", Description: docIntro(origin, plans),
			License: &apidocs.License{Name: "Proprietary: the SharePanel terms of service", URL: origin + "/docs/"}},
		Servers: []apidocs.Server{{URL: apidocs.ServerPlaceholder, Description: "This gateway"}},
		Paths:   map[string]*apidocs.PathItem{},
		Components: apidocs.Components{
			Schemas:         map[string]*apidocs.Schema{},
			Responses:       errorResponses(errs),
			Headers:         responseHeaders(),
			SecuritySchemes: securitySchemes(),
		},
	}
	ref := apidocs.NewReflector(doc.Components.Schemas)
	schemas := doc.Components.Schemas
	schemas["Error"] = errorEnvelope()
	schemas["Success"] = &apidocs.Schema{Title: "Success without data",
		Description: "The answer of actions that return no data (updates, deletes).", Type: "object",
		Required: []string{"status", "message", "timestamp"}, Properties: envelopeProps("success", nil)}
	schemas["Envelope"] = &apidocs.Schema{Title: "Any answer", Type: "object",
		Description: "The envelope of every answer of /api; its data is the action's (see the action's own operation).",
		Required:    []string{"status", "message", "timestamp"},
		Properties: append(envelopeProps("", nil), apidocs.Property{Name: "data",
			Schema: &apidocs.Schema{Description: "The action's data, when it returns any"}})}

	doc.Paths["/api"] = &apidocs.PathItem{
		Summary: "The reference's form: mode and action pick the handler",
		Get:     queryFormOperation(false, errs),
		Post:    queryFormOperation(true, errs),
	}
	doc.Tags = append(doc.Tags, apidocs.Tag{Name: queryFormTag, Description: queryFormDoc(origin)})

	var index []map[string]any
	for i, d := range acts {
		if i == 0 || acts[i-1].Mode != d.Mode {
			doc.Tags = append(doc.Tags, apidocs.Tag{Name: d.Mode, Description: modeDoc(origin, d.Mode, acts)})
		}
		entry := map[string]any{"mode": d.Mode, "action": d.Name, "selector": d.Selector, "write": d.A.Write,
			"public": d.M.Public, "summary": d.A.Summary, "operationId": d.OperationID(), "path": d.Path(),
			"method": d.Method()}
		if params := d.A.Params; d.A.Write && len(params) > 0 {
			name := "Request." + d.ID()
			schemas[name] = requestSchema(d)
			entry["request"] = "#/components/schemas/" + name
		}
		if d.A.Response != nil {
			name := "Response." + d.ID()
			schemas[name] = successEnvelope(d, ref.For(reflect.TypeOf(d.A.Response)))
			entry["response"] = "#/components/schemas/" + name
		}
		item := &apidocs.PathItem{}
		op := actionOperation(d, errs, origin)
		if d.A.Write {
			item.Post = op
		} else {
			item.Get = op
		}
		doc.AddPath(d.Path(), item)
		index = append(index, entry)
	}
	doc.Ext = map[string]any{"x-actions": index}
	return doc
}

// queryFormTag is the section of the /api operations.
const queryFormTag = "The /api form"

// actionOperation is one action's operation at its own path.
func actionOperation(d docAction, errs []errorDoc, origin string) *apidocs.Operation {
	op := &apidocs.Operation{
		OperationID: d.OperationID(),
		Summary:     d.A.Summary,
		Description: actionDescription(d, origin),
		Tags:        []string{d.Mode},
		Responses:   map[string]*apidocs.Response{"200": successResponse(d)},
		Ext: map[string]any{"x-mode": d.Mode, "x-action": d.Name, "x-codeSamples": []map[string]string{
			{"lang": "Shell", "label": "cURL", "source": curlExample(origin, d)}}},
	}
	if d.M.Public {
		op.Security = []map[string][]string{{}}
	} else {
		op.Security = []map[string][]string{{"Bearer": {}}, {"ApiKeyHeader": {}}, {"ApiKeyQuery": {}}}
	}
	if d.A.Write {
		if len(d.A.Params) > 0 {
			body := &apidocs.MediaType{Schema: apidocs.Ref("Request." + d.ID())}
			op.RequestBody = &apidocs.RequestBody{Required: requiresParams(d.A.Params), Content: map[string]*apidocs.MediaType{
				"application/json": body, "application/x-www-form-urlencoded": body}}
		}
		op.Parameters = append(op.Parameters, idempotencyKeyParam())
	} else {
		for _, p := range d.A.Params {
			op.Parameters = append(op.Parameters, &apidocs.Parameter{Name: p.Name, In: "query", Required: p.Required,
				Description: paramSchema(p).Description, Schema: paramSchema(p)})
		}
		if !d.M.Public {
			op.Parameters = append(op.Parameters, ifNoneMatchParam())
			op.Responses["304"] = &apidocs.Response{Ref: "#/components/responses/NotModified"}
		}
	}
	for _, e := range errs {
		if e.Status == http.StatusMethodNotAllowed || e.Status == http.StatusUnprocessableEntity && !d.A.Write {
			continue // the path answers the documented method; only writes take an Idempotency-Key
		}
		op.Responses[strconv.Itoa(e.Status)] = &apidocs.Response{Ref: "#/components/responses/" + e.Name}
	}
	return op
}

// idempotencyKeyParam is the Idempotency-Key header of the operations that change data.
func idempotencyKeyParam() *apidocs.Parameter {
	return &apidocs.Parameter{Name: "Idempotency-Key", In: "header",
		Description: "Makes the write safe to retry: 1-255 printable ASCII characters (a UUID), unique per write, scoped to your account. " +
			"The first request's answer is kept for 24 hours; a retry with the same key and the same parameters gets it again, " +
			"with `Idempotent-Replayed: true`, and nothing is done again. The same key with other parameters is a 422; a retry " +
			"while the first still runs is a 409 (try again after Retry-After). Refusals before the action runs (400, 401, 403, 413, " +
			"429) and 503s are not kept.",
		Schema: &apidocs.Schema{Type: "string", MinLength: ptr(1), MaxLength: ptr(255), Examples: []any{"5f0c3c1e-8a3b-4c8e-9d1e-2b7a6f4e9c10"}}}
}

// ifNoneMatchParam is the If-None-Match header of the operations that read.
func ifNoneMatchParam() *apidocs.Parameter {
	return &apidocs.Parameter{Name: "If-None-Match", In: "header",
		Description: "The ETag of an answer you have (on GET and HEAD): when the data is still the same, the answer is 304 Not Modified " +
			"with no body. A 304 counts against the rate limits like any answer.",
		Schema: &apidocs.Schema{Type: "string", Examples: []any{`"yDk0mX2QxZbW9vVxQ1Jk3w"`}}}
}

// requiresParams tells whether a body must be sent: some parameter is required.
func requiresParams(params []Param) bool {
	for _, p := range params {
		if p.Required {
			return true
		}
	}
	return false
}

// successResponse is an action's 200: its envelope with its data, and the rate-limit headers.
func successResponse(d docAction) *apidocs.Response {
	schema := apidocs.Ref("Success")
	if d.A.Response != nil {
		schema = apidocs.Ref("Response." + d.ID())
	}
	h := successHeaders(!d.M.Public)
	switch {
	case d.A.Write:
		h["Idempotent-Replayed"] = &apidocs.Header{Ref: "#/components/headers/Idempotent-Replayed"}
	case !d.A.Secret:
		h["ETag"] = &apidocs.Header{Ref: "#/components/headers/ETag"}
	}
	if d.A.Paged() { // paging.go
		h["Link"] = &apidocs.Header{Ref: "#/components/headers/Link"}
		if d.Mode != "search" {
			h["X-Total-Count"] = &apidocs.Header{Ref: "#/components/headers/X-Total-Count"}
		}
	}
	r := &apidocs.Response{Description: "Success", Headers: h,
		Content: map[string]*apidocs.MediaType{"application/json": {Schema: schema}}}
	return r
}

// successHeaders are the headers of a success: the request ID, and the rate-limit headers on
// authenticated answers.
func successHeaders(authenticated bool) map[string]*apidocs.Header {
	h := map[string]*apidocs.Header{"X-Request-ID": {Ref: "#/components/headers/X-Request-ID"}}
	if authenticated {
		for _, name := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} {
			h[name] = &apidocs.Header{Ref: "#/components/headers/" + name}
		}
	}
	return h
}

// requestSchema is the body of an action that changes data: its parameters.
func requestSchema(d docAction) *apidocs.Schema {
	s := &apidocs.Schema{Title: d.ID(), Type: "object", Description: "The parameters of " + d.ID() + ".",
		Ext: map[string]any{"x-mode": d.Mode, "x-action": d.Name}}
	for _, p := range d.A.Params {
		s.Properties = append(s.Properties, apidocs.Property{Name: p.Name, Schema: paramSchema(p)})
		if p.Required {
			s.Required = append(s.Required, p.Name)
		}
	}
	return s
}

// paramSchema is the JSON Schema of one declared parameter, with its bounds and default.
func paramSchema(p Param) *apidocs.Schema {
	s := &apidocs.Schema{Description: markdownText(p.Doc)}
	switch p.Kind {
	case KindInt:
		s.Type, s.Format = "integer", "int64"
		if p.Min == 0 && p.Max == 0 {
			s.Minimum = ptr(int64(1))
		} else {
			s.Minimum, s.Maximum = ptr(p.Min), ptr(p.Max)
		}
		s.Description = joinSentences(s.Description, "A JSON number or its digits as a string.")
	case KindFlag:
		s.Type = "boolean"
		s.Description = joinSentences(s.Description, "true/false, 1/0, yes/no or on/off, as JSON or text.")
	case KindEnum:
		s.Type = "string"
		for _, e := range p.Enum {
			s.Enum = append(s.Enum, e)
		}
		s.Description = joinSentences(s.Description, "Matched case-insensitively.")
	case KindTime:
		s.Type = "string"
		s.Examples = []any{"2025-12-31T23:59:59Z", "2025-12-31"}
		s.Description = joinSentences(s.Description, "ISO 8601 date or date-time (UTC when no offset is given).")
	default:
		s.Type = "string"
		if p.MaxLen > 0 {
			s.MaxLength = ptr(p.MaxLen)
		}
	}
	if p.Default != "" {
		s.Default = typedDefault(p)
	}
	return s
}

func typedDefault(p Param) any {
	switch p.Kind {
	case KindInt:
		if n, err := strconv.ParseInt(p.Default, 10, 64); err == nil {
			return n
		}
	case KindFlag:
		if b, err := strconv.ParseBool(p.Default); err == nil {
			return b
		}
	}
	return p.Default
}

// paramErrors are the 400 messages a parameter can produce, taken from the checks themselves so
// that the docs say exactly what the server says.
func paramErrors(p Param) []string {
	var out []string
	if p.Required {
		if _, err := checkParams(&Action{Params: []Param{p}}, Params{}); err != nil {
			out = append(out, err.Error())
		}
	}
	var bad string
	switch p.Kind {
	case KindInt, KindFlag, KindEnum, KindTime:
		bad = "not-a-valid-value"
	default:
		if p.MaxLen == 0 {
			return out
		}
		bad = strings.Repeat("x", p.MaxLen+1)
	}
	if _, err := p.check(bad); err != nil {
		out = append(out, err.Error())
	}
	return out
}

// queryFormOperation is GET /api (write false) or POST /api: the reference's form of every action.
func queryFormOperation(write bool, errs []errorDoc) *apidocs.Operation {
	modes := make([]any, 0, len(Routes))
	for _, m := range Routes {
		modes = append(modes, m.Name)
	}
	selectors := apidocs.Properties{
		{Name: "mode", Schema: &apidocs.Schema{Type: "string", Enum: modes, Description: "Picks the table of actions."}},
		{Name: "action", Schema: &apidocs.Schema{Type: "string", Description: "Picks the action, in every mode but auth, search and stats."}},
		{Name: "type", Schema: &apidocs.Schema{Type: "string", Description: "Picks the action in mode stats (default overview)."}},
	}
	op := &apidocs.Operation{
		Tags:      []string{queryFormTag},
		Security:  []map[string][]string{{}, {"Bearer": {}}, {"ApiKeyHeader": {}}, {"ApiKeyQuery": {}}},
		Responses: map[string]*apidocs.Response{"200": {Description: "Success: the action's answer", Headers: successHeaders(true), Content: map[string]*apidocs.MediaType{"application/json": {Schema: apidocs.Ref("Envelope")}}}},
	}
	if write {
		op.OperationID, op.Summary = "api_post", "Call any action"
		op.Description = "`mode`, the selector and the action's own parameters come from a JSON object body, a " +
			"urlencoded or multipart form, or the query string; a name in both the body and the query takes the " +
			"body's value. Every action answers POST; those that change data answer nothing else."
		body := &apidocs.MediaType{Schema: &apidocs.Schema{Type: "object", Required: []string{"mode"}, Properties: selectors,
			AdditionalProperties: true, Description: "mode, the selector, and the action's parameters."}}
		op.RequestBody = &apidocs.RequestBody{Required: true, Content: map[string]*apidocs.MediaType{
			"application/json": body, "application/x-www-form-urlencoded": body}}
		op.Parameters = append(op.Parameters, idempotencyKeyParam())
		op.Responses["200"].Headers["Idempotent-Replayed"] = &apidocs.Header{Ref: "#/components/headers/Idempotent-Replayed"}
	} else {
		op.OperationID, op.Summary = "api_get", "Call an action that only reads"
		op.Description = "`mode`, the selector and the action's own parameters are query parameters. Actions " +
			"that change data answer GET with 405: use POST."
		for _, p := range selectors {
			op.Parameters = append(op.Parameters, &apidocs.Parameter{Name: p.Name, In: "query", Required: p.Name == "mode",
				Description: p.Schema.Description, Schema: p.Schema})
		}
		op.Parameters = append(op.Parameters, ifNoneMatchParam())
		op.Responses["200"].Headers["ETag"] = &apidocs.Header{Ref: "#/components/headers/ETag"}
		op.Responses["304"] = &apidocs.Response{Ref: "#/components/responses/NotModified"}
	}
	for _, e := range errs {
		if e.Status == http.StatusMethodNotAllowed && write || e.Status == http.StatusUnprocessableEntity && !write {
			continue // POST is accepted by every action; only writes take an Idempotency-Key
		}
		op.Responses[strconv.Itoa(e.Status)] = &apidocs.Response{Ref: "#/components/responses/" + e.Name}
	}
	return op
}

// markdownText escapes what Markdown would take for HTML, such as "<username>".
func markdownText(s string) string {
	return strings.NewReplacer("<", `\<`, ">", `\>`).Replace(s)
}

func ptr[T any](v T) *T { return &v }

func joinSentences(a, b string) string {
	if a == "" {
		return b
	}
	return strings.TrimRight(a, ".") + ". " + b
}
