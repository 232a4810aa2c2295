package main

import (
	"fmt"
	"reflect"
	"strings"
	"unicode"
)

// Version is the SDKs' version: the User-Agent they send, and what pyproject.toml, composer.json
// and package.json declare (a test holds them to it).
const Version = "0.1.0"

// API is the user API as the generators see it: modes in the reference's order, each with its
// actions in a stable order. It is built from the dispatch table by table.go and knows nothing of
// the table's Go shape.
type API struct {
	Modes []*Mode
	Types []*NamedType // the result types, in the order the actions first use them
}

// Mode is one value of the mode parameter.
type Mode struct {
	Name     string // on the wire: "orgs"
	Selector string // the parameter that picks the action ("action", "type"), or "" for one action
	Public   bool   // no API key (auth)
	Actions  []*Action
}

// Single reports a mode with one action and no selector (auth, search): the client calls it
// directly, e.g. client.search(...).
func (m *Mode) Single() bool { return m.Selector == "" }

// Action is one call of the API.
type Action struct {
	Mode    *Mode
	Name    string // the selector's value ("list"); "" in a single-action mode
	Summary string
	Write   bool // changes data: sent as POST, and retried only with an Idempotency-Key
	Params  []Param
	Result  *TypeRef     // the envelope's data; nil when the action returns none (its message is returned)
	resultT reflect.Type // set by the adapter, turned into Result by resolveTypes
}

// Param is one parameter, named as on the wire.
type Param struct {
	Name     string
	Kind     string // "string", "int", "flag", "enum", "time"
	Required bool
	Enum     []string
	Default  string // as the gateway applies it when the parameter is absent; "" for none
	Min, Max *int64 // int bounds, nil when unbounded
	MaxLen   int    // string length bound, 0 for none
	Doc      string
}

// Parameter kinds.
const (
	KindString = "string"
	KindInt    = "int"
	KindFlag   = "flag"
	KindEnum   = "enum"
	KindTime   = "time"
)

// ID names the action as the docs do: "orgs.new", or "search" in a single-action mode.
func (a *Action) ID() string {
	if a.Name == "" {
		return a.Mode.Name
	}
	return a.Mode.Name + "." + a.Name
}

// IsList reports an action whose data is an array: the SDKs add a paging iterator for it.
func (a *Action) IsList() bool { return !a.Write && a.Result != nil && a.Result.Kind == TArray }

// Param returns the named parameter, or nil.
func (a *Action) Param(name string) *Param {
	for i := range a.Params {
		if a.Params[i].Name == name {
			return &a.Params[i]
		}
	}
	return nil
}

// Paged reports an action that takes limit and offset: its iterator pages by offset when the
// gateway sends no Link header.
func (a *Action) Paged() bool { return a.Param("limit") != nil && a.Param("offset") != nil }

// FilterParams are the parameters an iterator takes: all but limit and offset, which it drives.
func (a *Action) FilterParams() []Param {
	if !a.Paged() {
		return a.Params
	}
	var out []Param
	for _, p := range a.Params {
		if p.Name != "limit" && p.Name != "offset" {
			out = append(out, p)
		}
	}
	return out
}

// quotedParams returns the names of the action's parameters, and of the required ones, each
// written as a string literal of the target language by quote: the ACTIONS table of every SDK.
func (a *Action) quotedParams(quote func(string) string) (params, required []string) {
	for _, p := range a.Params {
		params = append(params, quote(p.Name))
		if p.Required {
			required = append(required, quote(p.Name))
		}
	}
	return params, required
}

// Method is the action's method name in snake case ("update_status"); single-action modes are
// called by the mode's name, except auth, which logs in.
func (a *Action) Method() string {
	if a.Name == "" {
		if a.Mode.Name == "auth" {
			return "login"
		}
		return a.Mode.Name
	}
	return a.Name
}

// WireForm is how the action goes on the wire, for doc comments: "GET /api?mode=orgs&action=list".
func (a *Action) WireForm() string {
	method := "GET"
	if a.Write || a.Mode.Public {
		method = "POST"
	}
	q := "mode=" + a.Mode.Name
	if a.Name != "" {
		q += "&" + a.Mode.Selector + "=" + a.Name
	}
	return method + " /api?" + q
}

