package handlers

func (a *API) statsOverview(c *Call) (Reply, error) {
	st, err := a.Store.StatsOverviewOf(c.Ctx(), c.UserID())
	if err != nil {
		return Reply{}, err
	}
	return ok("Statistics retrieved successfully", st)
}

func (a *API) statsInstances(c *Call) (Reply, error) {
	st, err := a.Store.InstanceStatsOf(c.Ctx(), c.UserID())
	if err != nil {
		return Reply{}, err
	}
	return ok("Instance statistics retrieved successfully", st)
}

func (a *API) statsOrganizations(c *Call) (Reply, error) {
	st, err := a.Store.OrgStatsOf(c.Ctx(), c.UserID())
	if err != nil {
		return Reply{}, err
	}
	return ok("Organization statistics retrieved successfully", st)
}
