package httpkit

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"unicode/utf8"

	"sharepanel/wire"
)

// JSONObject reads a request body that must be one JSON object and returns its members by name,
// each as its JSON text. Both APIs read their JSON bodies with it, so both refuse alike what
// encoding/json would let through silently: a name given twice (json keeps the last, while query
// strings and forms keep the first), and text that is not valid UTF-8, raw or as an escaped lone
// surrogate (json turns both into U+FFFD).
func JSONObject(body []byte) (map[string]json.RawMessage, error) {
	if !utf8.Valid(body) || loneSurrogate(body) {
		return nil, wire.Errorf(wire.EINVALID, "Invalid JSON body: text must be valid UTF-8")
	}
	invalid := func() error { return wire.Errorf(wire.EINVALID, "Invalid JSON body") }
	dec := json.NewDecoder(bytes.NewReader(body))
	tok, err := dec.Token()
	if err != nil {
		return nil, invalid()
	}
	if d, isDelim := tok.(json.Delim); !isDelim || d != '{' {
		return nil, wire.Errorf(wire.EINVALID, "Request body must be a JSON object")
	}
	out := map[string]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, invalid()
		}
		name, _ := tok.(string)
		if _, dup := out[name]; dup {
			return nil, wire.Errorf(wire.EINVALID, "Invalid JSON body: %q is given twice", name)
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, invalid()
		}
		out[name] = raw
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, invalid()
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, wire.Errorf(wire.EINVALID, "Invalid JSON body: one JSON object expected")
	}
	return out, nil
}

// loneSurrogate tells whether body has a \u escape of a UTF-16 surrogate that is not half of a
// pair. Backslashes only occur in JSON strings, so a scan of the whole body sees every escape.
func loneSurrogate(body []byte) bool {
	pendingHigh := false
	for i := 0; i < len(body); i++ {
		if body[i] != '\\' || i+1 >= len(body) {
			if pendingHigh {
				return true
			}
			continue
		}
		if body[i+1] != 'u' || i+5 >= len(body) {
			if pendingHigh {
				return true
			}
			i++ // \" \\ \n …: skip the escaped character
			continue
		}
		r := hex4(body[i+2 : i+6])
		i += 5
		switch {
		case r >= 0xd800 && r < 0xdc00:
			if pendingHigh {
				return true
			}
			pendingHigh = true
		case r >= 0xdc00 && r < 0xe000:
			if !pendingHigh {
				return true
			}
			pendingHigh = false
		default:
			if pendingHigh {
				return true
			}
		}
	}
	return pendingHigh
}

// hex4 is the value of four hex digits, or -1.
func hex4(b []byte) rune {
	var r rune
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return -1
		}
	}
	return r
}
