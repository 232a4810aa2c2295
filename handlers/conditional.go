package handlers

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"sharepanel/handlers/httpkit"
)

// Conditional reads, GitHub's way: a read's answer carries a strong ETag, a hash of its data
// member as sent; a GET or HEAD whose If-None-Match names it gets 304 Not Modified, with the
// rate-limit headers and no body. The envelope's timestamp changes on every answer, so the tag is
// of the data alone: two answers with the same data have the same tag.
//
// A 304 counts against the limits as any answer does: the limits are charged before the handler
// runs (the answer is not known then), and the data is read to compute the tag, so a 304 costs the
// server what a 200 does but the bytes on the wire.

// successETag writes a read's success envelope with its ETag, or a 304 when the client has it.
// The envelope is encoded once, into a pooled buffer, and the tag is the hash of its data member's
// bytes there (the last member: nothing in the message can look like it, since quotes are escaped).
func successETag(call *Call, message string, data any) error {
	env := Envelope{Status: "success", Message: message, Timestamp: timestamp(time.Now()), Data: httpkit.NonNil(data)}
	if q := call.Request().URL.RawQuery; strings.Contains(q, "pretty") || strings.Contains(q, "%") {
		return successETagPretty(call, env) // ?pretty may indent the answer: the data is hashed as sent compactly
	}
	buf := envelopeBufs.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= maxPooledEnvelope {
			envelopeBufs.Put(buf)
		}
	}()
	if err := json.NewEncoder(buf).Encode(env); err != nil {
		return err
	}
	b := buf.Bytes()
	i := bytes.Index(b, dataMember)
	if i < 0 || !bytes.HasSuffix(b, []byte("}\n")) {
		return successETagPretty(call, env)
	}
	if notModified(call, etagOf(b[i+len(dataMember):len(b)-2])) {
		return call.NoContent(http.StatusNotModified)
	}
	return call.Blob(http.StatusOK, echo.MIMEApplicationJSON, b)
}

// successETagPretty is successETag through writeJSON, which honours ?pretty: the data is encoded
// alone to be hashed.
func successETagPretty(call *Call, env Envelope) error {
	raw, err := json.Marshal(env.Data)
	if err != nil {
		return err
	}
	if notModified(call, etagOf(raw)) {
		return call.NoContent(http.StatusNotModified)
	}
	env.Data = json.RawMessage(raw)
	return writeJSON(call, http.StatusOK, env)
}

// privateNoCache is a read's Cache-Control: the answer is one account's data, chosen by a header
// (X-API-Key, which RFC 9111 does not know, or Authorization), so no shared cache may keep it, and a
// browser's cache asks again each time (If-None-Match: a 304 when nothing changed).
var privateNoCache = []string{"private, no-cache"}

// notModified sets the answer's ETag and caching headers and reports whether the request's
// If-None-Match names it (GET and HEAD only).
func notModified(call *Call, tag string) bool {
	h := call.Response().Header()
	h["Etag"] = []string{tag} // canonical already: no allocation to canonicalise
	h["Cache-Control"] = privateNoCache
	h.Add("Vary", "Authorization, X-API-Key") // beside CORS's Vary: Origin
	r := call.Request()
	return (r.Method == http.MethodGet || r.Method == http.MethodHead) && noneMatch(r.Header["If-None-Match"], tag)
}

// dataMember starts the envelope's data member, the last one of a success.
var dataMember = []byte(`,"data":`)

// envelopeBufs are the buffers read answers are encoded in; one that grew past
// maxPooledEnvelope (a long list) is left to the collector.
var envelopeBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const maxPooledEnvelope = 256 << 10

// etagOf is the strong ETag of a data member: the first 128 bits of its SHA-256, quoted.
func etagOf(data []byte) string {
	sum := sha256.Sum256(data)
	var b [2 + 22]byte
	b[0] = '"'
	base64.RawURLEncoding.Encode(b[1:23], sum[:16])
	b[23] = '"'
	return string(b[:])
}

// noneMatch reports whether If-None-Match (its header lines) names tag, or is "*". As RFC 9110
// says for If-None-Match, the comparison is weak: W/"x" matches "x".
func noneMatch(lines []string, tag string) bool {
	for _, line := range lines {
		for _, t := range strings.Split(line, ",") {
			t = strings.TrimSpace(t)
			if t == "*" || strings.TrimPrefix(t, "W/") == tag {
				return true
			}
		}
	}
	return false
}
