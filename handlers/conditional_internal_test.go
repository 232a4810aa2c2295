package handlers

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"sharepanel/models"
	"sharepanel/wire"
)

// What a read's answer costs with its ETag (issue 13: the data's hash, and a header) against the
// envelope alone, for profile view's data: the ETag's share of a profile view.
func BenchmarkReadAnswer(b *testing.B) {
	data := models.Profile{ID: 42, Username: "demo", Email: "demo@example.com", Bio: "Building things on SharePanel since 2021.",
		Pfp: "https://example.com/avatar.png", Plan: "pro", OrgLimit: 10, InstanceLimit: 25, Verified: true, Balance: wire.Money(10050),
		CreatedAt: wire.DateTime(time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC)), FileLimit: 20000, StorageLimit: 2000,
		FirstName: "Demo", LastName: "User", Phone: "+1 555 0100", Address: "1 Example Street"}
	e := echo.New()
	for _, c := range []struct {
		name  string
		write func(*Call) error
	}{
		{"envelope", func(c *Call) error { return success(c, "Profile retrieved successfully", data) }},
		{"envelope+etag", func(c *Call) error { return successETag(c, "Profile retrieved successfully", data) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			req := httptest.NewRequest(http.MethodGet, "/api?mode=profile&action=view", nil)
			for b.Loop() {
				rec := httptest.NewRecorder()
				call := &Call{Context: e.NewContext(req, rec)}
				if err := c.write(call); err != nil || rec.Code != http.StatusOK {
					b.Fatal(err, rec.Code)
				}
			}
		})
	}
}
