package models

import (
	"context"
	"encoding/json"
	"strings"

	"sharepanel/wire"
)

// AuditEntry is one administrator action: who did what to which object, from where, and how it
// ended (the HTTP status; 0 for the command line).
type AuditEntry struct {
	ID        int64         `gorm:"primaryKey" json:"id"`
	Admin     string        `gorm:"size:64;not null;index" json:"admin"`
	Action    string        `gorm:"size:64;not null" json:"action"`
	Target    string        `gorm:"size:255;not null;default:''" json:"target"`
	Status    int           `gorm:"not null;default:0" json:"status"`
	Details   wire.JSONText `gorm:"type:text" json:"details"`
	IPAddress string        `gorm:"size:45;not null;default:''" json:"ip_address"`
	CreatedAt wire.DateTime `gorm:"not null;index" json:"created_at"`
}

// TableName is the audit log's table.
func (AuditEntry) TableName() string { return "admin_audit_log" }

// NewAudit is what recording an admin action takes. Details must never hold a password or a token.
type NewAudit struct {
	Admin   string
	Action  string
	Target  string
	Status  int
	Details map[string]any
	IP      string
}

// RecordAudit appends an entry to the audit log.
func (s *Store) RecordAudit(ctx context.Context, in NewAudit) error {
	e := AuditEntry{Admin: clip(in.Admin, 64), Action: clip(in.Action, 64), Target: clip(in.Target, 255),
		Status: in.Status, IPAddress: clip(in.IP, 45), CreatedAt: wire.Now()}
	if len(in.Details) > 0 {
		b, err := json.Marshal(in.Details)
		if err != nil {
			return err
		}
		e.Details = wire.JSONText(b)
	}
	return s.db.WithContext(ctx).Create(&e).Error
}

// AuditFilter narrows ListAudit; empty fields match everything.
type AuditFilter struct {
	Admin  string
	Action string
}

// ListAudit returns audit entries, newest first, and how many match in all.
func (s *Store) ListAudit(ctx context.Context, f AuditFilter, page wire.Page) ([]AuditEntry, int64, error) {
	q := s.db.WithContext(ctx).Model(&AuditEntry{})
	if f.Admin != "" {
		q = q.Where("admin = ?", strings.ToLower(f.Admin))
	}
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var out []AuditEntry
	err := q.Order("id DESC").Limit(page.Limit).Offset(page.Offset).Find(&out).Error
	return out, total, err
}

// clip cuts s to at most n bytes without splitting a UTF-8 sequence, so a long value never fails
// the insert of an audit entry.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
