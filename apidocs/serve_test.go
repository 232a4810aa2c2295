package apidocs_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"sharepanel/apidocs"
)

// TestServedDocumentFillsInTheOrigins: the placeholders become the configured origins, whatever
// Host the request names (issue 10: the Host header was copied into the document).
func TestServedDocumentFillsInTheOrigins(t *testing.T) {
	doc := &apidocs.Document{OpenAPI: apidocs.Version, Paths: map[string]*apidocs.PathItem{},
		Servers: []apidocs.Server{{URL: apidocs.ServerPlaceholder, Description: "curl " + apidocs.OriginPlaceholder + "/api"}}}
	spec, err := apidocs.Static(doc)
	if err != nil {
		t.Fatal(err)
	}
	for origins, want := range map[apidocs.Origins]string{
		{Server: "/", Examples: "http://localhost:8080"}:                         `[{"url":"/","description":"curl http://localhost:8080/api"}]`,
		{Server: "https://api.example.com", Examples: "https://api.example.com"}: `[{"url":"https://api.example.com","description":"curl https://api.example.com/api"}]`,
	} {
		e := echo.New()
		if err := apidocs.Register(e, spec, origins); err != nil {
			t.Fatal(err)
		}
		for _, host := range []string{"evil.example", "api.example.com:8080", `bad"host`} {
			req := httptest.NewRequest(http.MethodGet, "/docs/openapi.json", nil)
			req.Host = host
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, req)
			if !strings.Contains(rec.Body.String(), `"servers":`+want) || strings.Contains(rec.Body.String(), "evil") {
				t.Errorf("Host %s: %s, want servers %s", host, rec.Body, want)
			}
		}
	}
	for addr, want := range map[string]string{":8080": "http://localhost:8080", "0.0.0.0:9000": "http://localhost:9000",
		"[::]:2087": "http://localhost:2087", "127.0.0.1:18080": "http://127.0.0.1:18080", "[::1]:8080": "http://[::1]:8080"} {
		if got := apidocs.LocalOrigin(addr); got != want {
			t.Errorf("LocalOrigin(%q) = %q, want %q", addr, got, want)
		}
	}
}
