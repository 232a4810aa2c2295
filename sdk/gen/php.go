package main

import (
	"fmt"
	"slices"
	"strings"
)

// The PHP SDK: namespace SharePanel (PSR-4, src/), PHP 8.1+, curl. Results are readonly classes
// in SharePanel\Types, hydrated from the answer's data (strict types check every field).

const phpDir = "php/src"

// phpQuote is a single-quoted PHP string literal.
func phpQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// phpDocText keeps a doc comment closed.
func phpDocText(s string) string { return strings.ReplaceAll(s, "*/", "*\u200b/") }

func phpFile(c *code, namespace string) {
	c.l("<?php")
	c.WriteString(header("// "))
	c.l("")
	c.l("declare(strict_types=1);")
	c.l("")
	c.l("namespace %s;", namespace)
	c.l("")
}

func genPHP(api *API, files Files) error {
	if err := addRuntime(files, "php", phpDir, "// "); err != nil {
		return err
	}
	files["php/autoload.php"] = phpAutoload()
	for _, e := range errorClasses {
		files[phpDir+"/Exception/"+e.Name+"Exception.php"] = phpException(e)
	}
	for _, nt := range api.Types {
		files[phpDir+"/Types/"+nt.Name+".php"] = phpTypeClass(nt)
	}
	var singles []*Action
	for _, m := range api.Modes {
		if m.Single() {
			singles = append(singles, m.Actions...)
			continue
		}
		files[phpDir+"/Modes/"+pascal(m.Name)+"Mode.php"] = phpMode(m)
	}
	client, err := phpClient(api, singles)
	if err != nil {
		return err
	}
	files[phpDir+"/Client.php"] = client
	files[phpDir+"/Meta.php"] = phpMeta(api)
	return nil
}

func phpAutoload() []byte {
	c := &code{}
	c.l("<?php")
	c.WriteString(header("// "))
	c.l("")
	c.l("// Loads the SDK's classes without Composer: require this file, then use SharePanel\\Client.")
	c.l("// With Composer, its PSR-4 autoloader (composer.json) does the same.")
	c.l("")
	c.l("declare(strict_types=1);")
	c.l("")
	c.l("spl_autoload_register(static function (string $class): void {")
	c.l("    $prefix = 'SharePanel\\\\';")
	c.l("    if (strncmp($class, $prefix, strlen($prefix)) !== 0) {")
	c.l("        return;")
	c.l("    }")
	c.l("    $file = __DIR__ . '/src/' . str_replace('\\\\', '/', substr($class, strlen($prefix))) . '.php';")
	c.l("    if (is_file($file)) {")
	c.l("        require $file;")
	c.l("    }")
	c.l("});")
	return c.Bytes()
}

func phpException(e errorClass) []byte {
	c := &code{}
	phpFile(c, "SharePanel\\Exception")
	if e.Parent != "" {
		c.l("/** %s */", phpDocText(e.Doc))
		c.l("class %sException extends %sException", e.Name, e.Parent)
		c.l("{")
		c.l("}")
		return c.Bytes()
	}
	c.l("use SharePanel\\Runtime\\RateLimit;")
	c.l("")
	c.l("/**")
	c.l(" * %s", phpDocText(e.Doc))
	c.l(" *")
	c.l(" * getMessage() is the envelope's message and getCode() the HTTP status (0 when there was no")
	c.l(" * answer), also in $status. $errorCode is the envelope's machine-readable code (rate_limited,")
	c.l(" * not_found, ...): PHP's Exception already has an integer $code. $requestId is the gateway's")
	c.l(" * request ID (from the body, else the X-Request-ID header), $retryAfter the seconds Retry-After")
	c.l(" * asked for, $rateLimit the rate-limit state the answer reported.")
	c.l(" */")
	c.l("class SharePanelException extends \\RuntimeException")
	c.l("{")
	c.in("    ")
	c.l("/** @param array<string, string> $headers the answer's headers, lower-case names */")
	c.l("public function __construct(")
	c.l("    string $message,")
	c.l("    public readonly int $status = 0,")
	c.l("    public readonly ?string $errorCode = null,")
	c.l("    public readonly ?string $requestId = null,")
	c.l("    public readonly ?float $retryAfter = null,")
	c.l("    public readonly ?RateLimit $rateLimit = null,")
	c.l("    public readonly array $headers = [],")
	c.l("    ?\\Throwable $previous = null,")
	c.l(") {")
	c.l("    parent::__construct($message, $status, $previous);")
	c.l("}")
	c.l("")
	c.l("/**")
	c.l(" * The class raised for an HTTP status: another 5xx raises ServerException, another status")
	c.l(" * SharePanelException.")
	c.l(" *")
	c.l(" * @return class-string<SharePanelException>")
	c.l(" */")
	c.l("public static function classFor(int $status): string")
	c.l("{")
	c.l("    return match ($status) {")
	for _, x := range errorClasses {
		if len(x.Statuses) == 0 {
			continue
		}
		var s []string
		for _, st := range x.Statuses {
			s = append(s, fmt.Sprint(st))
		}
		c.l("        %s => %sException::class,", strings.Join(s, ", "), x.Name)
	}
	c.l("        default => $status >= 500 ? ServerException::class : self::class,")
	c.l("    };")
	c.l("}")
	c.out("    ")
	c.l("}")
	return c.Bytes()
}

