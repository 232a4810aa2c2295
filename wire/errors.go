// Package wire is the vocabulary that the domain (models) and both HTTP APIs share, and nothing
// else: the one error type with its codes, and the values as the wire shows them (Money, DateTime,
// Flag, JSONText, Page). It imports nothing of ours, so the HTTP edge and the API docs can name an
// error code or a Money without pulling in the database.
package wire

import (
	"errors"
	"fmt"
)

// Error codes. The HTTP edge maps each to one status (handlers/httpkit: Status); the domain never
// speaks HTTP.
const (
	EINVALID      = "invalid_request"    // bad or missing parameter: 400
	EUNAUTHORIZED = "unauthorized"       // no key, bad or expired key: 401
	EFORBIDDEN    = "forbidden"          // the caller may not do this: 403
	ENOTFOUND     = "not_found"          // missing, or someone else's: 404
	EMETHOD       = "method_not_allowed" // wrong HTTP method: 405
	ETIMEOUT      = "request_timeout"    // the client did not send its request in time: 408
	ECONFLICT     = "conflict"           // duplicate: 409
	ETOOLARGE     = "payload_too_large"  // payload over the plan: 413
	ERATELIMITED  = "rate_limited"       // 429
	EUNAVAILABLE  = "unavailable"        // a dependency is down and we refuse to guess: 503
	EINTERNAL     = "internal"           // anything unexpected: 500, cause only in the log
)

// Error is the one error type of the service: a code and a message that is safe to show the caller.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, or EINTERNAL for an error that is not an *Error.
func ErrorCode(err error) string {
	if e, ok := err.(*Error); ok { // the usual case, without errors.As's allocation
		return e.Code
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message to show for err; never the text of an unexpected error.
func ErrorMessage(err error) string {
	if e, ok := err.(*Error); ok {
		return e.Message
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal server error"
}
