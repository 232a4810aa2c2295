package admin

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"sharepanel/handlers/httpkit"
	"sharepanel/models"
)

// auditInfo is what a handler says about its action for the audit log. Details never hold a
// password or a token.
type auditInfo struct {
	Action  string
	Target  string
	Details map[string]any
}

const auditKey = "audit"

// setAudit names the request's action in the audit log. Handlers call it before they validate
// anything, so that refused attempts are recorded under the right name too.
func setAudit(c echo.Context, action, target string, details map[string]any) {
	c.Set(auditKey, &auditInfo{Action: action, Target: target, Details: details})
}

// addAuditDetail adds a detail to the request's audit entry (e.g. the ID of what it created).
func addAuditDetail(c echo.Context, key string, value any) {
	if info, ok := c.Get(auditKey).(*auditInfo); ok {
		if info.Details == nil {
			info.Details = map[string]any{}
		}
		info.Details[key] = value
	}
}

// audit records every administrator action, successful or not, with its HTTP status: every
// request that changes something, and reads a handler marks (a backup export, a login). It is
// written after the handler, in its own statement, and with a context that outlives the request:
// a change that committed is recorded even if the client has gone away.
func (s *server) audit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		info, marked := c.Get(auditKey).(*auditInfo)
		method := c.Request().Method
		changes := method != http.MethodGet && method != http.MethodHead && method != http.MethodOptions
		if !marked && (!changes || adminName(c) == "") {
			return err
		}
		if !marked {
			info = &auditInfo{Action: method + " " + c.Path(), Target: c.Request().URL.Path}
		}
		status := c.Response().Status
		if err != nil {
			status = httpkit.FailureOf(err, echoMessages).Status
		}
		ctx := context.WithoutCancel(c.Request().Context())
		rerr := s.Store.RecordAudit(ctx, models.NewAudit{Admin: adminName(c), Action: info.Action, Target: info.Target,
			Status: status, Details: info.Details, IP: c.RealIP()})
		if rerr != nil {
			s.Log.Error("writing the audit log failed", "request_id", c.Response().Header().Get(echo.HeaderXRequestID), "err", rerr)
		}
		return err
	}
}

// auditLog is GET /api/admin/log: the audit log, newest first, paged (limit, offset), optionally
// filtered by admin and action.
func (s *server) auditLog(c echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	entries, total, err := s.Store.ListAudit(c.Request().Context(),
		models.AuditFilter{Admin: c.QueryParam("admin"), Action: c.QueryParam("action")}, p)
	if err != nil {
		return err
	}
	return list(c, entries, total)
}
