package admin

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"strconv"

	"github.com/labstack/echo/v4"

	"sharepanel/handlers/httpkit"
	"sharepanel/wire"
)

// reply is every success: {"response": …, "success": true}.
type reply struct {
	Response any  `json:"response"`
	Success  bool `json:"success"`
}

// failure is every error: {"success": false, "error": "…"}.
type failure struct {
	Success bool   `json:"success"`
	Error   string `json:"error"`
}

// ok answers 200 with data as the response. A nil slice is written as [].
func ok(c echo.Context, data any) error {
	if data != nil {
		if v := reflect.ValueOf(data); v.Kind() == reflect.Slice && v.IsNil() {
			data = []struct{}{}
		}
	}
	return c.JSON(http.StatusOK, reply{Response: data, Success: true})
}

// message answers 200 with {"response": {"message": msg}, "success": true}.
func message(c echo.Context, msg string) error {
	return ok(c, messageAnswer{Message: msg})
}

// list answers a page of a list: the array as the response, the number of all matches in
// X-Total-Count.
func list(c echo.Context, items any, total int64) error {
	c.Response().Header().Set("X-Total-Count", strconv.FormatInt(total, 10))
	return ok(c, items)
}

// echoMessages replace echo's terse texts for its own errors.
var echoMessages = map[int]string{
	http.StatusNotFound:              "Not found: no such endpoint. See docs/ADMIN_API.md",
	http.StatusMethodNotAllowed:      "Method not allowed for this endpoint",
	http.StatusRequestEntityTooLarge: "Request body too large",
}

// errorStatus returns the HTTP status and the message safe to show for any error.
func errorStatus(err error) (int, string) {
	var he *echo.HTTPError
	if errors.As(err, &he) {
		if msg, found := echoMessages[he.Code]; found {
			return he.Code, msg
		}
		msg, _ := he.Message.(string)
		if msg == "" {
			msg = http.StatusText(he.Code)
		}
		return he.Code, msg
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return http.StatusRequestEntityTooLarge, fmt.Sprintf("Request body too large: at most %d bytes", tooLarge.Limit)
	}
	return httpkit.Status(wire.ErrorCode(err)), wire.ErrorMessage(err)
}

// errorHandler turns any error into {"success": false, "error": …} with its status. Only
// unexpected errors are logged, with their cause; the client sees a generic message.
func errorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		status, msg := errorStatus(err)
		if httpkit.ClientGone(c, err) {
			log.Debug("client gone", "request_id", c.Response().Header().Get(echo.HeaderXRequestID))
			return
		}
		if status >= 500 && wire.ErrorCode(err) == wire.EINTERNAL {
			log.Error("unexpected error", "request_id", c.Response().Header().Get(echo.HeaderXRequestID), "err", err)
		}
		if c.Request().Method == http.MethodHead {
			_ = c.NoContent(status)
			return
		}
		if werr := c.JSON(status, failure{Success: false, Error: msg}); werr != nil {
			log.Debug("writing error response failed", "err", werr)
		}
	}
}
