package models

// Instance is a hosted service of a user: type SNCS or SMS, status active, sleep or dead.
type Instance struct {
	ID             int64    `gorm:"primaryKey" json:"id"`
	UserID         int64    `gorm:"not null;index;uniqueIndex:idx_instance_user_path" json:"user_id"`
	OrganizationID *int64   `gorm:"index" json:"-"`
	InstanceName   string   `gorm:"size:255;not null" json:"instance_name"`
	InstancePath   string   `gorm:"size:128;not null;uniqueIndex:idx_instance_user_path" json:"instance_path"`
	Status         string   `gorm:"size:16;not null;index" json:"status"`
	InstanceType   string   `gorm:"size:64;not null;default:'default'" json:"instance_type"`
	Type           string   `gorm:"size:8;not null" json:"type"`
	CreatedAt      DateTime `gorm:"not null" json:"created_at"`
}

// Instance statuses and types.
const (
	StatusActive = "active"
	StatusSleep  = "sleep"
	StatusDead   = "dead"
	TypeSNCS     = "SNCS"
	TypeSMS      = "SMS"
)
