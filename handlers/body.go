package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"sharepanel/handlers/httpkit"
	"sharepanel/wire"
)

// HeadLimit is the most of a body the pipeline reads before it knows the caller: plenty for a key, a
// mode and an action in a form or a JSON object, whatever follows them. The rest is read once the key
// is known, up to its plan's maximum payload.
const HeadLimit = 64 << 10

// restChunk is the least a buffer for a body without Content-Length grows by (it doubles).
const restChunk = 256 << 10

// body is a request body as the pipeline reads it: the head first, the rest once the caller's plan
// says how much it may send. Every byte held is reserved in the process's BodyBudget first.
type body struct {
	c        echo.Context
	api      *API
	data     []byte
	complete bool // data is the whole body
}

// readHead reads the body when it fits in the head, else its first HeadLimit bytes. Nothing past
// the largest plan's maximum is ever read.
func (a *API) readHead(c echo.Context) (*body, error) {
	r := c.Request()
	b := &body{c: c, api: a, complete: true}
	if r.ContentLength == 0 || r.Body == nil || r.Body == http.NoBody {
		return b, nil // most calls are GETs: nothing to read, nothing to allocate
	}
	largest, err := a.Store.Plans.LargestPayload(r.Context())
	if err != nil {
		return nil, err
	}
	if r.ContentLength > largest {
		return nil, errNoPlanAccepts(largest)
	}
	limit := min(int64(HeadLimit), largest)
	want := limit + 1 // one more byte tells whether there is more
	if r.ContentLength >= 0 && r.ContentLength <= limit {
		want = r.ContentLength
	}
	if err := a.Bodies.Reserve(c, want); err != nil {
		return nil, err
	}
	b.data = make([]byte, 0, want)
	if err := b.readUpTo(want); err != nil {
		return nil, err
	}
	if int64(len(b.data)) > limit {
		if limit == largest {
			return nil, errNoPlanAccepts(largest)
		}
		b.complete = false
	}
	return b, nil
}

// readUpTo reads from the body until data holds n bytes or the body ends; cap(data) is at least n.
func (b *body) readUpTo(n int64) error {
	r := b.c.Request().Body
	for int64(len(b.data)) < n {
		k, err := r.Read(b.data[len(b.data):n]) // cap(b.data) >= n: the callers reserved and allocated it
		b.data = b.data[:len(b.data)+k]
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return httpkit.BodyReadError(err)
		}
	}
	return nil
}

// size is the body's size as far as it is known before the rest is read: its Content-Length, or
// what was read.
func (b *body) size() int64 {
	if cl := b.c.Request().ContentLength; cl > 0 {
		return cl
	}
	return int64(len(b.data))
}

// readRest reads the rest of a body that did not fit in the head, refusing it with 413 past limit
// bytes (the caller's plan's maximum payload).
func (b *body) readRest(limit int64, tooLarge func() error) error {
	r := b.c.Request()
	if r.ContentLength > limit {
		return tooLarge()
	}
	if r.ContentLength >= 0 {
		if err := b.api.Bodies.Reserve(b.c, r.ContentLength-int64(len(b.data))); err != nil {
			return err
		}
		b.data = append(make([]byte, 0, r.ContentLength), b.data...)
		return b.readUpTo(r.ContentLength)
	}
	// No Content-Length: grow the buffer as the body comes, reserving each growth first; one byte
	// past limit at most.
	for {
		if len(b.data) == cap(b.data) {
			grown := min(max(2*int64(cap(b.data)), int64(len(b.data))+restChunk), limit+1)
			if err := b.api.Bodies.Reserve(b.c, grown-int64(cap(b.data))); err != nil {
				return err
			}
			b.data = append(make([]byte, 0, grown), b.data...)
		}
		before := len(b.data)
		if err := b.readUpTo(int64(cap(b.data))); err != nil {
			return err
		}
		switch {
		case int64(len(b.data)) > limit:
			return tooLarge()
		case len(b.data) < cap(b.data) || len(b.data) == before:
			return nil // the body ended
		}
	}
}

// headParams are the parameters a body's head holds whole, over the query's: what the pipeline
// needs to find the mode, the action and the key of a body larger than the head. The rest of the
// body is parsed once it is read.
func headParams(r *http.Request, head []byte) Params {
	p := Params{}
	parseQuery(r.URL.RawQuery, p)
	fromBody := Params{}
	mediaType, mtParams, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case mediaType == "application/json" || strings.HasSuffix(mediaType, "+json"):
		jsonHead(head, fromBody)
	case mediaType == "multipart/form-data":
		multipartHead(head, mtParams["boundary"], fromBody)
	case mediaType == "application/x-www-form-urlencoded":
		formHead(head, fromBody)
	case bytes.HasPrefix(bytes.TrimSpace(head), []byte("{")):
		jsonHead(head, fromBody)
	default:
		formHead(head, fromBody)
	}
	for k, v := range fromBody {
		p[k] = v
	}
	return p
}

// jsonHead reads the members of a JSON object's head whose values are whole scalars, until the
// head ends or something is not JSON.
func jsonHead(head []byte, p Params) {
	dec := json.NewDecoder(bytes.NewReader(head))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return
	}
	for dec.More() {
		tok, err := dec.Token()
		name, isName := tok.(string)
		if err != nil || !isName {
			return
		}
		tok, err = dec.Token()
		if err != nil {
			return
		}
		switch v := tok.(type) {
		case json.Delim: // an object or an array: skip it whole
			for depth := 1; depth > 0; {
				if tok, err = dec.Token(); err != nil {
					return
				}
				if d, isDelim := tok.(json.Delim); isDelim {
					if d == '{' || d == '[' {
						depth++
					} else {
						depth--
					}
				}
			}
			continue
		case nil:
			continue
		case string:
			setFirst(p, name, v)
		case json.Number:
			setFirst(p, name, v.String())
		case bool:
			setFirst(p, name, map[bool]string{true: "true", false: "false"}[v])
		}
	}
}

// formHead reads the whole pairs of a urlencoded form's head: those before its last '&'.
func formHead(head []byte, p Params) {
	i := bytes.LastIndexByte(head, '&')
	if i < 0 {
		return
	}
	values, _ := url.ParseQuery(string(head[:i]))
	for k, v := range values {
		if len(v) > 0 {
			setFirst(p, k, v[0])
		}
	}
}

// multipartHead reads the text fields that a multipart head holds whole.
func multipartHead(head []byte, boundary string, p Params) {
	if boundary == "" {
		return
	}
	mr := multipart.NewReader(bytes.NewReader(head), boundary)
	for {
		part, err := mr.NextPart()
		if err != nil {
			return
		}
		if part.FormName() == "" || part.FileName() != "" {
			continue
		}
		v, err := io.ReadAll(io.LimitReader(part, maxFormField+1))
		if err != nil || len(v) > maxFormField {
			return
		}
		setFirst(p, part.FormName(), string(v))
	}
}

func setFirst(p Params, k, v string) {
	if _, seen := p[k]; !seen {
		p[k] = v
	}
}

// errNoPlanAccepts is the answer to a body larger than any plan accepts.
func errNoPlanAccepts(largest int64) error {
	return wire.Errorf(wire.ETOOLARGE, "Payload too large. No plan accepts more than %s", formatBytes(largest))
}
