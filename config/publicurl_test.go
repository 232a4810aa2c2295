package config

import (
	"strings"
	"testing"
)

// BaseURL is SHAREPANEL_PUBLIC_URL, normalised, or the listener as this machine reaches it.
func TestPublicURL(t *testing.T) {
	for _, tc := range []struct {
		addr, public, want string
	}{
		{"", "", "http://localhost:8080"}, // both defaults
		{":9000", "", "http://localhost:9000"},
		{"0.0.0.0:8080", "", "http://localhost:8080"},
		{"[::]:8080", "", "http://localhost:8080"},
		{"127.0.0.1:18080", "", "http://127.0.0.1:18080"},
		{"[::1]:8080", "", "http://[::1]:8080"},
		{":8080", "https://panel.example.com", "https://panel.example.com"},
		{":8080", " https://panel.example.com/ ", "https://panel.example.com"},
		{":8080", "http://203.0.113.7:8080", "http://203.0.113.7:8080"},
		{":8080", "https://example.com/gateway/", "https://example.com/gateway"},
	} {
		c, err := Load(env(map[string]string{"SHAREPANEL_ADDR": tc.addr, "SHAREPANEL_PUBLIC_URL": tc.public}))
		if err != nil {
			t.Errorf("ADDR=%q PUBLIC_URL=%q: %v", tc.addr, tc.public, err)
			continue
		}
		if c.BaseURL() != tc.want {
			t.Errorf("ADDR=%q PUBLIC_URL=%q: %q, want %q", tc.addr, tc.public, c.PublicURL, tc.want)
		}
	}
}

func TestPublicURLRefused(t *testing.T) {
	for value, why := range map[string]string{
		"panel.example.com":                "must be an absolute http or https URL",
		"ftp://panel.example.com":          "must be an absolute http or https URL",
		"https://":                         "must name a host",
		"https:panel.example.com":          "must name a host",
		"https://panel.example.com/?a=1":   "must have no query or fragment",
		"https://panel.example.com/?":      "must have no query or fragment",
		"https://panel.example.com/#x":     "must have no query or fragment",
		"https://ada:pw@panel.example.com": "must not hold a user name or password",
		"https://panel example.com":        "must be an absolute http or https URL",
	} {
		_, err := Load(env(map[string]string{"SHAREPANEL_PUBLIC_URL": value}))
		if err == nil || !strings.Contains(err.Error(), "SHAREPANEL_PUBLIC_URL "+why) {
			t.Errorf("SHAREPANEL_PUBLIC_URL=%q: error %v, want %q", value, err, why)
		}
	}
}
