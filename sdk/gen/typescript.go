package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The TypeScript SDK: ESM with declarations, fetch, no runtime dependencies. Results are
// interfaces; each action's parameters are an interface named <Mode><Action>Params.

const tsDir = "typescript/src"

func tsString(s string) string { return strconv.Quote(s) } // valid JavaScript for what the table holds

func tsDoc(c *code, lines ...string) {
	if len(lines) == 1 {
		c.l("/** %s */", strings.ReplaceAll(lines[0], "*/", "*\u200b/"))
		return
	}
	c.l("/**")
	for _, l := range lines {
		if l == "" {
			c.l(" *")
		} else {
			c.l(" * %s", strings.ReplaceAll(l, "*/", "*\u200b/"))
		}
	}
	c.l(" */")
}

func genTypeScript(api *API, files Files) error {
	if err := addRuntime(files, "typescript", tsDir, "// "); err != nil {
		return err
	}
	files[tsDir+"/errors.ts"] = tsErrors()
	files[tsDir+"/types.ts"] = tsTypes(api)
	client, err := tsClient(api)
	if err != nil {
		return err
	}
	files[tsDir+"/client.ts"] = client
	files[tsDir+"/meta.ts"] = tsMeta(api)
	files[tsDir+"/index.ts"] = tsIndex()
	return nil
}

func tsErrors() []byte {
	c := &code{}
	c.WriteString(header("// "))
	c.l("/** The errors the SDK throws: one class per kind of failure, all SharePanelError. */")
	c.l("")
	c.l(`import type { RateLimit } from "./runtime.js";`)
	c.l("")
	c.l("export interface ErrorInit {")
	c.l("  status?: number;")
	c.l("  code?: string;")
	c.l("  requestId?: string;")
	c.l("  retryAfter?: number;")
	c.l("  rateLimit?: RateLimit;")
	c.l("  headers?: Record<string, string>;")
	c.l("  cause?: unknown;")
	c.l("}")
	for _, e := range errorClasses {
		c.l("")
		if e.Parent == "" {
			tsDoc(c, e.Doc, "",
				"status is the HTTP status (0 when there was no answer), message the envelope's message, code",
				"its machine-readable code (rate_limited, not_found, ...), requestId the gateway's request ID",
				"(from the body, else the X-Request-ID header), retryAfter the seconds Retry-After asked for,",
				"rateLimit the rate-limit state the answer reported.")
			c.l("export class SharePanelError extends Error {")
			c.l(`  override name = "SharePanelError";`)
			c.l("  readonly status: number;")
			c.l("  readonly code?: string;")
			c.l("  readonly requestId?: string;")
			c.l("  readonly retryAfter?: number;")
			c.l("  readonly rateLimit?: RateLimit;")
			c.l("  readonly headers: Record<string, string>;")
			c.l("")
			c.l("  constructor(message: string, init: ErrorInit = {}) {")
			c.l("    super(message, init.cause === undefined ? undefined : { cause: init.cause });")
			c.l("    this.status = init.status ?? 0;")
			c.l("    this.code = init.code;")
			c.l("    this.requestId = init.requestId;")
			c.l("    this.retryAfter = init.retryAfter;")
			c.l("    this.rateLimit = init.rateLimit;")
			c.l("    this.headers = init.headers ?? {};")
			c.l("  }")
			c.l("}")
			continue
		}
		tsDoc(c, e.Doc)
		c.l("export class %sError extends %sError {", e.Name, e.Parent)
		c.l("  override name = %s;", tsString(e.Name+"Error"))
		c.l("}")
	}
	c.l("")
	tsDoc(c, "The class thrown for an HTTP status: another 5xx throws ServerError, another status SharePanelError.")
	c.l("export function errorClassFor(status: number): typeof SharePanelError {")
	c.l("  switch (status) {")
	for _, e := range errorClasses {
		for _, s := range e.Statuses {
			c.l("    case %d:", s)
		}
		if len(e.Statuses) > 0 {
			c.l("      return %sError;", e.Name)
		}
	}
	c.l("  }")
	c.l("  return status >= 500 ? ServerError : SharePanelError;")
	c.l("}")
	return c.Bytes()
}

