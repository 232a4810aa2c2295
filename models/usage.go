package models

import (
	"context"
	"math"
	"time"

	"gorm.io/gorm"

	"sharepanel/wire"
)

// APIUsage is the /api requests of one group — one user, key, endpoint, UTC day and status code —
// that one flush of the UsageRecorder wrote; rows are never updated, so a group that spans several
// flushes has several rows and every report sums over them.
type APIUsage struct {
	ID                  int64         `gorm:"primaryKey"`
	UserID              int64         `gorm:"not null;index:idx_usage_user_day"`
	KeyID               int64         `gorm:"not null;index:idx_usage_key_day"`
	Endpoint            string        `gorm:"size:64;not null"` // "mode.action"
	StatusCode          int           `gorm:"not null"`
	Day                 string        `gorm:"size:10;not null;index:idx_usage_user_day;index:idx_usage_key_day"` // YYYY-MM-DD, UTC
	RequestCount        int64         `gorm:"not null;default:1"`
	TotalDurationMicros int64         `gorm:"not null;default:0"`
	LastAt              wire.DateTime // the group's newest request in this flush
	CreatedAt           wire.DateTime `gorm:"not null"` // when the flush wrote the row
}

// TableName is the reference's name.
func (APIUsage) TableName() string { return "api_usage" }

// upgradeUnversioned brings a database made before migrations were versioned to exactly version 1.
// The one shape that differs is api_usage of the first release, one row per request with a
// duration_micros column: each old row becomes a group of one request. Each statement checks first,
// so a run that failed halfway can simply be run again.
func upgradeUnversioned(db *gorm.DB, mysql bool) error {
	m := db.Migrator()
	if !m.HasColumn("api_usage", "duration_micros") {
		return nil
	}
	columns := []struct{ name, sqlite, mysql string }{
		{"request_count", "integer NOT NULL DEFAULT 1", "bigint(20) NOT NULL DEFAULT 1"},
		{"total_duration_micros", "integer NOT NULL DEFAULT 0", "bigint(20) NOT NULL DEFAULT 0"},
		{"last_at", "datetime", "datetime(3) DEFAULT NULL"},
	}
	for _, c := range columns {
		if m.HasColumn("api_usage", c.name) {
			continue
		}
		def := c.sqlite
		if mysql {
			def = c.mysql
		}
		if err := db.Exec("ALTER TABLE api_usage ADD COLUMN " + c.name + " " + def).Error; err != nil {
			return err
		}
	}
	err := db.Exec("UPDATE api_usage SET request_count = 1, total_duration_micros = duration_micros, last_at = created_at").Error
	if err != nil {
		return err
	}
	return db.Exec("ALTER TABLE api_usage DROP COLUMN duration_micros").Error
}

// usageSummary is the aggregate both usage reports share: sums over the groups' rows, so exactly
// what one row per request would give. The "* 1.0" keeps the average from integer division (SQLite)
// and keeps its microseconds (MySQL's DECIMAL division adds only 4 digits of scale per division).
const usageSummary = `COALESCE(SUM(request_count), 0) AS total_requests,
	COUNT(DISTINCT endpoint) AS endpoints_used,
	COALESCE(SUM(total_duration_micros) * 1.0 / SUM(request_count), 0) / 1000000.0 AS avg_response_time,
	COALESCE(SUM(CASE WHEN status_code < 400 THEN request_count ELSE 0 END), 0) AS success_count,
	COALESCE(SUM(CASE WHEN status_code >= 400 THEN request_count ELSE 0 END), 0) AS error_count`

// KeyUsageOf summarises the recorded requests of one of the account's keys. Another account's key
// is "API key not found", like a missing one.
func (s *Store) KeyUsageOf(ctx context.Context, userID, keyID int64) (*KeyUsage, error) {
	db := s.db.WithContext(ctx)
	var n int64
	if err := db.Model(&APIKey{}).Where("id = ? AND user_id = ?", keyID, userID).Count(&n).Error; err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, wire.Errorf(wire.ENOTFOUND, "API key not found")
	}
	var row struct {
		KeyUsage
		LastRequest *wire.DateTime
	}
	err := db.Model(&APIUsage{}).Where("key_id = ? AND user_id = ?", keyID, userID).
		Select(usageSummary + ", COUNT(DISTINCT day) AS active_days, MAX(last_at) AS last_request").
		Scan(&row).Error
	if err != nil {
		return nil, err
	}
	u := row.KeyUsage
	u.LastRequest = row.LastRequest
	u.AvgResponseTime = roundSeconds(u.AvgResponseTime)
	return &u, nil
}

// UsageDays returns the account's requests per day over the last period days (today included),
// newest first; days without requests are left out.
func (s *Store) UsageDays(ctx context.Context, userID int64, period int) ([]UsageDay, error) {
	since := time.Now().UTC().AddDate(0, 0, -(period - 1)).Format("2006-01-02")
	var rows []struct {
		Day             string
		TotalRequests   int64
		EndpointsUsed   int64
		AvgResponseTime float64
		SuccessCount    int64
		ErrorCount      int64
	}
	err := s.db.WithContext(ctx).Model(&APIUsage{}).Where("user_id = ? AND day >= ?", userID, since).
		Select("day, " + usageSummary).Group("day").Order("day DESC").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make([]UsageDay, 0, len(rows))
	for _, r := range rows {
		out = append(out, UsageDay{Date: r.Day, RequestCount: r.TotalRequests, UniqueEndpoints: r.EndpointsUsed,
			AvgResponseTime: roundSeconds(r.AvgResponseTime), SuccessCount: r.SuccessCount, ErrorCount: r.ErrorCount})
	}
	return out, nil
}

// roundSeconds keeps response times to the microsecond they were measured in.
func roundSeconds(s float64) float64 { return math.Round(s*1e6) / 1e6 }

// RequestsToday is how many requests of the account the database has recorded today (UTC), of
// every status: the daily quota's count as far as the database knows it (the rate limiter seeds a
// Redis counter found missing from it, and starts its in-process fallback from it). It lags by what
// the usage recorders have not flushed yet (up to a flush interval). The one place that reads it.
func (s *Store) RequestsToday(ctx context.Context, userID int64) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&APIUsage{}).Where("user_id = ? AND day = ?", userID, time.Now().UTC().Format("2006-01-02")).
		Select("COALESCE(SUM(request_count), 0)").Scan(&n).Error
	return n, err
}
