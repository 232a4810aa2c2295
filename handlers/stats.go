package handlers

func (a *API) statsOverview(c *Call) (Reply, error) { return Reply{}, errNotImplemented }

func (a *API) statsInstances(c *Call) (Reply, error) { return Reply{}, errNotImplemented }

func (a *API) statsOrganizations(c *Call) (Reply, error) { return Reply{}, errNotImplemented }
