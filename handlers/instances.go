package handlers

func (a *API) instancesList(c *Call) (Reply, error) { return Reply{}, errNotImplemented }

func (a *API) instancesView(c *Call) (Reply, error) { return Reply{}, errNotImplemented }

func (a *API) instancesUpdateStatus(c *Call) (Reply, error) { return Reply{}, errNotImplemented }

func (a *API) instancesDeleteDead(c *Call) (Reply, error) { return Reply{}, errNotImplemented }

func (a *API) instancesAwakenAll(c *Call) (Reply, error) { return Reply{}, errNotImplemented }

func (a *API) instancesSleepAll(c *Call) (Reply, error) { return Reply{}, errNotImplemented }
