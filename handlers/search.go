package handlers

func (a *API) search(c *Call) (Reply, error) {
	hits, err := a.Store.Search(c.Ctx(), c.UserID(), c.Str("query"), c.Str("type"))
	if err != nil {
		return Reply{}, err
	}
	return ok("Search completed successfully", hits)
}
