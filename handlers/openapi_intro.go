package handlers

import (
	"fmt"
	"strings"
)

// docIntro is the document's introduction (info.description): how to call the API, how this
// document maps mode and action, and one section per mode with its actions and cURL lines.
// Viewers such as Redoc list its headings in their menu, so every mode is one click away.
func docIntro(origin string, acts []docAction) string {
	var b strings.Builder
	fmt.Fprintf(&b, `The SharePanel user API: one endpoint, %[1]s/api, where `+"`mode`"+` picks a table and `+"`action`"+`
(`+"`type`"+` for stats) picks the handler. Every answer is the envelope `+"`{status, message, timestamp, data}`"+`.

# Getting started

`+"```sh"+`
# Exchange your email and password for an API key (shown once):
curl "%[1]s/api?mode=auth&email=user@example.com&password=password"
export SHAREPANEL_API_KEY=...   # the data.api_key from above
curl "%[1]s/api?mode=profile&action=view" -H "X-API-Key: $SHAREPANEL_API_KEY"
`+"```"+`

Each action below has a cURL line that works against this server once SHAREPANEL_API_KEY is set
(IDs such as org_id=1 are placeholders for your own).

# Requests

- **Methods.** GET and POST. Actions that change data are POST only: GET answers 405.
- **Parameters** come from the query string, a JSON object body, or a form (urlencoded or multipart);
  a name in both the body and the query takes the body's value. Numbers may be sent as JSON numbers or
  strings, flags as `+"`true`/`false`, `1`/`0`"+`.
- **API key**: the `+"`api_key`"+` parameter, `+"`Authorization: Bearer <key>`"+`, or `+"`X-API-Key`"+`. A read-only key
  gets 403 on actions that change data.
- **Values**: IDs are integers; flags are 0 or 1; date-times are `+"`YYYY-MM-DD HH:MM:SS`"+` in UTC (null when
  unset); money is a JSON number with two decimals.
- **Paging**: `+"`limit`"+` 1-500 (default 50), `+"`offset`"+` 0 or more (default 0).
- **Rate limits** per plan, shared by all keys of an account: Free 100/day and 10/min, Basic 1,000 and 30,
  Pro 10,000 and 100, Enterprise 50,000 and 500. Every authenticated answer carries X-RateLimit-Limit,
  X-RateLimit-Remaining and X-RateLimit-Reset (Unix seconds) for the tightest window; a 429 adds Retry-After.
- **Errors** use the same envelope with `+"`status: \"error\"`"+`, a message and a machine-readable `+"`code`"+`.
  Another account's object is a 404 with the same words as a missing one.

# How this document describes /api

OpenAPI identifies an operation by its path and method, but every action shares the path /api: mode
and action are parameters. So the document describes the wire as it is: two operations, **GET /api**
(the actions that only read) and **POST /api** (every action), whose parameters are a union of the
actions: pick the mode, then the action, to see that action's parameters (required or not, type,
default, bounds), its errors and a cURL line. Each action is the schema `+"`Request.<mode>.<action>`"+`
with `+"`x-mode`"+`, `+"`x-action`"+` and `+"`x-write`"+`; its answer is `+"`Response.<mode>.<action>`"+`; the
top-level `+"`x-actions`"+` lists them all. The document is generated from the server's dispatch table,
so it is never out of date.
`, origin)

	var mode string
	for _, d := range acts {
		if d.Mode != mode {
			mode = d.Mode
			fmt.Fprintf(&b, "\n# %s\n\n", mode)
			if d.Selector != "" {
				fmt.Fprintf(&b, "`mode=%s`; the `%s` parameter picks the action.\n\n", mode, d.Selector)
			} else {
				fmt.Fprintf(&b, "`mode=%s`; a single action.\n\n", mode)
			}
			b.WriteString("| action | method | what it does | parameters |\n|---|---|---|---|\n")
			for _, x := range acts {
				if x.Mode == mode {
					b.WriteString(actionRow(x))
				}
			}
			b.WriteString("\n```sh\n")
			for _, x := range acts {
				if x.Mode == mode {
					fmt.Fprintf(&b, "# %s\n%s\n", x.ID(), curlExample(origin, x))
				}
			}
			b.WriteString("```\n")
		}
	}
	return b.String()
}

func actionRow(d docAction) string {
	method := "GET or POST"
	if d.A.Write {
		method = "POST"
	}
	name := "`" + d.Name + "`" // the table is the mode's: the action's own name reads best
	if d.Name == "" {
		name = "`" + d.Mode + "`"
	}
	var params []string
	for _, p := range d.A.Params {
		s := "`" + p.Name + "`"
		if p.Required {
			s += " (required)"
		} else if p.Default != "" {
			s += " (default " + p.Default + ")"
		}
		params = append(params, s)
	}
	if len(params) == 0 {
		params = []string{"none"}
	}
	return fmt.Sprintf("| %s | %s | %s | %s |\n", name, method, d.A.Summary, strings.Join(params, ", "))
}
