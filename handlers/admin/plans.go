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
	var b newPlanBody
	f, err := readPlanBody(c, &b)
	if err != nil {
		return err
	}
	setAudit(c, "plan_create", planTarget(*b.Name), planAuditDetails(f))
	p, err := s.Store.CreatePlan(c.Request().Context(), planInput(b.Name, b.planFieldsBody))
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
	var b planBody
	f, err := readPlanBody(c, &b)
	if err != nil {
		return err
	}
	if len(f) == 0 {
		return wire.Errorf(wire.EINVALID, "No fields to update")
	}
	setAudit(c, "plan_update", planTarget(name), planAuditDetails(f))
	p, err := s.Store.UpdatePlan(c.Request().Context(), name, planInput(b.Name, b.planFieldsBody))
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

// readPlanBody reads a plan body into dst; a field that plans do not have is a 400 that lists
// the fields, so that a misspelt limit is never silently dropped.
func readPlanBody(c echo.Context, dst any) (fields, error) {
	f, err := readFields(c)
	if err != nil {
		return nil, err
	}
	err = f.onlyFields(planFields, func(name string) error {
		return wire.Errorf(wire.EINVALID, "Unknown plan field %q. Fields: %s", name, strings.Join(planFields, ", "))
	})
	if err != nil {
		return nil, err
	}
	return f, f.bind(dst)
}

// planAuditDetails are the fields given, as sent.
func planAuditDetails(f fields) map[string]any {
	d := map[string]any{}
	for _, name := range planFields {
		if raw, ok := f[name]; ok {
			d[name], _ = text(name, raw)
		}
	}
	return d
}

// planInput is what the store takes of a plan body.
func planInput(name *string, b planFieldsBody) models.PlanInput {
	return models.PlanInput{Name: name, Description: b.Description, Features: b.Features, Price: (*wire.Money)(b.Price),
		OrgLimit: (*int64)(b.OrgLimit), InstanceLimit: (*int64)(b.InstanceLimit), FileLimit: (*int64)(b.FileLimit),
		StorageLimit: (*int64)(b.StorageLimit), RequestsPerDay: (*int64)(b.RequestsPerDay),
		RequestsPerMinute: (*int64)(b.RequestsPerMinute), MaxPayloadBytes: (*int64)(b.MaxPayloadBytes)}
}
