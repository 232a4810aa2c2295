package admin

import (
	"strings"

	"github.com/labstack/echo/v4"

	"sharepanel/models"
	"sharepanel/wire"
)

// listPlans is GET /api/plans: every plan with its limits and account count, cheapest first.
func (s *server) listPlans(c echo.Context) error {
	plans, err := s.Store.ListPlanDetails(c.Request().Context())
	if err != nil {
		return err
	}
	return list(c, plans, int64(len(plans)))
}

// getPlan is GET /api/plans/NAME.
func (s *server) getPlan(c echo.Context) error {
	p, err := s.Store.PlanByName(c.Request().Context(), c.Param("name"))
	if err != nil {
		return err
	}
	return ok(c, p)
}

// planTarget names a plan in the audit log.
func planTarget(name string) string { return "plan:" + strings.ToLower(name) }

// createPlan is POST /api/plans: name and any of the plan's fields (the rest: the free plan's).
func (s *server) createPlan(c echo.Context) error {
	setAudit(c, "plan_create", "", nil)
	in, b, err := planInput(c)
	if err != nil {
		return err
	}
	name, _, _ := b.str("name")
	setAudit(c, "plan_create", planTarget(name), planAuditDetails(b))
	p, err := s.Store.CreatePlan(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return ok(c, planAnswer{Message: "Plan " + p.Name + " created", Plan: *p})
}

// updatePlan is PATCH or PUT /api/plans/NAME: the fields given change, the others stay. The user API
// applies the change from the next request.
func (s *server) updatePlan(c echo.Context) error {
	name := c.Param("name")
	setAudit(c, "plan_update", planTarget(name), nil)
	in, b, err := planInput(c)
	if err != nil {
		return err
	}
	if len(b) == 0 {
		return wire.Errorf(wire.EINVALID, "No fields to update")
	}
	setAudit(c, "plan_update", planTarget(name), planAuditDetails(b))
	p, err := s.Store.UpdatePlan(c.Request().Context(), name, in)
	if err != nil {
		return err
	}
	return ok(c, planAnswer{Message: "Plan " + p.Name + " updated", Plan: *p})
}

// deletePlan is DELETE /api/plans/NAME; a plan that accounts use is 409.
func (s *server) deletePlan(c echo.Context) error {
	name := strings.ToLower(c.Param("name"))
	setAudit(c, "plan_delete", planTarget(name), nil)
	if err := s.Store.DeletePlan(c.Request().Context(), name); err != nil {
		return err
	}
	return message(c, "Plan "+name+" deleted")
}

func planAuditDetails(b body) map[string]any {
	d := map[string]any{}
	for _, f := range planFields {
		if v, ok, _ := b.str(f); ok {
			d[f] = v
		}
	}
	return d
}

// planInput reads a plan's fields from the body.
func planInput(c echo.Context) (models.PlanInput, body, error) {
	var in models.PlanInput
	b, err := readBody(c)
	if err != nil {
		return in, nil, err
	}
	for name := range b {
		known := false
		for _, f := range planFields {
			known = known || f == name
		}
		if !known {
			return in, nil, wire.Errorf(wire.EINVALID, "Unknown plan field %q. Fields: %s", name, strings.Join(planFields, ", "))
		}
	}
	if in.Name, err = b.optStr("name"); err != nil {
		return in, nil, err
	}
	if in.Description, err = b.optStr("description"); err != nil {
		return in, nil, err
	}
	if in.Features, err = b.optStr("features"); err != nil {
		return in, nil, err
	}
	if in.Price, err = b.optMoney("price"); err != nil {
		return in, nil, err
	}
	ints := []struct {
		name string
		dst  **int
	}{{"org_limit", &in.OrgLimit}, {"instance_limit", &in.InstanceLimit}, {"filelimit", &in.FileLimit},
		{"storagelimit", &in.StorageLimit}, {"requests_per_day", &in.RequestsPerDay}, {"requests_per_minute", &in.RequestsPerMinute}}
	for _, f := range ints {
		v, err := b.optInt(f.name)
		if err != nil {
			return in, nil, err
		}
		if v != nil {
			if *v > 1<<31-1 || *v < -1<<31 {
				return in, nil, wire.Errorf(wire.EINVALID, "%s is too large", f.name)
			}
			n := int(*v)
			*f.dst = &n
		}
	}
	if in.MaxPayloadBytes, err = b.optInt("max_payload_bytes"); err != nil {
		return in, nil, err
	}
	return in, b, nil
}
