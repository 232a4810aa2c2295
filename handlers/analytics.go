package handlers

func (a *API) analyticsOverview(c *Call) (Reply, error) {
	o, err := a.Store.AnalyticsOverviewOf(c.Ctx(), c.UserID())
	if err != nil {
		return Reply{}, err
	}
	return ok("Analytics overview retrieved successfully", o)
}

func (a *API) analyticsUsage(c *Call) (Reply, error) {
	days, err := a.Store.UsageDays(c.Ctx(), c.UserID(), int(c.Int("period")))
	if err != nil {
		return Reply{}, err
	}
	return ok("Usage statistics retrieved successfully", days)
}

func (a *API) analyticsActivity(c *Call) (Reply, error) {
	entries, total, err := a.Store.ListActivity(c.Ctx(), c.UserID(), c.Page())
	if err != nil {
		return Reply{}, err
	}
	return listed("Activity logs retrieved successfully", entries, c.Page(), total, false)
}

func (a *API) analyticsSpending(c *Call) (Reply, error) {
	days, err := a.Store.SpendingDays(c.Ctx(), c.UserID(), int(c.Int("period")))
	if err != nil {
		return Reply{}, err
	}
	return ok("Spending analytics retrieved successfully", days)
}
