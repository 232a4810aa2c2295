// Package apidocs holds the gateway's OpenAPI 3.1 document model, the reflection that turns Go
// response types into JSON Schemas, and the /docs pages (a Redoc viewer embedded in the binary).
//
// It knows nothing of the dispatch table: handlers/openapi.go fills a Document from it, and the
// admin API can add its own operations to the same Document (see Document.AddPath and
// handlers.Deps.DocsHooks) before it is served.
package apidocs

import (
	"encoding/json"
	"slices"
)

// Version is the OpenAPI version the document declares. kin-openapi validates 3.1 documents
// (JSON Schema 2020-12), which is what the tests run.
const Version = "3.1.0"

// Document is an OpenAPI document. Only the parts the gateway uses are modelled.
type Document struct {
	OpenAPI    string               `json:"openapi"`
	Info       Info                 `json:"info"`
	Servers    []Server             `json:"servers,omitempty"`
	Tags       []Tag                `json:"tags,omitempty"`
	Paths      map[string]*PathItem `json:"paths"`
	Components Components           `json:"components"`
	Ext        map[string]any       `json:"-"` // x- extensions at the top level
	added      []string             // paths AddPath added, in order
}

// Info is the document's title, version, introduction (Markdown) and terms.
type Info struct {
	Title       string   `json:"title"`
	Version     string   `json:"version"`
	Description string   `json:"description,omitempty"`
	License     *License `json:"license,omitempty"`
}

// License names the terms the API is offered under.
type License struct {
	Name       string `json:"name"`
	Identifier string `json:"identifier,omitempty"` // an SPDX expression
	URL        string `json:"url,omitempty"`
}

// Server is a base URL. The user API's is the origin the document was fetched from.
type Server struct {
	URL         string `json:"url"`
	Description string `json:"description,omitempty"`
}

// Tag groups operations in the viewer.
type Tag struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// PathItem is the operations on one path. Servers overrides the document's (the admin API
// listens on another port).
type PathItem struct {
	Summary     string     `json:"summary,omitempty"`
	Description string     `json:"description,omitempty"`
	Servers     []Server   `json:"servers,omitempty"`
	Get         *Operation `json:"get,omitempty"`
	Post        *Operation `json:"post,omitempty"`
	Patch       *Operation `json:"patch,omitempty"`
	Put         *Operation `json:"put,omitempty"`
	Delete      *Operation `json:"delete,omitempty"`
}

// Operation is one method on one path.
type Operation struct {
	OperationID string                `json:"operationId"`
	Summary     string                `json:"summary,omitempty"`
	Description string                `json:"description,omitempty"`
	Tags        []string              `json:"tags,omitempty"`
	Parameters  []*Parameter          `json:"parameters,omitempty"`
	RequestBody *RequestBody          `json:"requestBody,omitempty"`
	Responses   map[string]*Response  `json:"responses"`
	Security    []map[string][]string `json:"security,omitempty"`
	Ext         map[string]any        `json:"-"` // x-codeSamples and the like
}

// MarshalJSON writes the operation with its extensions.
func (o *Operation) MarshalJSON() ([]byte, error) {
	type plain Operation
	return withExt((*plain)(o), o.Ext)
}

// Parameter is a query or header parameter.
type Parameter struct {
	Name        string  `json:"name"`
	In          string  `json:"in"`
	Description string  `json:"description,omitempty"`
	Required    bool    `json:"required,omitempty"`
	Style       string  `json:"style,omitempty"`
	Explode     *bool   `json:"explode,omitempty"`
	Schema      *Schema `json:"schema,omitempty"`
}

// RequestBody is an operation's body, by media type.
type RequestBody struct {
	Description string                `json:"description,omitempty"`
	Required    bool                  `json:"required,omitempty"`
	Content     map[string]*MediaType `json:"content"`
}

// MediaType is the schema and examples of one media type.
type MediaType struct {
	Schema   *Schema             `json:"schema,omitempty"`
	Examples map[string]*Example `json:"examples,omitempty"`
}

// Example is a named example value.
type Example struct {
	Summary string `json:"summary,omitempty"`
	Value   any    `json:"value"`
}

// Response is one status of an operation.
type Response struct {
	Ref         string                `json:"$ref,omitempty"` // a components/responses entry; nothing else then
	Description string                `json:"description,omitempty"`
	Headers     map[string]*Header    `json:"headers,omitempty"`
	Content     map[string]*MediaType `json:"content,omitempty"`
}

// Header is a response header.
type Header struct {
	Ref         string  `json:"$ref,omitempty"` // a components/headers entry; nothing else then
	Description string  `json:"description,omitempty"`
	Schema      *Schema `json:"schema,omitempty"`
}

// Components are the named, reusable parts.
type Components struct {
	Schemas         map[string]*Schema         `json:"schemas,omitempty"`
	Responses       map[string]*Response       `json:"responses,omitempty"`
	Headers         map[string]*Header         `json:"headers,omitempty"`
	SecuritySchemes map[string]*SecurityScheme `json:"securitySchemes,omitempty"`
}

