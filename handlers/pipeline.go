package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"sharepanel/handlers/httpkit"
	"sharepanel/models"
	"sharepanel/ratelimit"
	"sharepanel/wire"
)

// serve is the whole /api pipeline, in the order a request meets it:
// body head (bounded) → parameters → mode and action → method → key → rate limit → suspension →
// payload → permission → the rest of the body → parameter checks → handler. Usage is recorded for
// every request whose key resolved, off the request path.
func (a *API) serve(c echo.Context) error {
	start := time.Now()
	r := c.Request()
	switch r.Method {
	case http.MethodGet, http.MethodPost, http.MethodHead:
	default:
		c.Response().Header().Set("Allow", "GET, POST, OPTIONS")
		return wire.Errorf(wire.EMETHOD, "Method not allowed. Use GET or POST")
	}

	defer a.Bodies.Release(c)
	body, err := a.readHead(c)
	if err != nil {
		return err
	}
	var raw Params
	if body.complete {
		raw, err = parseParams(r, body.data)
		if err != nil {
			return err
		}
	} else {
		raw = headParams(r, body.data)
	}
	rt, err := lookup(c, raw)
	if err != nil {
		return err
	}
	action := rt.action
	if action.Write && r.Method != http.MethodPost {
		c.Response().Header().Set("Allow", "POST")
		return wire.Errorf(wire.EMETHOD, "Method not allowed. Use POST for this action")
	}
	if action.Secret {
		noStore(c)
	}

	call := &Call{Context: c, IP: c.RealIP()}
	c.SetRequest(r.WithContext(models.WithClientIP(r.Context(), call.IP)))
	if rt.mode.Public {
		if r.Method == http.MethodHead {
			// A HEAD answer has no body: a key it made would be lost.
			c.Response().Header().Set("Allow", "GET, POST")
			return wire.Errorf(wire.EMETHOD, "Method not allowed. Use GET or POST")
		}
		if !body.complete {
			return wire.Errorf(wire.ETOOLARGE, "Payload too large. Requests without an API key may send at most %s", formatBytes(HeadLimit))
		}
		return a.run(call, action, raw)
	}
	var status int
	defer func() { a.recordUsage(call, c, status, start) }()
	err = a.authorize(call, raw, rt, body)
	if err == nil && !body.complete {
		raw, err = a.readAll(call, raw, rt, body)
	}
	if err == nil {
		err = a.runKeyed(call, rt, raw)
	}
	status = c.Response().Status
	if err != nil {
		status = httpkit.FailureOf(err, nil).Status
		if httpkit.ClientGone(c, err) {
			status = statusClientClosed
		}
	}
	return err
}

// readAll reads the rest of a body larger than the head, up to the caller's plan's maximum payload,
// and parses it whole. The mode, the action and the key it names must be those the head named:
// they were checked on the head's.
func (a *API) readAll(call *Call, head Params, rt route, b *body) (Params, error) {
	plan, err := a.Store.Plans.Limits(call.Ctx(), call.Caller.PlanID)
	if err != nil {
		return nil, err
	}
	if err := b.readRest(plan.MaxPayloadBytes, func() error { return errPlanPayload(plan) }); err != nil {
		return nil, err
	}
	raw, err := parseParams(call.Request(), b.data)
	if err != nil {
		return nil, err
	}
	for _, name := range []string{"mode", rt.mode.Selector, "api_key"} {
		if name != "" && raw[name] != head[name] {
			return nil, wire.Errorf(wire.EINVALID, "%s must be in the query string or the first %s of the body", name, formatBytes(HeadLimit))
		}
	}
	return raw, nil
}

// noStore keeps an answer that carries a secret (a key) out of every cache.
func noStore(c echo.Context) {
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
}

// run checks the parameters and calls the handler: the public modes (no key).
func (a *API) run(call *Call, action *Action, raw Params) error {
	params, err := checkParams(action, raw)
	if err != nil {
		return err
	}
	call.params = params
	return a.handle(call, action, raw)
}

// runKeyed checks the parameters and calls the handler of a keyed request: at most once per
// Idempotency-Key for an action that changes data (idempotency.go).
func (a *API) runKeyed(call *Call, rt route, raw Params) error {
	params, err := checkParams(rt.action, raw)
	if err != nil {
		return err
	}
	call.params = params
	if rt.action.Write {
		key, err := idempotencyKeyOf(call.Request())
		if err != nil {
			return err
		}
		if key != "" {
			return a.once(call, rt, raw, key)
		}
	}
	return a.handle(call, rt.action, raw)
}

