package handlers

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"sharepanel/apidocs"
	"sharepanel/models"
	"sharepanel/ratelimit"
	"sharepanel/wire"
)

// The prose, examples and shared components of the generated OpenAPI document.

// errorDoc is one error status as the document shows it.
type errorDoc struct {
	Status   int
	Name     string // components/responses key
	Code     string // the envelope's code
	Meaning  string
	Examples []string
}

// errorDocs lists every status the pipeline can answer with, with messages it really uses; the
// payload figures are the plans'.
func errorDocs(plans []models.Plan) []errorDoc {
	tooLarge := []string{}
	if len(plans) > 0 {
		tooLarge = append(tooLarge, fmt.Sprintf("Payload too large. The %s plan accepts at most %s", plans[0].Name, formatBytes(plans[0].MaxPayloadBytes)))
	}
	return []errorDoc{
		{400, "BadRequest", wire.EINVALID, "A parameter is missing or invalid, the mode or action is unknown, an action that changes data got a parameter it does not take, or the Idempotency-Key header is malformed.", []string{
			dispatch.invalidMode, "Invalid action for orgs mode", "Organization ID is required",
			"Email and password are required", "limit must be an integer between 1 and 500",
			"Unknown parameter: titel. This action accepts: title, path, contact, mode, action, api_key",
			"Invalid allowed_ips entry: 10.0.0.0/33. Use IPv4 or IPv6 addresses and CIDR blocks, comma-separated",
			msgIdemBadKey}},
		{401, "Unauthorized", wire.EUNAUTHORIZED, "No API key, or an unknown, deleted or expired one (or, for mode=auth, a wrong password).", []string{
			"Invalid or expired API key", "Invalid email or password"}},
		{403, "Forbidden", wire.EFORBIDDEN, "The account is suspended, the key lacks the permission, is used from an address outside its IP allowlist or in a mode outside its scopes, or a business rule refuses.", []string{
			"This API key does not have write permission", "Account suspended",
			"This API key may not be used from 203.0.113.9", "This API key may not use billing", "This API key may not change orgs",
			"An API key may only create keys with its own permissions or fewer: this key has write",
			"You do not have permission to delete this organization", "Organization limit reached for your plan"}},
		{404, "NotFound", wire.ENOTFOUND, "The object does not exist, or belongs to another account: the message is the same either way.", []string{
			"API key not found"}},
		{405, "MethodNotAllowed", wire.EMETHOD, "A GET on an action that changes data (the Allow header says POST).", []string{
			"Method not allowed. Use POST for this action"}},
		{408, "RequestTimeout", wire.ETIMEOUT, "The request's body did not arrive within the server's read timeout (SHAREPANEL_READ_TIMEOUT, 30 s by default); the connection is closed.", []string{
			"Request body not received in time"}},
		{409, "Conflict", wire.ECONFLICT, "A duplicate, such as an organization path that is taken; or a request with the same Idempotency-Key is still running (Retry-After says when to try again).", []string{
			msgIdemInProgress}},
		{413, "PayloadTooLarge", wire.ETOOLARGE, "The body is larger than the plan allows (" + payloadFigures(plans) + ").", tooLarge},
		{422, "UnprocessableEntity", wire.EIDEMPOTENCY, "The Idempotency-Key was used before with another mode, action or parameters: nothing was done.", []string{
			msgIdemMismatch}},
		{429, "TooManyRequests", wire.ERATELIMITED, "The plan's per-minute or daily limit is used up, or the client's address sent too many unknown keys; Retry-After says when to try again. A refused request is not charged.", []string{
			"Rate limit exceeded. Please try again later.", "Too many invalid API keys from this address. Please try again later."}},
		{500, "InternalError", wire.EINTERNAL, "Something unexpected; the cause is in the server's log under the X-Request-ID.", []string{
			"Internal server error"}},
		{503, "Unavailable", wire.EUNAVAILABLE, "A dependency did not answer within the request's deadline (the database, or Redis when the rate limiter is configured to refuse without it), or the server holds as many request bodies as it may; Retry-After says when to try again.", []string{
			wire.ErrorMessage(ratelimit.ErrUnavailable), "The server is receiving too much data at once. Please try again later."}},
	}
}

