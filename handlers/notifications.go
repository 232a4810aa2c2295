package handlers

func (a *API) notificationsList(c *Call) (Reply, error) { return Reply{}, errNotImplemented }

func (a *API) notificationsUnreadCount(c *Call) (Reply, error) { return Reply{}, errNotImplemented }

func (a *API) notificationsMarkRead(c *Call) (Reply, error) { return Reply{}, errNotImplemented }

func (a *API) notificationsDelete(c *Call) (Reply, error) { return Reply{}, errNotImplemented }
