package models

// Organization is a group of users. Its creator is its admin.
type Organization struct {
	ID        int64    `gorm:"primaryKey" json:"id"`
	Title     string   `gorm:"size:255;not null" json:"title"`
	Path      string   `gorm:"size:64;uniqueIndex;not null" json:"path"`
	AdminID   int64    `gorm:"not null;index" json:"admin_id"`
	Contact   string   `gorm:"size:255;not null;default:''" json:"contact"`
	CreatedBy int64    `gorm:"not null" json:"created_by"`
	CreatedAt DateTime `gorm:"not null" json:"-"`
}

// OrgMember is a user's membership of an organization. PermissionLevel: 3 admin, 2 manager, 1 member.
type OrgMember struct {
	ID              int64    `gorm:"primaryKey"`
	OrganizationID  int64    `gorm:"not null;uniqueIndex:idx_org_member"`
	UserID          int64    `gorm:"not null;uniqueIndex:idx_org_member;index"`
	IsAdmin         Flag     `gorm:"not null;default:false"`
	PermissionLevel int      `gorm:"not null;default:1"`
	CreatedAt       DateTime `gorm:"not null"`
}

// Permission levels of a membership.
const (
	PermissionMember  = 1
	PermissionManager = 2
	PermissionAdmin   = 3
)
