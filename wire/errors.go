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
	EINVALID      = "invalid_request"        // bad or missing parameter: 400
	EUNAUTHORIZED = "unauthorized"           // no key, bad or expired key: 401
	EFORBIDDEN    = "forbidden"              // the caller may not do this: 403
	ENOTFOUND     = "not_found"              // missing, or someone else's: 404
	EMETHOD       = "method_not_allowed"     // wrong HTTP method: 405
	ETIMEOUT      = "request_timeout"        // the client did not send its request in time: 408
	ECONFLICT     = "conflict"               // duplicate, or an Idempotency-Key whose request still runs: 409
	EIDEMPOTENCY  = "idempotency_key_reused" // an Idempotency-Key sent again with other parameters: 422
	ETOOLARGE     = "payload_too_large"      // payload over the plan: 413
	ERATELIMITED  = "rate_limited"           // 429
	EUNAVAILABLE  = "unavailable"            // a dependency is down and we refuse to guess: 503
	EINTERNAL     = "internal"               // anything unexpected: 500, cause only in the log
)

// Error is the one error type of the service: a code and a message that is safe to show the caller.
// Cause, when set, is what went wrong underneath (a driver's error): for the log and for errors.Is,
// never for the caller.
type Error struct {
	Code    string
	Message string
	Cause   error
}

// Error is the message, and the cause for the log when there is one (callers see only Message:
// ErrorMessage).
func (e *Error) Error() string {
	if e.Cause != nil {
		return e.Message + " (" + e.Cause.Error() + ")"
	}
	return e.Message
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Cause }

// UnavailableMessage is the answer to a request that a dependency (the database, or Redis in the
// limiter's closed mode) could not serve in time: 503 with Retry-After.
const UnavailableMessage = "Service temporarily unavailable. Please try again later."

// Unavailable is the EUNAVAILABLE error for a dependency's failure cause.
func Unavailable(cause error) *Error {
	return &Error{Code: EUNAVAILABLE, Message: UnavailableMessage, Cause: cause}
}

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
