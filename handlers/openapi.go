package handlers

import (
	"context"
	"encoding/json"
	"fmt"
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
// OpenAPI identifies an operation by path and method, and /api has one path: mode and action are
// parameters, so the document cannot give each action an operation of its own without inventing
// paths the server does not answer (a query string or a fragment in a path key). It describes
// the wire as it is instead: two operations, GET /api (actions that only read) and POST /api
// (every action), whose parameters are a tagged union: a oneOf of the modes, each a oneOf of its
// actions, told apart by their const mode and selector (action, or type for stats). Each action is one component schema,
// "Request.<mode>.<action>", carrying x-mode, x-action and x-write, with its parameters (required
// or not, type, default, bounds), the error messages they produce, and a cURL line; its answer is
// "Response.<mode>.<action>". docs/DEPLOY.md and info.description explain this to readers.

// docAction is one row of the dispatch table, as the docs walk it.
type docAction struct {
	Mode, Selector, Name string
	M                    *Mode
	A                    *Action
}

// ID names the action in the document: "orgs.new", or "auth" for a mode without selector.
func (d docAction) ID() string { return Endpoint(d.Mode, d.Name) }

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
// (cheapest first). Its server URL is apidocs.OriginPlaceholder, which the /docs handler replaces
// with the origin it is served from.
func OpenAPI(plans []models.Plan) *apidocs.Document {
	acts := docActions()
	errs := errorDocs(plans)
	doc := &apidocs.Document{
		OpenAPI: apidocs.Version,
		Info: apidocs.Info{Title: "SharePanel API", Version: "2.0",
			Description: docIntro(apidocs.OriginPlaceholder, acts, plans)},
		Servers: []apidocs.Server{{URL: apidocs.OriginPlaceholder, Description: "This gateway"}},
		Paths:   map[string]*apidocs.PathItem{},
		Components: apidocs.Components{
			Schemas:         map[string]*apidocs.Schema{},
			Responses:       errorResponses(errs),
			Headers:         responseHeaders(),
			SecuritySchemes: securitySchemes(),
		},
	}
	ref := apidocs.NewReflector(doc.Components.Schemas)
	doc.Components.Schemas["Error"] = errorEnvelope()

	var index []map[string]any
	var readVariants, allVariants []*apidocs.Schema
	for _, d := range acts {
		name := "Request." + d.ID()
		doc.Components.Schemas[name] = requestSchema(d, apidocs.OriginPlaceholder)
		entry := map[string]any{"mode": d.Mode, "action": d.Name, "selector": d.Selector, "write": d.A.Write,
			"public": d.M.Public, "summary": d.A.Summary, "request": "#/components/schemas/" + name}
		if d.A.Response != nil {
			rname := "Response." + d.ID()
			doc.Components.Schemas[rname] = successEnvelope(d, ref.For(reflect.TypeOf(d.A.Response)))
			allVariants = append(allVariants, apidocs.Ref(rname))
			if !d.A.Write {
				readVariants = append(readVariants, apidocs.Ref(rname))
			}
			entry["response"] = "#/components/schemas/" + rname
		}
		index = append(index, entry)
	}
	doc.Components.Schemas["Success"] = &apidocs.Schema{Title: "Success without data",
		Description: "The answer of actions that return no data (updates, deletes).", Type: "object",
		Required: []string{"status", "message", "timestamp"}, Properties: envelopeProps("success", nil)}
	doc.Components.Schemas["GetRequest"] = unionSchema(acts, false)
	doc.Components.Schemas["PostRequest"] = unionSchema(acts, true)
	for _, d := range acts {
		if d.Selector == "" {
			continue
		}
		for _, write := range []bool{false, true} {
			if s := modeUnion(acts, d.Mode, write); s != nil {
				doc.Components.Schemas[unionName(d.Mode, write)] = s
			}
		}
	}
	success := func(variants []*apidocs.Schema) *apidocs.Schema {
		return &apidocs.Schema{AnyOf: append(variants, apidocs.Ref("Success")),
			Description: "The envelope with the action's data: each variant is one action's answer (see its x-mode and x-action)."}
	}
	doc.Paths["/api"] = &apidocs.PathItem{
		Summary: "The user API: one endpoint, mode and action pick the handler",
		Get:     apiOperation(false, success(readVariants), errs, apidocs.OriginPlaceholder),
		Post:    apiOperation(true, success(allVariants), errs, apidocs.OriginPlaceholder),
	}
	doc.Ext = map[string]any{"x-actions": index}
	return doc
}

// unionName is the component name of a mode's union of actions for GET or POST.
func unionName(mode string, write bool) string {
	if write {
		return "PostRequest." + mode
	}
	return "GetRequest." + mode
}

// modeUnion is the oneOf of one mode's actions allowed with GET (write false) or POST. The
// variants exclude each other by their const selector, so no discriminator is needed (and Redoc
// renders a discriminated union of unions as nothing at all).
func modeUnion(acts []docAction, mode string, write bool) *apidocs.Schema {
	s := &apidocs.Schema{}
	var m *Mode
	for _, d := range acts {
		if d.Mode != mode || (d.A.Write && !write) {
			continue
		}
		m = d.M
		ref := "#/components/schemas/Request." + d.ID()
		s.OneOf = append(s.OneOf, &apidocs.Schema{Ref: ref})
	}
	if m == nil {
		return nil
	}
	s.Title, s.Type = mode, "object"
	s.Description = fmt.Sprintf("The %s mode: the %s parameter picks the action.", mode, m.Selector)
	return s
}

// unionSchema is the oneOf of every mode; the const mode of each variant tells them apart.
func unionSchema(acts []docAction, write bool) *apidocs.Schema {
	s := &apidocs.Schema{Type: "object"}
	seen := map[string]bool{}
	for _, d := range acts {
		if seen[d.Mode] || (d.A.Write && !write) {
			continue
		}
		seen[d.Mode] = true
		ref := "#/components/schemas/Request." + d.ID()
		if d.Selector != "" {
			ref = "#/components/schemas/" + unionName(d.Mode, write)
		}
		s.OneOf = append(s.OneOf, &apidocs.Schema{Ref: ref})
	}
	if write {
		s.Title, s.Description = "POST parameters", "Every action. mode picks the mode, then action (type for stats) the action."
	} else {
		s.Title, s.Description = "GET parameters", "Actions that only read. mode picks the mode, then action (type for stats) the action."
	}
	return s
}

// requestSchema is one action's parameters, with its documentation.
func requestSchema(d docAction, origin string) *apidocs.Schema {
	s := &apidocs.Schema{Title: d.ID(), Type: "object", Description: actionDescription(d, origin),
		Ext: map[string]any{"x-mode": d.Mode, "x-action": d.Name, "x-write": d.A.Write, "x-summary": d.A.Summary}}
	doc := actionDescription(d, origin)
	add := func(name string, p *apidocs.Schema) {
		s.Properties = append(s.Properties, apidocs.Property{Name: name, Schema: p})
	}
	mode := &apidocs.Schema{Type: "string", Const: d.Mode}
	add("mode", mode)
	s.Required = append(s.Required, "mode")
	if d.Selector != "" {
		sel := &apidocs.Schema{Type: "string", Const: d.Name, Description: doc}
		if d.M.Default == d.Name {
			sel = &apidocs.Schema{Type: "string", Enum: []any{d.Name}, Default: d.Name, Description: doc}
		} else {
			s.Required = append(s.Required, d.Selector)
		}
		add(d.Selector, sel)
	} else {
		mode.Description = doc // Redoc shows property descriptions, not a oneOf variant's own
	}
	if !d.M.Public {
		add("api_key", &apidocs.Schema{Type: "string",
			Description: "Your API key. Or send it as `Authorization: Bearer <key>` or `X-API-Key: <key>`."})
	}
	for _, p := range d.A.Params {
		add(p.Name, paramSchema(p))
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

// apiOperation is GET /api (write false) or POST /api.
func apiOperation(write bool, success *apidocs.Schema, errs []errorDoc, origin string) *apidocs.Operation {
	op := &apidocs.Operation{
		Tags:      []string{"User API"},
		Security:  []map[string][]string{{}, {"ApiKeyQuery": {}}, {"ApiKeyHeader": {}}, {"Bearer": {}}},
		Responses: map[string]*apidocs.Response{},
	}
	union := "GetRequest"
	if write {
		union = "PostRequest"
		op.OperationID, op.Summary = "postApi", "Call any action (required for actions that change data)"
		op.Description = "Parameters come from a JSON object body, a urlencoded or multipart form, or the query string; " +
			"when a name is in both the body and the query, the body wins. The body's schema is a union of the actions: " +
			"pick the mode, then the action, to see its parameters."
		body := &apidocs.MediaType{Schema: apidocs.Ref(union)}
		op.RequestBody = &apidocs.RequestBody{Required: true, Content: map[string]*apidocs.MediaType{
			"application/json": body, "application/x-www-form-urlencoded": body, "multipart/form-data": body}}
		op.Ext = map[string]any{"x-codeSamples": []map[string]string{
			{"lang": "Shell", "label": "cURL: create an organization", "source": referenceCurl(origin, 2)},
		}}
	} else {
		op.OperationID, op.Summary = "getApi", "Call an action that only reads"
		op.Description = "Every parameter is a query parameter: `mode`, the mode's selector (`action`, or `type` for stats), " +
			"then the action's own. Actions that change data answer GET with 405: use POST."
		op.Parameters = []*apidocs.Parameter{{Name: "parameters", In: "query", Required: true, Style: "form", Explode: ptr(true),
			Description: "The action's parameters, each its own query parameter (form style, exploded): pick the mode, then the action.",
			Schema:      apidocs.Ref(union)}}
		op.Ext = map[string]any{"x-codeSamples": []map[string]string{
			{"lang": "Shell", "label": "cURL: authenticate", "source": referenceCurl(origin, 0)},
			{"lang": "Shell", "label": "cURL: get the profile", "source": referenceCurl(origin, 1)},
		}}
	}
	op.Responses["200"] = &apidocs.Response{Description: "Success",
		Headers: map[string]*apidocs.Header{
			"X-RateLimit-Limit":     {Description: "Requests allowed in the tightest window (minute or day); on authenticated requests", Schema: &apidocs.Schema{Type: "integer"}},
			"X-RateLimit-Remaining": {Description: "Requests left in that window", Schema: &apidocs.Schema{Type: "integer"}},
			"X-RateLimit-Reset":     {Description: "When that window is whole again (Unix seconds)", Schema: &apidocs.Schema{Type: "integer"}},
			"X-Request-ID":          {Description: "The request's ID (yours, if you sent a sane one)", Schema: &apidocs.Schema{Type: "string"}},
			"Link": {Description: "On lists: the first, previous, next and last pages (RFC 8288, rel first, prev, next, last), " +
				"absolute URLs of the same request with limit and offset set, without api_key", Schema: &apidocs.Schema{Type: "string"}},
			"X-Total-Count": {Description: "On lists but search: how many items the whole list has", Schema: &apidocs.Schema{Type: "integer"}},
		},
		Content: map[string]*apidocs.MediaType{"application/json": {Schema: success}}}
	for _, e := range errs {
		if e.Status == http.StatusMethodNotAllowed && write {
			continue // POST is accepted by every action
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
