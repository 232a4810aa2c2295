package admin

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"sharepanel/handlers/httpkit"
)

// reply is every success: {"response": …, "success": true}.
type reply struct {
	Response any  `json:"response"`
	Success  bool `json:"success"`
}

// failure is every error: {"success": false, "error": "…", "request_id": "…"}; the request ID is
// the X-Request-ID header's, to quote to whoever reads the logs.
type failure struct {
	Success   bool   `json:"success"`
	Error     string `json:"error"`
	RequestID string `json:"request_id"`
}

// ok answers 200 with data as the response. A nil slice is written as [].
func ok(c echo.Context, data any) error {
	return c.JSON(http.StatusOK, reply{Response: httpkit.NonNil(data), Success: true})
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

// renderError writes {"success": false, "error": …}.
func renderError(c echo.Context, f httpkit.Failure) error {
	return c.JSON(f.Status, failure{Success: false, Error: f.Message, RequestID: httpkit.RequestIDOf(c)})
}
