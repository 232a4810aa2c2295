package handlers

import (
	"embed"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"sharepanel/apidocs"
	"sharepanel/models"
	"sharepanel/wire"
)

// The document's prose: Markdown templates in openapi/, filled in from the dispatch table and the
// plans as they are (an administrator may edit the plans; the figures follow).

//go:embed openapi/*.md
var proseFiles embed.FS

var prose = apidocs.NewProse(proseFiles, "openapi/*.md")

// docIntro is the document's introduction (info.description): how to call the API, and how this
// document maps the reference's /api onto operations.
func docIntro(origin string, plans []models.Plan) string {
	return prose.Render("intro.md", map[string]any{"Origin": origin, "RateLimits": rateLimitFigures(plans),
		"DefaultLimit": wire.DefaultLimit, "MaxLimit": wire.MaxLimit})
}

// queryFormDoc is the section of the /api operations.
func queryFormDoc(origin string) string {
	return prose.Render("queryform.md", map[string]any{"Origin": origin})
}

// modeDoc is a mode's section: its actions, their paths and cURL lines.
func modeDoc(origin, mode string, acts []docAction) string {
	type row struct{ Name, Path, Method, Summary, Params, ID, Curl string }
	var rows []row
	var m *Mode
	for _, d := range acts {
		if d.Mode != mode {
			continue
		}
		m = d.M
		name := d.Name // the table is the mode's: the action's own name reads best
		if name == "" {
			name = d.Mode
		}
		method := "GET or POST"
		if d.A.Write {
			method = "POST"
		}
		rows = append(rows, row{Name: name, Path: d.Path(), Method: method, Summary: d.A.Summary,
			Params: paramList(d.A.Params), ID: d.ID(), Curl: curlExample(origin, d)})
	}
	return prose.Render("mode.md", map[string]any{"Name": mode, "Selector": m.Selector, "Default": m.Default, "Actions": rows})
}

// paramList is an action's parameters as the intro's tables show them.
func paramList(params []Param) string {
	var out []string
	for _, p := range params {
		s := "`" + p.Name + "`"
		if p.Required {
			s += " (required)"
		} else if p.Default != "" {
			s += " (default " + p.Default + ")"
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ", ")
}

// actionDescription is the Markdown shown with an action's parameters.
func actionDescription(d docAction, origin string) string {
	var errs []string
	for _, p := range d.A.Params {
		errs = append(errs, paramErrors(p)...)
	}
	return prose.Render("action.md", map[string]any{"Summary": d.A.Summary, "Mode": d.Mode, "Name": d.Name, "Write": d.A.Write, "Public": d.M.Public,
		"IsDefault": d.M.Default == d.Name && d.Name != "", "Selector": d.Selector, "HasData": d.A.Response != nil,
		"ID": d.ID(), "Errors": errs, "Curl": curlExample(origin, d)})
}

// rateLimitFigures are the plans' request limits in words: "Free 100/day and 10/min, Basic 1,000
// and 30, …".
func rateLimitFigures(plans []models.Plan) string {
	var parts []string
	for i, p := range plans {
		day, minute := count(p.RequestsPerDay), count(p.RequestsPerMinute)
		if i == 0 {
			day, minute = day+"/day", minute+"/min"
		}
		parts = append(parts, planTitle(p.Name)+" "+day+" and "+minute)
	}
	if len(parts) == 0 {
		return "as the plans set them"
	}
	return strings.Join(parts, ", ")
}

// payloadFigures are the plans' payload caps in words: "Free 1 MB, Basic 5 MB, …".
func payloadFigures(plans []models.Plan) string {
	var parts []string
	for _, p := range plans {
		size := formatBytes(p.MaxPayloadBytes)
		if p.MaxPayloadBytes%(1<<20) == 0 {
			size = fmt.Sprintf("%d MB", p.MaxPayloadBytes>>20)
		}
		parts = append(parts, planTitle(p.Name)+" "+size)
	}
	return strings.Join(parts, ", ")
}

// planFigures is what the document says of the plans: their names and limits, in order.
func planFigures(plans []models.Plan) string {
	var b strings.Builder
	for _, p := range plans {
		fmt.Fprintf(&b, "%s %d %d %d;", p.Name, p.RequestsPerDay, p.RequestsPerMinute, p.MaxPayloadBytes)
	}
	return b.String()
}

// count writes a limit with thousands separators; 0 or less is no limit.
func count(n int) string {
	if n <= 0 {
		return "unlimited"
	}
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func planTitle(name string) string {
	r := []rune(name)
	if len(r) > 0 {
		r[0] = unicode.ToUpper(r[0])
	}
	return string(r)
}
