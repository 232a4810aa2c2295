package handlers

import "sharepanel/models"

func (a *API) profileView(c *Call) (Reply, error) {
	p, err := a.Store.ProfileOf(c.Ctx(), c.UserID())
	if err != nil {
		return Reply{}, err
	}
	return ok("Profile retrieved successfully", p)
}

func (a *API) profileUpdate(c *Call) (Reply, error) {
	err := a.Store.UpdateProfile(c.Ctx(), c.UserID(), models.ProfileUpdate{
		Bio: c.Opt("bio"), Pfp: c.Opt("pfp"), FirstName: c.Opt("first_name"), LastName: c.Opt("last_name"),
		Phone: c.Opt("phone"), Address: c.Opt("address"),
	})
	if err != nil {
		return Reply{}, err
	}
	return ok("Profile updated successfully", nil)
}

func (a *API) profileStats(c *Call) (Reply, error) {
	st, err := a.Store.ProfileStatsOf(c.Ctx(), c.UserID())
	if err != nil {
		return Reply{}, err
	}
	return ok("Statistics retrieved successfully", st)
}
