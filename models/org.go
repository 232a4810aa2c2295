package models

import (
	"context"
	"database/sql"
	"errors"

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
// SearchTitle and SearchPath are the organization's title and path lowercased by the database,
// which search matches (migration 24): filled by BeforeCreate, kept by UpdateOrg.
type OrgMember struct {
	ID              int64         `gorm:"primaryKey;index:idx_org_members_org_id,priority:2"`
	OrganizationID  int64         `gorm:"not null;uniqueIndex:idx_org_member;index:idx_org_members_user_org_search,priority:2;index:idx_org_members_org_id,priority:1"`
	UserID          int64         `gorm:"not null;uniqueIndex:idx_org_member;index:idx_org_members_user_org_search,priority:1"`
	IsAdmin         wire.Flag     `gorm:"not null;default:false"`
	PermissionLevel int           `gorm:"not null;default:1"`
	CreatedAt       wire.DateTime `gorm:"not null"`
	SearchTitle     string        `gorm:"size:255;not null;default:'';index:idx_org_members_user_org_search,priority:3" json:"-"`
	SearchPath      string        `gorm:"size:64;not null;default:'';index:idx_org_members_user_org_search,priority:4" json:"-"`
}

// BeforeCreate copies the organization's title and path, lowercased, into the membership, in the
// statement's transaction, whichever way the membership is made (none for an organization that is
// not there). On MySQL the read locks the organization's row (shared) until the transaction ends,
// so that a rename cannot commit between it and the membership: the rename's rewrite of the
// copies (UpdateOrg) would miss the new row.
func (m *OrgMember) BeforeCreate(tx *gorm.DB) error {
	lock := ""
	if isMySQL(tx) {
		lock = " LOCK IN SHARE MODE"
	}
	err := tx.Session(&gorm.Session{NewDB: true}).Raw("SELECT LOWER(title), LOWER(path) FROM organizations WHERE id = ?"+lock, m.OrganizationID).
		Row().Scan(&m.SearchTitle, &m.SearchPath)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	return unavailable(err)
}

// copyOrgToMembers writes the organization's title and path again into its memberships' copies.
func copyOrgToMembers(tx *gorm.DB, orgID int64) error {
	return tx.Exec(copyOrgNamesSQL+"organization_id = ?", orgID).Error
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

// ListOrgs returns a page of the organizations userID is a member of, with the caller's
// membership, oldest first, and how many there are. The page is read in the order of the index on
// the memberships' user and organization.
func (s *Store) ListOrgs(ctx context.Context, userID int64, page wire.Page) ([]OrgListItem, int64, error) {
	db := s.db.WithContext(ctx)
	var total int64
	if err := memberOrgs(db, userID).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	out := []OrgListItem{}
	if int64(page.Offset) >= total {
		return out, total, nil
	}
	err := db.Table("org_members AS m").
		Select("o.id, o.title, o.path, o.admin_id, o.contact, o.created_by, m.is_admin, m.permission_level").
		Joins("JOIN organizations o ON o.id = m.organization_id").
		Where("m.user_id = ?", userID).
		Order("m.organization_id").Limit(page.Limit).Offset(page.Offset).Scan(&out).Error
	return out, total, err
}

// OrgDetailsOf returns an organization userID is a member of, with its member count and the number
// of instances (of any member) filed under it.
func (s *Store) OrgDetailsOf(ctx context.Context, userID, orgID int64) (*OrgDetails, error) {
	var d OrgDetails
	err := s.tx(ctx, func(tx *gorm.DB) error {
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

// ListOrgMembers returns a page of the members of an organization userID is a member of, in the
// order they joined, and how many there are.
func (s *Store) ListOrgMembers(ctx context.Context, userID, orgID int64, page wire.Page) ([]OrgMemberView, int64, error) {
	out := []OrgMemberView{}
	var total int64
	// Reads without a transaction: the membership is checked first, and a change meanwhile shows
	// as it would on the next page.
	tx := s.db.WithContext(ctx)
	err := func() error {
		if _, _, err := orgOfMember(tx, userID, orgID, false); err != nil {
			return err
		}
		if err := tx.Model(&OrgMember{}).Where("organization_id = ?", orgID).Count(&total).Error; err != nil {
			return err
		}
		if int64(page.Offset) >= total {
			return nil
		}
		// The page's memberships in the order of the index on organization and id, then their
		// members: no query sorts. MariaDB prefers the unique (organization, user) index and
		// sorts by id, so it is told which index gives the order.
		var ids []int64
		err := tx.Table("org_members"+indexHint(tx, "idx_org_members_org_id")).Where("organization_id = ?", orgID).Order("id").Limit(page.Limit).Offset(page.Offset).Pluck("id", &ids).Error
		if err != nil || len(ids) == 0 {
			return err
		}
		var rows []struct {
			ID int64
			OrgMemberView
		}
		err = tx.Table("org_members AS m").
			Select("m.id, u.id AS member_id, m.organization_id, m.is_admin, m.permission_level, u.username, u.email, u.pfp").
			Joins("JOIN users u ON u.id = m.user_id").Where("m.id IN ?", ids).Scan(&rows).Error
		if err != nil {
			return err
		}
		at := make(map[int64]OrgMemberView, len(rows))
		for _, r := range rows {
			at[r.ID] = r.OrgMemberView
		}
		for _, id := range ids {
			if m, ok := at[id]; ok {
				out = append(out, m)
			}
		}
		return nil
	}()
	return out, total, err
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
