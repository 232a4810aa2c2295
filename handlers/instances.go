package handlers

import (
	"fmt"

	"sharepanel/models"
)

func (a *API) instancesList(c *Call) (Reply, error) {
	list, total, err := a.Store.ListInstances(c.Ctx(), c.UserID(), models.InstanceFilter{Type: c.Str("type"), Status: c.Str("status")}, c.Page())
	if err != nil {
		return Reply{}, err
	}
	return listed("Instances retrieved successfully", list, c.Page(), total, false)
}

func (a *API) instancesView(c *Call) (Reply, error) {
	in, err := a.Store.InstanceOf(c.Ctx(), c.UserID(), c.Int("instance_id"))
	if err != nil {
		return Reply{}, err
	}
	return ok("Instance retrieved successfully", in)
}

func (a *API) instancesUpdateStatus(c *Call) (Reply, error) {
	if err := a.Store.UpdateInstanceStatus(c.Ctx(), c.UserID(), c.Int("instance_id"), c.Str("status")); err != nil {
		return Reply{}, err
	}
	return ok("Instance status updated successfully", nil)
}

// The bulk actions answer with the reference's message whatever the count, "0 …" included.

func (a *API) instancesDeleteDead(c *Call) (Reply, error) {
	n, err := a.Store.DeleteDeadInstances(c.Ctx(), c.UserID())
	if err != nil {
		return Reply{}, err
	}
	return ok(fmt.Sprintf("%d dead instances deleted successfully", n), nil)
}

func (a *API) instancesAwakenAll(c *Call) (Reply, error) {
	n, err := a.Store.AwakenAllInstances(c.Ctx(), c.UserID())
	if err != nil {
		return Reply{}, err
	}
	return ok(fmt.Sprintf("%d instances awakened successfully", n), nil)
}

func (a *API) instancesSleepAll(c *Call) (Reply, error) {
	n, err := a.Store.SleepAllInstances(c.Ctx(), c.UserID())
	if err != nil {
		return Reply{}, err
	}
	return ok(fmt.Sprintf("%d instances put to sleep successfully", n), nil)
}
