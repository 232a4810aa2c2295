package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The Python SDK: package sharepanel, standard library only, type hints (TypedDicts for results).

const pyDir = "python/sharepanel"

var pyKeywords = strings.Fields(`False None True and as assert async await break class continue def del elif else
	except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield`)

// pyName is a wire name usable as a Python identifier: keywords get a trailing underscore.
func pyName(s string) string {
	if slices.Contains(pyKeywords, s) {
		return s + "_"
	}
	return s
}

func pyString(s string) string { return strconv.Quote(s) } // Go's quoting is valid Python for what the table holds

func genPython(api *API, files Files) error {
	if err := addRuntime(files, "python", pyDir, "# "); err != nil {
		return err
	}
	files[pyDir+"/py.typed"] = []byte(header("# "))
	files[pyDir+"/errors.py"] = pyErrors()
	files[pyDir+"/types.py"] = pyTypes(api)
	client, err := pyClient(api)
	if err != nil {
		return err
	}
	files[pyDir+"/client.py"] = client
	files[pyDir+"/_meta.py"] = pyMeta(api)
	files[pyDir+"/__init__.py"] = pyInit(api)
	return nil
}

func pyErrors() []byte {
	c := &code{}
	c.WriteString(header("# "))
	c.l(`"""The errors the SDK raises: one class per kind of failure, all SharePanelError."""`)
	c.l("")
	c.l("from __future__ import annotations")
	c.l("")
	c.l("from typing import Any, Dict, Optional, Type")
	c.l("")
	for _, e := range errorClasses {
		c.l("")
		if e.Parent == "" {
			c.l("class %sError(Exception):", e.Name)
			c.in("    ")
			c.l(`"""%s`, e.Doc)
			c.l("")
			c.l("status is the HTTP status (0 when there was no answer), message the envelope's message,")
			c.l("code its machine-readable code (rate_limited, not_found, ...), request_id the gateway's")
			c.l("request ID (from the body, else the X-Request-ID header), retry_after the seconds")
			c.l("Retry-After asked for, rate_limit the rate-limit state the answer reported.")
			c.l(`"""`)
			c.l("")
			c.l("def __init__(")
			c.l("    self,")
			c.l("    message: str,")
			c.l("    *,")
			c.l("    status: int = 0,")
			c.l("    code: Optional[str] = None,")
			c.l("    request_id: Optional[str] = None,")
			c.l("    retry_after: Optional[float] = None,")
			c.l("    rate_limit: Any = None,")
			c.l("    headers: Optional[Dict[str, str]] = None,")
			c.l(") -> None:")
			c.l("    super().__init__(message)")
			c.l("    self.message = message")
			c.l("    self.status = status")
			c.l("    self.code = code")
			c.l("    self.request_id = request_id")
			c.l("    self.retry_after = retry_after")
			c.l("    self.rate_limit = rate_limit")
			c.l("    self.headers: Dict[str, str] = dict(headers or {})")
			c.l("")
			c.l("def __str__(self) -> str:")
			c.l(`    where = " (request %%s)" %% self.request_id if self.request_id else ""`)
			c.l(`    code = " %%s" %% self.code if self.code else ""`)
			c.l(`    return "%%d%%s: %%s%%s" %% (self.status, code, self.message, where)`)
			c.out("    ")
			c.l("")
			continue
		}
		c.l("class %sError(%sError):", e.Name, e.Parent)
		c.l(`    """%s"""`, e.Doc)
		c.l("")
	}
	c.l("")
	c.l("# The class raised for each HTTP status; another 5xx raises ServerError, another status SharePanelError.")
	c.l("STATUS_CLASSES: Dict[int, Type[SharePanelError]] = {")
	for _, e := range errorClasses {
		for _, s := range e.Statuses {
			c.l("    %d: %sError,", s, e.Name)
		}
	}
	c.l("}")
	c.l("")
	var names []string
	for _, e := range errorClasses {
		names = append(names, pyString(e.Name+"Error"))
	}
	c.l("__all__ = [%s, \"STATUS_CLASSES\"]", strings.Join(names, ", "))
	return c.Bytes()
}

