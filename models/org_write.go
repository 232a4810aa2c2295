package models

import (
	"context"
	"errors"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"sharepanel/wire"
)

// Messages of organization changes, pinned by the tests.
const (
	DefaultOrgTitle       = "New Organization"
	msgOrgLimit           = "Organization limit reached for your plan"
	msgOrgPathTaken       = "Organization path already exists"
	msgOrgPathInvalid     = "Invalid path: use lowercase letters, digits and single hyphens, e.g. my-organization"
	msgInvalidContact     = "Invalid contact email"
	msgOrgTitleEmpty      = "Title cannot be empty"
	msgOrgNoFields        = "No fields to update. Send at least one of: title, path, contact"
	msgOrgUpdateForbidden = "You do not have permission to update this organization"
	msgOrgDeleteForbidden = "You do not have permission to delete this organization"
)

// createAttempts bounds the retries of a creation whose generated path another transaction took
// between our read and our insert (only possible on MySQL, where writers run in parallel).
const createAttempts = 8

// errPathRace marks a generated path lost to a concurrent creation: the whole transaction is retried.
var errPathRace = errors.New("generated organization path taken concurrently")

// NewOrg is what creating an organization takes. Empty fields are "not given".
type NewOrg struct {
	Title   string // default DefaultOrgTitle
	Path    string // default: a free slug of the title
	Contact string // an email address, or empty
}

// CreateOrg creates an organization whose admin is userID and makes userID its admin member
// (isAdmin 1, permission level 3). The plan's org_limit caps the organizations userID is the admin
// of; the account row is locked so that concurrent creations count each other. A given path must be
// a slug and free (ECONFLICT otherwise); without one, the title's slug is used, with -2, -3, … on
// collision.
func (s *Store) CreateOrg(ctx context.Context, userID int64, in NewOrg) (int64, error) {
	title := strings.TrimSpace(in.Title)
	if title == "" {
		title = DefaultOrgTitle
	}
	contact, err := checkContact(in.Contact)
	if err != nil {
		return 0, err
	}
	path := strings.TrimSpace(in.Path)
	if path != "" && !ValidSlug(path, maxOrgPathLen) {
		return 0, wire.Errorf(wire.EINVALID, msgOrgPathInvalid)
	}
	org := Organization{Title: title, Contact: contact, AdminID: userID, CreatedBy: userID}
	for attempt := 1; ; attempt++ {
		err = s.tx(ctx, func(tx *gorm.DB) error {
			if err := checkOrgLimit(tx, userID); err != nil {
				return err
			}
			org.ID, org.CreatedAt, org.Path = 0, wire.Now(), path
			if path == "" {
				free, err := freeOrgPath(tx, Slugify(title))
				if err != nil {
					return err
				}
				org.Path = free
			} else if err := checkPathFree(tx, path, 0); err != nil {
				return err
			}
			if err := tx.Create(&org).Error; err != nil {
				if isDuplicate(err) && path == "" {
					return errPathRace
				}
				if isDuplicate(err) {
					return wire.Errorf(wire.ECONFLICT, msgOrgPathTaken)
				}
				return err
			}
			m := OrgMember{OrganizationID: org.ID, UserID: userID, IsAdmin: true, PermissionLevel: PermissionAdmin, CreatedAt: org.CreatedAt}
			if err := tx.Create(&m).Error; err != nil {
				return err
			}
			return logActivity(tx, userID, "organization_created", "organization", org.ID, map[string]any{"org_name": title})
		})
		if attempt < createAttempts && errors.Is(err, errPathRace) { // deadlocks: Store.tx runs it again
			continue
		}
		if err != nil {
			return 0, err
		}
		return org.ID, nil
	}
}

// checkOrgLimit locks userID's row and fails with EFORBIDDEN when userID already administers as many
// organizations as the plan allows.
func checkOrgLimit(tx *gorm.DB, userID int64) error {
	var u User
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Select("id", "plan_id").Take(&u, userID).Error; err != nil {
		return notFound(err, "User not found")
	}
	var plan Plan
	if err := tx.Select("id", "org_limit").Take(&plan, u.PlanID).Error; err != nil {
		return err
	}
	var owned int64
	if err := tx.Model(&Organization{}).Where("admin_id = ?", userID).Count(&owned).Error; err != nil {
		return err
	}
	if owned >= int64(plan.OrgLimit) {
		return wire.Errorf(wire.EFORBIDDEN, msgOrgLimit)
	}
	return nil
}

