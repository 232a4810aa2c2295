package handlers

func (a *API) billingBalance(c *Call) (Reply, error) {
	balance, err := a.Store.BalanceOf(c.Ctx(), c.UserID())
	if err != nil {
		return Reply{}, err
	}
	// The currency setting (admin API, sharepanel config) overrides SHAREPANEL_CURRENCY; it is cached.
	currency, err := a.Store.Currency(c.Ctx())
	if err != nil {
		return Reply{}, err
	}
	return ok("Balance retrieved successfully", balanceData{Balance: balance, Currency: currency})
}

func (a *API) billingInvoices(c *Call) (Reply, error) {
	invoices, err := a.Store.ListInvoices(c.Ctx(), c.UserID(), c.Str("status"), c.Page())
	if err != nil {
		return Reply{}, err
	}
	return ok("Invoices retrieved successfully", invoices)
}

func (a *API) billingInvoice(c *Call) (Reply, error) {
	inv, err := a.Store.InvoiceOf(c.Ctx(), c.UserID(), c.Int("invoice_id"))
	if err != nil {
		return Reply{}, err
	}
	return ok("Invoice retrieved successfully", inv)
}

func (a *API) billingTransactions(c *Call) (Reply, error) {
	txs, err := a.Store.ListTransactions(c.Ctx(), c.UserID(), c.Page())
	if err != nil {
		return Reply{}, err
	}
	return ok("Transactions retrieved successfully", txs)
}

func (a *API) billingPurchases(c *Call) (Reply, error) {
	purchases, err := a.Store.ListPurchases(c.Ctx(), c.UserID(), c.Page())
	if err != nil {
		return Reply{}, err
	}
	return ok("Purchases retrieved successfully", purchases)
}

// billingPlans lists every plan, the caller's or not: it is the price list.
func (a *API) billingPlans(c *Call) (Reply, error) {
	plans, err := a.Store.ListPlans(c.Ctx())
	if err != nil {
		return Reply{}, err
	}
	return ok("Plans retrieved successfully", plans)
}
