package admin

import (
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"sharepanel/models"
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
	b, err := readBody(c)
	if err != nil {
		return err
	}
	email, err := b.required("email")
	if err != nil {
		return err
	}
	password, err := b.required("password")
	if err != nil {
		return err
	}
	username, _, err := b.str("username")
	if err != nil {
		return err
	}
	plan, _, err := b.str("plan_name")
	if err != nil {
		return err
	}
	setAudit(c, "user_create", userTarget(username), map[string]any{"email": email, "plan_name": plan})
	u, err := s.Store.CreateAccount(c.Request().Context(), models.NewUser{Email: email, Username: username, Password: password, PlanName: plan})
	if err != nil {
		return err
	}
	setAudit(c, "user_create", userTarget(u.Username), map[string]any{"email": u.Email, "plan_name": plan, "user_id": u.ID})
	return message(c, "Successfully added user "+u.Username)
}

// patchUser is PATCH /api/users/USERNAME: {"action": "suspend" | "unsuspend"} or {"password": …}.
func (s *server) patchUser(c echo.Context) error {
	username := strings.ToLower(c.Param("username"))
	setAudit(c, "user_update", userTarget(username), nil)
	b, err := readBody(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	switch {
	case b.has("action") && b.has("password"):
		return models.Errorf(models.EINVALID, "Send either action or password, not both")
	case b.has("password"):
		setAudit(c, "user_password", userTarget(username), nil)
		password, err := b.required("password")
		if err != nil {
			return err
		}
		if err := s.Store.SetAccountPassword(ctx, username, password); err != nil {
			return err
		}
		return message(c, "Password changed for user "+username)
	case b.has("action"):
		action, _, err := b.str("action")
		if err != nil {
			return err
		}
		action = strings.ToLower(strings.TrimSpace(action))
		if action != "suspend" && action != "unsuspend" {
			return models.Errorf(models.EINVALID, "Invalid action. Allowed values: suspend, unsuspend")
		}
		setAudit(c, "user_"+action, userTarget(username), nil)
		if err := s.Store.SetSuspended(ctx, username, action == "suspend"); err != nil {
			return err
		}
		return message(c, "User "+username+" "+action+"ed")
	}
	return models.Errorf(models.EINVALID, `Send {"action": "suspend"}, {"action": "unsuspend"} or {"password": "..."}`)
}

// changePlan is PUT /api/users/USERNAME: {"plan_name": …}.
func (s *server) changePlan(c echo.Context) error {
	username := strings.ToLower(c.Param("username"))
	setAudit(c, "user_plan", userTarget(username), nil)
	b, err := readBody(c)
	if err != nil {
		return err
	}
	plan, err := b.required("plan_name")
	if err != nil {
		return err
	}
	plan = strings.ToLower(strings.TrimSpace(plan))
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
		AutologinURL: consoleURL(s.PublicURL, secret), ExpiresAt: models.DateTime(expires), ExpiresIn: int64(models.AutologinTTL / time.Second)})
}