// SecurityScheme is one way to present a credential.
type SecurityScheme struct {
	Type         string `json:"type"`
	Description  string `json:"description,omitempty"`
	Name         string `json:"name,omitempty"`
	In           string `json:"in,omitempty"`
	Scheme       string `json:"scheme,omitempty"`
	BearerFormat string `json:"bearerFormat,omitempty"`
}

// Schema is a JSON Schema (2020-12, as OpenAPI 3.1 has it). Type is a string or, for nullable
// values, a list such as ["string", "null"].
type Schema struct {
	Ref                  string         `json:"$ref,omitempty"`
	Title                string         `json:"title,omitempty"`
	Description          string         `json:"description,omitempty"`
	Type                 any            `json:"type,omitempty"`
	Format               string         `json:"format,omitempty"`
	Const                any            `json:"const,omitempty"`
	Enum                 []any          `json:"enum,omitempty"`
	Default              any            `json:"default,omitempty"`
	Minimum              *int64         `json:"minimum,omitempty"`
	Maximum              *int64         `json:"maximum,omitempty"`
	MinLength            *int           `json:"minLength,omitempty"`
	MaxLength            *int           `json:"maxLength,omitempty"`
	Pattern              string         `json:"pattern,omitempty"`
	Properties           Properties     `json:"properties,omitempty"`
	Required             []string       `json:"required,omitempty"`
	AdditionalProperties any            `json:"additionalProperties,omitempty"`
	Items                *Schema        `json:"items,omitempty"`
	OneOf                []*Schema      `json:"oneOf,omitempty"`
	AnyOf                []*Schema      `json:"anyOf,omitempty"`
	Examples             []any          `json:"examples,omitempty"`
	Ext                  map[string]any `json:"-"` // x-mode, x-action, …
}

// MarshalJSON writes the schema with its extensions.
func (s *Schema) MarshalJSON() ([]byte, error) {
	type plain Schema
	return withExt((*plain)(s), s.Ext)
}

// Properties are an object's properties in the order they are written: a struct's field order,
// or a request's mode, selector, then its parameters as the dispatch table declares them.
type Properties []Property

// Property is one named property.
type Property struct {
	Name   string
	Schema *Schema
}

// Get returns the named property's schema, or nil.
func (ps Properties) Get(name string) *Schema {
	for _, p := range ps {
		if p.Name == name {
			return p.Schema
		}
	}
	return nil
}

// MarshalJSON writes a JSON object with the properties in order.
func (ps Properties) MarshalJSON() ([]byte, error) {
	buf := []byte{'{'}
	for i, p := range ps {
		if i > 0 {
			buf = append(buf, ',')
		}
		k, err := json.Marshal(p.Name)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(p.Schema)
		if err != nil {
			return nil, err
		}
		buf = append(append(append(buf, k...), ':'), v...)
	}
	return append(buf, '}'), nil
}

// MarshalJSON writes the document with its top-level extensions. Paths are written in order:
// those set directly, sorted, then those AddPath added, in the order it added them (viewers list
// operations in the document's order).
func (d *Document) MarshalJSON() ([]byte, error) {
	type plain Document
	return withExt(struct {
		*plain
		Paths orderedPaths `json:"paths"` // shallower than plain's Paths: encoding/json writes this one
	}{(*plain)(d), orderedPaths{d.Paths, d.added}}, d.Ext)
}

// orderedPaths writes paths with the keys in last, in that order, and the others before, sorted.
type orderedPaths struct {
	paths map[string]*PathItem
	last  []string
}

func (o orderedPaths) MarshalJSON() ([]byte, error) {
	var keys []string
	for k := range o.paths {
		if !slices.Contains(o.last, k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range o.last {
		if _, ok := o.paths[k]; ok {
			keys = append(keys, k)
		}
	}
	buf := []byte{'{'}
	for i, k := range keys {
		if i > 0 {
			buf = append(buf, ',')
		}
		name, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		item, err := json.Marshal(o.paths[k])
		if err != nil {
			return nil, err
		}
		buf = append(append(append(buf, name...), ':'), item...)
	}
	return append(buf, '}'), nil
}

// Ref returns a schema that points at a component schema.
func Ref(name string) *Schema { return &Schema{Ref: "#/components/schemas/" + name} }

// AddPath adds a path item, for the admin API's operations; it panics on a duplicate path, which
// is a programming error.
func (d *Document) AddPath(path string, item *PathItem) {
	if _, dup := d.Paths[path]; dup {
		panic("apidocs: duplicate path " + path)
	}
	d.Paths[path] = item
	d.added = append(d.added, path)
}

// withExt marshals v and adds the extensions to the resulting object.
func withExt(v any, ext map[string]any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil || len(ext) == 0 {
		return b, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	for k, x := range ext {
		raw, err := json.Marshal(x)
		if err != nil {
			return nil, err
		}
		m[k] = raw
	}
	return json.Marshal(m)
}
