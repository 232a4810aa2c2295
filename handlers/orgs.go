package handlers

import "sharepanel/models"

func (a *API) orgsList(c *Call) (Reply, error) {
	orgs, total, err := a.Store.ListOrgs(c.Ctx(), c.UserID(), c.Page())
	if err != nil {
		return Reply{}, err
	}
	return listed("Organizations retrieved successfully", orgs, c.Page(), total, false)
}

func (a *API) orgsView(c *Call) (Reply, error) {
	org, err := a.Store.OrgDetailsOf(c.Ctx(), c.UserID(), c.Int("org_id"))
	if err != nil {
		return Reply{}, err
	}
	return ok("Organization retrieved successfully", org)
}

func (a *API) orgsNew(c *Call) (Reply, error) {
	id, err := a.Store.CreateOrg(c.Ctx(), c.UserID(), models.NewOrg{Title: c.Str("title"), Path: c.Str("path"), Contact: c.Str("contact")})
	if err != nil {
		return Reply{}, err
	}
	return ok("Organization created successfully", orgCreated{OrgID: id})
}

func (a *API) orgsUpdate(c *Call) (Reply, error) {
	err := a.Store.UpdateOrg(c.Ctx(), c.UserID(), c.Int("org_id"),
		models.OrgUpdate{Title: c.Opt("title"), Path: c.Opt("path"), Contact: c.Opt("contact")})
	if err != nil {
		return Reply{}, err
	}
	return ok("Organization updated successfully", nil)
}

func (a *API) orgsDelete(c *Call) (Reply, error) {
	if err := a.Store.DeleteOrg(c.Ctx(), c.UserID(), c.Int("org_id")); err != nil {
		return Reply{}, err
	}
	return ok("Organization deleted successfully", nil)
}

func (a *API) orgsMembers(c *Call) (Reply, error) {
	members, total, err := a.Store.ListOrgMembers(c.Ctx(), c.UserID(), c.Int("org_id"), c.Page())
	if err != nil {
		return Reply{}, err
	}
	return listed("Members retrieved successfully", members, c.Page(), total, false)
}
