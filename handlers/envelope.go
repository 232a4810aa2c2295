package handlers

import (
	"errors"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"sharepanel/handlers/httpkit"
	"sharepanel/wire"
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
}

// errorStatus returns the HTTP status, code and safe message for any error.
func errorStatus(err error) (int, string, string) {
	var he *echo.HTTPError
	if errors.As(err, &he) {
		code, ok := httpkit.CodeFor(he.Code)
		if !ok {
			code = wire.EINVALID
		}
		msg, _ := he.Message.(string)
		if msg == "" {
			msg = http.StatusText(he.Code)
		}
		return he.Code, code, msg
	}
	code := wire.ErrorCode(err)
	return httpkit.Status(code), code, wire.ErrorMessage(err)
}

func timestamp(now time.Time) string { return now.UTC().Format(TimestampLayout) }

// success writes a success envelope. A nil slice is written as [] so that lists are always arrays.
func success(c echo.Context, message string, data any) error {
	if data != nil {
		if v := reflect.ValueOf(data); v.Kind() == reflect.Slice && v.IsNil() {
			data = []struct{}{}
		}
	}
	return writeJSON(c, http.StatusOK, Envelope{Status: "success", Message: message, Timestamp: timestamp(time.Now()), Data: data})
}

// writeJSON is c.JSON without its cost on every answer: to honour ?pretty, echo parses the whole
// query string again for each response. Here the query is parsed only when it may name pretty.
func writeJSON(c echo.Context, code int, v any) error {
	if q := c.Request().URL.RawQuery; strings.Contains(q, "pretty") || strings.Contains(q, "%") {
		return c.JSON(code, v)
	}
	return c.JSONPretty(code, v, "") // what c.JSON does without ?pretty
}

// errorHandler is echo's HTTPErrorHandler: every error becomes the envelope with its status. Only
// unexpected errors are logged with their cause; the client sees a generic message.
func errorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		status, code, msg := errorStatus(err)
		switch {
		case httpkit.ClientGone(c, err):
			log.Debug("client gone", "request_id", c.Response().Header().Get(echo.HeaderXRequestID))
			return
		case status >= 500 && code == wire.EINTERNAL:
			log.Error("unexpected error", "request_id", c.Response().Header().Get(echo.HeaderXRequestID), "err", err)
		}
		if status == http.StatusMethodNotAllowed && c.Response().Header().Get("Allow") == "" {
			c.Response().Header().Set("Allow", "GET, POST, OPTIONS")
		}
		env := Envelope{Status: "error", Message: msg, Code: code, Timestamp: timestamp(time.Now())}
		if c.Request().Method == http.MethodHead {
			_ = c.NoContent(status)
			return
		}
		if werr := writeJSON(c, status, env); werr != nil {
			log.Debug("writing error response failed", "err", werr)
		}
	}
}
