package admin

import (
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"sharepanel/models"
	"sharepanel/wire"
)

// listUsers is GET /api/users: accounts, oldest first, paged (limit, offset), optionally filtered
// by status (active, suspended), plan and search (part of the username or email).
func (s *server) listUsers(c echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	f := models.AccountFilter{Status: strings.ToLower(c.QueryParam("status")), Plan: c.QueryParam("plan"), Search: c.QueryParam("search")}
	accounts, total, err := s.Store.ListAccounts(c.Request().Context(), f, p)
	if err != nil {
		return err
	}
	return list(c, accounts, total)
}

// getUser is GET /api/users/USERNAME: one account.
func (s *server) getUser(c echo.Context) error {
	a, err := s.Store.AccountByUsername(c.Request().Context(), c.Param("username"))
	if err != nil {
		return err
	}
	return ok(c, a)
}

// createUser is POST /api/users: {email, username, password, plan_name}. plan_name defaults to the
// default_plan setting, username to one made from the email.
func (s *server) createUser(c echo.Context) error {
	setAudit(c, "user_create", "", nil)
	var b newUserBody
	if _, err := decodeBody(c, &b); err != nil {
		return err
	}
	setAudit(c, "user_create", userTarget(b.Username), map[string]any{"email": b.Email, "plan_name": b.PlanName})
	u, err := s.Store.CreateAccount(c.Request().Context(), models.NewAccount{Email: b.Email, Username: b.Username, Password: b.Password, PlanName: b.PlanName})
	if err != nil {
		return err
	}
	setAudit(c, "user_create", userTarget(u.Username), map[string]any{"email": u.Email, "plan_name": b.PlanName, "user_id": u.ID})
	return message(c, "Successfully added user "+u.Username)
}

// patchUser is PATCH /api/users/USERNAME: {"action": "suspend" | "unsuspend"} or {"password": …}.
func (s *server) patchUser(c echo.Context) error {
	username := strings.ToLower(c.Param("username"))
	setAudit(c, "user_update", userTarget(username), nil)
	f, err := readFields(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	switch {
	case f.has("action") && f.has("password"):
		return wire.Errorf(wire.EINVALID, "Send either action or password, not both")
	case f.has("password"):
		setAudit(c, "user_password", userTarget(username), nil)
		var b passwordBody
		if err := f.bind(&b); err != nil {
			return err
		}
		if err := s.Store.SetAccountPassword(ctx, username, b.Password); err != nil {
			return err
		}
		return message(c, "Password changed for user "+username)
	case f.has("action"):
		var b suspendBody
		if err := f.bind(&b); err != nil {
			return err
		}
		action := strings.ToLower(strings.TrimSpace(b.Action))
		if action != "suspend" && action != "unsuspend" {
			return wire.Errorf(wire.EINVALID, "Invalid action. Allowed values: suspend, unsuspend")
		}
		setAudit(c, "user_"+action, userTarget(username), nil)
		if err := s.Store.SetSuspended(ctx, username, action == "suspend"); err != nil {
			return err
		}
		return message(c, "User "+username+" "+action+"ed")
	}
	return wire.Errorf(wire.EINVALID, `Send {"action": "suspend"}, {"action": "unsuspend"} or {"password": "..."}`)
}

// changePlan is PUT /api/users/USERNAME: {"plan_name": …}.
func (s *server) changePlan(c echo.Context) error {
	username := strings.ToLower(c.Param("username"))
	setAudit(c, "user_plan", userTarget(username), nil)
	var b planChangeBody
	if _, err := decodeBody(c, &b); err != nil {
		return err
	}
	plan := strings.ToLower(strings.TrimSpace(b.PlanName))
	addAuditDetail(c, "plan_name", plan)
	if err := s.Store.ChangeAccountPlan(c.Request().Context(), username, plan); err != nil {
		return err
	}
	return message(c, "Plan of user "+username+" changed to "+plan)
}

// deleteUser is DELETE /api/users/USERNAME: the account and everything it owns.
func (s *server) deleteUser(c echo.Context) error {
	username := strings.ToLower(c.Param("username"))
	setAudit(c, "user_delete", userTarget(username), nil)
	if err := s.Store.DeleteAccount(c.Request().Context(), username); err != nil {
		return err
	}
	return message(c, "User "+username+" deleted")
}

// autologin is CONNECT /api/users/USERNAME (and POST /api/users/USERNAME/autologin, for clients that
// cannot send CONNECT): a one-time token that the user API exchanges, within 60 seconds, for an API
// key: /api?mode=auth&autologin_token=….
func (s *server) autologin(c echo.Context) error {
	username := strings.ToLower(c.Param("username"))
	setAudit(c, "user_autologin", userTarget(username), nil)
	secret, expires, err := s.Store.CreateAutologinToken(c.Request().Context(), username)
	if err != nil {
		return err
	}
	return ok(c, autologinAnswer{Message: "Autologin token created for user " + username, AutologinToken: secret,
		AutologinURL: consoleURL(s.PublicURL, secret), ExpiresAt: wire.DateTime(expires), ExpiresIn: int64(models.AutologinTTL / time.Second)})
}
