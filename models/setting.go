package models

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"sharepanel/wire"
)

// Setting is one runtime setting, kept in the database so that every replica agrees on it.
type Setting struct {
	Name      string        `gorm:"primaryKey;size:64"`
	Value     string        `gorm:"type:text;not null"`
	UpdatedAt wire.DateTime `gorm:"not null"`
}

// The settings an operator can read and change (sharepanel config, /api/settings).
const (
	SettingAPI         = "api"          // admin API switch: "on" or "off" (default off)
	SettingDefaultPlan = "default_plan" // plan of accounts created without one (default "free")
	SettingCurrency    = "currency"     // three-letter currency code (default: Store.DefaultCurrency)
)

// defaultPlanName is the default_plan setting until an operator changes it.
const defaultPlanName = "free"

// settingJWTSecret holds the admin tokens' signing key when SHAREPANEL_JWT_SECRET is not set. It is
// never shown by Settings.
const settingJWTSecret = "jwt_secret"

// SettingKeys are the settings Settings shows and UpdateSettings accepts, in display order.
var SettingKeys = []string{SettingAPI, SettingDefaultPlan, SettingCurrency}

// settingsTTL bounds how long a replica may act on a setting changed by another replica.
const settingsTTL = time.Second

// settingsCache keeps every setting row for settingsTTL, so that reading the API switch on each
// admin request costs no query; a change made through this replica applies at once.
type settingsCache struct {
	mu     sync.Mutex
	values map[string]string
	loaded time.Time
}

func (c *settingsCache) invalidate() {
	c.mu.Lock()
	c.values = nil
	c.mu.Unlock()
}

// allSettings returns every stored setting, from the cache when it is fresh.
func (s *Store) allSettings(ctx context.Context) (map[string]string, error) {
	c := &s.settings
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.values != nil && time.Since(c.loaded) < settingsTTL {
		return c.values, nil
	}
	var rows []Setting
	if err := s.db.WithContext(ctx).Find(&rows).Error; err != nil {
		return nil, err
	}
	values := make(map[string]string, len(rows))
	for _, r := range rows {
		values[r.Name] = r.Value
	}
	c.values, c.loaded = values, time.Now()
	return values, nil
}

// Setting returns a setting's value, or def when it was never set.
func (s *Store) Setting(ctx context.Context, key, def string) (string, error) {
	values, err := s.allSettings(ctx)
	if err != nil {
		return "", err
	}
	if v, ok := values[key]; ok {
		return v, nil
	}
	return def, nil
}

// Settings returns the operator's settings with their defaults applied; currency defaults to
// DefaultCurrency (the configured one).
func (s *Store) Settings(ctx context.Context) (map[string]string, error) {
	values, err := s.allSettings(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]string{SettingAPI: "off", SettingDefaultPlan: defaultPlanName, SettingCurrency: s.DefaultCurrency}
	for _, k := range SettingKeys {
		if v, ok := values[k]; ok {
			out[k] = v
		}
	}
	return out, nil
}

// Currency is the currency balances are shown in: the currency setting, else DefaultCurrency.
func (s *Store) Currency(ctx context.Context) (string, error) {
	return s.Setting(ctx, SettingCurrency, s.DefaultCurrency)
}

// UnknownSetting is the error for a setting that is not one of SettingKeys.
func UnknownSetting(key string) error {
	return wire.Errorf(wire.EINVALID, "Unknown setting %q. Settings: %s", key, strings.Join(SettingKeys, ", "))
}

// APIEnabled tells whether the admin API is switched on.
func (s *Store) APIEnabled(ctx context.Context) (bool, error) {
	v, err := s.Setting(ctx, SettingAPI, "off")
	return v == "on", err
}

// UpdateSettings validates every given setting, then stores them all in one transaction, and returns
// the stored (normalised) values. "api" takes on/off (or true/false, 1/0).
func (s *Store) UpdateSettings(ctx context.Context, changes map[string]string) (map[string]string, error) {
	if len(changes) == 0 {
		return nil, wire.Errorf(wire.EINVALID, "No settings to update. Settings: %s", strings.Join(SettingKeys, ", "))
	}
	out := make(map[string]string, len(changes))
	for _, key := range SettingKeys {
		if v, ok := changes[key]; ok {
			norm, err := s.checkSetting(ctx, key, v)
			if err != nil {
				return nil, err
			}
			out[key] = norm
		}
	}
	for key := range changes {
		if _, ok := out[key]; !ok {
			return nil, UnknownSetting(key)
		}
	}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		for _, key := range SettingKeys {
			if v, ok := out[key]; ok {
				if err := putSetting(tx, key, v); err != nil {
					return err
				}
			}
		}
		return nil
	})
	s.settings.invalidate()
	if err != nil {
		return nil, err
	}
	return out, nil
}

// checkSetting validates one setting's value and returns it normalised.
func (s *Store) checkSetting(ctx context.Context, key, value string) (string, error) {
	value = strings.TrimSpace(value)
	switch key {
	case SettingAPI:
		switch strings.ToLower(value) {
		case "on", "true", "1":
			return "on", nil
		case "off", "false", "0":
			return "off", nil
		}
		return "", wire.Errorf(wire.EINVALID, "api must be on or off")
	case SettingDefaultPlan:
		value = strings.ToLower(value)
		var n int64
		if err := s.db.WithContext(ctx).Model(&Plan{}).Where("name = ?", value).Count(&n).Error; err != nil {
			return "", err
		}
		if n == 0 {
			return "", wire.Errorf(wire.EINVALID, "Unknown plan: %s", value)
		}
		return value, nil
	case SettingCurrency:
		value = strings.ToUpper(value)
		if len(value) != 3 || strings.Trim(value, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
			return "", wire.Errorf(wire.EINVALID, "currency must be a three-letter code such as USD")
		}
		return value, nil
	}
	return "", wire.Errorf(wire.EINVALID, "Unknown setting %q. Settings: %s", key, strings.Join(SettingKeys, ", "))
}

// putSetting inserts or replaces one setting; the caller invalidates the cache.
func putSetting(db *gorm.DB, key, value string) error {
	return db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "name"}}, DoUpdates: clause.AssignmentColumns([]string{"value", "updated_at"})}).
		Create(&Setting{Name: key, Value: value, UpdatedAt: wire.Now()}).Error
}

// JWTSecret returns the admin tokens' signing key stored in the database, making it on first use.
// Replicas that race to make it all end up with the one that was stored first.
func (s *Store) JWTSecret(ctx context.Context) ([]byte, error) {
	db := s.db.WithContext(ctx)
	var b [48]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	err := db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "name"}}, DoNothing: true}).
		Create(&Setting{Name: settingJWTSecret, Value: base64.RawStdEncoding.EncodeToString(b[:]), UpdatedAt: wire.Now()}).Error
	if err != nil {
		return nil, err
	}
	var row Setting
	if err := db.Where("name = ?", settingJWTSecret).First(&row).Error; err != nil {
		return nil, err
	}
	return base64.RawStdEncoding.DecodeString(row.Value)
}
