package admin

import (
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"sharepanel/models"
)

// createInstance is POST /api/users/USERNAME/instances: {name, path?, type, instance_type?, status?,
// org_id?}. The account's plan instance_limit applies; path defaults to a slug of the name.
func (s *server) createInstance(c echo.Context) error {
	username := strings.ToLower(c.Param("username"))
	setAudit(c, "instance_create", userTarget(username), nil)
	var b newInstanceBody
	if _, err := decodeBody(c, &b); err != nil {
		return err
	}
	in := models.NewInstance{Name: b.Name, Path: b.Path, Type: b.Type, InstanceType: b.InstanceType, Status: b.Status,
		OrgID: (*int64)(b.OrgID)}
	if strings.TrimSpace(in.Path) == "" {
		in.Path = models.Slugify(in.Name)
	}
	ctx := c.Request().Context()
	userID, err := s.Store.AccountIDByUsername(ctx, username)
	if err != nil {
		return err
	}
	inst, err := s.Store.CreateInstance(ctx, userID, in)
	if err != nil {
		return err
	}
	addAuditDetail(c, "instance_id", inst.ID)
	return ok(c, instanceAnswer{Message: "Instance " + inst.InstancePath + " created for user " + username,
		Instance: instanceView{ID: inst.ID, UserID: inst.UserID, OrgID: inst.OrganizationID, InstanceName: inst.InstanceName,
			InstancePath: inst.InstancePath, Status: inst.Status, InstanceType: inst.InstanceType, Type: inst.Type, CreatedAt: inst.CreatedAt}})
}

// updateInstance is PATCH /api/instances/ID: {"status": "active" | "sleep" | "dead"}.
func (s *server) updateInstance(c echo.Context) error {
	setAudit(c, "instance_status", "instance:"+c.Param("id"), nil)
	id, status, err := statusUpdate(c, "Instance ID", &instanceStatusBody{})
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	owner, err := s.Store.InstanceOwner(ctx, id)
	if err != nil {
		return err
	}
	if err := s.Store.UpdateInstanceStatus(ctx, owner, id, status); err != nil {
		return err
	}
	return message(c, "Instance "+strconv.FormatInt(id, 10)+" status set to "+status)
}

// deleteInstance is DELETE /api/instances/ID.
func (s *server) deleteInstance(c echo.Context) error {
	setAudit(c, "instance_delete", "instance:"+c.Param("id"), nil)
	id, err := pathID(c, "id", "Instance ID")
	if err != nil {
		return err
	}
	if err := s.Store.DeleteInstance(c.Request().Context(), id); err != nil {
		return err
	}
	return message(c, "Instance "+strconv.FormatInt(id, 10)+" deleted")
}
