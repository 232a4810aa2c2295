package console_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"regexp"
	"sort"
	"strings"
	"testing"

	"sharepanel/console"
	"sharepanel/internal/testenv"
)

// get asks the user API's echo instance (console registered as main wires it) for target.
func get(t *testing.T, h http.Handler, target string, header http.Header) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func checkSecurityHeaders(t *testing.T, target string, h http.Header) {
	t.Helper()
	for name, want := range map[string]string{
		"Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
			"font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
		"X-Frame-Options":        "DENY",
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "no-referrer",
	} {
		if got := h.Get(name); got != want {
			t.Errorf("%s: %s %q, want %q", target, name, got, want)
		}
	}
}

func TestIndexAtRootWithSecurityHeaders(t *testing.T) {
	api := testenv.New(t, testenv.Options{}).Echo
	res := get(t, api, "/", nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET / %d", res.StatusCode)
	}
	checkSecurityHeaders(t, "/", res.Header)
	if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("Cache-Control %q", cc)
	}
	html := body(t, res)
	if !strings.Contains(html, `<script type="module" src="/console/js/app.js"></script>`) {
		t.Errorf("index.html does not load the app module:\n%s", html)
	}
	// The policy forbids inline script and style: the page must have none.
	if regexp.MustCompile(`<script(?:\s[^>]*)?>[^<\s]`).MatchString(html) || strings.Contains(html, "<style") || strings.Contains(html, " style=") {
		t.Errorf("index.html has inline script or style:\n%s", html)
	}

	// The API and the docs are still where they were.
	if res := get(t, api, "/api?mode=nope", nil); res.StatusCode != http.StatusBadRequest {
		t.Errorf("/api: %d", res.StatusCode)
	}
	if res := get(t, api, "/docs/openapi.json", nil); res.StatusCode != http.StatusOK {
		t.Errorf("/docs/openapi.json: %d", res.StatusCode)
	}
}

var (
	htmlRefs  = regexp.MustCompile(`(?:src|href)="([^"#]+)"`)
	jsImports = regexp.MustCompile(`(?:\bfrom\s*|\bimport\s*\(\s*|^import\s+)'([^']+)'`)
	cssURLs   = regexp.MustCompile(`url\(["']?([^"')]+)["']?\)`)
)

