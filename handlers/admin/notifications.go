package admin

import (
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"sharepanel/models"
	"sharepanel/wire"
)

// sendNotification is POST /api/notifications: {"username": …} or {"all": true}, with title,
// message, type (info, success, warning, error; default info) and link.
func (s *server) sendNotification(c echo.Context) error {
	setAudit(c, "notification_send", "", nil)
	b, err := readBody(c)
	if err != nil {
		return err
	}
	username, _, err := b.str("username")
	if err != nil {
		return err
	}
	username = strings.ToLower(strings.TrimSpace(username))
	all, err := b.flag("all")
	if err != nil {
		return err
	}
	var in models.NewNotification
	for _, f := range []struct {
		name string
		dst  *string
	}{{"title", &in.Title}, {"message", &in.Message}, {"type", &in.Type}, {"link", &in.Link}} {
		if *f.dst, _, err = b.str(f.name); err != nil {
			return err
		}
	}
	ctx := c.Request().Context()
	switch {
	case all && username != "":
		return wire.Errorf(wire.EINVALID, "Send either username or all, not both")
	case all:
		setAudit(c, "notification_send", "all", map[string]any{"title": in.Title})
		n, err := s.Store.NotifyAll(ctx, in)
		if err != nil {
			return err
		}
		addAuditDetail(c, "count", n)
		return ok(c, broadcastAnswer{Message: "Notification sent to " + strconv.FormatInt(n, 10) + " users", Count: n})
	case username != "":
		setAudit(c, "notification_send", userTarget(username), map[string]any{"title": in.Title})
		userID, err := s.Store.UserIDByUsername(ctx, username)
		if err != nil {
			return err
		}
		n, err := s.Store.CreateNotification(ctx, userID, in)
		if err != nil {
			return err
		}
		return ok(c, notificationAnswer{Message: "Notification sent to user " + username, Notification: *n})
	}
	return wire.Errorf(wire.EINVALID, `Send "username" for one account or "all": true for every account`)
}
