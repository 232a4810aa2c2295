package testenv

import (
	"context"

	"sharepanel/models"
	"sharepanel/wire"
)

// SeedInstance creates an instance for userID through Store.CreateInstance (which enforces the
// plan's instance limit). Path defaults to a random slug, Type to SNCS.
func (e *Env) SeedInstance(userID int64, in models.NewInstance) *models.Instance {
	e.T.Helper()
	if in.Path == "" {
		in.Path = "inst-" + randomHex(4)
	}
	if in.Name == "" {
		in.Name = "Instance " + in.Path
	}
	if in.Type == "" {
		in.Type = models.TypeSNCS
	}
	inst, err := e.Store.CreateInstance(context.Background(), userID, in)
	if err != nil {
		e.T.Fatalf("create instance: %v", err)
	}
	return inst
}

// SeedMember makes userID a member of orgID with the given admin flag and permission level. The user
// API has no action that adds members (administrators will), so tests write the row directly.
func (e *Env) SeedMember(orgID, userID int64, isAdmin bool, level int) {
	e.T.Helper()
	m := models.OrgMember{OrganizationID: orgID, UserID: userID, IsAdmin: wire.Flag(isAdmin), PermissionLevel: level, CreatedAt: wire.Now()}
	if err := e.Store.DB().Create(&m).Error; err != nil {
		e.T.Fatalf("add member: %v", err)
	}
}
