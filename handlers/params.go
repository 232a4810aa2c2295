package handlers

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"sharepanel/handlers/httpkit"
	"sharepanel/wire"
)

// Params are a request's parameters by name: the query string, overridden by the body (JSON object,
// urlencoded or multipart form). JSON numbers and booleans arrive as their text, so "5" and 5, or
// "true" and true, are the same parameter.
type Params map[string]string

// maxFormField bounds one multipart text field; files are not parameters and are skipped.
const maxFormField = 1 << 20

// parseParams merges the query and the body. body is already read and bounded by the caller.
func parseParams(r *http.Request, body []byte) (Params, error) {
	p := Params{}
	parseQuery(r.URL.RawQuery, p)
	if len(bytes.TrimSpace(body)) > 0 {
		fromBody := Params{}
		if err := parseBody(r.Header.Get("Content-Type"), body, fromBody); err != nil {
			return nil, err
		}
		for k, v := range fromBody { // the body wins over the query
			p[k] = v
		}
	}
	for k, v := range p {
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return nil, wire.Errorf(wire.EINVALID, "Parameters must be valid UTF-8")
		}
	}
	return p, nil
}

// parseQuery puts the query's parameters in p, the first value of each name, skipping malformed
// pairs: what r.URL.Query() gives, without building a url.Values on every request.
func parseQuery(raw string, p Params) {
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if pair == "" || strings.Contains(pair, ";") {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		k, err := url.QueryUnescape(k)
		if err != nil {
			continue
		}
		if v, err = url.QueryUnescape(v); err != nil {
			continue
		}
		if _, seen := p[k]; !seen {
			p[k] = v
		}
	}
}

func parseBody(contentType string, body []byte, p Params) error {
	mediaType, mtParams, _ := mime.ParseMediaType(contentType)
	switch {
	case mediaType == "application/json" || strings.HasSuffix(mediaType, "+json"):
		return parseJSON(body, p)
	case mediaType == "multipart/form-data":
		return parseMultipart(body, mtParams["boundary"], p)
	case mediaType == "application/x-www-form-urlencoded":
		return parseForm(body, p)
	}
	// No or another content type (fetch sends text/plain for a string body): guess from the shape.
	if bytes.HasPrefix(bytes.TrimSpace(body), []byte("{")) {
		return parseJSON(body, p)
	}
	return parseForm(body, p)
}

func parseJSON(body []byte, p Params) error {
	obj, err := httpkit.JSONObject(body)
	if err != nil {
		return err
	}
	for k, raw := range obj {
		switch raw[0] {
		case 'n': // null: as if absent
		case '"':
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return wire.Errorf(wire.EINVALID, "Invalid JSON body")
			}
			p[k] = s
		case '{', '[': // objects and arrays keep their JSON text
			var b bytes.Buffer
			if err := json.Compact(&b, raw); err != nil {
				return wire.Errorf(wire.EINVALID, "Invalid JSON body")
			}
			p[k] = b.String()
		default: // numbers, true and false as written
			p[k] = string(raw)
		}
	}
	return nil
}

func parseForm(body []byte, p Params) error {
	values, err := url.ParseQuery(string(body))
	if err != nil {
		return wire.Errorf(wire.EINVALID, "Invalid form body")
	}
	for k, v := range values {
		if len(v) > 0 {
			p[k] = v[0]
		}
	}
	return nil
}

func parseMultipart(body []byte, boundary string, p Params) error {
	if boundary == "" {
		return wire.Errorf(wire.EINVALID, "Invalid multipart body: no boundary")
	}
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return wire.Errorf(wire.EINVALID, "Invalid multipart body")
		}
		if part.FormName() == "" || part.FileName() != "" {
			continue
		}
		v, err := io.ReadAll(io.LimitReader(part, maxFormField+1))
		if err != nil || len(v) > maxFormField {
			return wire.Errorf(wire.EINVALID, "Invalid multipart body: field %s too large", part.FormName())
		}
		if _, seen := p[part.FormName()]; !seen { // the first of a name, as in a query or a form
			p[part.FormName()] = string(v)
		}
	}
}