// tsType is the TypeScript type of a result value.
func tsType(t *TypeRef) string {
	var s string
	switch t.Kind {
	case TInteger, TNumber:
		s = "number"
		if len(t.Enum) > 0 {
			s = strings.Join(t.Enum, " | ")
		}
	case TString:
		s = "string"
		if len(t.Enum) > 0 {
			var q []string
			for _, e := range t.Enum {
				q = append(q, tsString(e))
			}
			s = strings.Join(q, " | ")
		}
	case TBoolean:
		s = "boolean"
	case TObject:
		s = "Record<string, unknown>"
	case TArray:
		e := tsType(t.Elem)
		if strings.Contains(e, " ") {
			e = "(" + e + ")"
		}
		s = e + "[]"
	case TMap:
		s = "Record<string, " + tsType(t.Elem) + ">"
	case TNamed:
		s = t.Name
	default:
		return "unknown"
	}
	if t.Nullable {
		s += " | null"
	}
	return s
}

func tsParamType(p Param) string {
	switch p.Kind {
	case KindInt:
		return "number"
	case KindFlag:
		return "boolean"
	case KindEnum:
		var q []string
		for _, e := range p.Enum {
			q = append(q, tsString(e))
		}
		return strings.Join(q, " | ")
	case KindTime:
		return "string | Date"
	}
	return "string"
}

// tsProp quotes a property name that is not an identifier.
func tsProp(name string) string {
	if isIdent(name) {
		return name
	}
	return tsString(name)
}

// paramsName is the interface of an action's parameters: OrgsNewParams, SearchParams.
func paramsName(a *Action) string { return pascal(a.Mode.Name) + pascal(a.Name) + "Params" }

func tsTypes(api *API) []byte {
	c := &code{}
	c.WriteString(header("// "))
	c.l("/** The shapes of the API's data, field for field as the gateway sends them, and of each action's parameters. */")
	for _, nt := range api.Types {
		c.l("")
		tsDoc(c, nt.Doc)
		c.l("export interface %s {", nt.Name)
		for _, f := range nt.Fields {
			if f.Doc != "" {
				c.l("  /** %s */", f.Doc)
			}
			opt := ""
			if !f.Required {
				opt = "?"
			}
			c.l("  %s%s: %s;", tsProp(f.Name), opt, tsType(f.Type))
		}
		c.l("}")
	}
	for _, m := range api.Modes {
		for _, a := range m.Actions {
			c.l("")
			tsDoc(c, "Parameters of "+a.ID()+": "+lowerFirst(strings.TrimSuffix(a.Summary, "."))+".")
			if len(a.Params) == 0 {
				c.l("export type %s = Record<string, never>;", paramsName(a))
				continue
			}
			c.l("export interface %s {", paramsName(a))
			for _, p := range a.Params {
				c.l("  /** %s */", strings.ReplaceAll(p.ParamDoc(), "*/", "*\u200b/"))
				opt := "?"
				if p.Required {
					opt = ""
				}
				c.l("  %s%s: %s;", tsProp(p.Name), opt, tsParamType(p))
			}
			c.l("}")
		}
	}
	return c.Bytes()
}

func hasRequired(params []Param) bool {
	return slices.ContainsFunc(params, func(p Param) bool { return p.Required })
}

func tsSpec(a *Action) string {
	var parts []string
	if a.Write {
		parts = append(parts, "write: true")
	}
	if a.Mode.Public {
		parts = append(parts, "public: true")
	}
	if a.Result == nil {
		parts = append(parts, "returnsData: false")
	}
	var names []string
	for _, p := range a.Params {
		names = append(names, tsString(p.Name))
	}
	parts = append(parts, "params: ["+strings.Join(names, ", ")+"]")
	return "{ " + strings.Join(parts, ", ") + " }"
}

