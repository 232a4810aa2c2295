package handlers

func (a *API) notificationsList(c *Call) (Reply, error) {
	list, total, err := a.Store.ListNotifications(c.Ctx(), c.UserID(), c.Flag("unread_only"), c.Page())
	if err != nil {
		return Reply{}, err
	}
	return listed("Notifications retrieved successfully", list, c.Page(), total, false)
}

func (a *API) notificationsUnreadCount(c *Call) (Reply, error) {
	n, err := a.Store.CountUnreadNotifications(c.Ctx(), c.UserID())
	if err != nil {
		return Reply{}, err
	}
	return ok("Unread count retrieved successfully", countData{Count: n})
}

// notificationsMarkRead marks one notification read, or, without notification_id, every unread
// one of the caller's, as the reference says; the message tells which happened.
func (a *API) notificationsMarkRead(c *Call) (Reply, error) {
	if !c.Has("notification_id") {
		if _, err := a.Store.MarkAllNotificationsRead(c.Ctx(), c.UserID()); err != nil {
			return Reply{}, err
		}
		return ok("All notifications marked as read", nil)
	}
	if err := a.Store.MarkNotificationRead(c.Ctx(), c.UserID(), c.Int("notification_id")); err != nil {
		return Reply{}, err
	}
	return ok("Notification marked as read", nil)
}

func (a *API) notificationsDelete(c *Call) (Reply, error) {
	if err := a.Store.DeleteNotification(c.Ctx(), c.UserID(), c.Int("notification_id")); err != nil {
		return Reply{}, err
	}
	return ok("Notification deleted successfully", nil)
}
