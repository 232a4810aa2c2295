package models

import (
	"context"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"sharepanel/wire"
)

// Organization is a group of users. Its creator is its admin.
type Organization struct {
	ID        int64         `gorm:"primaryKey" json:"id"`
	Title     string        `gorm:"size:255;not null" json:"title"`
	Path      string        `gorm:"size:64;uniqueIndex;not null" json:"path"`
	AdminID   int64         `gorm:"not null;index" json:"admin_id"`
	Contact   string        `gorm:"size:255;not null;default:''" json:"contact"`
	CreatedBy int64         `gorm:"not null" json:"created_by"`
	CreatedAt wire.DateTime `gorm:"not null" json:"-"`
}

// OrgMember is a user's membership of an organization. PermissionLevel: 3 admin, 2 manager, 1 member.
type OrgMember struct {
	ID              int64         `gorm:"primaryKey"`
	OrganizationID  int64         `gorm:"not null;uniqueIndex:idx_org_member"`
	UserID          int64         `gorm:"not null;uniqueIndex:idx_org_member;index"`
	IsAdmin         wire.Flag     `gorm:"not null;default:false"`
	PermissionLevel int           `gorm:"not null;default:1"`
	CreatedAt       wire.DateTime `gorm:"not null"`
}

// Permission levels of a membership.
const (
	PermissionMember  = 1
	PermissionManager = 2
	PermissionAdmin   = 3
)

// msgOrgNotFound is the answer for an organization that does not exist and for one the caller is
// not a member of: the same words, so that nothing leaks.
const msgOrgNotFound = "Organization not found"

// ListOrgs returns the organizations userID is a member of, with the caller's membership, oldest
// first.
func (s *Store) ListOrgs(ctx context.Context, userID int64) ([]OrgListItem, error) {
	var out []OrgListItem
	err := s.db.WithContext(ctx).Table("organizations AS o").
		Select("o.id, o.title, o.path, o.admin_id, o.contact, o.created_by, m.is_admin, m.permission_level").
		Joins("JOIN org_members m ON m.organization_id = o.id").
		Where("m.user_id = ?", userID).
		Order("o.id").Scan(&out).Error
	return out, err
}

// OrgDetailsOf returns an organization userID is a member of, with its member count and the number
// of instances (of any member) filed under it.
func (s *Store) OrgDetailsOf(ctx context.Context, userID, orgID int64) (*OrgDetails, error) {
	var d OrgDetails
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		org, _, err := orgOfMember(tx, userID, orgID, false)
		if err != nil {
			return err
		}
		d = OrgDetails{ID: org.ID, Title: org.Title, Path: org.Path, AdminID: org.AdminID, Contact: org.Contact, CreatedBy: org.CreatedBy}
		if err := tx.Model(&OrgMember{}).Where("organization_id = ?", orgID).Count(&d.MemberCount).Error; err != nil {
			return err
		}
		return tx.Model(&Instance{}).Where("organization_id = ?", orgID).Count(&d.InstanceCount).Error
	})
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// ListOrgMembers returns the members of an organization userID is a member of, in the order they
// joined.
func (s *Store) ListOrgMembers(ctx context.Context, userID, orgID int64) ([]OrgMemberView, error) {
	var out []OrgMemberView
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if _, _, err := orgOfMember(tx, userID, orgID, false); err != nil {
			return err
		}
		return tx.Table("org_members AS m").
			Select("u.id AS member_id, m.organization_id, m.is_admin, m.permission_level, u.username, u.email, u.pfp").
			Joins("JOIN users u ON u.id = m.user_id").
			Where("m.organization_id = ?", orgID).
			Order("m.id").Scan(&out).Error
	})
	return out, err
}

// orgOfMember returns the organization and userID's membership of it; ENOTFOUND when the
// organization does not exist or userID is not a member. forUpdate locks the organization's row
// until the transaction ends.
func orgOfMember(tx *gorm.DB, userID, orgID int64, forUpdate bool) (*Organization, *OrgMember, error) {
	var m OrgMember
	if err := tx.Where("organization_id = ? AND user_id = ?", orgID, userID).Take(&m).Error; err != nil {
		return nil, nil, notFound(err, msgOrgNotFound)
	}
	q := tx
	if forUpdate {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var org Organization
	if err := q.Take(&org, orgID).Error; err != nil {
		return nil, nil, notFound(err, msgOrgNotFound)
	}
	return &org, &m, nil
}