// pyType is the annotation of a result type; named types are prefixed with qual ("types.").
func pyType(t *TypeRef, qual string) string {
	var s string
	switch t.Kind {
	case TInteger:
		s = "int"
	case TNumber:
		s = "float"
	case TString:
		s = "str"
		if len(t.Enum) > 0 {
			var lits []string
			for _, e := range t.Enum {
				lits = append(lits, pyString(e))
			}
			s = "Literal[" + strings.Join(lits, ", ") + "]"
		}
	case TBoolean:
		s = "bool"
	case TObject:
		s = "Dict[str, Any]"
	case TArray:
		s = "List[" + pyType(t.Elem, qual) + "]"
	case TMap:
		s = "Dict[str, " + pyType(t.Elem, qual) + "]"
	case TNamed:
		s = qual + t.Name
	default:
		s = "Any"
	}
	if t.Nullable {
		s = "Optional[" + s + "]"
	}
	return s
}

func isIdent(s string) bool {
	if s == "" || slices.Contains(pyKeywords, s) {
		return false
	}
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func pyTypes(api *API) []byte {
	c := &code{}
	var names []string
	for _, nt := range api.Types {
		names = append(names, pyString(nt.Name))
		var required, optional []Field
		for _, f := range nt.Fields {
			if f.Required {
				required = append(required, f)
			} else {
				optional = append(optional, f)
			}
		}
		idents := true
		for _, f := range nt.Fields {
			idents = idents && isIdent(f.Name)
		}
		c.l("")
		if !idents { // a field that is no identifier: the functional form
			if len(optional) > 0 {
				c.l("%s = TypedDict(%s, {%s})  # %s", "_"+nt.Name+"Required", pyString("_"+nt.Name+"Required"), pyFieldDict(required), nt.Doc)
				c.l("")
				c.l("")
				c.l("class %s(_%sRequired, total=False):", nt.Name, nt.Name)
				c.l(`    """%s"""`, nt.Doc)
				for _, f := range optional {
					c.l("    %s: %s", f.Name, pyType(f.Type, ""))
				}
			} else {
				c.l("%s = TypedDict(%s, {%s})  # %s", nt.Name, pyString(nt.Name), pyFieldDict(required), nt.Doc)
			}
			c.l("")
			continue
		}
		base := "TypedDict"
		if len(optional) > 0 {
			base = "_" + nt.Name + "Required"
			c.l("class %s(TypedDict):", base)
			c.in("    ")
			pyFields(c, required)
			c.out("    ")
			c.l("")
			c.l("")
			c.l("class %s(%s, total=False):", nt.Name, base)
		} else {
			c.l("class %s(TypedDict):", nt.Name)
		}
		c.in("    ")
		c.l(`"""%s"""`, nt.Doc)
		c.l("")
		if len(optional) > 0 {
			pyFields(c, optional)
		} else {
			pyFields(c, required)
		}
		c.out("    ")
		c.l("")
	}
	c.l("")
	c.l("__all__ = [%s]", strings.Join(names, ", "))

	out := &code{}
	out.WriteString(header("# "))
	out.l(`"""The shapes of the API's data, field for field as the gateway sends them."""`)
	out.l("")
	out.l("from __future__ import annotations")
	out.l("")
	out.l("%s", pyTypingImport(c.String()))
	out.l("")
	out.Write(c.Bytes())
	return out.Bytes()
}

func pyFields(c *code, fields []Field) {
	for _, f := range fields {
		if f.Doc != "" {
			c.l("%s: %s  # %s", f.Name, pyType(f.Type, ""), f.Doc)
		} else {
			c.l("%s: %s", f.Name, pyType(f.Type, ""))
		}
	}
}

func pyFieldDict(fields []Field) string {
	var parts []string
	for _, f := range fields {
		parts = append(parts, pyString(f.Name)+": "+pyType(f.Type, ""))
	}
	return strings.Join(parts, ", ")
}

// pyParamType is the annotation of a parameter.
func pyParamType(p Param) string {
	switch p.Kind {
	case KindInt:
		return "int"
	case KindFlag:
		return "bool"
	case KindEnum:
		var lits []string
		for _, e := range p.Enum {
			lits = append(lits, pyString(e))
		}
		return "Literal[" + strings.Join(lits, ", ") + "]"
	case KindTime:
		return "Union[str, datetime.datetime, datetime.date]"
	}
	return "str"
}

// pyReserved are the SDK's own keyword arguments, which no parameter may be named.
var pyReserved = []string{"self", "idempotency_key", "page_size"}

func pyClient(api *API) ([]byte, error) {
	c := &code{}
	var singles []*Action
	for _, m := range api.Modes {
		for _, a := range m.Actions {
			for _, p := range a.Params {
				if slices.Contains(pyReserved, p.Name) {
					return nil, fmt.Errorf("%s: parameter %q clashes with the SDK's own argument", a.ID(), p.Name)
				}
			}
		}
		if m.Single() {
			singles = append(singles, m.Actions...)
			continue
		}
		c.l("")
		c.l("class %sMode:", pascal(m.Name))
		c.in("    ")
		c.l(`"""mode=%s: %s."""`, m.Name, strings.Join(actionNames(m), ", "))
		c.l("")
		c.l("def __init__(self, transport: Transport) -> None:")
		c.l("    self._t = transport")
		for _, a := range m.Actions {
			pyMethod(c, a)
		}
		c.out("    ")
		c.l("")
	}

	c.l("")
	c.l("class Client:")
	c.in("    ")
	c.l(`"""A client of the SharePanel user API.`)
	c.l("")
	c.l("Args:")
	c.l("    api_key: the API key, sent as Authorization: Bearer (default: $SHAREPANEL_API_KEY).")
	c.l("    base_url: the gateway (default: $SHAREPANEL_BASE_URL, else https://api.sharepanel.host).")
	c.l("    timeout: seconds one attempt may take.")
	c.l("    max_retries: how often a 429 or 503 is retried, honouring Retry-After (0: never).")
	c.l("    max_retry_wait: the most seconds one call spends waiting between its attempts.")
	c.l("    idempotency_keys: give every write an Idempotency-Key so that it may be retried; without")
	c.l("        one (False here, and no idempotency_key passed) a write is never retried.")
	c.l(`"""`)
	c.l("")
	c.l("def __init__(")
	c.l("    self,")
	c.l("    api_key: Optional[str] = None,")
	c.l("    *,")
	c.l("    base_url: Optional[str] = None,")
	c.l("    timeout: float = 30.0,")
	c.l("    max_retries: int = 2,")
	c.l("    max_retry_wait: float = 30.0,")
	c.l("    idempotency_keys: bool = True,")
	c.l(") -> None:")
	c.l("    self._t = Transport(api_key, base_url, timeout, max_retries, max_retry_wait, idempotency_keys)")
	for _, m := range api.Modes {
		if !m.Single() {
			c.l("    self.%s = %sMode(self._t)", pyName(m.Name), pascal(m.Name))
		}
	}
	c.l("")
	c.l("@property")
	c.l("def api_key(self) -> Optional[str]:")
	c.l(`    """The API key calls are made with; set it after login."""`)
	c.l("    return self._t.api_key")
	c.l("")
	c.l("@api_key.setter")
	c.l("def api_key(self, key: Optional[str]) -> None:")
	c.l("    self._t.api_key = key")
	c.l("")
	c.l("@property")
	c.l("def base_url(self) -> str:")
	c.l("    return self._t.base_url")
	c.l("")
	c.l("@property")
	c.l("def rate_limit(self) -> Optional[RateLimit]:")
	c.l(`    """The rate-limit state of the latest answer that reported one (None before any)."""`)
	c.l("    return self._t.rate_limit")
	c.l("")
	c.l("@property")
	c.l("def last_response(self) -> Optional[ResponseInfo]:")
	c.l(`    """Status, request ID, attempts, rate limit and paging headers of the last answer."""`)
	c.l("    return self._t.last_response")
	for _, a := range singles {
		pyMethod(c, a)
	}
	c.out("    ")
	c.l("")
	c.l("")
	c.l(`__all__ = ["Client"%s]`, modeClassList(api, `, "%sMode"`))

	out := &code{}
	out.WriteString(header("# "))
	out.l(`"""The SharePanel API client: one method per action, grouped by mode."""`)
	out.l("")
	out.l("from __future__ import annotations")
	out.l("")
	if strings.Contains(c.String(), "datetime.") {
		out.l("import datetime")
	}
	out.l("%s", pyTypingImport(c.String()))
	out.l("")
	out.l("from . import types")
	out.l("from ._runtime import RateLimit, ResponseInfo, Transport")
	out.l("")
	out.Write(c.Bytes())
	return out.Bytes(), nil
}

// pyTypingImport imports from typing the names the code uses (as annotations: "Name[" or, for
// Any, "Any]"), so that the generated files carry no unused import whatever the table holds.
func pyTypingImport(body string) string {
	var names []string
	for _, n := range []string{"Any", "Dict", "Iterator", "List", "Literal", "Optional", "TypedDict", "Union"} {
		used := strings.Contains(body, n+"[")
		switch n {
		case "Any":
			used = strings.Contains(body, "Any]") || strings.Contains(body, "Any,")
		case "TypedDict":
			used = strings.Contains(body, "(TypedDict") || strings.Contains(body, "TypedDict(")
		}
		if used {
			names = append(names, n)
		}
	}
	return "from typing import " + strings.Join(names, ", ")
}

func actionNames(m *Mode) []string {
	var out []string
	for _, a := range m.Actions {
		out = append(out, a.Name)
	}
	return out
}

func modeClassList(api *API, format string) string {
	var b strings.Builder
	for _, m := range api.Modes {
		if !m.Single() {
			fmt.Fprintf(&b, format, pascal(m.Name))
		}
	}
	return b.String()
}

// pyMethod writes an action's method and, for a list, its iterator. Parameters are keyword-only:
// the table's order is not part of the API.
func pyMethod(c *code, a *Action) {
	ret := "str"
	if a.Result != nil {
		ret = pyType(a.Result, "types.")
	}
	sig := pySignature(a.Params)
	if a.Write {
		sig = append(sig, "idempotency_key: Optional[str] = None")
	}
	c.l("")
	pyDef(c, a.Method(), sig, ret)
	c.in("    ")
	pyDoc(c, a, a.Params, false)
	args := fmt.Sprintf("%s, %s, %s, {%s}", pyString(a.Mode.Name), pyString(a.Mode.Selector), pyString(a.Name), pyWireDict(a.Params))
	var opts []string
	if a.Write {
		opts = append(opts, "write=True", "idempotency_key=idempotency_key")
	}
	if a.Mode.Public {
		opts = append(opts, "public=True")
	}
	if a.Result == nil {
		opts = append(opts, "returns_data=False")
	}
	if len(opts) > 0 {
		args += ", " + strings.Join(opts, ", ")
	}
	c.l("return self._t.call(%s)", args)
	c.out("    ")
	if !a.IsList() {
		return
	}
	params := a.FilterParams()
	sig = pySignature(params)
	if a.Paged() {
		sig = append(sig, "page_size: Optional[int] = None")
	}
	c.l("")
	pyDef(c, "iter_"+a.Method(), sig, "Iterator["+pyType(a.Result.Elem, "types.")+"]")
	c.in("    ")
	pyDoc(c, a, params, true)
	defLimit := "None"
	if p := a.Param("limit"); p != nil && p.Default != "" {
		defLimit = p.Default
	}
	pagedOpts := fmt.Sprintf("paged=%s", map[bool]string{true: "True", false: "False"}[a.Paged()])
	if a.Paged() {
		pagedOpts += ", page_size=page_size, default_limit=" + defLimit
	}
	c.l("return self._t.paginate(%s, %s, %s, {%s}, %s)", pyString(a.Mode.Name), pyString(a.Mode.Selector), pyString(a.Name), pyWireDict(params), pagedOpts)
	c.out("    ")
}

func pySignature(params []Param) []string {
	var sig []string
	for _, p := range params {
		if p.Required {
			sig = append(sig, fmt.Sprintf("%s: %s", pyName(p.Name), pyParamType(p)))
		}
	}
	for _, p := range params {
		if !p.Required {
			sig = append(sig, fmt.Sprintf("%s: Optional[%s] = None", pyName(p.Name), pyParamType(p)))
		}
	}
	return sig
}

func pyDef(c *code, name string, sig []string, ret string) {
	if len(sig) == 0 {
		c.l("def %s(self) -> %s:", pyName(name), ret)
		return
	}
	c.l("def %s(", pyName(name))
	c.l("    self,")
	c.l("    *,")
	for _, s := range sig {
		c.l("    %s,", s)
	}
	c.l(") -> %s:", ret)
}

func pyWireDict(params []Param) string {
	var parts []string
	for _, p := range params {
		parts = append(parts, pyString(p.Name)+": "+pyName(p.Name))
	}
	return strings.Join(parts, ", ")
}

func pyDoc(c *code, a *Action, params []Param, iterator bool) {
	summary := a.Summary
	if iterator {
		summary = "Every item of " + a.ID() + ", page after page: " + lowerFirst(a.Summary)
	}
	c.l(`"""%s.`, strings.TrimSuffix(summary, "."))
	c.l("")
	c.l("%s", a.WireForm())
	if len(params) > 0 || (iterator && a.Paged()) || a.Write {
		c.l("")
		c.l("Args:")
		for _, p := range params {
			lines := wrap(p.ParamDoc(), 88)
			c.l("    %s: %s", pyName(p.Name), lines[0])
			for _, l := range lines[1:] {
				c.l("        %s", l)
			}
		}
		if iterator && a.Paged() {
			c.l("    page_size: items per request (the limit parameter; default %s).", a.Param("limit").Default)
		}
		if a.Write {
			c.l("    idempotency_key: the Idempotency-Key to send (default: a new UUID when retries are on).")
		}
	}
	c.l("")
	switch {
	case iterator:
		c.l("Yields the items; raises a SharePanelError subclass when a page fails.")
	case a.Result == nil:
		c.l("Returns the gateway's message; raises a SharePanelError subclass on failure.")
	default:
		c.l("Returns the answer's data; raises a SharePanelError subclass on failure.")
	}
	c.l(`"""`)
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// pyMeta writes the actions and result shapes as data: the test suite walks them (every read
// action is called and its answer checked against its shape), and so may tooling.
func pyMeta(api *API) []byte {
	c := &code{}
	c.WriteString(header("# "))
	c.l(`"""The API as data: every action (ACTIONS) and the fields of every result type (SHAPES).`)
	c.l("")
	c.l(`Type descriptors: integer, number, string, boolean, object, any, a type name, T[] (a list),`)
	c.l(`{T} (a map), and a trailing ? for null.`)
	c.l(`"""`)
	c.l("")
	c.l("from typing import Any, Dict, Tuple")
	c.l("")
	c.l("ACTIONS: Tuple[Dict[str, Any], ...] = (")
	for _, m := range api.Modes {
		for _, a := range m.Actions {
			ns := pyString(m.Name)
			if m.Single() {
				ns = `""`
			}
			params, required := a.quotedParams(pyString)
			result, iter := "None", "None"
			if a.Result != nil {
				result = pyString(a.Result.Descriptor())
			}
			if a.IsList() {
				iter = pyString("iter_" + a.Method())
			}
			c.l("    {")
			c.l(`        "mode": %s, "selector": %s, "action": %s,`, pyString(m.Name), pyString(m.Selector), pyString(a.Name))
			c.l(`        "namespace": %s, "method": %s, "iterator": %s,`, ns, pyString(pyName(a.Method())), iter)
			c.l(`        "write": %s, "public": %s, "paged": %s,`, pyBool(a.Write), pyBool(m.Public), pyBool(a.Paged()))
			c.l(`        "params": (%s), "required": (%s), "result": %s,`, pyTuple(params), pyTuple(required), result)
			c.l("    },")
		}
	}
	c.l(")")
	c.l("")
	c.l("SHAPES: Dict[str, Dict[str, Tuple[str, bool]]] = {")
	for _, nt := range api.Types {
		c.l("    %s: {", pyString(nt.Name))
		for _, f := range nt.Fields {
			c.l("        %s: (%s, %s),", pyString(f.Name), pyString(f.Type.Descriptor()), pyBool(f.Required))
		}
		c.l("    },")
	}
	c.l("}")
	return c.Bytes()
}

func pyBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

func pyTuple(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0] + ","
	}
	return strings.Join(items, ", ")
}

