package apidocs

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"io/fs"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/labstack/echo/v4"
)

// OriginPlaceholder stands for the server's origin in a built document's cURL lines and prose. The
// /docs handler replaces it with Origins.Examples.
const OriginPlaceholder = "http://sharepanel.invalid"

// ServerPlaceholder stands for the document's servers entry, replaced with Origins.Server.
const ServerPlaceholder = "http://sharepanel-server.invalid"

// Origins are where a served document says its API is. They are configuration, never the
// request's Host header: a document a cache keeps, or a page an attacker links to, must not point
// clients (and their keys) at whatever host a request named.
type Origins struct {
	// Server is the servers entry: the public URL (SHAREPANEL_PUBLIC_URL) or "/", the origin the
	// document is read from.
	Server string
	// Examples is the origin of the cURL lines: the public URL, or the listener's local address.
	Examples string
}

// LocalOrigin is the origin of a listener address as a client on the same machine reaches it:
// http://HOST:PORT, localhost when the listener has no address of its own (":8080", "0.0.0.0:8080").
func LocalOrigin(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://localhost:8080"
	}
	if ip, err := netip.ParseAddr(host); host == "" || err == nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

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
// document, with origins filled in) and /docs/ui/* (the viewer's assets).
func Register(e *echo.Echo, spec Spec, origins Origins) error {
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
		body := bytes.ReplaceAll(spec, []byte(ServerPlaceholder), []byte(origins.Server))
		body = bytes.ReplaceAll(body, []byte(OriginPlaceholder), []byte(origins.Examples))
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