func errorResponses(docs []errorDoc) map[string]*apidocs.Response {
	out := map[string]*apidocs.Response{"NotModified": notModifiedDoc()}
	for _, e := range docs {
		mt := &apidocs.MediaType{Schema: apidocs.Ref("Error"), Examples: map[string]*apidocs.Example{}}
		for i, msg := range e.Examples {
			mt.Examples[fmt.Sprintf("%s%d", e.Name, i+1)] = &apidocs.Example{Summary: msg,
				Value: map[string]any{"status": "error", "message": msg, "code": e.Code, "timestamp": "2024-01-01T12:00:00+00:00",
					"request_id": "6f1c2a9e-3b0d-4f7e-9a51-2c8d7e4b1f03"}}
		}
		if len(mt.Examples) == 0 {
			mt.Examples = nil
		}
		r := &apidocs.Response{Description: e.Meaning, Content: map[string]*apidocs.MediaType{"application/json": mt},
			Headers: map[string]*apidocs.Header{"X-Request-ID": {Ref: "#/components/headers/X-Request-ID"}}}
		if e.Status == 409 || e.Status == 429 || e.Status == 503 {
			r.Headers["Retry-After"] = &apidocs.Header{Ref: "#/components/headers/Retry-After"}
		}
		if e.Status == 405 {
			r.Headers["Allow"] = &apidocs.Header{Description: "The methods the action accepts", Schema: &apidocs.Schema{Type: "string"}}
		}
		out[e.Name] = r
	}
	return out
}

func responseHeaders() map[string]*apidocs.Header {
	return map[string]*apidocs.Header{
		"X-Request-ID":          {Description: "The request's ID: yours if you sent a sane X-Request-ID, else a new UUID", Schema: &apidocs.Schema{Type: "string"}},
		"Retry-After":           {Description: "Seconds until a request would be allowed (429), or until trying again is worth it (503)", Schema: &apidocs.Schema{Type: "integer"}},
		"X-RateLimit-Limit":     {Description: "Requests allowed in the tightest window (minute or day)", Schema: &apidocs.Schema{Type: "integer"}},
		"X-RateLimit-Remaining": {Description: "Requests left in that window", Schema: &apidocs.Schema{Type: "integer"}},
		"X-RateLimit-Reset":     {Description: "When that window is whole again (Unix seconds)", Schema: &apidocs.Schema{Type: "integer"}},
		"Link": {Description: "On lists: the first, previous, next and last pages (RFC 8288, rel first, prev, next, last), " +
			"absolute URLs of the same request with limit and offset set, without api_key", Schema: &apidocs.Schema{Type: "string"}},
		"X-Total-Count": {Description: "On lists but search: how many items the whole list has", Schema: &apidocs.Schema{Type: "integer"}},
		"ETag": {Description: "On reads: a strong tag of the answer's data (a hash of it); send it back in If-None-Match to get 304 while the data is the same",
			Schema: &apidocs.Schema{Type: "string"}},
		"Idempotent-Replayed": {Description: "On writes sent with an Idempotency-Key: `true` when the answer is the kept answer of an earlier request with that key (nothing was done again)",
			Schema: &apidocs.Schema{Type: "string", Enum: []any{"true"}}},
	}
}

// notModifiedDoc is the 304 of a read whose If-None-Match names its ETag.
func notModifiedDoc() *apidocs.Response {
	h := successHeaders(true)
	h["ETag"] = &apidocs.Header{Ref: "#/components/headers/ETag"}
	return &apidocs.Response{Description: "Not Modified: the data is the same as the ETag in If-None-Match says; no body. Counts against the rate limits.", Headers: h}
}

func securitySchemes() map[string]*apidocs.SecurityScheme {
	return map[string]*apidocs.SecurityScheme{
		"ApiKeyQuery":  {Type: "apiKey", In: "query", Name: "api_key", Description: "The key as the api_key parameter (query string, JSON body or form)."},
		"ApiKeyHeader": {Type: "apiKey", In: "header", Name: "X-API-Key", Description: "The key in the X-API-Key header."},
		"Bearer":       {Type: "http", Scheme: "bearer", Description: "The key as `Authorization: Bearer <key>`."},
	}
}

// envelopeProps are the envelope's fields, its status the given one ("" for either); data is added
// when not nil.
func envelopeProps(status string, data *apidocs.Schema) apidocs.Properties {
	statusSchema := &apidocs.Schema{Type: "string", Const: status}
	if status == "" {
		statusSchema = &apidocs.Schema{Type: "string", Enum: []any{"success", "error"}}
	}
	p := apidocs.Properties{
		{Name: "status", Schema: statusSchema},
		{Name: "message", Schema: &apidocs.Schema{Type: "string", Description: "What happened, for people"}},
		{Name: "timestamp", Schema: &apidocs.Schema{Type: "string", Format: "date-time", Description: "RFC 3339, UTC, written with +00:00", Examples: []any{"2024-01-01T12:00:00+00:00"}}},
	}
	if data != nil {
		p = append(p, apidocs.Property{Name: "data", Schema: data})
	}
	return p
}

