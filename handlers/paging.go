package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"sharepanel/wire"
)

// Every list answers with paging headers, GitHub's way, beside the envelope (which does not change):
//
//   - Link (RFC 8288): rel="first", rel="prev" (from the second page on), rel="next" (when more
//     follow) and rel="last" (when the list is counted): absolute URLs of the same request, with
//     every parameter it had (query and body) as query parameters and limit and offset set —
//     except api_key, which never travels in a link (send the key in a header), and parameters the
//     action does not take whose name and value are longer than maxLinkExtra;
//   - X-Total-Count: how many items the whole list has, where counting is cheap, which is every
//     list but search (its count would read every name of the account once more).

// maxLinkExtra bounds a parameter the action does not take (a browser's cache-buster) that links
// keep: longer ones are left out, so that a link stays the size of the request it describes.
const maxLinkExtra = 256

// writePaging adds the paging headers of a list's page to the answer.
func writePaging(call *Call, action *Action, raw Params, p wire.Paged) {
	h := call.Response().Header()
	if p.Total >= 0 {
		h.Set("X-Total-Count", strconv.FormatInt(p.Total, 10))
	}
	base := pageLinkBase(call.Request(), call.Scheme(), action, raw)
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
// are appended ("…?mode=billing&action=invoices&").
func pageLinkBase(r *http.Request, scheme string, action *Action, raw Params) string {
	declared := map[string]bool{}
	for _, p := range action.Params {
		declared[p.Name] = true
	}
	q := url.Values{}
	for name, v := range raw {
		switch {
		case name == "api_key" || name == "limit" || name == "offset":
		case declared[name] || name == "mode" || len(name)+len(v) <= maxLinkExtra:
			q.Set(name, v)
		}
	}
	u := url.URL{Scheme: scheme, Host: r.Host, Path: r.URL.Path, RawQuery: q.Encode()}
	s := u.String()
	if len(q) == 0 {
		return s + "?"
	}
	return s + "&"
}