func tsMethods(c *code, a *Action, transport string) {
	ret := "string"
	if a.Result != nil {
		ret = tsType(a.Result)
	}
	params := "params: T." + paramsName(a)
	if !hasRequired(a.Params) {
		params += " = {}"
	}
	c.l("")
	doc := []string{strings.TrimSuffix(a.Summary, ".") + ".", "", "`" + a.WireForm() + "`"}
	if a.Result == nil {
		doc = append(doc, "", "Resolves to the gateway's message; rejects with a SharePanelError subclass.")
	} else {
		doc = append(doc, "", "Resolves to the answer's data; rejects with a SharePanelError subclass.")
	}
	tsDoc(c, doc...)
	method := camel(a.Method())
	c.l("%s(%s, options: RequestOptions = {}): Promise<%s> {", method, params, tsTypeQualified(ret, a.Result))
	c.l("  return %s.call(%s, %s, %s, params, %s, options);", transport, tsString(a.Mode.Name), tsString(a.Mode.Selector), tsString(a.Name), tsSpec(a))
	c.l("}")
	if !a.IsList() {
		return
	}
	filter := a.FilterParams()
	ptype := "T." + paramsName(a)
	if a.Paged() {
		ptype = "Omit<" + ptype + `, "limit" | "offset">`
	}
	params = "params: " + ptype
	if !hasRequired(filter) {
		params += " = {}"
	}
	opts := "RequestOptions"
	if a.Paged() {
		opts = "PageOptions"
	}
	c.l("")
	doc = []string{"Every item of " + a.ID() + ", page after page: " + lowerFirst(strings.TrimSuffix(a.Summary, ".")) + ".", "",
		"`" + a.WireForm() + "`"}
	if a.Paged() {
		doc = append(doc, "", fmt.Sprintf("options.pageSize is the limit of each request (default %s).", a.Param("limit").Default))
	}
	tsDoc(c, doc...)
	defLimit := "undefined"
	if a.Paged() {
		defLimit = a.Param("limit").Default
	}
	c.l("iter%s(%s, options: %s = {}): AsyncGenerator<%s> {", pascal(a.Method()), params, opts, tsTypeQualified(tsType(a.Result.Elem), a.Result.Elem))
	c.l("  return %s.paginate(%s, %s, %s, params, %s, %t, %s, options);", transport, tsString(a.Mode.Name), tsString(a.Mode.Selector), tsString(a.Name), tsSpec(a), a.Paged(), defLimit)
	c.l("}")
}

// tsTypeQualified prefixes the named types of a result with the types namespace (T.).
func tsTypeQualified(s string, t *TypeRef) string {
	for ; t != nil; t = t.Elem {
		if t.Kind == TNamed {
			return strings.Replace(s, t.Name, "T."+t.Name, 1)
		}
	}
	return s
}

var tsReserved = []string{"constructor"}

func tsClient(api *API) ([]byte, error) {
	c := &code{}
	c.WriteString(header("// "))
	c.l("/** The SharePanel API client: one method per action, grouped by mode. */")
	c.l("")
	c.l(`import { Transport } from "./runtime.js";`)
	c.l(`import type { ClientOptions, PageOptions, RateLimit, RequestOptions, ResponseInfo } from "./runtime.js";`)
	c.l(`import type * as T from "./types.js";`)
	var singles []*Action
	for _, m := range api.Modes {
		if m.Single() {
			singles = append(singles, m.Actions...)
			continue
		}
		for _, a := range m.Actions {
			if slices.Contains(tsReserved, a.Method()) {
				return nil, fmt.Errorf("%s: the method name %q is reserved", a.ID(), a.Method())
			}
		}
		c.l("")
		tsDoc(c, fmt.Sprintf("mode=%s: %s.", m.Name, strings.Join(actionNames(m), ", ")))
		c.l("export class %sMode {", pascal(m.Name))
		c.in("  ")
		c.l("constructor(private readonly t: Transport) {}")
		for _, a := range m.Actions {
			tsMethods(c, a, "this.t")
		}
		c.out("  ")
		c.l("}")
	}
	c.l("")
	tsDoc(c, "A client of the SharePanel user API: one method per action, grouped by mode",
		"(client.orgs.list(), client.apiKeys.create({ name: \"ci\" })); login() and search() for the modes",
		"with a single action. Parameters have the reference's names; results are typed.")
	c.l("export class Client {")
	c.in("  ")
	for _, m := range api.Modes {
		if !m.Single() {
			c.l("readonly %s: %sMode;", camel(m.Name), pascal(m.Name))
		}
	}
	c.l("private readonly t: Transport;")
	c.l("")
	c.l("constructor(options: ClientOptions = {}) {")
	c.l("  this.t = new Transport(options);")
	for _, m := range api.Modes {
		if !m.Single() {
			c.l("  this.%s = new %sMode(this.t);", camel(m.Name), pascal(m.Name))
		}
	}
	c.l("}")
	c.l("")
	tsDoc(c, "The API key calls are made with; set it after login().")
	c.l("get apiKey(): string | undefined {")
	c.l("  return this.t.apiKey;")
	c.l("}")
	c.l("")
	c.l("set apiKey(key: string | undefined) {")
	c.l("  this.t.apiKey = key;")
	c.l("}")
	c.l("")
	c.l("get baseUrl(): string {")
	c.l("  return this.t.baseUrl;")
	c.l("}")
	c.l("")
	tsDoc(c, "The rate-limit state of the latest answer that reported one (undefined before any).")
	c.l("get rateLimit(): RateLimit | undefined {")
	c.l("  return this.t.rateLimit;")
	c.l("}")
	c.l("")
	tsDoc(c, "Status, request ID, attempts, rate limit and paging headers of the last answer.")
	c.l("get lastResponse(): ResponseInfo | undefined {")
	c.l("  return this.t.lastResponse;")
	c.l("}")
	for _, a := range singles {
		tsMethods(c, a, "this.t")
	}
	c.out("  ")
	c.l("}")
	return c.Bytes(), nil
}