// handle calls the handler and writes its answer: the envelope, with a list's paging headers and a
// read's ETag (or a 304 when the client has that answer already: conditional.go).
func (a *API) handle(call *Call, action *Action, raw Params) error {
	reply, err := action.Handle(a, call)
	if err != nil {
		return err
	}
	if reply.Page != nil {
		writePaging(call, a.PublicURL, action, raw, *reply.Page)
	}
	if !action.Write && !action.Secret && reply.Data != nil {
		return successETag(call, reply.Message, reply.Data)
	}
	return success(call, reply.Message, reply.Data)
}

// lookup finds the mode and action in the dispatch table: from the path in the path form
// (/api/<mode>/<action>, /api/<mode>), which then wins over any mode or selector parameter, else
// from the parameters, as the reference has it.
func lookup(c echo.Context, p Params) (route, error) {
	pathMode, pathAction := c.Param("mode"), c.Param("action")
	modeName := strings.TrimSpace(p["mode"])
	if pathMode != "" {
		modeName = pathMode
	}
	m, ok := dispatch.modes[modeName]
	if !ok {
		return route{}, wire.Errorf(wire.EINVALID, "%s", dispatch.invalidMode)
	}
	c.Set("mode", modeName)
	name := ""
	switch {
	case pathMode != "":
		name = pathAction
	case m.mode.Selector != "":
		name = strings.TrimSpace(p[m.mode.Selector])
	}
	if name == "" && m.mode.Selector != "" {
		name = m.mode.Default
	}
	r, ok := m.actions[name]
	if !ok {
		return route{}, wire.Errorf(wire.EINVALID, "Invalid action for %s mode", modeName)
	}
	c.Set("action", name)
	c.Set("endpoint", r.endpoint)
	return r, nil
}

// apiKeyFrom returns the key from the api_key parameter, Authorization: Bearer, or X-API-Key.
func apiKeyFrom(r *http.Request, p Params) string {
	if k := strings.TrimSpace(p["api_key"]); k != "" {
		return k
	}
	if k := httpkit.BearerToken(r); k != "" {
		return k
	}
	return strings.TrimSpace(r.Header.Get("X-API-Key"))
}

// authorize resolves the key, refuses it from an address outside its allowlist, and applies the
// caller's rate limit, suspension, payload cap and the key's permissions and scopes. A key that the
// cache cannot answer is looked up only while the client's address has not failed too many
// lookups (KeyLookups).
func (a *API) authorize(call *Call, raw Params, rt route, b *body) error {
	ctx := call.Ctx()
	action := rt.action
	p, err := a.resolveKey(call, apiKeyFrom(call.Request(), raw))
	if err != nil {
		if wire.ErrorCode(err) == wire.EUNAUTHORIZED {
			if ferr := a.KeyLookups.Failed(ctx, call.IP); ferr != nil {
				a.Log.Warn("counting a failed key lookup failed", "err", ferr)
			}
		}
		return err
	}
	call.Caller = p // from here on the request is the key's usage, whatever its answer
	if p.AllowedIPs != nil && !p.AllowsIP(call.IP) {
		// Before anything else is done for it: a leaked key used from elsewhere costs its account
		// nothing, not even a request of its limits.
		observeKeyRefusal(a.Metrics, "ip")
		call.uncharged = true
		return wire.Errorf(wire.EFORBIDDEN, "This API key may not be used from %s", shownIP(call.IP))
	}
	plan, err := a.Store.Plans.Limits(ctx, p.PlanID)
	if err != nil {
		return err
	}
	decision, err := a.allow(ctx, limiterKey(p.UserID), ratelimit.Limits{PerMinute: plan.RequestsPerMinute, PerDay: plan.RequestsPerDay})
	if err != nil {
		return err // ratelimit.ErrUnavailable is already the 503 it should be
	}
	decision.WriteHeaders(call.Response().Header())
	decision.WriteIETFHeaders(call.Response().Header(), time.Now())
	if !decision.Allowed {
		return wire.Errorf(wire.ERATELIMITED, "Rate limit exceeded. Please try again later.")
	}
	if p.Suspended {
		return wire.Errorf(wire.EFORBIDDEN, "Account suspended")
	}
	if b.size() > plan.MaxPayloadBytes {
		return errPlanPayload(plan)
	}
	if action.Write && !p.CanWrite {
		return wire.Errorf(wire.EFORBIDDEN, "This API key does not have write permission")
	}
	if !action.Write && !p.CanRead {
		return wire.Errorf(wire.EFORBIDDEN, "This API key does not have read permission")
	}
	if p.Scopes != nil {
		if err := p.Scopes.Check(rt.mode.Name, action.Write); err != nil {
			observeKeyRefusal(a.Metrics, "scope")
			return err
		}
	}
	return nil
}

