package admin

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"sharepanel/wire"

	"github.com/labstack/echo/v4"
)

// body is a request's JSON object, field by field. A form body (curl -d a=b) is accepted too, its
// values as strings. Fields that are null are absent.
type body map[string]json.RawMessage

// readBody reads the request body as a JSON object (whatever Content-Type says, when it starts
// with '{'), or as a urlencoded form. An empty body is an empty object.
func readBody(c echo.Context) (body, error) {
	raw, err := io.ReadAll(c.Request().Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, err
		}
		return nil, wire.Errorf(wire.EINVALID, "Could not read the request body")
	}
	raw = bytes.TrimSpace(raw)
	b := body{}
	switch {
	case len(raw) == 0:
	case raw[0] == '{':
		dec := json.NewDecoder(bytes.NewReader(raw))
		if err := dec.Decode(&b); err != nil {
			return nil, wire.Errorf(wire.EINVALID, "Invalid JSON body")
		}
		if dec.More() {
			return nil, wire.Errorf(wire.EINVALID, "Invalid JSON body: one JSON object expected")
		}
		for k, v := range b {
			if string(v) == "null" {
				delete(b, k)
			}
		}
	case strings.HasPrefix(c.Request().Header.Get("Content-Type"), "application/x-www-form-urlencoded"):
		values, err := url.ParseQuery(string(raw))
		if err != nil {
			return nil, wire.Errorf(wire.EINVALID, "Invalid form body")
		}
		for k, v := range values {
			q, _ := json.Marshal(v[0])
			b[k] = q
		}
	default:
		return nil, wire.Errorf(wire.EINVALID, "Request body must be a JSON object")
	}
	return b, nil
}

// has tells whether a field was given.
func (b body) has(name string) bool { _, ok := b[name]; return ok }

// str returns a field as text: a string, or a number or boolean as written. ok is false when the
// field is absent.
func (b body) str(name string) (v string, ok bool, err error) {
	raw, found := b[name]
	if !found {
		return "", false, nil
	}
	switch {
	case len(raw) > 0 && raw[0] == '"':
		if err := json.Unmarshal(raw, &v); err != nil {
			return "", true, wire.Errorf(wire.EINVALID, "%s must be a string", name)
		}
		return v, true, nil
	case len(raw) > 0 && (raw[0] == '{' || raw[0] == '['):
		return "", true, wire.Errorf(wire.EINVALID, "%s must be a string", name)
	}
	return string(raw), true, nil
}

// required returns a string field that must be present and not blank.
func (b body) required(name string) (string, error) {
	v, _, err := b.str(name)
	if err != nil {
		return "", err
	}
	if strings.TrimSpace(v) == "" {
		return "", wire.Errorf(wire.EINVALID, "%s is required", name)
	}
	return v, nil
}

// optStr returns a string field, or nil when absent.
func (b body) optStr(name string) (*string, error) {
	v, ok, err := b.str(name)
	if err != nil || !ok {
		return nil, err
	}
	return &v, nil
}

// optInt returns an integer field (a JSON number or a numeric string), or nil when absent.
func (b body) optInt(name string) (*int64, error) {
	v, ok, err := b.str(name)
	if err != nil || !ok {
		return nil, err
	}
	n, perr := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if perr != nil {
		return nil, wire.Errorf(wire.EINVALID, "%s must be an integer", name)
	}
	return &n, nil
}

// optMoney returns an amount (a JSON number or a decimal string, at most two decimals), or nil.
func (b body) optMoney(name string) (*wire.Money, error) {
	v, ok, err := b.str(name)
	if err != nil || !ok {
		return nil, err
	}
	m, perr := wire.ParseMoney(v)
	if perr != nil {
		return nil, wire.Errorf(wire.EINVALID, "%s must be an amount such as 10.00", name)
	}
	return &m, nil
}

// requiredMoney returns an amount that must be present.
func (b body) requiredMoney(name string) (wire.Money, error) {
	m, err := b.optMoney(name)
	if err != nil {
		return 0, err
	}
	if m == nil {
		return 0, wire.Errorf(wire.EINVALID, "%s is required", name)
	}
	return *m, nil
}

// statusUpdate reads a PATCH of one object's status: the ID in the path and the required
// "status" of the body, lower-cased; both are noted in the audit entry.
func statusUpdate(c echo.Context, label string) (int64, string, error) {
	id, err := pathID(c, "id", label)
	if err != nil {
		return 0, "", err
	}
	b, err := readBody(c)
	if err != nil {
		return 0, "", err
	}
	status, err := b.required("status")
	if err != nil {
		return 0, "", err
	}
	status = strings.ToLower(strings.TrimSpace(status))
	addAuditDetail(c, "status", status)
	return id, status, nil
}

// flag returns a boolean field: true/false, 1/0, "yes"/"no"; false when absent.
func (b body) flag(name string) (bool, error) {
	v, ok, err := b.str(name)
	if err != nil || !ok {
		return false, err
	}
	f, valid := wire.ParseFlag(v)
	if !valid {
		return false, wire.Errorf(wire.EINVALID, "%s must be true or false", name)
	}
	return f, nil
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
