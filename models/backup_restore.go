package models

import (
	"context"
	"fmt"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"sharepanel/wire"
)

// RestoreOptions rename the account being restored; empty fields keep the backup's.
type RestoreOptions struct {
	Username string
	Email    string
}

// RestoreResult says what a restore made, and what it could not link.
type RestoreResult struct {
	Username string `json:"username"`
	UserID   int64  `json:"user_id"`
	// Skipped lists the links to other accounts' data that are not restored: a member of one of its
	// organizations who no longer exists, and every membership of (and instance in) an organization
	// that the backup does not restore itself. Everything of its own is always restored.
	Skipped []string `json:"skipped"`
}

// RestoreAccount creates an account from a backup, in one transaction. Row IDs are kept where they
// are free (restoring a deleted account gives back the same IDs, so links such as
// /billing/invoice/7 still point right) and made anew where they are taken. A username, email,
// organization path or invoice number that exists already is ECONFLICT: restoring beside the
// original account needs another username and email, and fails if it has organizations or invoices.
func (s *Store) RestoreAccount(ctx context.Context, b *Backup, opts RestoreOptions) (*RestoreResult, error) {
	if b == nil || b.Format != BackupFormat {
		return nil, wire.Errorf(wire.EINVALID, "backup is not a SharePanel account backup (format %q expected)", BackupFormat)
	}
	if b.Version != BackupVersion {
		return nil, wire.Errorf(wire.EINVALID, "Unsupported backup version %d", b.Version)
	}
	acct := b.Account
	if opts.Username != "" {
		acct.Username = opts.Username
	}
	if opts.Email != "" {
		acct.Email = opts.Email
	}
	acct.Username, acct.Email = normalizeUsername(acct.Username), normalizeUsername(acct.Email)
	if !usernamePattern.MatchString(acct.Username) {
		return nil, wire.Errorf(wire.EINVALID, "Invalid username: use 2-32 lowercase letters, digits, '.', '_' or '-'")
	}
	if err := ValidateEmail(acct.Email); err != nil {
		return nil, err
	}
	if _, err := bcrypt.Cost([]byte(acct.PasswordHash)); err != nil {
		return nil, wire.Errorf(wire.EINVALID, "backup has no valid password hash")
	}
	r := &restorer{b: b, res: &RestoreResult{Username: acct.Username, Skipped: []string{}}, orgByPath: map[string]int64{}}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		// A deadlock's victim is run again: what a run fills in starts afresh.
		r.tx, r.res.Skipped, r.orgByPath = tx, []string{}, map[string]int64{}
		steps := []func(BackupAccount) error{r.account, r.organizations, r.memberships, r.instances, r.rows}
		for _, step := range steps {
			if err := step(acct); err != nil {
				return err
			}
		}
		return recount(tx, r.userID)
	})
	if err != nil {
		return nil, err
	}
	return r.res, nil
}

// restorer holds the state of one restore transaction.
type restorer struct {
	tx        *gorm.DB
	b         *Backup
	res       *RestoreResult
	userID    int64
	orgByPath map[string]int64 // restored organizations
}

// keepID returns id if no row of model has it, else 0 (a new one).
func (r *restorer) keepID(model any, id int64) (int64, error) {
	if id <= 0 {
		return 0, nil
	}
	var n int64
	if err := r.tx.Model(model).Where("id = ?", id).Count(&n).Error; err != nil {
		return 0, err
	}
	if n > 0 {
		return 0, nil
	}
	return id, nil
}

func (r *restorer) taken(model any, column, value string) (bool, error) {
	var n int64
	err := r.tx.Model(model).Where(column+" = ?", value).Count(&n).Error
	return n > 0, err
}

// userIDOf maps a username of the backup to an account of this database: the restored account
// itself, or another that exists (0 when it does not).
func (r *restorer) userIDOf(username string) (int64, error) {
	if username == r.b.Account.Username {
		return r.userID, nil
	}
	var u User
	err := r.tx.Select("id").Where("username = ?", username).Limit(1).Find(&u).Error
	return u.ID, err
}

func (r *restorer) account(a BackupAccount) error {
	var plan Plan
	if err := r.tx.Where("name = ?", a.Plan).First(&plan).Error; err != nil {
		return notFoundAs(err, wire.EINVALID, "Unknown plan: "+a.Plan)
	}
	key, err := emailKey(a.Email)
	if err != nil {
		return err
	}
	var n int64
	cond, args := keyless(key)
	if err := r.tx.Model(&User{}).Where("email_key = ? OR username = ? OR ("+cond+")", append([]any{key, a.Username}, args...)...).
		Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return wire.Errorf(wire.ECONFLICT, "A user with that email or username already exists")
	}
	id, err := r.keepID(&User{}, a.ID)
	if err != nil {
		return err
	}
	u := User{ID: id, Username: a.Username, Email: a.Email, EmailKey: key, PasswordHash: a.PasswordHash, Bio: a.Bio, Pfp: a.Pfp,
		PlanID: plan.ID, Verified: a.Verified, Balance: a.Balance, FirstName: a.FirstName, LastName: a.LastName,
		Phone: a.Phone, Address: a.Address, Suspended: bool(a.Suspended), CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
	if err := r.tx.Omit("Plan").Create(&u).Error; err != nil {
		if isDuplicate(err) {
			return wire.Errorf(wire.ECONFLICT, "A user with that email or username already exists")
		}
		return err
	}
	r.userID, r.res.UserID = u.ID, u.ID
	return nil
}

