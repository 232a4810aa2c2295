package admin

import (
	"bytes"
	"encoding/json"
	"io"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"sharepanel/handlers/httpkit"
	"sharepanel/wire"
)

// fields are a request body's members by name: a JSON object's, or a urlencoded form's (curl -d
// a=b), whose values are JSON strings. A member that is null is absent.
type fields map[string]json.RawMessage

// readFields reads the request body as a JSON object (whatever Content-Type says, when it starts
// with '{'), or as a urlencoded form. An empty body has no fields.
func readFields(c echo.Context) (fields, error) {
	// The body is held whole: room for it in the process's body budget first (its declared length,
	// or the most this route takes). Only here, where a handler reads it: after the token check on
	// every route but the token's own, whose body is small.
	r := c.Request()
	n := r.ContentLength
	if n < 0 {
		n = bodyLimit(r.Method, r.URL.Path)
	}
	if err := httpkit.ReserveFor(c, n); err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, httpkit.BodyReadError(err)
	}
	raw = bytes.TrimSpace(raw)
	f := fields{}
	switch {
	case len(raw) == 0:
	case raw[0] == '{':
		obj, err := httpkit.JSONObject(raw)
		if err != nil {
			return nil, err
		}
		for k, v := range obj {
			if string(v) != "null" {
				f[k] = v
			}
		}
	case strings.HasPrefix(c.Request().Header.Get("Content-Type"), "application/x-www-form-urlencoded"):
		values, err := url.ParseQuery(string(raw))
		if err != nil {
			return nil, wire.Errorf(wire.EINVALID, "Invalid form body")
		}
		for k, v := range values {
			if !utf8.ValidString(k) || !utf8.ValidString(v[0]) {
				return nil, wire.Errorf(wire.EINVALID, "Invalid form body: text must be valid UTF-8")
			}
			q, _ := json.Marshal(v[0])
			f[k] = q
		}
	default:
		return nil, wire.Errorf(wire.EINVALID, "Request body must be a JSON object")
	}
	return f, nil
}

// decodeBody reads the request body into dst, a pointer to one of the request types of
// requests.go, which are also what the OpenAPI document shows (fields.bind).
func decodeBody(c echo.Context, dst any) (fields, error) {
	f, err := readFields(c)
	if err != nil {
		return nil, err
	}
	return f, f.bind(dst)
}

// has tells whether a field was given.
func (f fields) has(name string) bool { _, ok := f[name]; return ok }

// bind reads the fields into dst, a pointer to a struct, member by member after its json tags
// (embedded structs' fields are promoted), in the struct's order:
//
//   - a field without omitempty is required: present and, for text, not blank, else "<name> is
//     required" (or the field's `required` tag, where the API has other words for it);
//   - a pointer field stays nil when its member is absent;
//   - text (string) takes a JSON string, or a number or boolean as written;
//   - the request value types (amount, integer, flag) read themselves (fieldDecoder);
//   - anything else is decoded by encoding/json;
//   - text refuses control characters, but for fields tagged text:"multiline" (tab and newline
//     allowed) or text:"raw" (anything: passwords).
//
// Members the struct does not have are ignored; bodies that refuse them say so (onlyFields).
func (f fields) bind(dst any) error {
	return f.bindStruct(reflect.ValueOf(dst).Elem())
}

// fieldDecoder is a request value type that reads itself from a member's JSON.
type fieldDecoder interface {
	decodeField(name string, raw json.RawMessage) error
}

var fieldDecoderType = reflect.TypeFor[fieldDecoder]()

func (f fields) bindStruct(v reflect.Value) error {
	t := v.Type()
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.Anonymous {
			if err := f.bindStruct(v.Field(i)); err != nil {
				return err
			}
			continue
		}
		name, opts, _ := strings.Cut(sf.Tag.Get("json"), ",")
		required := !strings.Contains(","+opts+",", ",omitempty,")
		missing := func() error {
			if msg := sf.Tag.Get("required"); msg != "" {
				return wire.Errorf(wire.EINVALID, "%s", msg)
			}
			return wire.Errorf(wire.EINVALID, "%s is required", name)
		}
		raw, present := f[name]
		if !present {
			if required {
				return missing()
			}
			continue
		}
		fv := v.Field(i)
		if fv.Kind() == reflect.Pointer {
			fv.Set(reflect.New(fv.Type().Elem()))
			fv = fv.Elem()
		}
		if err := decodeMember(name, raw, fv); err != nil {
			return err
		}
		if fv.Kind() == reflect.String && sf.Tag.Get("text") != "raw" {
			if err := wire.CheckText(name, fv.String(), sf.Tag.Get("text") == "multiline"); err != nil {
				return err
			}
		}
		if required && fv.Kind() == reflect.String && strings.TrimSpace(fv.String()) == "" {
			return missing()
		}
	}
	return nil
}

func decodeMember(name string, raw json.RawMessage, v reflect.Value) error {
	if reflect.PointerTo(v.Type()).Implements(fieldDecoderType) {
		return v.Addr().Interface().(fieldDecoder).decodeField(name, raw)
	}
	if v.Kind() == reflect.String {
		s, err := text(name, raw)
		v.SetString(s)
		return err
	}
	if err := json.Unmarshal(raw, v.Addr().Interface()); err != nil {
		return wire.Errorf(wire.EINVALID, "%s is not valid: %s", name, jsonProblem(err))
	}
	return nil
}

// text is a member as text: a JSON string, or a number or boolean as written.
func text(name string, raw json.RawMessage) (string, error) {
	switch {
	case len(raw) > 0 && raw[0] == '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", wire.Errorf(wire.EINVALID, "%s must be a string", name)
		}
		return s, nil
	case len(raw) > 0 && (raw[0] == '{' || raw[0] == '['):
		return "", wire.Errorf(wire.EINVALID, "%s must be a string", name)
	}
	return string(raw), nil
}

// onlyFields refuses a member that is not one of names, with refuse's error.
func (f fields) onlyFields(names []string, refuse func(name string) error) error {
	for name := range f {
		known := false
		for _, n := range names {
			known = known || n == name
		}
		if !known {
			return refuse(name)
		}
	}
	return nil
}

// statusBody is the body of a PATCH that changes one object's status.
type statusBody interface{ newStatus() string }

// statusUpdate reads a PATCH of one object's status: the ID in the path and the required
// "status" of the body (into b), lower-cased; both are noted in the audit entry.
func statusUpdate(c echo.Context, label string, b statusBody) (int64, string, error) {
	id, err := pathID(c, "id", label)
	if err != nil {
		return 0, "", err
	}
	if _, err := decodeBody(c, b); err != nil {
		return 0, "", err
	}
	status := strings.ToLower(strings.TrimSpace(b.newStatus()))
	addAuditDetail(c, "status", status)
	return id, status, nil
}

// page reads limit and offset from the query string, with the user API's defaults and bounds.
func page(c echo.Context) (wire.Page, error) {
	return wire.ParsePage(c.QueryParam("limit"), c.QueryParam("offset"))
}

// pathID reads a positive integer path parameter.
func pathID(c echo.Context, name, label string) (int64, error) {
	n, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || n < 1 {
		return 0, wire.Errorf(wire.EINVALID, "%s must be a positive integer", label)
	}
	return n, nil
}
