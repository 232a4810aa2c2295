package handlers

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"

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
func successETag(call *Call, message string, data any) error {
	raw, err := json.Marshal(httpkit.NonNil(data))
	if err != nil {
		return err
	}
	tag := etagOf(raw)
	call.Response().Header()["Etag"] = []string{tag} // canonical already: no allocation to canonicalise
	r := call.Request()
	if (r.Method == http.MethodGet || r.Method == http.MethodHead) && noneMatch(r.Header["If-None-Match"], tag) {
		return call.NoContent(http.StatusNotModified)
	}
	return writeJSON(call, http.StatusOK, Envelope{Status: "success", Message: message, Timestamp: timestamp(time.Now()), Data: json.RawMessage(raw)})
}

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
