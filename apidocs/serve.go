package apidocs

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"io/fs"
	"net/http"
	"regexp"
	"strings"

	"github.com/labstack/echo/v4"
)

// OriginPlaceholder stands for the server's own origin in a built document (server URL, cURL
// lines). The /docs handler replaces it with the origin each request came to, so that the
// examples work against the server that shows them.
const OriginPlaceholder = "http://sharepanel.invalid"

// HostPlaceholder stands for the host name (no scheme, no port) the document was fetched from:
// the admin API's server URL is this host on the admin listener's port.
const HostPlaceholder = "sharepanel-host.invalid"

//go:embed ui/index.html ui/init.js ui/vendor
var uiFiles embed.FS

// pageCSP allows only this server's scripts: Redoc styles itself inline and may run a worker.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
	"font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Spec returns a document as JSON, with the placeholders in it; the docs handler fills in the origin
// per request.
type Spec func(ctx context.Context) ([]byte, error)

// Static is the Spec of a document that never changes: marshalled once, now.
func Static(doc *Document) (Spec, error) {
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	return func(context.Context) ([]byte, error) { return b, nil }, nil
}

// Register mounts the docs on e: /docs/index.html (the viewer), /docs/openapi.json (spec's
// document, with its origin filled in per request) and /docs/ui/* (the viewer's assets).
func Register(e *echo.Echo, spec Spec) error {
	ui, err := fs.Sub(uiFiles, "ui")
	if err != nil {
		return err
	}
	page, err := fs.ReadFile(ui, "index.html")
	if err != nil {
		return err
	}
	index := func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", pageCSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-cache")
		return c.HTMLBlob(http.StatusOK, page)
	}
	e.GET("/docs", func(c echo.Context) error { return c.Redirect(http.StatusMovedPermanently, "/docs/") })
	e.GET("/docs/", index)
	e.GET("/docs/index.html", index)
	e.GET("/docs/openapi.json", func(c echo.Context) error {
		spec, err := spec(c.Request().Context())
		if err != nil {
			return err
		}
		c.Response().Header().Set("Cache-Control", "no-cache")
		origin := Origin(c)
		body := bytes.ReplaceAll(spec, []byte(OriginPlaceholder), []byte(origin))
		body = bytes.ReplaceAll(body, []byte(HostPlaceholder), []byte(hostName(origin)))
		return c.Blob(http.StatusOK, "application/json", body)
	})
	assets := http.StripPrefix("/docs/ui/", http.FileServerFS(ui))
	e.GET("/docs/ui/*", func(c echo.Context) error {
		if strings.HasSuffix(c.Request().URL.Path, "/") {
			return echo.ErrNotFound // no directory listings
		}
		h := c.Response().Header()
		h.Set("Cache-Control", "public, max-age=3600")
		h.Set("X-Content-Type-Options", "nosniff")
		assets.ServeHTTP(c.Response(), c.Request())
		return nil
	})
	return nil
}

// saneHost is a host[:port] that can go into a URL, JSON and Markdown as it is.
var saneHost = regexp.MustCompile(`^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?$`)

// hostName is origin's host without scheme and port; an IPv6 address keeps its brackets.
func hostName(origin string) string {
	host := origin[strings.Index(origin, "://")+3:]
	if i := strings.LastIndex(host, ":"); i > strings.LastIndex(host, "]") {
		host = host[:i]
	}
	return host
}

// Origin is the scheme and host the request came to (echo's Scheme honours X-Forwarded-Proto), or
// http://localhost:8080 when the Host header is not a plain host.
func Origin(c echo.Context) string {
	host := c.Request().Host
	if !saneHost.MatchString(host) {
		return "http://localhost:8080"
	}
	scheme := c.Scheme()
	if scheme != "https" {
		scheme = "http"
	}
	return scheme + "://" + host
}