func tsMeta(api *API) []byte {
	c := &code{}
	c.WriteString(header("// "))
	tsDoc(c, "The API as data: every action (ACTIONS) and the fields of every result type (SHAPES).", "",
		"Type descriptors: integer, number, string, boolean, object, any, a type name, T[] (a list), {T}",
		"(a map), and a trailing ? for null.")
	c.l("")
	c.l("export interface ActionInfo {")
	c.l("  mode: string;")
	c.l("  selector: string;")
	c.l("  action: string;")
	c.l("  /** The client property holding the method (\"\" for a method of the client itself). */")
	c.l("  property: string;")
	c.l("  method: string;")
	c.l("  iterator: string | null;")
	c.l("  write: boolean;")
	c.l("  public: boolean;")
	c.l("  paged: boolean;")
	c.l("  params: readonly string[];")
	c.l("  required: readonly string[];")
	c.l("  result: string | null;")
	c.l("}")
	c.l("")
	c.l("export const ACTIONS: readonly ActionInfo[] = [")
	for _, m := range api.Modes {
		for _, a := range m.Actions {
			prop := camel(m.Name)
			if m.Single() {
				prop = ""
			}
			params, required := a.quotedParams(tsString)
			result, iter := "null", "null"
			if a.Result != nil {
				result = tsString(a.Result.Descriptor())
			}
			if a.IsList() {
				iter = tsString("iter" + pascal(a.Method()))
			}
			c.l("  {")
			c.l("    mode: %s, selector: %s, action: %s,", tsString(m.Name), tsString(m.Selector), tsString(a.Name))
			c.l("    property: %s, method: %s, iterator: %s,", tsString(prop), tsString(camel(a.Method())), iter)
			c.l("    write: %t, public: %t, paged: %t,", a.Write, m.Public, a.Paged())
			c.l("    params: [%s], required: [%s], result: %s,", strings.Join(params, ", "), strings.Join(required, ", "), result)
			c.l("  },")
		}
	}
	c.l("];")
	c.l("")
	c.l("/** Each result type's fields: [type descriptor, always present]. */")
	c.l("export const SHAPES: Readonly<Record<string, Readonly<Record<string, readonly [string, boolean]>>>> = {")
	for _, nt := range api.Types {
		c.l("  %s: {", nt.Name)
		for _, f := range nt.Fields {
			c.l("    %s: [%s, %t],", tsProp(f.Name), tsString(f.Type.Descriptor()), f.Required)
		}
		c.l("  },")
	}
	c.l("};")
	return c.Bytes()
}

func tsIndex() []byte {
	c := &code{}
	c.WriteString(header("// "))
	tsDoc(c, "SharePanel API client for TypeScript and JavaScript, generated from the gateway's dispatch table.", "",
		"```ts",
		`import { Client } from "@sharepanel/sdk";`,
		`const client = new Client({ baseUrl: "http://localhost:8080", apiKey: process.env.SHAREPANEL_API_KEY });`,
		"for (const org of await client.orgs.list()) console.log(org.id, org.title);",
		"```")
	c.l("")
	c.l(`export * from "./client.js";`)
	c.l(`export * from "./errors.js";`)
	c.l(`export type * from "./types.js";`)
	c.l(`export { ACTIONS, SHAPES } from "./meta.js";`)
	c.l(`export type { ActionInfo } from "./meta.js";`)
	c.l(`export { DEFAULT_BASE_URL, VERSION, parseLinks, parseRateLimit, parseRetryAfter } from "./runtime.js";`)
	c.l(`export type { ClientOptions, PageOptions, RateLimit, RateLimitWindow, RequestOptions, ResponseInfo } from "./runtime.js";`)
	return c.Bytes()
}
