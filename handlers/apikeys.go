package handlers

import (
	"sharepanel/models"
)

func (a *API) apiKeysList(c *Call) (Reply, error) {
	keys, total, err := a.Store.ListAPIKeys(c.Ctx(), c.UserID(), c.Page())
	if err != nil {
		return Reply{}, err
	}
	return listed("API keys retrieved successfully", keys, c.Page(), total, false)
}

// apiKeysCreate makes a key with at most the calling key's permissions, lifetime, allowlist and
// scopes (by default, the same): a key cannot mint a stronger one.
func (a *API) apiKeysCreate(c *Call) (Reply, error) {
	req := models.KeyRequest{Name: c.Str("name"), Permissions: c.Str("permissions"), ExpiresAt: c.Time("expires_at"), ScopeModes: a.scopeModes}
	if req.Name == "" {
		req.Name = "New API Key"
	}
	var err error
	if req.AllowedIPs, err = models.ParseAllowlist(c.Str("allowed_ips")); err != nil {
		return Reply{}, err
	}
	if req.Scopes, err = models.ParseScopes(c.Str("scopes"), a.scopeModes); err != nil {
		return Reply{}, err
	}
	key, err := c.Caller.Grant(req)
	if err != nil {
		return Reply{}, err
	}
	secret, _, err := a.Store.CreateAPIKey(c.Ctx(), c.UserID(), key)
	if err != nil {
		return Reply{}, err
	}
	return ok("API key created successfully", authData{APIKey: secret})
}

func (a *API) apiKeysDelete(c *Call) (Reply, error) {
	if err := a.Store.DeleteAPIKey(c.Ctx(), c.UserID(), c.Int("key_id")); err != nil {
		return Reply{}, err
	}
	return ok("API key deleted successfully", nil)
}

func (a *API) apiKeysUsage(c *Call) (Reply, error) {
	u, err := a.Store.KeyUsageOf(c.Ctx(), c.UserID(), c.Int("key_id"))
	if err != nil {
		return Reply{}, err
	}
	return ok("API key usage retrieved successfully", u)
}
