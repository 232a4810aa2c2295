package admin

import (
	"embed"
	"net/http"
	"strconv"
	"strings"

	"sharepanel/apidocs"
	"sharepanel/wire"
)

// The prose of the admin API's part of the OpenAPI document, and the check that every route has
// what the document needs.

//go:embed openapi/*.md
var proseFiles embed.FS

var prose = apidocs.NewProse(proseFiles, "openapi/*.md")

// tagDoc is one section of the document.
type tagDoc struct{ Name, Doc string }

// tagDocs are the sections, in order: the "## " sections of openapi/sections.md, whose headings
// are the tag names the route table uses.
var tagDocs = func() []tagDoc {
	text, err := proseFiles.ReadFile("openapi/sections.md")
	if err != nil {
		panic(err) // compiled in
	}
	var out []tagDoc
	for _, part := range strings.Split("\n"+string(text), "\n## ")[1:] {
		name, doc, _ := strings.Cut(part, "\n")
		out = append(out, tagDoc{Name: strings.TrimSpace(name), Doc: strings.Join(strings.Fields(doc), " ")})
	}
	return out
}()

// statusDocs say what each error status means on the admin API.
var statusDocs = map[int]string{
	http.StatusBadRequest:            "A field or parameter is missing or invalid.",
	http.StatusUnauthorized:          "No token, or a bad, expired or revoked one.",
	http.StatusForbidden:             "The admin API is switched off (`sharepanel config update api on`), or a rule refuses.",
	http.StatusNotFound:              "No such object.",
	http.StatusConflict:              "A duplicate, or a state that does not allow the change.",
	http.StatusRequestEntityTooLarge: "The body is too large.",
	http.StatusTooManyRequests:       "Too many login attempts: Retry-After says when to try again.",
	http.StatusInternalServerError:   "Something unexpected; the cause is in the server's log under the X-Request-ID.",
}

// adminIntro is the admin API's section of the document's introduction.
func adminIntro(server, group string) string {
	return prose.Render("intro.md", map[string]any{"Server": server, "Group": group,
		"DefaultLimit": wire.DefaultLimit, "MaxLimit": wire.MaxLimit,
		"MaxBody": sizeText(maxBody), "MaxBackupBody": sizeText(maxBackupBody)})
}

// sizeText writes a body limit as the intro does: "1 MB".
func sizeText(n int64) string { return strconv.FormatInt(n>>20, 10) + " MB" }

// enumSchema is a string that takes one of values.
func enumSchema(values ...string) *apidocs.Schema {
	s := &apidocs.Schema{Type: "string"}
	for _, v := range values {
		s.Enum = append(s.Enum, v)
	}
	return s
}
