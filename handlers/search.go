package handlers

func (a *API) search(c *Call) (Reply, error) { return Reply{}, errNotImplemented }
