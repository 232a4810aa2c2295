package handlers

func (a *API) search(c *Call) (Reply, error) {
	hits, more, err := a.Store.Search(c.Ctx(), c.UserID(), c.Str("query"), c.Str("type"), c.Page())
	if err != nil {
		return Reply{}, err
	}
	return listed("Search completed successfully", hits, c.Page(), -1, more)
}