func (r *restorer) organizations(BackupAccount) error {
	for _, o := range r.b.Organizations {
		if taken, err := r.taken(&Organization{}, "path", o.Path); err != nil || taken {
			if err == nil {
				err = wire.Errorf(wire.ECONFLICT, "Organization path %s is already taken", o.Path)
			}
			return err
		}
		id, err := r.keepID(&Organization{}, o.ID)
		if err != nil {
			return err
		}
		creator, err := r.userIDOf(o.CreatedBy)
		if err != nil {
			return err
		}
		if creator == 0 {
			creator = r.userID
		}
		org := Organization{ID: id, Title: o.Title, Path: o.Path, AdminID: r.userID, Contact: o.Contact, CreatedBy: creator, CreatedAt: o.CreatedAt}
		if err := r.tx.Create(&org).Error; err != nil {
			return err
		}
		r.orgByPath[o.Path] = org.ID
		for _, m := range o.Members {
			uid, err := r.userIDOf(m.Username)
			if err != nil {
				return err
			}
			if uid == 0 {
				r.res.Skipped = append(r.res.Skipped, fmt.Sprintf("member %s of organization %s: no such user", m.Username, o.Path))
				continue
			}
			mem := OrgMember{OrganizationID: org.ID, UserID: uid, IsAdmin: m.IsAdmin, PermissionLevel: m.PermissionLevel, CreatedAt: m.CreatedAt}
			if err := r.tx.Create(&mem).Error; err != nil {
				return err
			}
		}
	}
	return nil
}

// memberships restores the account's memberships of organizations that the backup itself
// restores. A membership of any other organization is not restored, and said so in Skipped: a
// backup is a document anyone can edit, and it must not make its account a member, let alone an
// administrator, of another account's organization.
func (r *restorer) memberships(BackupAccount) error {
	for _, m := range r.b.Memberships {
		id, ok := r.orgByPath[m.OrgPath]
		if !ok {
			r.res.Skipped = append(r.res.Skipped, fmt.Sprintf("membership of organization %s: not in this backup; a restore cannot grant access to another account's organization", m.OrgPath))
			continue
		}
		var n int64
		if err := r.tx.Model(&OrgMember{}).Where("organization_id = ? AND user_id = ?", id, r.userID).Count(&n).Error; err != nil || n > 0 {
			continue // already a member, as its administrator's organization lists it
		}
		mem := OrgMember{OrganizationID: id, UserID: r.userID, IsAdmin: m.IsAdmin, PermissionLevel: m.PermissionLevel, CreatedAt: m.CreatedAt}
		if err := r.tx.Create(&mem).Error; err != nil {
			return err
		}
	}
	return nil
}

// instances restores the account's instances, in their organization when the backup restores it,
// outside any organization otherwise (said so in Skipped).
func (r *restorer) instances(BackupAccount) error {
	for _, bi := range r.b.Instances {
		in := bi.Instance
		in.UserID, in.OrganizationID = r.userID, nil
		if bi.OrgPath != nil {
			if id, ok := r.orgByPath[*bi.OrgPath]; ok {
				in.OrganizationID = &id
			} else {
				r.res.Skipped = append(r.res.Skipped, fmt.Sprintf("organization %s of instance %s: not in this backup; the instance is restored outside any organization", *bi.OrgPath, in.InstancePath))
			}
		}
		var err error
		if in.ID, err = r.keepID(&Instance{}, in.ID); err != nil {
			return err
		}
		if err := r.tx.Create(&in).Error; err != nil {
			return err
		}
	}
	return nil
}

// rows restores the tables that only belong to the account.
func (r *restorer) rows(BackupAccount) error {
	for _, v := range r.b.Invoices {
		if taken, err := r.taken(&Invoice{}, "invoice_number", v.InvoiceNumber); err != nil || taken {
			if err == nil {
				err = wire.Errorf(wire.ECONFLICT, "Invoice number %s already exists", v.InvoiceNumber)
			}
			return err
		}
		if err := r.create(&Invoice{}, &v, &v.ID, &v.UserID); err != nil {
			return err
		}
	}
	for _, v := range r.b.Transactions {
		if err := r.create(&Transaction{}, &v, &v.ID, &v.UserID); err != nil {
			return err
		}
	}
	for _, v := range r.b.Purchases {
		if err := r.create(&Purchase{}, &v, &v.ID, &v.UserID); err != nil {
			return err
		}
	}
	for _, v := range r.b.Notifications {
		if err := r.create(&Notification{}, &v, &v.ID, &v.UserID); err != nil {
			return err
		}
	}
	for _, v := range r.b.Activity {
		if err := r.create(&Activity{}, &v, &v.ID, &v.UserID); err != nil {
			return err
		}
	}
	return nil
}

// create inserts row (a pointer to a copy) as the restored account's, keeping its ID if free.
func (r *restorer) create(model, row any, id, userID *int64) error {
	var err error
	if *id, err = r.keepID(model, *id); err != nil {
		return err
	}
	*userID = r.userID
	return r.tx.Create(row).Error
}