// phpType is the declared type of a result value.
func phpType(t *TypeRef) string {
	var s string
	switch t.Kind {
	case TInteger:
		s = "int"
	case TNumber:
		s = "float"
	case TString:
		s = "string"
	case TBoolean:
		s = "bool"
	case TObject, TArray, TMap:
		s = "array"
	case TNamed:
		s = t.Name
	default:
		return "mixed" // includes null
	}
	if t.Nullable {
		s = "?" + s
	}
	return s
}

// phpDocType is the PHPDoc type of a result value (list<...> for arrays).
func phpDocType(t *TypeRef) string {
	var s string
	switch t.Kind {
	case TArray:
		s = "list<" + phpDocType(t.Elem) + ">"
	case TMap:
		s = "array<string, " + phpDocType(t.Elem) + ">"
	case TObject:
		s = "array<string, mixed>"
	case TInteger:
		s = "int"
		if len(t.Enum) > 0 {
			s = strings.Join(t.Enum, "|")
		}
	case TString:
		s = "string"
		if len(t.Enum) > 0 {
			var q []string
			for _, e := range t.Enum {
				q = append(q, phpQuote(e))
			}
			s = strings.Join(q, "|")
		}
	default:
		return phpType(t)
	}
	if t.Nullable {
		s += "|null"
	}
	return s
}

// phpHydrate is the expression that turns expr (decoded JSON) into a value of type t.
func phpHydrate(t *TypeRef, expr string, depth int) string {
	var inner string
	switch t.Kind {
	case TNamed:
		inner = t.Name + "::fromArray(" + expr + ")"
	case TArray, TMap:
		if !needsHydration(t.Elem) {
			return expr
		}
		v := fmt.Sprintf("$v%d", depth)
		inner = fmt.Sprintf("array_map(static fn (array %s): %s => %s, %s)", v, phpType(t.Elem), phpHydrate(t.Elem, v, depth+1), expr)
	default:
		return expr
	}
	if t.Nullable {
		return expr + " === null ? null : " + inner
	}
	return inner
}

func needsHydration(t *TypeRef) bool {
	for ; t != nil; t = t.Elem {
		if t.Kind == TNamed {
			return true
		}
	}
	return false
}

