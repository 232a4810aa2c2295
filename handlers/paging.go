package handlers

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"sharepanel/wire"
)

// Every list answers with paging headers, GitHub's way, beside the envelope (which does not change):
//
//   - Link (RFC 8288): rel="first", rel="prev" (from the second page on), rel="next" (when more
//     follow) and rel="last" (when the list is counted): URLs of the same request, with every
//     parameter the action takes (query and body) as query parameters and limit and offset set —
//     except api_key, which never travels in a link (send the key in a header) — and the others
//     (a browser's cache-buster) while they fit in maxLinkExtra bytes all told. The URLs are on
//     SHAREPANEL_PUBLIC_URL when it is set, else path-absolute ("/api?…", resolved against the
//     request's own URL): never from the request's Host or X-Forwarded-* headers, which a client
//     chooses, so that no one can point a reader's next page, and its key, elsewhere;
//   - X-Total-Count: how many items the whole list has, where counting is cheap, which is every
//     list but search (its count would read every name of the account once more).

// maxLinkExtra bounds the parameters the action does not take that links keep, names and values
// all told: past it they are left out, so that a link stays about the size of the request's own
// parameters however many a client sends.
const maxLinkExtra = 256

// maxSelectorLen bounds mode, action and type in links: the mode and the selector that led here
// are names of the table; a longer value is a parameter the action does not take.
const maxSelectorLen = 32

func isSelector(name string) bool { return name == "mode" || name == "action" || name == "type" }

// writePaging adds the paging headers of a list's page to the answer.
func writePaging(call *Call, publicURL string, action *Action, raw Params, p wire.Paged) {
	h := call.Response().Header()
	if p.Total >= 0 {
		h.Set("X-Total-Count", strconv.FormatInt(p.Total, 10))
	}
	base := pageLinkBase(call.Request(), publicURL, action, raw, call.params)
	link := func(rel string, offset int64) string {
		q := base + "limit=" + strconv.Itoa(p.Limit) + "&offset=" + strconv.FormatInt(offset, 10)
		return "<" + q + `>; rel="` + rel + `"`
	}
	links := []string{link("first", 0)}
	if p.Offset > 0 {
		links = append(links, link("prev", max(0, int64(p.Offset)-int64(p.Limit))))
	}
	if p.More {
		links = append(links, link("next", int64(p.Offset)+int64(p.Limit)))
	}
	if p.Total >= 0 {
		links = append(links, link("last", max(0, (p.Total-1)/int64(p.Limit)*int64(p.Limit))))
	}
	h.Set("Link", strings.Join(links, ", "))
}

// pageLinkBase is the URL of the request without limit, offset and api_key, ending where they
// are appended ("…?mode=billing&action=invoices&"). The action's own parameters are taken as
// checked (checked): the check trims an enum, a flag or a number, so the raw value may be any
// length.
func pageLinkBase(r *http.Request, publicURL string, action *Action, raw, checked Params) string {
	q := url.Values{}
	var extras []string
	for name, v := range raw {
		switch {
		case name == "api_key" || name == "limit" || name == "offset":
		case action.Takes(name): // as checked against the action's rules: bounded
			if c, ok := checked[name]; ok {
				q.Set(name, c)
			}
		case isSelector(name) && len(v) <= maxSelectorLen:
			q.Set(name, v)
		default:
			extras = append(extras, name)
		}
	}
	slices.Sort(extras) // the same request, the same links
	budget := maxLinkExtra
	for _, name := range extras {
		if n := len(name) + len(raw[name]); n <= budget {
			q.Set(name, raw[name])
			budget -= n
		}
	}
	// The request's path: /api, /api/ or the path form /api/{mode}/{action}, which the router
	// matched (a path that begins with // would read as another host).
	path := r.URL.EscapedPath() // escaped: nothing of it can close the <…> of a link
	if !strings.HasPrefix(path, "/api") {
		path = "/api"
	}
	s := strings.TrimSuffix(publicURL, "/") + path + "?" + q.Encode()
	if len(q) == 0 {
		return s
	}
	return s + "&"
}
