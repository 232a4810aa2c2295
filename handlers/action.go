package handlers

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"sharepanel/models"
	"sharepanel/wire"
)

// Mode is one value of the mode parameter: a table of actions.
type Mode struct {
	Name string
	// Selector is the parameter that picks the action: "action" for most modes, "type" for stats,
	// "" for modes with a single action (auth, search), whose action is named "".
	Selector string
	Public   bool   // no API key (mode=auth)
	Default  string // action used when the selector parameter is absent ("" = none: 400)
	Actions  []Action
}

// Action is one handler of the user API and everything the pipeline needs to know about it.
// Because it is plain data, the docs and the tests walk it.
type Action struct {
	Name    string // the selector's value; "" in a single-action mode
	Summary string
	Write   bool // changes data: POST only, and the key needs write permission
	Secret  bool // the answer carries a secret (a key): Cache-Control: no-store
	Params  []Param
	Handle  func(a *API, c *Call) (Reply, error)
	// Response is a value of the data's type (nil: no data), for the generated docs and the
	// contract tests.
	Response any
}

// Paged reports whether the action lists in pages (it takes offset): its answers carry the paging
// headers.
func (a *Action) Paged() bool { return a.Takes(offsetParam.Name) }

// Takes reports whether name is one of the action's parameters.
func (a *Action) Takes(name string) bool {
	for _, p := range a.Params {
		if p.Name == name {
			return true
		}
	}
	return false
}

// Endpoint names an action as usage records and the docs show it: "orgs.new", or "auth" for a
// single-action mode.
func Endpoint(mode, action string) string {
	if action == "" {
		return mode
	}
	return mode + "." + action
}

// Reply is a handler's success: the envelope's message and data (nil: no data field).
type Reply struct {
	Message string
	Data    any
	// Page is set by the actions that list: the page Data is, from which the pipeline writes the
	// paging headers (Link, X-Total-Count; paging.go). The envelope does not change.
	Page *wire.Paged
}

// ok is shorthand for a success reply.
func ok(message string, data any) (Reply, error) { return Reply{Message: message, Data: data}, nil }

// listed is a success reply holding one page of a list: items, the page asked for, and the list's
// total (-1 when not counted; more then says whether a page follows).
func listed[T any](message string, items []T, page wire.Page, total int64, more bool) (Reply, error) {
	p := wire.PageOf(page, len(items), total, more)
	return Reply{Message: message, Data: items, Page: &p}, nil
}

// Kind is the type of a parameter.
type Kind int

// Parameter kinds.
const (
	KindString Kind = iota
	KindInt         // a positive integer ID, or a bounded integer (Min/Max)
	KindFlag        // true/false, 1/0, yes/no
	KindEnum        // one of Enum, matched case-insensitively, normalised to the listed spelling
	KindTime        // ISO 8601 date or date-time in the future, at most MaxFuture ahead (an expiry)
)

// MaxFuture bounds time parameters: nothing past it is a sane expiry, and the databases' DATETIME
// ends at year 9999.
const MaxFuture = 10 * 365 * 24 * time.Hour

// Param describes one parameter: how it is checked, and what the docs say of it.
type Param struct {
	Name     string
	Label    string // in messages: "<Label> is required"; defaults to Name
	Kind     Kind
	Required bool
	Enum     []string
	Default  string
	Min, Max int64 // KindInt bounds; Min 0 and Max 0 mean "a positive ID"
	MaxLen   int   // KindString
	// Multiline lets a KindString hold tab, newline and carriage return (long text: a bio); Raw lets
	// it hold any character (a password). Other text refuses control characters.
	Multiline, Raw bool
	Doc            string
}

func (p Param) label() string {
	if p.Label != "" {
		return p.Label
	}
	return p.Name
}

// check validates the parameter's raw value and returns it normalised.
func (p Param) check(raw string) (string, error) {
	switch p.Kind {
	case KindInt:
		n, err := strconv.ParseInt(strings.TrimSpace(raw), 10, 64)
		if p.Min == 0 && p.Max == 0 {
			if err != nil || n < 1 {
				return "", wire.Errorf(wire.EINVALID, "%s must be a positive integer", p.label())
			}
		} else if err != nil || n < p.Min || n > p.Max {
			if p.Min == 0 && p.Max >= wire.MaxSafeInt {
				return "", wire.Errorf(wire.EINVALID, "%s must be a non-negative integer", p.Name)
			}
			return "", wire.Errorf(wire.EINVALID, "%s must be an integer between %d and %d", p.Name, p.Min, p.Max)
		}
		return strconv.FormatInt(n, 10), nil
	case KindFlag:
		v, ok := wire.ParseFlag(raw)
		if !ok {
			return "", wire.Errorf(wire.EINVALID, "%s must be true or false", p.Name)
		}
		return strconv.FormatBool(v), nil
	case KindEnum:
		for _, e := range p.Enum {
			if strings.EqualFold(strings.TrimSpace(raw), e) {
				return e, nil
			}
		}
		return "", wire.Errorf(wire.EINVALID, "Invalid %s. Allowed values: %s", p.Name, strings.Join(p.Enum, ", "))
	case KindTime:
		t, err := parseTime(raw)
		if err != nil {
			return "", wire.Errorf(wire.EINVALID, "%s must be an ISO 8601 date or date-time, e.g. 2025-12-31T23:59:59Z", p.Name)
		}
		if now := time.Now(); !t.After(now) || t.After(now.Add(MaxFuture)) {
			return "", wire.Errorf(wire.EINVALID, "%s must be in the future and at most 10 years from now", p.Name)
		}
		return strings.TrimSpace(raw), nil
	}
	if p.MaxLen > 0 && len([]rune(raw)) > p.MaxLen {
		return "", wire.Errorf(wire.EINVALID, "%s must be at most %d characters", p.label(), p.MaxLen)
	}
	if !p.Raw {
		if err := wire.CheckText(p.label(), raw, p.Multiline); err != nil {
			return "", err
		}
	}
	return raw, nil
}

