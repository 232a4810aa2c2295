package handlers

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"sharepanel/handlers/httpkit"
	"sharepanel/models"
	"sharepanel/ratelimit"
	"sharepanel/wire"
)

// serve is the whole /api pipeline, in the order a request meets it:
// body (bounded) → parameters → mode and action → method → key → rate limit → suspension →
// payload → permission → parameter checks → handler. Usage is recorded for every request
// whose key resolved, off the request path.
func (a *API) serve(c echo.Context) error {
	start := time.Now()
	r := c.Request()
	switch r.Method {
	case http.MethodGet, http.MethodPost, http.MethodHead:
	default:
		c.Response().Header().Set("Allow", "GET, POST, OPTIONS")
		return wire.Errorf(wire.EMETHOD, "Method not allowed. Use GET or POST")
	}

	body, err := a.readBody(c)
	if err != nil {
		return err
	}
	raw, err := parseParams(r, body)
	if err != nil {
		return err
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

	call := &Call{Context: c, IP: c.RealIP()}
	c.SetRequest(r.WithContext(models.WithClientIP(r.Context(), call.IP)))
	if !rt.mode.Public {
		var status int
		defer func() { a.recordUsage(call, c, status, start) }()
		err := a.authorize(call, raw, action, int64(len(body)))
		if err == nil {
			err = a.run(call, action, raw)
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
	return a.run(call, action, raw)
}

// run checks the parameters and calls the handler.
func (a *API) run(call *Call, action *Action, raw Params) error {
	params, err := checkParams(action, raw)
	if err != nil {
		return err
	}
	call.params = params
	reply, err := action.Handle(a, call)
	if err != nil {
		return err
	}
	if reply.Page != nil {
		writePaging(call, action, raw, *reply.Page)
	}
	return success(call, reply.Message, reply.Data)
}

// readBody reads the body, never more than the largest plan's maximum payload: before the key is
// known, that is all anyone may send.
func (a *API) readBody(c echo.Context) ([]byte, error) {
	if r := c.Request(); r.ContentLength == 0 && (r.Body == nil || r.Body == http.NoBody) {
		return nil, nil // most calls are GETs: nothing to read, nothing to allocate
	}
	largest, err := a.Store.Plans.LargestPayload(c.Request().Context())
	if err != nil {
		return nil, err
	}
	r := c.Request()
	tooLarge := func() error {
		return wire.Errorf(wire.ETOOLARGE, "Payload too large. No plan accepts more than %s", formatBytes(largest))
	}
	if r.ContentLength > largest {
		return nil, tooLarge()
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, largest+1))
	if err != nil {
		return nil, wire.Errorf(wire.EINVALID, "Could not read the request body")
	}
	if int64(len(body)) > largest {
		return nil, tooLarge()
	}
	return body, nil
}

// lookup finds the mode and action the parameters name in the dispatch table.
func lookup(c echo.Context, p Params) (route, error) {
	modeName := strings.TrimSpace(p["mode"])
	m, ok := dispatch.modes[modeName]
	if !ok {
		return route{}, wire.Errorf(wire.EINVALID, "%s", dispatch.invalidMode)
	}
	c.Set("mode", modeName)
	name := ""
	if m.mode.Selector != "" {
		name = strings.TrimSpace(p[m.mode.Selector])
		if name == "" {
			name = m.mode.Default
		}
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

// authorize resolves the key and applies the caller's rate limit, suspension, payload cap and the
// key's permissions.
func (a *API) authorize(call *Call, raw Params, action *Action, bodySize int64) error {
	ctx := call.Ctx()
	secret := apiKeyFrom(call.Request(), raw)
	if secret == "" || len(secret) > 256 {
		return wire.Errorf(wire.EUNAUTHORIZED, "Invalid or expired API key")
	}
	p, err := a.Store.Keys.Resolve(ctx, secret)
	if err != nil {
		return err
	}
	call.Caller = p
	plan, err := a.Store.Plans.Limits(ctx, p.PlanID)
	if err != nil {
		return err
	}
	decision, err := a.Limiter.Allow(ctx, limiterKey(p.UserID), ratelimit.Limits{PerMinute: plan.RequestsPerMinute, PerDay: plan.RequestsPerDay})
	observeLimit(a.Metrics, decision, err)
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
	if bodySize > plan.MaxPayloadBytes {
		return wire.Errorf(wire.ETOOLARGE, "Payload too large. The %s plan accepts at most %s", plan.Name, formatBytes(plan.MaxPayloadBytes))
	}
	if action.Write && !p.CanWrite {
		return wire.Errorf(wire.EFORBIDDEN, "This API key does not have write permission")
	}
	if !action.Write && !p.CanRead {
		return wire.Errorf(wire.EFORBIDDEN, "This API key does not have read permission")
	}
	return nil
}

// limiterKey is the rate-limit bucket of an account: every key of an account shares its plan's limits.
func limiterKey(userID int64) string { return "u:" + strconv.FormatInt(userID, 10) }

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
		Status: status, Duration: time.Since(start), At: start})
}

// formatBytes writes a size as the plans table does: "1 MB (1048576 bytes)".
func formatBytes(n int64) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MB (%d bytes)", n>>20, n)
	}
	return fmt.Sprintf("%d bytes", n)
}
