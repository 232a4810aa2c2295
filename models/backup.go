package models

import (
	"context"

	"gorm.io/gorm"

	"sharepanel/wire"
)

// Backup is one account's data as a JSON document: everything it owns but its API keys (and their
// usage records, which belong to the keys). RestoreAccount reads it back, into the same username or
// another. Other accounts appear only by username (members of its organizations) or organization
// path (its memberships elsewhere), so a backup restores onto any database that has them.
type Backup struct {
	Format        string               `json:"format"`  // BackupFormat
	Version       int                  `json:"version"` // BackupVersion
	CreatedAt     wire.DateTime        `json:"created_at"`
	Account       BackupAccount        `json:"account"`
	Organizations []BackupOrganization `json:"organizations"` // the ones it administers
	Memberships   []BackupMembership   `json:"memberships"`   // in other accounts' organizations
	Instances     []BackupInstance     `json:"instances"`
	Invoices      []Invoice            `json:"invoices"`
	Transactions  []Transaction        `json:"transactions"`
	Purchases     []Purchase           `json:"purchases"`
	Notifications []Notification       `json:"notifications"`
	Activity      []Activity           `json:"activity"`
}

// Backup document identification.
const (
	BackupFormat  = "sharepanel-account-backup"
	BackupVersion = 1
)

// BackupAccount is the account row. The password hash travels so that the restored account logs in
// with the same password; a backup is therefore as sensitive as the database.
type BackupAccount struct {
	ID           int64         `json:"id"`
	Username     string        `json:"username"`
	Email        string        `json:"email"`
	PasswordHash string        `json:"password_hash"`
	Plan         string        `json:"plan"`
	Bio          string        `json:"bio"`
	Pfp          string        `json:"pfp"`
	Verified     wire.Flag     `json:"verified"`
	Balance      wire.Money    `json:"balance"`
	FirstName    string        `json:"first_name"`
	LastName     string        `json:"last_name"`
	Phone        string        `json:"phone"`
	Address      string        `json:"address"`
	Suspended    wire.Flag     `json:"suspended"`
	CreatedAt    wire.DateTime `json:"created_at"`
	UpdatedAt    wire.DateTime `json:"updated_at"`
}

// BackupOrganization is an organization the account administers, with its members.
type BackupOrganization struct {
	ID        int64          `json:"id"`
	Title     string         `json:"title"`
	Path      string         `json:"path"`
	Contact   string         `json:"contact"`
	CreatedBy string         `json:"created_by"` // username
	CreatedAt wire.DateTime  `json:"created_at"`
	Members   []BackupMember `json:"members"`
}

// BackupMember is a membership of one of the account's organizations, by username.
type BackupMember struct {
	Username        string        `json:"username"`
	IsAdmin         wire.Flag     `json:"isAdmin"`
	PermissionLevel int           `json:"permissionlevel"`
	CreatedAt       wire.DateTime `json:"created_at"`
}

// BackupMembership is the account's membership of another account's organization, by path.
type BackupMembership struct {
	OrgPath         string        `json:"org_path"`
	IsAdmin         wire.Flag     `json:"isAdmin"`
	PermissionLevel int           `json:"permissionlevel"`
	CreatedAt       wire.DateTime `json:"created_at"`
}

// BackupInstance is an instance with the path of its organization (null: none).
type BackupInstance struct {
	Instance
	OrgPath *string `json:"org_path"`
}

// ExportAccount reads one account's backup in one transaction, so that the document is consistent.
func (s *Store) ExportAccount(ctx context.Context, username string) (*Backup, error) {
	var b *Backup
	err := s.tx(ctx, func(tx *gorm.DB) error {
		// Made here: a run again (a deadlock's victim) must not add to what a run before it read.
		b = &Backup{Format: BackupFormat, Version: BackupVersion, CreatedAt: wire.Now(),
			Organizations: []BackupOrganization{}, Memberships: []BackupMembership{}, Instances: []BackupInstance{},
			Invoices: []Invoice{}, Transactions: []Transaction{}, Purchases: []Purchase{}, Notifications: []Notification{},
			Activity: []Activity{}}
		var u User
		if err := tx.Preload("Plan").Where("username = ?", normalizeUsername(username)).First(&u).Error; err != nil {
			return notFound(err, "User not found")
		}
		b.Account = BackupAccount{ID: u.ID, Username: u.Username, Email: u.Email, PasswordHash: u.PasswordHash,
			Plan: u.Plan.Name, Bio: u.Bio, Pfp: u.Pfp, Verified: u.Verified, Balance: u.Balance, FirstName: u.FirstName,
			LastName: u.LastName, Phone: u.Phone, Address: u.Address, Suspended: wire.Flag(u.Suspended),
			CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
		if err := exportOrgs(tx, u.ID, b); err != nil {
			return err
		}
		if err := exportInstances(tx, u.ID, b); err != nil {
			return err
		}
		for _, dst := range []any{&b.Invoices, &b.Transactions, &b.Purchases, &b.Notifications, &b.Activity} {
			if err := tx.Where("user_id = ?", u.ID).Order("id").Find(dst).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

func exportOrgs(tx *gorm.DB, userID int64, b *Backup) error {
	var orgs []Organization
	if err := tx.Where("admin_id = ?", userID).Order("id").Find(&orgs).Error; err != nil {
		return err
	}
	for _, o := range orgs {
		bo := BackupOrganization{ID: o.ID, Title: o.Title, Path: o.Path, Contact: o.Contact, CreatedAt: o.CreatedAt, Members: []BackupMember{}}
		var creator User
		if err := tx.Select("username").Where("id = ?", o.CreatedBy).Limit(1).Find(&creator).Error; err != nil {
			return err
		}
		bo.CreatedBy = creator.Username
		err := tx.Table("org_members AS m").Joins("JOIN users u ON u.id = m.user_id").
			Select("u.username, m.is_admin, m.permission_level, m.created_at").
			Where("m.organization_id = ?", o.ID).Order("m.id").Scan(&bo.Members).Error
		if err != nil {
			return err
		}
		b.Organizations = append(b.Organizations, bo)
	}
	return tx.Table("org_members AS m").Joins("JOIN organizations o ON o.id = m.organization_id").
		Select("o.path AS org_path, m.is_admin, m.permission_level, m.created_at").
		Where("m.user_id = ? AND o.admin_id <> ?", userID, userID).Order("m.id").Scan(&b.Memberships).Error
}

func exportInstances(tx *gorm.DB, userID int64, b *Backup) error {
	var instances []Instance
	if err := tx.Where("user_id = ?", userID).Order("id").Find(&instances).Error; err != nil {
		return err
	}
	var orgIDs []int64
	for _, in := range instances {
		if in.OrganizationID != nil {
			orgIDs = append(orgIDs, *in.OrganizationID)
		}
	}
	paths := map[int64]string{}
	if len(orgIDs) > 0 {
		var orgs []Organization
		if err := tx.Select("id, path").Where("id IN ?", orgIDs).Find(&orgs).Error; err != nil {
			return err
		}
		for _, o := range orgs {
			paths[o.ID] = o.Path
		}
	}
	for _, in := range instances {
		bi := BackupInstance{Instance: in}
		if in.OrganizationID != nil {
			if p, ok := paths[*in.OrganizationID]; ok {
				bi.OrgPath = &p
			}
		}
		b.Instances = append(b.Instances, bi)
	}
	return nil
}
