package apidocs

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"unicode"

	"sharepanel/wire"
)

// DateTimePattern is what a wire.DateTime looks like on the wire.
const DateTimePattern = `^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$`

// Reflector turns Go types into JSON Schemas the way encoding/json writes them, following the json
// tags, and keeps each named struct as a component schema.
type Reflector struct {
	Schemas map[string]*Schema // the components, by name
	names   map[reflect.Type]string
}

// NewReflector adds the schemas it makes to schemas.
func NewReflector(schemas map[string]*Schema) *Reflector {
	return &Reflector{Schemas: schemas, names: map[reflect.Type]string{}}
}

// Schemer is a type that gives its own schema: request fields that accept several JSON types
// (a number or its digits as a string), which reflection cannot see.
type Schemer interface {
	JSONSchema() *Schema
}

// The gateway's own value types, which marshal themselves.
var (
	schemerType  = reflect.TypeFor[Schemer]()
	moneyType    = reflect.TypeFor[wire.Money]()
	dateTimeType = reflect.TypeFor[wire.DateTime]()
	flagType     = reflect.TypeFor[wire.Flag]()
	jsonTextType = reflect.TypeFor[wire.JSONText]()
	optTextType  = reflect.TypeFor[wire.OptText]()
)

// For returns the schema of values of type t; named structs become $refs to components.
func (r *Reflector) For(t reflect.Type) *Schema {
	if t.Kind() != reflect.Pointer && t.Implements(schemerType) {
		return reflect.Zero(t).Interface().(Schemer).JSONSchema()
	}
	switch t {
	case moneyType:
		return &Schema{Type: "number", Description: "Amount with two decimals, exact (DECIMAL(12,2))", Examples: []any{100.5}}
	case dateTimeType:
		return &Schema{Type: "string", Pattern: DateTimePattern, Description: "UTC date-time, YYYY-MM-DD HH:MM:SS", Examples: []any{"2024-01-01 12:00:00"}}
	case flagType:
		return &Schema{Type: "integer", Enum: []any{0, 1}, Description: "Flag: 0 or 1"}
	case jsonTextType:
		return &Schema{Type: "object", Description: "JSON object"}
	case optTextType:
		return &Schema{Type: []string{"string", "null"}}
	}
	switch t.Kind() {
	case reflect.Pointer:
		s := r.For(t.Elem())
		return nullable(s)
	case reflect.Struct:
		return r.structRef(t)
	case reflect.Slice, reflect.Array:
		return &Schema{Type: "array", Items: r.For(t.Elem())}
	case reflect.Map:
		return &Schema{Type: "object", AdditionalProperties: r.For(t.Elem())}
	case reflect.String:
		return &Schema{Type: "string"}
	case reflect.Bool:
		return &Schema{Type: "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32:
		return &Schema{Type: "integer"}
	case reflect.Int64, reflect.Uint64:
		return &Schema{Type: "integer", Format: "int64"}
	case reflect.Float32, reflect.Float64:
		return &Schema{Type: "number"}
	case reflect.Interface:
		return &Schema{} // anything
	}
	panic(fmt.Sprintf("apidocs: no schema for %s", t))
}

// nullable lets null through as well: a type list for plain schemas, anyOf for references.
func nullable(s *Schema) *Schema {
	if s.Ref != "" {
		return &Schema{AnyOf: []*Schema{s, {Type: "null"}}}
	}
	switch typ := s.Type.(type) {
	case string:
		s.Type = []string{typ, "null"}
	case []string:
		s.Type = append(typ, "null")
	}
	return s
}

// structRef registers t as a component (once) and returns a reference to it. Anonymous structs
// are written inline. When the name is taken by another reflector over the same components (the
// user API's, for the admin API's types) and the schema there is identical, it is shared;
// otherwise the package's name is prefixed.
func (r *Reflector) structRef(t reflect.Type) *Schema {
	if t.Name() == "" {
		return r.object(t)
	}
	if name, ok := r.names[t]; ok {
		return Ref(name)
	}
	name := exportedName(t.Name())
	if existing, taken := r.Schemas[name]; taken {
		if existing != nil { // nil: being built by this reflector, for another type
			r.names[t] = name
			if sameJSON(existing, r.object(t)) {
				return Ref(name)
			}
		}
		name = exportedName(pkgName(t)) + name
	}
	r.names[t] = name
	r.Schemas[name] = nil // reserve: recursive types refer to it
	r.Schemas[name] = r.object(t)
	return Ref(name)
}

func sameJSON(a, b *Schema) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(ja) == string(jb)
}

// object is the schema of a struct's JSON object: every field without omitempty is required,
// because encoding/json always writes it. A field's doc tag is its description, its enum tag
// (comma-separated) the values it takes.
func (r *Reflector) object(t reflect.Type) *Schema {
	s := &Schema{Type: "object", Properties: Properties{}}
	r.fields(t, s)
	return s
}

func (r *Reflector) fields(t reflect.Type, s *Schema) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				r.fields(ft, s) // embedded: its fields are promoted
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		p := r.For(f.Type)
		if doc := f.Tag.Get("doc"); doc != "" && p.Ref == "" {
			// Before the type's own words; a $ref takes no siblings in kin-openapi: document its type.
			p.Description = strings.TrimSpace(doc + " " + p.Description)
		}
		if enum := f.Tag.Get("enum"); enum != "" {
			for _, v := range strings.Split(enum, ",") {
				p.Enum = append(p.Enum, v)
			}
		}
		s.Properties = append(s.Properties, Property{name, p})
		if !strings.Contains(","+opts+",", ",omitempty,") && !strings.Contains(","+opts+",", ",omitzero,") {
			s.Required = append(s.Required, name)
		}
	}
}

func exportedName(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

func pkgName(t reflect.Type) string {
	p := t.PkgPath()
	return p[strings.LastIndex(p, "/")+1:]
}
