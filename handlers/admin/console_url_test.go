package admin_test

import (
	"net/http"
	"net/url"
	"testing"

	"sharepanel/handlers/admin"
)

// The autologin answers carry the link that opens the account console at SHAREPANEL_PUBLIC_URL,
// and the token in that link is the one to exchange.
func TestAutologinURL(t *testing.T) {
	for _, tc := range []struct {
		name, publicURL, wantBase string
	}{
		{"configured", "https://panel.example.com/", "https://panel.example.com/"},
		{"under a path", "https://example.com/gateway", "https://example.com/gateway/"},
		{"default", "", "http://localhost:8080/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, envOptions{Deps: func(d *admin.Deps) { d.PublicURL = tc.publicURL }})
			e.createUser(t, "ada", "pro")
			for _, req := range []struct{ method, path string }{
				{http.MethodPost, "/api/users/ada/autologin"},
				{"CONNECT", "/api/users/ada"},
			} {
				al := e.as(t, req.method, req.path, nil).object(t)
				token, _ := al["autologin_token"].(string)
				link, _ := al["autologin_url"].(string)
				if want := tc.wantBase + "?autologin_token=" + url.QueryEscape(token); token == "" || link != want {
					t.Fatalf("%s %s: autologin_url %q, want %q", req.method, req.path, link, want)
				}
				u, err := url.Parse(link)
				if err != nil {
					t.Fatal(err)
				}
				got := u.Query().Get("autologin_token")
				e.Get(map[string]string{"mode": "auth", "autologin_token": got, "name": "Console session"}).Expect(t, 200, "Authentication successful")
			}
		})
	}
}