func phpTypeClass(nt *NamedType) []byte {
	c := &code{}
	phpFile(c, "SharePanel\\Types")
	c.l("/** %s */", phpDocText(nt.Doc))
	c.l("final class %s implements \\JsonSerializable", nt.Name)
	c.l("{")
	c.in("    ")
	// Required fields first: PHP wants parameters with defaults last.
	fields := slices.Clone(nt.Fields)
	slices.SortStableFunc(fields, func(a, b Field) int {
		if a.Required == b.Required {
			return 0
		}
		if a.Required {
			return -1
		}
		return 1
	})
	c.l("public function __construct(")
	for _, f := range fields {
		var doc []string
		if f.Doc != "" {
			doc = append(doc, phpDocText(f.Doc))
		}
		if dt := phpDocType(f.Type); f.Type.Kind == TArray || f.Type.Kind == TMap || f.Type.Kind == TObject || len(f.Type.Enum) > 0 {
			doc = append(doc, "@var "+dt)
		}
		if len(doc) > 0 {
			c.l("    /** %s */", strings.Join(doc, " "))
		}
		typ := phpType(f.Type)
		if f.Required {
			c.l("    public readonly %s $%s,", typ, f.Name)
			continue
		}
		if typ != "mixed" && !strings.HasPrefix(typ, "?") {
			typ = "?" + typ
		}
		c.l("    public readonly %s $%s = null,", typ, f.Name)
	}
	c.l(") {")
	c.l("}")
	c.l("")
	c.l("/** @param array<string, mixed> $data the answer's data */")
	c.l("public static function fromArray(array $data): self")
	c.l("{")
	c.l("    return new self(")
	for _, f := range fields {
		t := f.Type
		expr := "$data[" + phpQuote(f.Name) + "] ?? null"
		if needsHydration(t) {
			if !f.Required && !t.Nullable {
				t = &TypeRef{Kind: t.Kind, Name: t.Name, Elem: t.Elem, Nullable: true}
			}
			expr = phpHydrate(t, "$data["+phpQuote(f.Name)+"]", 0)
			if !f.Required {
				expr = "isset($data[" + phpQuote(f.Name) + "]) ? " + phpHydrate(f.Type, "$data["+phpQuote(f.Name)+"]", 0) + " : null"
			}
		}
		c.l("        %s: %s,", f.Name, expr)
	}
	c.l("    );")
	c.l("}")
	c.l("")
	c.l("/** @return array<string, mixed> the fields as the gateway sent them */")
	c.l("public function jsonSerialize(): array")
	c.l("{")
	c.l("    return get_object_vars($this);")
	c.l("}")
	c.out("    ")
	c.l("}")
	return c.Bytes()
}

// phpParamType is the declared type of a parameter.
func phpParamType(p Param) string {
	t := "string"
	switch p.Kind {
	case KindInt:
		t = "int"
	case KindFlag:
		t = "bool"
	case KindTime:
		t = "string|\\DateTimeInterface"
	}
	if p.Required {
		return t
	}
	if strings.Contains(t, "|") {
		return t + "|null"
	}
	return "?" + t
}

func phpParamDocType(p Param) string {
	if p.Kind != KindEnum {
		return phpParamType(p)
	}
	var q []string
	for _, e := range p.Enum {
		q = append(q, phpQuote(e))
	}
	if !p.Required {
		q = append(q, "null")
	}
	return strings.Join(q, "|")
}

// phpReserved are the SDK's own arguments, which no parameter may be named.
var phpReserved = []string{"idempotencyKey", "pageSize", "this"}

// phpSignature lists the parameters: required ones first, in table order, then the optional ones.
func phpSignature(params []Param) []string {
	var sig []string
	for _, p := range params {
		if p.Required {
			sig = append(sig, phpParamType(p)+" $"+p.Name)
		}
	}
	for _, p := range params {
		if !p.Required {
			sig = append(sig, phpParamType(p)+" $"+p.Name+" = null")
		}
	}
	return sig
}