// shownIP is a client address as a message may show it: an address, or a placeholder for anything
// else a trusted proxy may have sent.
func shownIP(ip string) string {
	if a, err := netip.ParseAddr(ip); err == nil {
		return a.WithZone("").Unmap().String()
	}
	return "an address that is not an IP address"
}

// allow charges the request to the caller's limits, in a span of its own when tracing is on, and
// reports the decision to the metrics.
func (a *API) allow(ctx context.Context, key string, limits ratelimit.Limits) (ratelimit.Decision, error) {
	var span trace.Span
	if a.Tracer != nil {
		ctx, span = a.Tracer.Start(ctx, "ratelimit.allow")
	}
	d, err := a.Limiter.Allow(ctx, key, limits)
	observeLimit(a.Metrics, "requests", d, err)
	if span != nil {
		span.SetAttributes(attribute.String("sharepanel.ratelimit.backend", d.Backend), attribute.Bool("sharepanel.ratelimit.allowed", d.Allowed))
		if err != nil {
			span.RecordError(err)
			span.SetStatus(codes.Error, "limiter failed")
		}
		span.End()
	}
	return d, err
}

// keyLookupAllowed refuses, with 429 and Retry-After, a key lookup from an address that has
// failed too many.
func (a *API) keyLookupAllowed(call *Call) error {
	d, err := a.KeyLookups.Allow(call.Ctx(), call.IP)
	if err != nil || d.Allowed {
		return err
	}
	d.WriteHeaders(call.Response().Header())
	return wire.Errorf(wire.ERATELIMITED, "Too many invalid API keys from this address. Please try again later.")
}

// errPlanPayload is the answer to a body over the caller's plan's maximum.
func errPlanPayload(plan models.PlanLimits) error {
	return wire.Errorf(wire.ETOOLARGE, "Payload too large. The %s plan accepts at most %s", plan.Name, formatBytes(plan.MaxPayloadBytes))
}

// resolveKey is the key-resolution path: who the key belongs to, or 401. A secret that cannot be a
// key — none, too long, another shape, a checksum that does not match — is refused here without
// any lookup (models.KeyLooksValid), so a forged key of today's shape costs nothing; only keys of
// the shape issued before checksums can cost a database query, and those are throttled per client
// address (keyLookupAllowed, asked only when the key cache has no entry for the key).
func (a *API) resolveKey(call *Call, secret string) (*models.Principal, error) {
	if secret == "" || len(secret) > 256 || !models.KeyLooksValid(secret) {
		return nil, wire.Errorf(wire.EUNAUTHORIZED, "Invalid or expired API key")
	}
	return a.Store.Keys.ResolveGated(call.Ctx(), secret, func() error { return a.keyLookupAllowed(call) })
}

// limiterKey is the rate-limit bucket of an account: every key of an account shares its plan's limits.
func limiterKey(userID int64) string { return "u:" + strconv.FormatInt(userID, 10) }

// UsageToday is the request limiter's seed (ratelimit.FailoverOptions.Seed): today's requests of
// the account behind a limiter key, as the database has them.
func UsageToday(store *models.Store) func(ctx context.Context, key string) (int64, error) {
	return func(ctx context.Context, key string) (int64, error) {
		id, err := strconv.ParseInt(strings.TrimPrefix(key, "u:"), 10, 64)
		if err != nil || !strings.HasPrefix(key, "u:") {
			return 0, fmt.Errorf("not an account's limiter key: %q", key)
		}
		return store.RequestsToday(ctx, id)
	}
}

// statusClientClosed is how usage records a request whose client went away before its answer (its
// context canceled): nginx's 499 "client closed request". It is not the server's error (500), and
// it still counts among the errors (≥ 400), as it did.
const statusClientClosed = 499

// recordUsage hands the request to the usage recorder; refused (429) requests are not usage.
func (a *API) recordUsage(call *Call, c echo.Context, status int, start time.Time) {
	if call.Caller == nil || a.Usage == nil || status == http.StatusTooManyRequests {
		return
	}
	endpoint, _ := c.Get("endpoint").(string)
	a.Usage.Record(models.UsageRecord{UserID: call.Caller.UserID, KeyID: call.Caller.KeyID, Endpoint: endpoint,
		Status: status, Duration: time.Since(start), At: start, Uncharged: call.uncharged})
}

// formatBytes writes a size as the plans table does: "1 MB (1048576 bytes)".
func formatBytes(n int64) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MB (%d bytes)", n>>20, n)
	}
	return fmt.Sprintf("%d bytes", n)
}
