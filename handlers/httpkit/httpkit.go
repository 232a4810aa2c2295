// Package httpkit holds what the user API and the admin API share at the HTTP edge: the mapping of
// domain error codes to statuses, the client-IP rule and the request-ID middleware.
package httpkit

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"regexp"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"sharepanel/wire"
)

// statusByCode is the one place where domain error codes become HTTP statuses.
var statusByCode = map[string]int{
	wire.EINVALID:      http.StatusBadRequest,
	wire.EUNAUTHORIZED: http.StatusUnauthorized,
	wire.EFORBIDDEN:    http.StatusForbidden,
	wire.ENOTFOUND:     http.StatusNotFound,
	wire.EMETHOD:       http.StatusMethodNotAllowed,
	wire.ETIMEOUT:      http.StatusRequestTimeout,
	wire.ECONFLICT:     http.StatusConflict,
	wire.EIDEMPOTENCY:  http.StatusUnprocessableEntity,
	wire.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	wire.ERATELIMITED:  http.StatusTooManyRequests,
	wire.EUNAVAILABLE:  http.StatusServiceUnavailable,
	wire.EINTERNAL:     http.StatusInternalServerError,
}

// codeByStatus is the reverse, for errors that arrive as HTTP statuses (echo's own).
var codeByStatus = func() map[int]string {
	m := make(map[int]string, len(statusByCode))
	for code, status := range statusByCode {
		m[status] = code
	}
	return m
}()

// Status returns the HTTP status of a domain error code (500 for an unknown one).
func Status(code string) int {
	if s, ok := statusByCode[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// CodeFor returns the domain error code of an HTTP status, and whether there is one.
func CodeFor(status int) (string, bool) {
	c, ok := codeByStatus[status]
	return c, ok
}

// IPExtractor believes X-Forwarded-For only from the trusted proxies; otherwise the socket's address
// is the client's.
func IPExtractor(trusted []netip.Prefix) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range trusted {
		opts = append(opts, echo.TrustIPRange(&net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

var saneRequestID = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`)

// RequestID keeps a client's sane X-Request-ID, or makes a UUID, and puts it on the response.
func RequestID() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			id := c.Request().Header.Get(echo.HeaderXRequestID)
			if !saneRequestID.MatchString(id) {
				id = uuid.NewString()
			}
			c.Response().Header().Set(echo.HeaderXRequestID, id)
			return next(c)
		}
	}
}

// ClientGone tells whether err is only the client having gone away mid-request: nothing
// unexpected to log, and nobody to answer.
func ClientGone(c echo.Context, err error) bool {
	return errors.Is(err, context.Canceled) && c.Request().Context().Err() != nil
}