// ParamDoc is what a doc comment says of a parameter: its doc, then its rules.
func (p Param) ParamDoc() string {
	var rules []string
	if p.Required {
		rules = append(rules, "required")
	}
	switch p.Kind {
	case KindInt:
		switch {
		case p.Min != nil && p.Max != nil:
			rules = append(rules, fmt.Sprintf("%d-%d", *p.Min, *p.Max))
		case p.Min != nil && *p.Min == 1:
			rules = append(rules, "a positive integer")
		case p.Min != nil:
			rules = append(rules, fmt.Sprintf("at least %d", *p.Min))
		}
	case KindString:
		if p.MaxLen > 0 {
			rules = append(rules, fmt.Sprintf("at most %d characters", p.MaxLen))
		}
	case KindEnum:
		rules = append(rules, "one of "+strings.Join(p.Enum, ", "))
	case KindTime:
		rules = append(rules, "ISO 8601")
	case KindFlag:
		rules = append(rules, "true or false")
	}
	if p.Default != "" {
		rules = append(rules, "default "+p.Default)
	}
	doc := strings.TrimSpace(p.Doc)
	if doc == "" {
		doc = p.Name
	}
	if len(rules) == 0 {
		return doc
	}
	return doc + " (" + strings.Join(rules, "; ") + ")"
}

// The failure classes every SDK raises, one per kind of answer a caller handles differently. Each
// language names them with its own suffix (Error in Python and TypeScript, Exception in PHP).
type errorClass struct {
	Name     string // without the suffix
	Parent   string // "" for the base class
	Statuses []int  // the HTTP statuses that raise exactly this class
	Doc      string
}

// errorClasses are in declaration order: parents before children. The base class is raised for a
// status no other class claims.
var errorClasses = []errorClass{
	{Name: "SharePanel", Doc: "Base class of every error the SDK raises: status, message, code and request_id of the answer."},
	{Name: "Network", Parent: "SharePanel", Doc: "The gateway could not be reached, or did not answer in time (status 0)."},
	{Name: "Authentication", Parent: "SharePanel", Statuses: []int{401}, Doc: "401: no API key, or an unknown, deleted or expired one."},
	{Name: "PermissionDenied", Parent: "SharePanel", Statuses: []int{403}, Doc: "403: the key or the account may not do this (read-only key, suspended account, a limit of the plan)."},
	{Name: "NotFound", Parent: "SharePanel", Statuses: []int{404}, Doc: "404: no such thing, or it belongs to another account."},
	{Name: "Validation", Parent: "SharePanel", Statuses: []int{400}, Doc: "400: a missing or invalid parameter; the message says which."},
	{Name: "MethodNotAllowed", Parent: "Validation", Statuses: []int{405}, Doc: "405: the action needs another HTTP method."},
	{Name: "Conflict", Parent: "Validation", Statuses: []int{409, 422}, Doc: "409: a duplicate (an organization path that is taken); 422: an Idempotency-Key reused with other parameters."},
	{Name: "PayloadTooLarge", Parent: "SharePanel", Statuses: []int{413}, Doc: "413: the request body is over the plan's maximum payload."},
	{Name: "RateLimit", Parent: "SharePanel", Statuses: []int{429}, Doc: "429: the plan's per-minute or daily limit is reached; retry_after says when to try again."},
	{Name: "Server", Parent: "SharePanel", Statuses: []int{500, 501, 502, 504}, Doc: "5xx: the gateway failed; the request ID helps its operators find out why."},
	{Name: "ServiceUnavailable", Parent: "Server", Statuses: []int{503}, Doc: "503: a dependency of the gateway is down; retry_after says when to try again."},
}

// Naming helpers shared by the generators.

// pascal turns a wire name into PascalCase: "api_keys" → "ApiKeys".
func pascal(s string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == '_' || r == '-' || r == '.' || r == ' ' }) {
		r := []rune(part)
		r[0] = unicode.ToUpper(r[0])
		b.WriteString(string(r))
	}
	return b.String()
}

// camel turns a wire name into camelCase: "update_status" → "updateStatus".
func camel(s string) string {
	p := []rune(pascal(s))
	if len(p) == 0 {
		return ""
	}
	p[0] = unicode.ToLower(p[0])
	return string(p)
}
