package models

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"sharepanel/wire"
)

// Notification is a message to a user.
type Notification struct {
	ID        int64         `gorm:"primaryKey;index:idx_notifications_user_time,priority:3;index:idx_notifications_user_unread,priority:4" json:"id"`
	UserID    int64         `gorm:"not null;index:idx_notifications_user_time,priority:1;index:idx_notifications_user_unread,priority:1" json:"-"`
	Title     string        `gorm:"size:255;not null" json:"title"`
	Message   string        `gorm:"type:text" json:"message"`
	Type      string        `gorm:"size:16;not null;default:'info'" json:"type"`
	IsRead    wire.Flag     `gorm:"not null;default:false;index:idx_notifications_user_unread,priority:2" json:"is_read"`
	Link      string        `gorm:"size:1024;not null;default:''" json:"link"`
	CreatedAt wire.DateTime `gorm:"not null;index:idx_notifications_user_time,priority:2;index:idx_notifications_user_unread,priority:3" json:"created_at"`
}

// Notification types.
const (
	NotificationInfo    = "info"
	NotificationSuccess = "success"
	NotificationWarning = "warning"
	NotificationError   = "error"
)

// NotificationTypes are the types a notification may have.
var NotificationTypes = []string{NotificationInfo, NotificationSuccess, NotificationWarning, NotificationError}

// NewNotification is what sending a notification takes.
type NewNotification struct {
	Title   string // required, at most 255 characters
	Message string // at most 65,535 bytes (a MySQL TEXT)
	Type    string // one of NotificationTypes; default info
	Link    string // a path in the panel ("/billing/invoice/1") or an https URL; at most 1,024 characters
}

func (n *NewNotification) normalise() error {
	n.Title, n.Link, n.Type = strings.TrimSpace(n.Title), strings.TrimSpace(n.Link), strings.ToLower(strings.TrimSpace(n.Type))
	if n.Type == "" {
		n.Type = NotificationInfo
	}
	if err := checkText("title", n.Title, true, 255); err != nil {
		return err
	}
	if len(n.Message) > 65535 {
		return wire.Errorf(wire.EINVALID, "message must be at most 65535 bytes")
	}
	if !slices.Contains(NotificationTypes, n.Type) {
		return wire.Errorf(wire.EINVALID, "Invalid type. Allowed values: %s", strings.Join(NotificationTypes, ", "))
	}
	if err := checkText("link", n.Link, false, 1024); err != nil {
		return err
	}
	if n.Link != "" && !sameSiteOrHTTPS(n.Link) {
		return wire.Errorf(wire.EINVALID, "link must be a path starting with a single / or an https URL")
	}
	return nil
}

// sameSiteOrHTTPS tells whether a notification link stays on the panel or goes to an https URL:
// a path with one leading slash, or https://host…. No backslash anywhere and no second leading
// slash: browsers read "//evil.example" and "/\evil.example" as links to another site.
func sameSiteOrHTTPS(link string) bool {
	if strings.ContainsRune(link, '\\') || wire.CheckText("link", link, false) != nil {
		return false
	}
	if strings.HasPrefix(link, "/") {
		return !strings.HasPrefix(link, "//")
	}
	u, err := url.Parse(link)
	return err == nil && u.Scheme == "https" && u.Host != "" && u.Opaque == "" && strings.HasPrefix(link, "https://")
}

// CreateNotification sends userID a notification, unread.
func (s *Store) CreateNotification(ctx context.Context, userID int64, in NewNotification) (*Notification, error) {
	var n *Notification
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := lockUser(tx, userID); err != nil {
			return err
		}
		t := newTally(userID)
		var err error
		if n, err = createNotification(tx, t, userID, in, time.Now().UTC()); err != nil {
			return err
		}
		return t.apply(tx)
	})
	if err != nil {
		return nil, err
	}
	return n, nil
}

// createNotification validates and inserts a notification dated at, and counts it in t.
func createNotification(tx *gorm.DB, t *tally, userID int64, in NewNotification, at time.Time) (*Notification, error) {
	if err := in.normalise(); err != nil {
		return nil, err
	}
	n := &Notification{UserID: userID, Title: in.Title, Message: in.Message, Type: in.Type, Link: in.Link,
		CreatedAt: wire.DateTime(at.UTC().Truncate(time.Second))}
	if err := tx.Create(n).Error; err != nil {
		return nil, err
	}
	t.notification(n.CreatedAt.Time(), true, 1)
	return n, nil
}