// Every file index.html refers to is served, and so is everything those files import, with the
// content type a browser needs (a module served as text/plain is refused); and every embedded
// script is reached that way (no dead files).
func TestEveryReferencedFileIsServed(t *testing.T) {
	api := testenv.New(t, testenv.Options{}).Echo
	types := map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}
	seen := map[string]bool{}
	queue := []string{}
	add := func(from, ref string) {
		if strings.HasPrefix(ref, "data:") {
			return
		}
		target := ref
		if !strings.HasPrefix(ref, "/") {
			target = path.Join(path.Dir(from), ref)
		}
		if strings.HasPrefix(ref, "http:") || strings.HasPrefix(ref, "https:") || strings.HasPrefix(ref, "//") {
			t.Errorf("%s refers to another origin: %s", from, ref)
			return
		}
		if !seen[target] {
			seen[target] = true
			queue = append(queue, target)
		}
	}
	index := body(t, get(t, api, "/", nil))
	for _, m := range htmlRefs.FindAllStringSubmatch(index, -1) {
		if m[1] != "/docs/index.html" { // a link to the API docs, served by apidocs
			add("/", m[1])
		}
	}
	if len(queue) < 4 {
		t.Fatalf("index.html refers to %v", queue)
	}
	for len(queue) > 0 {
		target := queue[0]
		queue = queue[1:]
		res := get(t, api, target, nil)
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", target, res.StatusCode)
			continue
		}
		checkSecurityHeaders(t, target, res.Header)
		if want, ok := types[path.Ext(target)]; ok && res.Header.Get("Content-Type") != want {
			t.Errorf("GET %s: Content-Type %q, want %q", target, res.Header.Get("Content-Type"), want)
		}
		text := body(t, res)
		switch path.Ext(target) {
		case ".js":
			for _, m := range jsImports.FindAllStringSubmatch(text, -1) {
				add(target, m[1])
			}
		case ".css":
			for _, m := range cssURLs.FindAllStringSubmatch(text, -1) {
				add(target, m[1])
			}
		}
	}

	var scripts []string
	err := fs.WalkDir(os.DirFS("static"), ".", func(name string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && path.Ext(name) == ".js" {
			scripts = append(scripts, name)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(scripts)
	for _, name := range scripts {
		if !seen[console.Prefix+name] {
			t.Errorf("static/%s is never imported", name)
		}
	}
	if len(scripts) < 10 {
		t.Errorf("only %d scripts found: %v", len(scripts), scripts)
	}
}

// The console's own scripts build the page from data with DOM calls: no HTML strings (nothing an
// account holds can become markup) and no style attributes (the policy allows none).
func TestScriptsWriteNoMarkupOrInlineStyle(t *testing.T) {
	err := fs.WalkDir(os.DirFS("static/js"), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path.Join("static/js", name))
		if err != nil {
			return err
		}
		for _, bad := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "setAttribute('style'", "eval(", "new Function"} {
			if bytes.Contains(b, []byte(bad)) {
				t.Errorf("static/js/%s uses %s", name, bad)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestCompressionAndRevalidation(t *testing.T) {
	h := console.Handler()
	target := console.Prefix + "vendor/uplot/uPlot.esm.js"
	plain := get(t, h, target, nil)
	original := body(t, plain)
	if plain.Header.Get("Content-Encoding") != "" || len(original) < 10000 {
		t.Fatalf("plain: encoding %q, %d bytes", plain.Header.Get("Content-Encoding"), len(original))
	}

	zipped := get(t, h, target, http.Header{"Accept-Encoding": {"gzip, deflate, br"}})
	if zipped.Header.Get("Content-Encoding") != "gzip" || zipped.Header.Get("Vary") != "Accept-Encoding" {
		t.Fatalf("gzip: headers %v", zipped.Header)
	}
	zr, err := gzip.NewReader(zipped.Body)
	if err != nil {
		t.Fatal(err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if string(unzipped) != original {
		t.Fatal("the gzipped answer is not the file")
	}
	if n := zipped.ContentLength; n <= 0 || n > int64(len(original))/2 {
		t.Errorf("compressed to %d of %d bytes", n, len(original))
	}
	if res := get(t, h, target, http.Header{"Accept-Encoding": {"gzip;q=0, identity"}}); res.Header.Get("Content-Encoding") != "" {
		t.Error("gzip;q=0 was compressed")
	}

	etag := plain.Header.Get("ETag")
	if len(etag) < 10 || etag[0] != '"' {
		t.Fatalf("ETag %q", etag)
	}
	res := get(t, h, target, http.Header{"If-None-Match": {`"other", ` + etag}})
	if res.StatusCode != http.StatusNotModified || body(t, res) != "" {
		t.Errorf("If-None-Match: %d", res.StatusCode)
	}
	checkSecurityHeaders(t, target+" (304)", res.Header)
	if res := get(t, h, target, http.Header{"If-None-Match": {`"other"`}}); res.StatusCode != http.StatusOK {
		t.Errorf("another ETag: %d", res.StatusCode)
	}
}

func TestUnknownPathsAndMethods(t *testing.T) {
	api := testenv.New(t, testenv.Options{}).Echo
	for _, target := range []string{console.Prefix + "nope.js", console.Prefix, console.Prefix + "js", console.Prefix + "../console.go", "/index.html"} {
		res := get(t, api, target, nil)
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", target, res.StatusCode)
		}
	}
	res := get(t, console.Handler(), console.Prefix+"nope.js", nil)
	checkSecurityHeaders(t, "404", res.Header)

	rec := httptest.NewRecorder()
	console.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", nil))
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST /: %d, Allow %q", rec.Code, rec.Header().Get("Allow"))
	}
	rec = httptest.NewRecorder()
	api.ServeHTTP(rec, httptest.NewRequest(http.MethodHead, "/", nil))
	if rec.Code != http.StatusOK || rec.Body.Len() != 0 || rec.Header().Get("Content-Length") == "" {
		t.Errorf("HEAD /: %d, %d bytes, Content-Length %q", rec.Code, rec.Body.Len(), rec.Header().Get("Content-Length"))
	}
}
