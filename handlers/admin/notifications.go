package admin

import (
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"sharepanel/wire"
)

// sendNotification is POST /api/notifications: {"username": …} or {"all": true}, with title,
// message, type (info, success, warning, error; default info) and link.
func (s *server) sendNotification(c echo.Context) error {
	setAudit(c, "notification_send", "", nil)
	f, err := readFields(c)
	if err != nil {
		return err
	}
	// Which of the two bodies it is: "all": true, or a username.
	var to struct {
		Username string `json:"username,omitempty"`
		All      flag   `json:"all,omitempty"`
	}
	if err := f.bind(&to); err != nil {
		return err
	}
	username := strings.ToLower(strings.TrimSpace(to.Username))
	ctx := c.Request().Context()
	switch {
	case bool(to.All) && username != "":
		return wire.Errorf(wire.EINVALID, "Send either username or all, not both")
	case bool(to.All):
		var b notifyAllBody
		if err := f.bind(&b); err != nil {
			return err
		}
		in := b.notification()
		setAudit(c, "notification_send", "all", map[string]any{"title": in.Title})
		n, err := s.Store.NotifyAll(ctx, in)
		if err != nil {
			return err
		}
		addAuditDetail(c, "count", n)
		return ok(c, broadcastAnswer{Message: "Notification sent to " + strconv.FormatInt(n, 10) + " users", Count: n})
	case username != "":
		var b notifyOneBody
		if err := f.bind(&b); err != nil {
			return err
		}
		in := b.notification()
		setAudit(c, "notification_send", userTarget(username), map[string]any{"title": in.Title})
		userID, err := s.Store.AccountIDByUsername(ctx, username)
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
