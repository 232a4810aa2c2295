package models

import (
	"context"
	"encoding/json"

	"gorm.io/gorm"

	"sharepanel/wire"
)

// Activity is an entry of a user's activity log: what happened to which resource, from where.
type Activity struct {
	ID           int64         `gorm:"primaryKey;index:idx_activity_logs_user_time,priority:3" json:"id"`
	UserID       int64         `gorm:"not null;index:idx_activity_logs_user_time,priority:1" json:"user_id"`
	Action       string        `gorm:"size:64;not null" json:"action"`
	ResourceType string        `gorm:"size:32;not null;default:''" json:"resource_type"`
	ResourceID   *int64        `json:"resource_id"`
	Details      wire.JSONText `gorm:"type:text" json:"details"`
	// IPAddress is the address of the account's client that made the change; empty (shown as
	// null) for changes an administrator made.
	IPAddress wire.OptText  `gorm:"size:45;not null;default:''" json:"ip_address"`
	CreatedAt wire.DateTime `gorm:"not null;index:idx_activity_logs_user_time,priority:2" json:"created_at"`
}

// TableName keeps the reference's name for the activity log.
func (Activity) TableName() string { return "activity_logs" }

type clientIPKey struct{}

// WithClientIP returns ctx carrying the caller's IP address, which activity entries record.
func WithClientIP(ctx context.Context, ip string) context.Context {
	return context.WithValue(ctx, clientIPKey{}, ip)
}

// logActivity adds an entry to userID's activity log in the transaction of the change it describes,
// and counts it in the account's totals. details is marshalled to JSON.
func logActivity(tx *gorm.DB, userID int64, action, resourceType string, resourceID int64, details map[string]any) error {
	ip, _ := tx.Statement.Context.Value(clientIPKey{}).(string)
	a := Activity{UserID: userID, Action: action, ResourceType: resourceType, IPAddress: wire.OptText(ip), CreatedAt: wire.Now()}
	if resourceID != 0 {
		a.ResourceID = &resourceID
	}
	if details != nil {
		b, err := json.Marshal(details)
		if err != nil {
			return err
		}
		a.Details = wire.JSONText(b)
	}
	if err := tx.Create(&a).Error; err != nil {
		return err
	}
	t := newTally(userID)
	t.row("activity", listActivity, a.CreatedAt.Time(), 1)
	return t.apply(tx)
}

// ListActivity returns a page of the account's activity, newest first (by time, then id: entries
// are written as things happen, so ids follow time), and how many entries there are.
func (s *Store) ListActivity(ctx context.Context, userID int64, page wire.Page) ([]Activity, int64, error) {
	var out []Activity
	q := listQuery{table: "activity_logs", index: "idx_activity_logs_user_time", column: "created_at", list: listActivity, userID: userID, count: "activity", total: -1}
	total, err := fetchPage(s.db.WithContext(ctx), &s.seeks, q, page, &out, func(a *Activity) (wire.DateTime, int64) { return a.CreatedAt, a.ID })
	return out, total, err
}
