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
	opt := func(name string) *string {
		if !c.Has(name) {
			return nil
		}
		v := c.Str(name)
		return &v
	}
	err := a.Store.UpdateProfile(c.Ctx(), c.UserID(), models.ProfileUpdate{
		Bio: opt("bio"), Pfp: opt("pfp"), FirstName: opt("first_name"), LastName: opt("last_name"),
		Phone: opt("phone"), Address: opt("address"),
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
