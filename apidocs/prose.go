package apidocs

import (
	"io/fs"
	"strings"
	"text/template"
)

// Prose is a document's Markdown, kept as templates next to the code that fills them in (the
// dispatch table, the route table, the plans), rather than in Go string literals.
type Prose struct {
	t *template.Template
}

// NewProse parses the templates in fsys that match pattern. They are compiled into the binary, so a
// template that does not parse is a bug: NewProse panics.
func NewProse(fsys fs.FS, pattern string) Prose {
	return Prose{template.Must(template.ParseFS(fsys, pattern))}
}

// Render fills in the template named name (its file name) with data; like NewProse, it panics on
// a bug in a template rather than serve a half-written document.
func (p Prose) Render(name string, data any) string {
	var b strings.Builder
	if err := p.t.ExecuteTemplate(&b, name, data); err != nil {
		panic("apidocs: template " + name + ": " + err.Error())
	}
	return b.String()
}