// freeOrgPath returns base, or base-N with the smallest free N ≥ 2. Slugs hold no LIKE wildcards.
func freeOrgPath(tx *gorm.DB, base string) (string, error) {
	var taken []string
	err := tx.Model(&Organization{}).Where("(path = ? OR path LIKE ?)", base, base+"-%").Pluck("path", &taken).Error
	return firstFreeSlug(base, taken), err
}

// checkPathFree fails with ECONFLICT when another organization than exceptID has path.
func checkPathFree(tx *gorm.DB, path string, exceptID int64) error {
	var n int64
	if err := tx.Model(&Organization{}).Where("path = ? AND id <> ?", path, exceptID).Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return wire.Errorf(wire.ECONFLICT, msgOrgPathTaken)
	}
	return nil
}

// checkContact trims a contact and checks that it is an email address; empty is allowed (none).
func checkContact(contact string) (string, error) {
	contact = strings.TrimSpace(contact)
	if contact != "" && ValidateEmail(contact) != nil {
		return "", wire.Errorf(wire.EINVALID, msgInvalidContact)
	}
	return contact, nil
}

// isDeadlock reports MySQL's "Deadlock found when trying to get lock" (1213): the transaction was
// rolled back and may simply be run again.
func isDeadlock(err error) bool {
	return err != nil && strings.Contains(err.Error(), "Deadlock found")
}

// OrgUpdate holds the fields to change; nil leaves a field as it is. An empty contact clears it.
type OrgUpdate struct {
	Title, Path, Contact *string
}

// UpdateOrg changes an organization userID administers or manages (membership isAdmin, or
// permission level ≥ manager). A plain member gets EFORBIDDEN, a non-member ENOTFOUND.
func (s *Store) UpdateOrg(ctx context.Context, userID, orgID int64, in OrgUpdate) error {
	changes := map[string]any{}
	var changed []string
	if in.Title != nil {
		t := strings.TrimSpace(*in.Title)
		if t == "" {
			return wire.Errorf(wire.EINVALID, msgOrgTitleEmpty)
		}
		changes["title"], changed = t, append(changed, "title")
	}
	if in.Path != nil {
		p := strings.TrimSpace(*in.Path)
		if !ValidSlug(p, maxOrgPathLen) {
			return wire.Errorf(wire.EINVALID, msgOrgPathInvalid)
		}
		changes["path"], changed = p, append(changed, "path")
	}
	if in.Contact != nil {
		c, err := checkContact(*in.Contact)
		if err != nil {
			return err
		}
		changes["contact"], changed = c, append(changed, "contact")
	}
	if len(changes) == 0 {
		return wire.Errorf(wire.EINVALID, msgOrgNoFields)
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		org, m, err := orgOfMember(tx, userID, orgID, true)
		if err != nil {
			return err
		}
		if !m.IsAdmin && m.PermissionLevel < PermissionManager {
			return wire.Errorf(wire.EFORBIDDEN, msgOrgUpdateForbidden)
		}
		if p, ok := changes["path"].(string); ok {
			if err := checkPathFree(tx, p, orgID); err != nil {
				return err
			}
		}
		if err := tx.Model(&Organization{}).Where("id = ?", orgID).Updates(changes).Error; err != nil {
			if isDuplicate(err) {
				return wire.Errorf(wire.ECONFLICT, msgOrgPathTaken)
			}
			return err
		}
		if changes["title"] != nil || changes["path"] != nil {
			if err := copyOrgToMembers(tx, orgID); err != nil {
				return err
			}
		}
		name := org.Title
		if t, ok := changes["title"].(string); ok {
			name = t
		}
		return logActivity(tx, userID, "organization_updated", "organization", orgID, map[string]any{"org_name": name, "fields": changed})
	})
}

// DeleteOrg deletes an organization and its memberships; only its admin (admin_id) may. Instances
// filed under it stay, with no organization. A non-member gets ENOTFOUND, any other member
// EFORBIDDEN.
func (s *Store) DeleteOrg(ctx context.Context, userID, orgID int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		org, _, err := orgOfMember(tx, userID, orgID, true)
		if err != nil {
			return err
		}
		if org.AdminID != userID {
			return wire.Errorf(wire.EFORBIDDEN, msgOrgDeleteForbidden)
		}
		if err := tx.Model(&Instance{}).Where("organization_id = ?", orgID).Update("organization_id", nil).Error; err != nil {
			return err
		}
		if err := tx.Where("organization_id = ?", orgID).Delete(&OrgMember{}).Error; err != nil {
			return err
		}
		if err := tx.Delete(&Organization{}, orgID).Error; err != nil {
			return err
		}
		return logActivity(tx, userID, "organization_deleted", "organization", orgID, map[string]any{"org_name": org.Title})
	})
}
