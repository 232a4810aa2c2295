package handlers

import (
	"strings"

	"sharepanel/models"
	"sharepanel/ratelimit"
	"sharepanel/wire"
)

// authLogin is mode=auth: email and password, or an autologin token from the admin API, for a new
// API key. It is limited per client IP, and failed logins per email, so that guessing passwords is
// slow.
func (a *API) authLogin(c *Call) (Reply, error) {
	ctx := c.Ctx()
	email, password := strings.TrimSpace(c.Str("email")), c.Str("password")
	d, err := a.Login.CheckIP(ctx, c.IP)
	if err := a.loginRefused(c, d, err); err != nil {
		return Reply{}, err
	}
	if token := strings.TrimSpace(c.Str("autologin_token")); token != "" {
		secret, err := a.Store.RedeemAutologin(ctx, token, c.Str("name"))
		if err != nil {
			return Reply{}, err
		}
		return ok("Authentication successful", authData{APIKey: secret})
	}
	if email == "" || password == "" {
		return Reply{}, wire.Errorf(wire.EINVALID, "Email and password are required")
	}
	// The limits count the identity as the database compares it: every spelling of an email that
	// reaches an account shares that account's budget.
	identity, err := models.IdentityKey("email", email)
	if err != nil {
		return Reply{}, err
	}
	d, err = a.Login.CheckLogin(ctx, identity)
	if err := a.loginRefused(c, d, err); err != nil {
		return Reply{}, err
	}
	secret, err := a.Store.Login(ctx, identity, password, c.Str("name"))
	if err != nil {
		if wire.ErrorCode(err) == wire.EUNAUTHORIZED {
			if ferr := a.Login.RecordFailedLogin(ctx, identity); ferr != nil {
				a.Log.Warn("recording a failed login failed", "err", ferr)
			}
		}
		return Reply{}, err
	}
	return ok("Authentication successful", authData{APIKey: secret})
}

// loginRefused turns a login-limit decision into headers and, when refused, a 429.
func (a *API) loginRefused(c *Call, d ratelimit.Decision, err error) error {
	observeLimit(a.Metrics, "logins", d, err)
	if err != nil {
		return err // ratelimit.ErrUnavailable is already the 503 it should be
	}
	if !d.Allowed {
		d.WriteHeaders(c.Response().Header())
		return wire.Errorf(wire.ERATELIMITED, "Rate limit exceeded. Please try again later.")
	}
	return nil
}
