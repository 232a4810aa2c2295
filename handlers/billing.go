package handlers

func (a *API) billingBalance(c *Call) (Reply, error) { return Reply{}, errNotImplemented }

func (a *API) billingInvoices(c *Call) (Reply, error) { return Reply{}, errNotImplemented }

func (a *API) billingInvoice(c *Call) (Reply, error) { return Reply{}, errNotImplemented }

func (a *API) billingTransactions(c *Call) (Reply, error) { return Reply{}, errNotImplemented }

func (a *API) billingPurchases(c *Call) (Reply, error) { return Reply{}, errNotImplemented }

func (a *API) billingPlans(c *Call) (Reply, error) { return Reply{}, errNotImplemented }