func errorEnvelope() *apidocs.Schema {
	p := envelopeProps("error", nil)
	p = append(p, apidocs.Property{Name: "code", Schema: &apidocs.Schema{Type: "string", Description: "Machine-readable reason",
		Enum: []any{wire.EINVALID, wire.EUNAUTHORIZED, wire.EFORBIDDEN, wire.ENOTFOUND, wire.EMETHOD,
			wire.ETIMEOUT, wire.ECONFLICT, wire.EIDEMPOTENCY, wire.ETOOLARGE, wire.ERATELIMITED, wire.EUNAVAILABLE, wire.EINTERNAL}}},
		apidocs.Property{Name: "request_id", Schema: &apidocs.Schema{Type: "string",
			Description: "The request's ID, as in the X-Request-ID header: quote it to support"}})
	return &apidocs.Schema{Title: "Error", Type: "object", Required: []string{"status", "message", "timestamp", "request_id"}, Properties: p}
}

// successEnvelope is one action's answer: the envelope with its data.
func successEnvelope(d docAction, data *apidocs.Schema) *apidocs.Schema {
	return &apidocs.Schema{Title: d.ID(), Type: "object", Description: "The answer of " + d.ID() + ": " + d.A.Summary + ".",
		Required: []string{"status", "message", "timestamp", "data"}, Properties: envelopeProps("success", data),
		Ext: map[string]any{"x-mode": d.Mode, "x-action": d.Name}}
}

// exampleValues are the values the cURL examples use, by parameter name.
var exampleValues = map[string]string{
	"email": "user@example.com", "password": "password", "title": "My Organization", "contact": "contact@example.com",
	"bio": "Hello from the API", "query": "my", "status": "active", "name": "My dashboard", "permissions": "read",
	"expires_at": "2030-12-31T23:59:59Z", "allowed_ips": "203.0.113.7,10.0.0.0/8", "scopes": "orgs:read,billing:read",
}

// exampleParam is one parameter of a cURL example; numbers are written as JSON numbers.
type exampleParam struct {
	name, value string
	number      bool
}

// exampleParams are an action's example parameters, in order: the selector, the required
// parameters, and for actions that change data the optional ones with an example value.
func exampleParams(d docAction) []exampleParam {
	out := []exampleParam{{name: "mode", value: d.Mode}}
	if d.Selector != "" {
		out = append(out, exampleParam{name: d.Selector, value: d.Name})
	}
	for _, p := range d.A.Params {
		v, known := exampleValues[p.Name]
		if !p.Required && !(known && (d.A.Write || d.M.Public)) {
			continue
		}
		switch {
		case known:
		case p.Kind == KindInt:
			v = "1"
		case p.Kind == KindEnum:
			v = p.Enum[0]
		default:
			v = "example"
		}
		out = append(out, exampleParam{name: p.Name, value: v, number: p.Kind == KindInt})
	}
	return out
}

// curlExample is the cURL line the docs show for an action. Actions that read use GET with a
// query string, actions that change data POST a JSON body; the key comes from $SHAREPANEL_API_KEY.
func curlExample(origin string, d docAction) string {
	params := exampleParams(d)
	if !d.A.Write {
		q := make([]string, len(params))
		for i, p := range params {
			q[i] = queryEscape(p.name) + "=" + queryEscape(p.value)
		}
		line := fmt.Sprintf(`curl "%s/api?%s"`, origin, strings.Join(q, "&"))
		if !d.M.Public {
			line += ` -H "X-API-Key: $SHAREPANEL_API_KEY"`
		}
		return line
	}
	var body strings.Builder
	body.WriteString("{")
	for i, p := range params {
		if i > 0 {
			body.WriteString(", ")
		}
		k, _ := json.Marshal(p.name)
		v, _ := json.Marshal(p.value)
		if p.number {
			v = []byte(p.value)
		}
		fmt.Fprintf(&body, "%s: %s", k, v)
	}
	body.WriteString("}")
	return fmt.Sprintf(`curl -X POST "%s/api" -H "X-API-Key: $SHAREPANEL_API_KEY" -H "Content-Type: application/json" -d '%s'`, origin, body.String())
}

// queryEscape escapes a query component, leaving @ and , as they are (RFC 3986 allows them) so
// that emails and permission lists read as people write them.
func queryEscape(s string) string {
	return strings.NewReplacer("%40", "@", "%2C", ",").Replace(url.QueryEscape(s))
}