// parseTime reads the ISO 8601 forms people send: a date, or a date-time with or without an offset
// (UTC when without).
func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("not an ISO 8601 time: %q", s)
}

// Paging parameters, shared by every list (each list action takes both).
var (
	// Their bounds and defaults are documented from Min, Max and Default, not from Doc.
	limitParam  = Param{Name: "limit", Kind: KindInt, Min: 1, Max: wire.MaxLimit, Default: strconv.Itoa(wire.DefaultLimit), Doc: "Number of results"}
	offsetParam = Param{Name: "offset", Kind: KindInt, Min: 0, Max: wire.MaxSafeInt, Default: "0", Doc: "Pagination offset"}
)

// Call is one request as a handler sees it: checked parameters and the caller.
type Call struct {
	echo.Context
	Caller *models.Principal // nil for public modes
	params Params
	IP     string
	// uncharged marks a request of the caller's key that is usage but was refused before the
	// limiter (an address outside the key's allowlist): it must not count toward the account's day.
	uncharged bool
}

// Ctx is the request's context.
func (c *Call) Ctx() context.Context { return c.Request().Context() }

// UserID is the caller's account.
func (c *Call) UserID() int64 { return c.Caller.UserID }

// Has tells whether a parameter was given (with a default applied, it always is).
func (c *Call) Has(name string) bool { _, ok := c.params[name]; return ok }

// Str returns a parameter's (checked) value, or "".
func (c *Call) Str(name string) string { return c.params[name] }

// Opt returns a string parameter for an update: nil when it was not given (leave the field as it
// is), else its value (which may be "" to clear the field).
func (c *Call) Opt(name string) *string {
	v, ok := c.params[name]
	if !ok {
		return nil
	}
	return &v
}

// Int returns a checked integer parameter, or 0 when absent.
func (c *Call) Int(name string) int64 {
	n, _ := strconv.ParseInt(c.params[name], 10, 64)
	return n
}

// Flag returns a checked flag parameter.
func (c *Call) Flag(name string) bool { return c.params[name] == "true" }

// Time returns a checked time parameter, or nil when absent.
func (c *Call) Time(name string) *time.Time {
	v, ok := c.params[name]
	if !ok {
		return nil
	}
	t, err := parseTime(v)
	if err != nil {
		return nil
	}
	return &t
}

// Page returns the checked limit and offset.
func (c *Call) Page() wire.Page {
	return wire.Page{Limit: int(c.Int("limit")), Offset: int(c.Int("offset"))}
}

// alwaysAccepted are the parameters every action takes besides its own: what picks it, and the key.
var alwaysAccepted = []string{"mode", "action", "api_key"}

// checkParams validates the action's declared parameters, applies defaults and returns the
// parameters the handler sees. An action that changes data refuses parameters it does not take,
// so that a misspelt setting is never silently dropped; reads ignore them (browsers and libraries
// add cache-busters such as _). The first problem is reported, in declaration order.
func checkParams(a *Action, raw Params) (Params, error) {
	if a.Write {
		if err := unknownParams(a, raw); err != nil {
			return nil, err
		}
	}
	out := make(Params, len(a.Params))
	for _, p := range a.Params {
		v, given := raw[p.Name]
		if given && strings.TrimSpace(v) == "" && (p.Kind != KindString || p.Required) {
			given = false // an empty number, flag, enum or required string is the same as none
		}
		if !given {
			if p.Required {
				return nil, wire.Errorf(wire.EINVALID, "%s is required", p.label())
			}
			if p.Default == "" {
				continue
			}
			v = p.Default
		}
		norm, err := p.check(v)
		if err != nil {
			return nil, err
		}
		out[p.Name] = norm
	}
	return out, nil
}

// unknownParams is the 400 for parameters an action does not take (nil when there are none):
// "Unknown parameter: <name>. This action accepts: <its parameters>, mode, action, api_key".
func unknownParams(a *Action, raw Params) error {
	var unknown []string
	for name := range raw {
		if !slices.Contains(alwaysAccepted, name) && !slices.ContainsFunc(a.Params, func(p Param) bool { return p.Name == name }) {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	slices.Sort(unknown)
	accepted := make([]string, 0, len(a.Params)+len(alwaysAccepted))
	for _, p := range a.Params {
		accepted = append(accepted, p.Name)
	}
	accepted = append(accepted, alwaysAccepted...)
	label := "Unknown parameter"
	if len(unknown) > 1 {
		label = "Unknown parameters"
	}
	return wire.Errorf(wire.EINVALID, "%s: %s. This action accepts: %s", label, strings.Join(unknown, ", "), strings.Join(accepted, ", "))
}
