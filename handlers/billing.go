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
	invoices, total, err := a.Store.ListInvoices(c.Ctx(), c.UserID(), c.Str("status"), c.Page())
	if err != nil {
		return Reply{}, err
	}
	return listed("Invoices retrieved successfully", invoices, c.Page(), total, false)
}

func (a *API) billingInvoice(c *Call) (Reply, error) {
	inv, err := a.Store.InvoiceOf(c.Ctx(), c.UserID(), c.Int("invoice_id"))
	if err != nil {
		return Reply{}, err
	}
	return ok("Invoice retrieved successfully", inv)
}

func (a *API) billingTransactions(c *Call) (Reply, error) {
	txs, total, err := a.Store.ListTransactions(c.Ctx(), c.UserID(), c.Page())
	if err != nil {
		return Reply{}, err
	}
	return listed("Transactions retrieved successfully", txs, c.Page(), total, false)
}

func (a *API) billingPurchases(c *Call) (Reply, error) {
	purchases, total, err := a.Store.ListPurchases(c.Ctx(), c.UserID(), c.Page())
	if err != nil {
		return Reply{}, err
	}
	return listed("Purchases retrieved successfully", purchases, c.Page(), total, false)
}

// billingPlans lists every plan, the caller's or not: it is the price list. There are a handful,
// read whole and paged here.
func (a *API) billingPlans(c *Call) (Reply, error) {
	plans, err := a.Store.ListPlans(c.Ctx())
	if err != nil {
		return Reply{}, err
	}
	p := c.Page()
	from := min(p.Offset, len(plans))
	return listed("Plans retrieved successfully", plans[from:min(from+p.Limit, len(plans))], p, int64(len(plans)), false)
}
