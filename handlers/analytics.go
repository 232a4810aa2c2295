package handlers

func (a *API) analyticsOverview(c *Call) (Reply, error) { return Reply{}, errNotImplemented }

func (a *API) analyticsUsage(c *Call) (Reply, error) { return Reply{}, errNotImplemented }

func (a *API) analyticsActivity(c *Call) (Reply, error) { return Reply{}, errNotImplemented }

func (a *API) analyticsSpending(c *Call) (Reply, error) { return Reply{}, errNotImplemented }