// NotifyAll sends every account the same notification, in one statement, and returns how many
// accounts got it; every account's totals count it in the same transaction (the statements that
// read users lock what they read, so they all see the same accounts).
func (s *Store) NotifyAll(ctx context.Context, in NewNotification) (int64, error) {
	if err := in.normalise(); err != nil {
		return 0, err
	}
	now := wire.Now()
	var n int64
	err := s.tx(ctx, func(tx *gorm.DB) error {
		res := tx.Exec(`INSERT INTO notifications (user_id, title, message, type, is_read, link, created_at)
			SELECT id, ?, ?, ?, ?, ?, ? FROM users`, in.Title, in.Message, in.Type, false, in.Link, now)
		if res.Error != nil {
			return res.Error
		}
		n = res.RowsAffected
		mysql := isMySQL(tx)
		onConflict := func(key string, cols ...string) string {
			if mysql {
				return " ON DUPLICATE KEY UPDATE " + addAssignments(mysql, cols)
			}
			return " WHERE true ON CONFLICT (" + key + ") DO UPDATE SET " + addAssignments(mysql, cols)
		}
		if err := tx.Exec(`INSERT INTO account_totals (user_id, notifications, notifications_unread) SELECT id, 1, 1 FROM users` +
			onConflict("user_id", "notifications", "notifications_unread")).Error; err != nil {
			return err
		}
		hour := utcHour(now.Time())
		for _, list := range []string{listNotifications, listUnread} {
			// As applyListHours does it, for every account at once: a new hour takes its older from the
			// hour before it, and the hours after it (none but where a clock ran ahead) count the new row.
			err := tx.Exec("INSERT INTO list_hours (user_id, list, hour, n, older) SELECT u.id, ?, ?, 1, "+olderThanSQL("u.id")+" FROM users u"+
				onConflict("user_id, list, hour", "n"), list, hour, list, hour).Error
			if err != nil {
				return err
			}
			// Through the index on (list, hour): the hours after now are none or a few, whatever the
			// history (without it, MariaDB read and locked every hour of every account).
			if err := tx.Exec("UPDATE list_hours SET older = older + 1 WHERE list = ? AND hour > ?", list, hour).Error; err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

// ListNotifications returns a page of the account's notifications, newest first, and how many
// there are; only the unread ones when unreadOnly.
func (s *Store) ListNotifications(ctx context.Context, userID int64, unreadOnly bool, page wire.Page) ([]Notification, int64, error) {
	q := listQuery{table: "notifications", index: "idx_notifications_user_time", column: "created_at", list: listNotifications, userID: userID, count: "notifications", total: -1}
	if unreadOnly {
		q.where, q.args, q.list, q.count = "is_read = ?", []any{false}, listUnread, "notifications_unread"
		q.index = "idx_notifications_user_unread"
	}
	var out []Notification
	total, err := fetchPage(s.db.WithContext(ctx), &s.seeks, q, page, &out, func(n *Notification) (wire.DateTime, int64) { return n.CreatedAt, n.ID })
	return out, total, err
}

// CountUnreadNotifications counts the account's unread notifications (kept in its totals).
func (s *Store) CountUnreadNotifications(ctx context.Context, userID int64) (int64, error) {
	t, err := totalsOf(s.db.WithContext(ctx), userID)
	return t.NotificationsUnread, err
}

// notificationOf reads one of the account's notifications, locked for the rest of tx.
func notificationOf(tx *gorm.DB, userID, notificationID int64) (*Notification, error) {
	var n Notification
	err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Select("id", "is_read", "created_at").
		Where("id = ? AND user_id = ?", notificationID, userID).Take(&n).Error
	if err != nil {
		return nil, notFound(err, "Notification not found")
	}
	return &n, nil
}

// MarkNotificationRead marks one of the account's notifications read; marking a read one again is
// not an error. Another account's notification is "Notification not found", like a missing one.
func (s *Store) MarkNotificationRead(ctx context.Context, userID, notificationID int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		n, err := notificationOf(tx, userID, notificationID)
		if err != nil || n.IsRead {
			return err
		}
		if err := tx.Model(&Notification{}).Where("id = ?", n.ID).Update("is_read", true).Error; err != nil {
			return err
		}
		t := newTally(userID)
		t.row("notifications_unread", listUnread, n.CreatedAt.Time(), -1)
		return t.apply(tx)
	})
}

// MarkAllNotificationsRead marks every unread notification of the account read and returns how
// many it marked. The unread ones are read locked first, so that the days the counts move are
// those of exactly the notifications it marks.
func (s *Store) MarkAllNotificationsRead(ctx context.Context, userID int64) (int64, error) {
	var n int64
	err := s.tx(ctx, func(tx *gorm.DB) error {
		n = 0 // a deadlock's victim is run again: answer what the last run did
		var unread []Notification
		err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Select("id", "created_at").
			Where("user_id = ? AND is_read = ?", userID, false).Find(&unread).Error
		if err != nil || len(unread) == 0 {
			return err
		}
		if err := tx.Model(&Notification{}).Where("user_id = ? AND is_read = ?", userID, false).Update("is_read", true).Error; err != nil {
			return err
		}
		t := newTally(userID)
		for _, u := range unread {
			t.row("notifications_unread", listUnread, u.CreatedAt.Time(), -1)
		}
		n = int64(len(unread))
		return t.apply(tx)
	})
	return n, err
}

// DeleteNotification deletes one of the account's notifications.
func (s *Store) DeleteNotification(ctx context.Context, userID, notificationID int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		n, err := notificationOf(tx, userID, notificationID)
		if err != nil {
			return err
		}
		if err := tx.Delete(&Notification{}, n.ID).Error; err != nil {
			return err
		}
		t := newTally(userID)
		t.notification(n.CreatedAt.Time(), !bool(n.IsRead), -1)
		return t.apply(tx)
	})
}
