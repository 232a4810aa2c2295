package models

// Notification is a message to a user.
type Notification struct {
	ID        int64    `gorm:"primaryKey" json:"id"`
	UserID    int64    `gorm:"not null;index:idx_notification_user_read" json:"-"`
	Title     string   `gorm:"size:255;not null" json:"title"`
	Message   string   `gorm:"type:text" json:"message"`
	Type      string   `gorm:"size:16;not null;default:'info'" json:"type"`
	IsRead    Flag     `gorm:"not null;default:false;index:idx_notification_user_read" json:"is_read"`
	Link      string   `gorm:"size:1024;not null;default:''" json:"link"`
	CreatedAt DateTime `gorm:"not null" json:"created_at"`
}
