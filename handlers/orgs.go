package handlers

func (a *API) orgsList(c *Call) (Reply, error) { return Reply{}, errNotImplemented }

func (a *API) orgsView(c *Call) (Reply, error) { return Reply{}, errNotImplemented }

func (a *API) orgsNew(c *Call) (Reply, error) { return Reply{}, errNotImplemented }

func (a *API) orgsUpdate(c *Call) (Reply, error) { return Reply{}, errNotImplemented }

func (a *API) orgsDelete(c *Call) (Reply, error) { return Reply{}, errNotImplemented }

func (a *API) orgsMembers(c *Call) (Reply, error) { return Reply{}, errNotImplemented }
