package config

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// publicURL reads SHAREPANEL_PUBLIC_URL: where people reach the user API's listener, for the links
// the service hands out and the docs' server. It must be an absolute http(s) URL without query or
// fragment; a path is kept (a proxy may serve the gateway under one), without its trailing slash.
// Unset, it is "" (Config.BaseURL then derives one from the listener's address).
func (l *loader) publicURL(name string) string {
	raw := l.str(name, "")
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		l.fail(name, fmt.Sprintf("must be an absolute http or https URL, got %q", raw))
	case u.User != nil: // before any message that would repeat the value
		l.fail(name, "must not hold a user name or password")
	case u.Scheme != "http" && u.Scheme != "https":
		l.fail(name, fmt.Sprintf("must be an absolute http or https URL such as https://panel.example.com, got %q", raw))
	case u.Host == "" || u.Opaque != "":
		l.fail(name, fmt.Sprintf("must name a host, as in https://panel.example.com, got %q", raw))
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#"):
		l.fail(name, fmt.Sprintf("must have no query or fragment, got %q", raw))
	default:
		return u.Scheme + "://" + u.Host + strings.TrimRight(u.EscapedPath(), "/")
	}
	return ""
}

// BaseURL is where people reach the user API: SHAREPANEL_PUBLIC_URL, or where a client on this
// machine reaches the listener (":8080" → http://localhost:8080). The links the service hands out
// (the admin API's autologin_url, demo's hints) start with it.
func (c Config) BaseURL() string {
	if c.PublicURL != "" {
		return c.PublicURL
	}
	return localURL(c.Addr)
}

// localURL is where a client on this machine reaches a listener on addr.
func localURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://localhost:8080" // addr is reported as invalid by its own check
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}
