package apidocs_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"sharepanel/apidocs"
)

// TestServedDocumentFillsInTheHost: the origin and the host name placeholders become the request's.
func TestServedDocumentFillsInTheHost(t *testing.T) {
	doc := &apidocs.Document{OpenAPI: apidocs.Version, Paths: map[string]*apidocs.PathItem{},
		Servers: []apidocs.Server{{URL: apidocs.OriginPlaceholder}, {URL: "http://" + apidocs.HostPlaceholder + ":2087"}}}
	e := echo.New()
	spec, err := apidocs.Static(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := apidocs.Register(e, spec); err != nil {
		t.Fatal(err)
	}
	for host, want := range map[string]string{
		"api.example.test:8080": `[{"url":"http://api.example.test:8080"},{"url":"http://api.example.test:2087"}]`,
		"api.example.test":      `[{"url":"http://api.example.test"},{"url":"http://api.example.test:2087"}]`,
		"[::1]:8080":            `[{"url":"http://[::1]:8080"},{"url":"http://[::1]:2087"}]`,
		`bad"host`:              `[{"url":"http://localhost:8080"},{"url":"http://localhost:2087"}]`,
	} {
		req := httptest.NewRequest(http.MethodGet, "/docs/openapi.json", nil)
		req.Host = host
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		if !strings.Contains(rec.Body.String(), `"servers":`+want) {
			t.Errorf("Host %s: %s, want servers %s", host, rec.Body, want)
		}
	}
}
