package models

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"sharepanel/wire"
)

// Notification is a message to a user.
type Notification struct {
	ID        int64         `gorm:"primaryKey" json:"id"`
	UserID    int64         `gorm:"not null;index:idx_notification_user_read" json:"-"`
	Title     string        `gorm:"size:255;not null" json:"title"`
	Message   string        `gorm:"type:text" json:"message"`
	Type      string        `gorm:"size:16;not null;default:'info'" json:"type"`
	IsRead    wire.Flag     `gorm:"not null;default:false;index:idx_notification_user_read" json:"is_read"`
	Link      string        `gorm:"size:1024;not null;default:''" json:"link"`
	CreatedAt wire.DateTime `gorm:"not null" json:"created_at"`
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
		var err error
		n, err = createNotification(tx, userID, in, time.Now().UTC())
		return err
	})
	if err != nil {
		return nil, err
	}
	return n, nil
}

// createNotification validates and inserts a notification dated at.
func createNotification(tx *gorm.DB, userID int64, in NewNotification, at time.Time) (*Notification, error) {
	if err := in.normalise(); err != nil {
		return nil, err
	}
	n := &Notification{UserID: userID, Title: in.Title, Message: in.Message, Type: in.Type, Link: in.Link,
		CreatedAt: wire.DateTime(at.UTC().Truncate(time.Second))}
	if err := tx.Create(n).Error; err != nil {
		return nil, err
	}
	return n, nil
}

// NotifyAll sends every account the same notification, in one statement, and returns how many
// accounts got it.
func (s *Store) NotifyAll(ctx context.Context, in NewNotification) (int64, error) {
	if err := in.normalise(); err != nil {
		return 0, err
	}
	res := s.db.WithContext(ctx).Exec(`INSERT INTO notifications (user_id, title, message, type, is_read, link, created_at)
		SELECT id, ?, ?, ?, ?, ?, ? FROM users`, in.Title, in.Message, in.Type, false, in.Link, wire.Now())
	return res.RowsAffected, res.Error
}

// ListNotifications returns the account's notifications, newest first; only the unread ones
// when unreadOnly.
func (s *Store) ListNotifications(ctx context.Context, userID int64, unreadOnly bool, page wire.Page) ([]Notification, error) {
	q := s.db.WithContext(ctx).Where("user_id = ?", userID)
	if unreadOnly {
		q = q.Where("is_read = ?", false)
	}
	var out []Notification
	err := q.Order("created_at DESC, id DESC").Limit(page.Limit).Offset(page.Offset).Find(&out).Error
	return out, err
}

// CountUnreadNotifications counts the account's unread notifications.
func (s *Store) CountUnreadNotifications(ctx context.Context, userID int64) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&Notification{}).Where("user_id = ? AND is_read = ?", userID, false).Count(&n).Error
	return n, err
}

// MarkNotificationRead marks one of the account's notifications read; marking a read one again is
// not an error. Another account's notification is "Notification not found", like a missing one.
func (s *Store) MarkNotificationRead(ctx context.Context, userID, notificationID int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&Notification{}).Where("id = ? AND user_id = ?", notificationID, userID).Update("is_read", true)
		if res.Error != nil || res.RowsAffected > 0 {
			return res.Error
		}
		// MySQL counts changed rows only: zero may mean "already read" as well as "not yours".
		var n int64
		if err := tx.Model(&Notification{}).Where("id = ? AND user_id = ?", notificationID, userID).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return wire.Errorf(wire.ENOTFOUND, "Notification not found")
		}
		return nil
	})
}

// MarkAllNotificationsRead marks every unread notification of the account read and returns how
// many it marked.
func (s *Store) MarkAllNotificationsRead(ctx context.Context, userID int64) (int64, error) {
	res := s.db.WithContext(ctx).Model(&Notification{}).Where("user_id = ? AND is_read = ?", userID, false).Update("is_read", true)
	return res.RowsAffected, res.Error
}

// DeleteNotification deletes one of the account's notifications.
func (s *Store) DeleteNotification(ctx context.Context, userID, notificationID int64) error {
	res := s.db.WithContext(ctx).Where("id = ? AND user_id = ?", notificationID, userID).Delete(&Notification{})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return wire.Errorf(wire.ENOTFOUND, "Notification not found")
	}
	return nil
}
