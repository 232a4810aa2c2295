// Package console is the account console: the web page at / of the user API's listener, where a
// customer signs in and sees and manages everything the user API offers. It is static files
// embedded in the binary (static/: HTML, CSS, JavaScript modules as written, and the vendored
// uPlot), with no build step; the page talks to the gateway only through /api, as any client does.
//
// Every answer carries a strict Content-Security-Policy (scripts, styles and connections from this
// origin only, no inline script or style) and refuses framing. Files are compressed once, when the
// handler is made, and revalidated with a strong ETag.
package console

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
)

//go:embed static
var static embed.FS

// Prefix is where the console's files are served; index.html is served at / itself.
const Prefix = "/console/"

// ContentSecurityPolicy is sent with every answer of the console. connect-src 'self' keeps the
// page's requests on this origin (its /api); img-src has no other origin either, so a profile
// picture URL is shown as text, never fetched. form-action 'none': forms are sent by the scripts as
// JSON, so a form that was submitted natively (scripts failing) cannot put a password in a URL.
const ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// contentTypes are set here rather than from the system's MIME tables, which differ by machine
// (a .js served as text/plain is refused as a module).
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".svg":  "image/svg+xml",
	".json": "application/json",
}

// file is one embedded file, ready to serve.
type file struct {
	body        []byte
	gzipped     []byte // nil when compressing does not make it smaller
	etag        string
	contentType string
}

// Handler serves index.html at / and the console's files under Prefix, GET and HEAD only.
func Handler() http.Handler { return handler() }

var handler = sync.OnceValue(func() http.Handler {
	files, err := load(static)
	if err != nil {
		panic("console: " + err.Error()) // the files are embedded at build time: a bug, not a condition
	}
	return files
})

// Register serves the console on the user API's echo instance.
func Register(e *echo.Echo) {
	h := echo.WrapHandler(Handler())
	methods := []string{http.MethodGet, http.MethodHead}
	e.Match(methods, "/", h)
	e.Match(methods, Prefix+"*", h)
}

type files map[string]*file // by URL path

func load(fsys fs.FS) (files, error) {
	out := files{}
	err := fs.WalkDir(fsys, "static", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		f := &file{body: body, etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`, contentType: contentTypes[path.Ext(name)]}
		if f.contentType == "" {
			f.contentType = "text/plain; charset=utf-8" // LICENSE, VERSION
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		_, _ = zw.Write(body)
		_ = zw.Close()
		if buf.Len() < len(body) {
			f.gzipped = buf.Bytes()
		}
		rel := strings.TrimPrefix(name, "static/")
		out[Prefix+rel] = f
		if rel == "index.html" {
			out["/"] = f
		}
		return nil
	})
	return out, err
}

func (fl files) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", ContentSecurityPolicy)
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer") // an autologin_token in the address never leaves in a Referer
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		http.Error(w, "Method not allowed", http.StatusMethodNotAllowed)
		return
	}
	f, ok := fl[r.URL.Path]
	if !ok {
		h.Set("Cache-Control", "no-store")
		http.Error(w, "Not found", http.StatusNotFound)
		return
	}
	// The file names carry no version, so a browser asks again each time and gets a 304 while the
	// binary is the same: a new release is never mixed with modules cached from the old one.
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", f.etag)
	h.Set("Vary", "Accept-Encoding")
	if etagMatches(r.Header.Get("If-None-Match"), f.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", f.contentType)
	body := f.body
	if f.gzipped != nil && acceptsGzip(r.Header.Get("Accept-Encoding")) {
		h.Set("Content-Encoding", "gzip")
		body = f.gzipped
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		_, _ = w.Write(body)
	}
}

// etagMatches reads If-None-Match: a list of entity tags, or *.
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// acceptsGzip reads Accept-Encoding: gzip, unless it is listed with q=0.
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") || strings.TrimSpace(name) == "*" {
			q := strings.ReplaceAll(params, " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}
