package admin

import (
	"github.com/labstack/echo/v4"

	"sharepanel/models"
)

// getSettings is GET /api/settings: {"api", "default_plan", "currency"}.
func (s *server) getSettings(c echo.Context) error {
	values, err := s.Store.Settings(c.Request().Context())
	if err != nil {
		return err
	}
	return ok(c, newSettingsView(values))
}

// updateSettings is PATCH or PUT /api/settings: any of api (on/off), default_plan, currency. All
// are checked before any is stored. Switching api off here ends the admin API's answers until an
// operator runs sharepanel config update api on.
func (s *server) updateSettings(c echo.Context) error {
	setAudit(c, "settings_update", "settings", nil)
	f, err := readFields(c)
	if err != nil {
		return err
	}
	if err := f.onlyFields(models.SettingKeys, models.UnknownSetting); err != nil {
		return err
	}
	var b settingsBody
	if err := f.bind(&b); err != nil {
		return err
	}
	changes := map[string]string{}
	for key, v := range map[string]*string{models.SettingAPI: b.API, models.SettingDefaultPlan: b.DefaultPlan, models.SettingCurrency: b.Currency} {
		if v != nil {
			changes[key] = *v
		}
	}
	stored, err := s.Store.UpdateSettings(c.Request().Context(), changes)
	if err != nil {
		return err
	}
	setAudit(c, "settings_update", "settings", toAny(stored))
	values, err := s.Store.Settings(c.Request().Context())
	if err != nil {
		return err
	}
	return ok(c, settingsAnswer{Message: "Settings updated", Settings: newSettingsView(values)})
}

func toAny(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