func pyInit(api *API) []byte {
	c := &code{}
	c.WriteString(header("# "))
	c.l(`"""SharePanel API client for Python, generated from the gateway's dispatch table.`)
	c.l("")
	c.l("    from sharepanel import Client")
	c.l("")
	c.l(`    client = Client(base_url="http://localhost:8080")  # key from $SHAREPANEL_API_KEY`)
	c.l("    for org in client.orgs.list():")
	c.l(`        print(org["id"], org["title"])`)
	c.l(`"""`)
	c.l("")
	c.l("from . import types")
	c.l("from ._runtime import DEFAULT_BASE_URL, VERSION, RateLimit, RateLimitWindow, ResponseInfo")
	c.l("from .client import Client")
	var names []string
	for _, e := range errorClasses {
		names = append(names, e.Name+"Error")
	}
	c.l("from .errors import (")
	for _, n := range names {
		c.l("    %s,", n)
	}
	c.l(")")
	c.l("")
	c.l("__version__ = VERSION")
	c.l("")
	c.l("__all__ = [")
	for _, n := range append([]string{"Client", "RateLimit", "RateLimitWindow", "ResponseInfo", "DEFAULT_BASE_URL", "types"}, names...) {
		c.l("    %s,", pyString(n))
	}
	c.l("]")
	return c.Bytes()
}