func phpWireArray(params []Param) string {
	var parts []string
	for _, p := range params {
		parts = append(parts, phpQuote(p.Name)+" => $"+p.Name)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func phpMethods(c *code, a *Action, transport string) {
	method := camel(a.Method())
	sig := phpSignature(a.Params)
	if a.Write {
		sig = append(sig, "?string $idempotencyKey = null")
	}
	ret, retDoc := "string", "string the gateway's message"
	if a.Result != nil {
		ret, retDoc = phpType(a.Result), phpDocType(a.Result)
	}
	c.l("")
	phpDocBlock(c, a, a.Params, retDoc, false)
	phpDef(c, method, sig, ret)
	args := fmt.Sprintf("%s, %s, %s, %s", phpQuote(a.Mode.Name), phpQuote(a.Mode.Selector), phpQuote(a.Name), phpWireArray(a.Params))
	if a.Write {
		args += ", write: true, idempotencyKey: $idempotencyKey"
	}
	if a.Mode.Public {
		args += ", public: true"
	}
	if a.Result == nil {
		args += ", returnsData: false"
	}
	call := transport + "->call(" + args + ")"
	if a.Result != nil && needsHydration(a.Result) {
		c.l("    $data = %s;", call)
		c.l("    return %s;", phpHydrate(a.Result, "$data", 0))
	} else {
		c.l("    return %s;", call)
	}
	c.l("}")
	if !a.IsList() {
		return
	}
	params := a.FilterParams()
	sig = phpSignature(params)
	if a.Paged() {
		sig = append(sig, "?int $pageSize = null")
	}
	c.l("")
	phpDocBlock(c, a, params, "\\Generator<int, "+phpDocType(a.Result.Elem)+">", true)
	phpDef(c, "iter"+pascal(a.Method()), sig, "\\Generator")
	opts := "paged: false"
	if a.Paged() {
		opts = "paged: true, pageSize: $pageSize, defaultLimit: " + a.Param("limit").Default
	}
	c.l("    foreach (%s->paginate(%s, %s, %s, %s, %s) as $item) {", transport, phpQuote(a.Mode.Name), phpQuote(a.Mode.Selector), phpQuote(a.Name), phpWireArray(params), opts)
	c.l("        yield %s;", phpHydrate(a.Result.Elem, "$item", 0))
	c.l("    }")
	c.l("}")
}

// phpDef opens a method (PSR-12: the brace on its own line, or after a multi-line signature).
func phpDef(c *code, name string, sig []string, ret string) {
	if len(sig) == 0 {
		c.l("public function %s(): %s", name, ret)
		c.l("{")
		return
	}
	c.l("public function %s(", name)
	for _, s := range sig {
		c.l("    %s,", s)
	}
	c.l("): %s {", ret)
}

func phpDocBlock(c *code, a *Action, params []Param, ret string, iterator bool) {
	summary := a.Summary
	if iterator {
		summary = "Every item of " + a.ID() + ", page after page: " + lowerFirst(a.Summary)
	}
	c.l("/**")
	c.l(" * %s.", phpDocText(strings.TrimSuffix(summary, ".")))
	c.l(" *")
	c.l(" * %s", a.WireForm())
	c.l(" *")
	for _, p := range params {
		c.l(" * @param %s $%s %s", phpParamDocType(p), p.Name, phpDocText(p.ParamDoc()))
	}
	if a.Write {
		c.l(" * @param ?string $idempotencyKey the Idempotency-Key to send (default: a new UUID when retries are on)")
	}
	if iterator && a.Paged() {
		c.l(" * @param ?int $pageSize items per request (the limit parameter; default %s)", a.Param("limit").Default)
	}
	c.l(" * @return %s", ret)
	c.l(" * @throws \\SharePanel\\Exception\\SharePanelException on failure (a subclass per kind)")
	c.l(" */")
}

func phpUses(c *code, actions []*Action) {
	var names []string
	for _, a := range actions {
		for t := a.Result; t != nil; t = t.Elem {
			if t.Kind == TNamed && !slices.Contains(names, t.Name) {
				names = append(names, t.Name)
			}
		}
	}
	slices.Sort(names)
	for _, n := range names {
		c.l("use SharePanel\\Types\\%s;", n)
	}
}

func phpMode(m *Mode) []byte {
	c := &code{}
	phpFile(c, "SharePanel\\Modes")
	c.l("use SharePanel\\Runtime\\Transport;")
	phpUses(c, m.Actions)
	c.l("")
	c.l("/** mode=%s: %s. */", m.Name, strings.Join(actionNames(m), ", "))
	c.l("final class %sMode", pascal(m.Name))
	c.l("{")
	c.in("    ")
	c.l("public function __construct(private readonly Transport $transport)")
	c.l("{")
	c.l("}")
	for _, a := range m.Actions {
		phpMethods(c, a, "$this->transport")
	}
	c.out("    ")
	c.l("}")
	return c.Bytes()
}

func phpClient(api *API, singles []*Action) ([]byte, error) {
	for _, m := range api.Modes {
		for _, a := range m.Actions {
			for _, p := range a.Params {
				if slices.Contains(phpReserved, p.Name) {
					return nil, fmt.Errorf("%s: parameter %q clashes with the SDK's own argument", a.ID(), p.Name)
				}
			}
		}
	}
	c := &code{}
	phpFile(c, "SharePanel")
	c.l("use SharePanel\\Runtime\\RateLimit;")
	c.l("use SharePanel\\Runtime\\ResponseInfo;")
	c.l("use SharePanel\\Runtime\\Transport;")
	phpUses(c, singles)
	c.l("")
	c.l("/**")
	c.l(" * A client of the SharePanel user API: one method per action, grouped by mode")
	c.l(" * ($client->orgs->list(), $client->apiKeys->create(name: 'ci')); login() and search() for the")
	c.l(" * modes with a single action.")
	c.l(" */")
	c.l("final class Client")
	c.l("{")
	c.in("    ")
	for _, m := range api.Modes {
		if !m.Single() {
			c.l("public readonly Modes\\%sMode $%s;", pascal(m.Name), camel(m.Name))
		}
	}
	c.l("private readonly Transport $transport;")
	c.l("")
	c.l("/**")
	c.l(" * @param ?string $apiKey         sent as Authorization: Bearer (default: $SHAREPANEL_API_KEY)")
	c.l(" * @param ?string $baseUrl        the gateway (default: $SHAREPANEL_BASE_URL, else https://api.sharepanel.host)")
	c.l(" * @param float   $timeout        seconds one attempt may take")
	c.l(" * @param int     $maxRetries     how often a 429 or 503 is retried, honouring Retry-After (0: never)")
	c.l(" * @param float   $maxRetryWait   the most seconds one call spends waiting between its attempts")
	c.l(" * @param bool    $idempotencyKeys give every write an Idempotency-Key so that it may be retried;")
	c.l(" *                                 without one a write is never retried")
	c.l(" */")
	c.l("public function __construct(")
	c.l("    ?string $apiKey = null,")
	c.l("    ?string $baseUrl = null,")
	c.l("    float $timeout = 30.0,")
	c.l("    int $maxRetries = 2,")
	c.l("    float $maxRetryWait = 30.0,")
	c.l("    bool $idempotencyKeys = true,")
	c.l(") {")
	c.l("    $this->transport = new Transport($apiKey, $baseUrl, $timeout, max(0, $maxRetries), max(0.0, $maxRetryWait), $idempotencyKeys);")
	for _, m := range api.Modes {
		if !m.Single() {
			c.l("    $this->%s = new Modes\\%sMode($this->transport);", camel(m.Name), pascal(m.Name))
		}
	}
	c.l("}")
	c.l("")
	c.l("/** The API key calls are made with. */")
	c.l("public function apiKey(): ?string")
	c.l("{")
	c.l("    return $this->transport->apiKey;")
	c.l("}")
	c.l("")
	c.l("/** Sets the API key calls are made with (after login()). */")
	c.l("public function setApiKey(?string $apiKey): void")
	c.l("{")
	c.l("    $this->transport->apiKey = $apiKey;")
	c.l("}")
	c.l("")
	c.l("public function baseUrl(): string")
	c.l("{")
	c.l("    return $this->transport->baseUrl;")
	c.l("}")
	c.l("")
	c.l("/** The rate-limit state of the latest answer that reported one (null before any). */")
	c.l("public function rateLimit(): ?RateLimit")
	c.l("{")
	c.l("    return $this->transport->rateLimit;")
	c.l("}")
	c.l("")
	c.l("/** Status, request ID, attempts, rate limit and paging headers of the last answer. */")
	c.l("public function lastResponse(): ?ResponseInfo")
	c.l("{")
	c.l("    return $this->transport->lastResponse;")
	c.l("}")
	for _, a := range singles {
		phpMethods(c, a, "$this->transport")
	}
	c.out("    ")
	c.l("}")
	return c.Bytes(), nil
}

func phpMeta(api *API) []byte {
	c := &code{}
	phpFile(c, "SharePanel")
	c.l("/**")
	c.l(" * The API as data: every action, with the client property and method that call it. Result")
	c.l(" * descriptors: a type name, T[] for a list, a trailing ? for null.")
	c.l(" */")
	c.l("final class Meta")
	c.l("{")
	c.l("    public const ACTIONS = [")
	for _, m := range api.Modes {
		for _, a := range m.Actions {
			prop := camel(m.Name)
			if m.Single() {
				prop = ""
			}
			params, required := a.quotedParams(phpQuote)
			result, iter := "null", "null"
			if a.Result != nil {
				result = phpQuote(a.Result.Descriptor())
			}
			if a.IsList() {
				iter = phpQuote("iter" + pascal(a.Method()))
			}
			c.l("        [")
			c.l("            'mode' => %s, 'selector' => %s, 'action' => %s,", phpQuote(m.Name), phpQuote(m.Selector), phpQuote(a.Name))
			c.l("            'property' => %s, 'method' => %s, 'iterator' => %s,", phpQuote(prop), phpQuote(camel(a.Method())), iter)
			c.l("            'write' => %t, 'public' => %t, 'paged' => %t,", a.Write, m.Public, a.Paged())
			c.l("            'params' => [%s], 'required' => [%s], 'result' => %s,", strings.Join(params, ", "), strings.Join(required, ", "), result)
			c.l("        ],")
		}
	}
	c.l("    ];")
	c.l("}")
	return c.Bytes()
}
