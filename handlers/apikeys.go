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

// apiKeysCreate makes a key with at most the calling key's permissions and lifetime (by default,
// the same): a key cannot mint a stronger one.
func (a *API) apiKeysCreate(c *Call) (Reply, error) {
	perms, expires, err := c.Caller.Grant(c.Str("permissions"), c.Time("expires_at"))
	if err != nil {
		return Reply{}, err
	}
	name := c.Str("name")
	if name == "" {
		name = "New API Key"
	}
	secret, _, err := a.Store.CreateAPIKey(c.Ctx(), c.UserID(), models.NewKey{Name: name, Permissions: perms, ExpiresAt: expires, Via: "api"})
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
