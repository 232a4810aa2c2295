package handlers

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"sharepanel/handlers/httpkit"
)

// TimestampLayout is the envelope's timestamp: RFC 3339, UTC, written as +00:00.
const TimestampLayout = "2006-01-02T15:04:05+00:00"

// Envelope is every /api answer.
type Envelope struct {
	Status    string `json:"status"` // "success" or "error"
	Message   string `json:"message"`
	Code      string `json:"code,omitempty"` // errors only: machine-readable, see wire.E*
	Timestamp string `json:"timestamp"`
	Data      any    `json:"data,omitempty"`
	// RequestID is on errors only: the X-Request-ID header's value, for a customer to quote to
	// support.
	RequestID string `json:"request_id,omitempty"`
}

func timestamp(now time.Time) string { return now.UTC().Format(TimestampLayout) }

// success writes a success envelope. A nil slice is written as [] so that lists are always arrays.
func success(c echo.Context, message string, data any) error {
	return writeJSON(c, http.StatusOK, Envelope{Status: "success", Message: message, Timestamp: timestamp(time.Now()), Data: httpkit.NonNil(data)})
}

// writeJSON is c.JSON without its cost on every answer: to honour ?pretty, echo parses the whole
// query string again for each response. Here the query is parsed only when it may name pretty.
func writeJSON(c echo.Context, code int, v any) error {
	if q := c.Request().URL.RawQuery; strings.Contains(q, "pretty") || strings.Contains(q, "%") {
		return c.JSON(code, v)
	}
	return c.JSONPretty(code, v, "") // what c.JSON does without ?pretty
}

// renderError writes an error envelope.
func renderError(c echo.Context, f httpkit.Failure) error {
	return writeJSON(c, f.Status, Envelope{Status: "error", Message: f.Message, Code: f.Code, Timestamp: timestamp(time.Now()),
		RequestID: httpkit.RequestIDOf(c)})
}
