package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"sharepanel/apidocs"
)

// TypeRef is a result type as the SDKs write it.
type TypeRef struct {
	Kind     string   // one of the T* kinds
	Name     string   // TNamed: the NamedType
	Elem     *TypeRef // TArray and TMap: the element
	Nullable bool     // null is a value too
	Enum     []string // the values a string or integer takes, when the schema lists them
}

// Type kinds.
const (
	TInteger = "integer"
	TNumber  = "number"
	TString  = "string"
	TBoolean = "boolean"
	TObject  = "object" // any JSON object
	TAny     = "any"
	TArray   = "array"
	TMap     = "map" // an object whose values all have the type Elem
	TNamed   = "named"
)

// NamedType is a JSON object with known fields: a Go struct of the gateway.
type NamedType struct {
	Name   string
	Doc    string // which actions return it
	Fields []Field
}

// Field is one property of a NamedType.
type Field struct {
	Name     string // as on the wire
	Type     *TypeRef
	Required bool // always present (not omitempty)
	Doc      string
}

// Descriptor is a compact spelling of the type, for the metadata the SDKs carry (and their tests
// check answers against): "integer", "string?" (nullable), "OrgListItem[]", "{string}" (a map).
func (t *TypeRef) Descriptor() string {
	var s string
	switch t.Kind {
	case TNamed:
		s = t.Name
	case TArray:
		s = t.Elem.Descriptor() + "[]"
	case TMap:
		s = "{" + t.Elem.Descriptor() + "}"
	default:
		s = t.Kind
	}
	if t.Nullable {
		s += "?"
	}
	return s
}

// resolveTypes reflects each action's result type with the gateway's own reflector (the one the
// OpenAPI document uses) and turns the JSON Schemas into TypeRefs and NamedTypes.
func resolveTypes(api *API) error {
	schemas := map[string]*apidocs.Schema{}
	ref := apidocs.NewReflector(schemas)
	seen := map[string]*NamedType{}
	var visit func(s *apidocs.Schema, usedBy string) (*TypeRef, error)
	visit = func(s *apidocs.Schema, usedBy string) (*TypeRef, error) {
		t, err := typeOf(s)
		if err != nil {
			return nil, err
		}
		for n := t; n != nil; n = n.Elem {
			if n.Kind != TNamed {
				continue
			}
			if nt, ok := seen[n.Name]; ok {
				if !strings.Contains(nt.Doc, usedBy) {
					nt.Doc += ", " + usedBy
				}
				continue
			}
			comp, ok := schemas[n.Name]
			if !ok || comp == nil {
				return nil, fmt.Errorf("no component schema %q", n.Name)
			}
			nt := &NamedType{Name: n.Name, Doc: usedBy}
			seen[n.Name] = nt
			api.Types = append(api.Types, nt)
			for _, p := range comp.Properties {
				ft, err := visit(p.Schema, usedBy)
				if err != nil {
					return nil, fmt.Errorf("%s.%s: %w", n.Name, p.Name, err)
				}
				nt.Fields = append(nt.Fields, Field{Name: p.Name, Type: ft, Required: slices.Contains(comp.Required, p.Name), Doc: p.Schema.Description})
			}
		}
		return t, nil
	}
	for _, m := range api.Modes {
		for _, a := range m.Actions {
			if a.resultT == nil {
				continue
			}
			t, err := visit(ref.For(a.resultT), a.ID())
			if err != nil {
				return fmt.Errorf("result of %s: %w", a.ID(), err)
			}
			a.Result = t
		}
	}
	for _, nt := range api.Types {
		nt.Doc = "Data of " + nt.Doc + "."
	}
	return nil
}

// typeOf converts one schema (not following $refs).
func typeOf(s *apidocs.Schema) (*TypeRef, error) {
	if s.Ref != "" {
		return &TypeRef{Kind: TNamed, Name: strings.TrimPrefix(s.Ref, "#/components/schemas/")}, nil
	}
	if len(s.AnyOf) == 2 && isNull(s.AnyOf[1]) { // how the reflector writes a nullable $ref
		t, err := typeOf(s.AnyOf[0])
		if err != nil {
			return nil, err
		}
		t.Nullable = true
		return t, nil
	}
	if len(s.AnyOf) > 0 || len(s.OneOf) > 0 {
		return nil, fmt.Errorf("unions are not supported in results")
	}
	kind, nullable := "", false
	switch ty := s.Type.(type) {
	case nil:
		return &TypeRef{Kind: TAny}, nil
	case string:
		kind = ty
	case []string:
		for _, x := range ty {
			if x == "null" {
				nullable = true
			} else {
				kind = x
			}
		}
	default:
		return nil, fmt.Errorf("unexpected schema type %v", s.Type)
	}
	t := &TypeRef{Kind: kind, Nullable: nullable}
	switch kind {
	case TInteger, TNumber, TString, TBoolean:
		for _, e := range s.Enum {
			switch v := e.(type) {
			case string:
				t.Enum = append(t.Enum, v)
			case int:
				t.Enum = append(t.Enum, strconv.Itoa(v))
			default:
				t.Enum = append(t.Enum, fmt.Sprint(v))
			}
		}
	case TArray:
		if s.Items == nil {
			t.Elem = &TypeRef{Kind: TAny}
			break
		}
		elem, err := typeOf(s.Items)
		if err != nil {
			return nil, err
		}
		t.Elem = elem
	case TObject:
		if len(s.Properties) > 0 {
			return nil, fmt.Errorf("anonymous structs are not supported in results: name the type")
		}
		if ap, ok := s.AdditionalProperties.(*apidocs.Schema); ok && ap != nil {
			elem, err := typeOf(ap)
			if err != nil {
				return nil, err
			}
			t.Kind, t.Elem = TMap, elem
		}
	default:
		return nil, fmt.Errorf("unexpected schema type %q", kind)
	}
	return t, nil
}

func isNull(s *apidocs.Schema) bool { ty, ok := s.Type.(string); return ok && ty == "null" }
