package models

import (
	"context"
	"math"
	"time"
)

// APIUsage is one recorded /api request. Rows are written in batches by UsageRecorder, never on the
// request path.
type APIUsage struct {
	ID             int64    `gorm:"primaryKey"`
	UserID         int64    `gorm:"not null;index:idx_usage_user_day"`
	KeyID          int64    `gorm:"not null;index:idx_usage_key_day"`
	Endpoint       string   `gorm:"size:64;not null"` // "mode.action"
	StatusCode     int      `gorm:"not null"`
	DurationMicros int64    `gorm:"not null"`
	Day            string   `gorm:"size:10;not null;index:idx_usage_user_day;index:idx_usage_key_day"` // YYYY-MM-DD, UTC
	CreatedAt      DateTime `gorm:"not null"`
}

// TableName is the reference's name.
func (APIUsage) TableName() string { return "api_usage" }

// usageSummary is the aggregate both usage reports share.
const usageSummary = `COUNT(*) AS total_requests,
	COUNT(DISTINCT endpoint) AS endpoints_used,
	COALESCE(AVG(duration_micros), 0) / 1000000.0 AS avg_response_time,
	COALESCE(SUM(CASE WHEN status_code < 400 THEN 1 ELSE 0 END), 0) AS success_count,
	COALESCE(SUM(CASE WHEN status_code >= 400 THEN 1 ELSE 0 END), 0) AS error_count`

// KeyUsageOf summarises the recorded requests of one of the account's keys. Another account's key
// is "API key not found", like a missing one.
func (s *Store) KeyUsageOf(ctx context.Context, userID, keyID int64) (*KeyUsage, error) {
	db := s.db.WithContext(ctx)
	var n int64
	if err := db.Model(&APIKey{}).Where("id = ? AND user_id = ?", keyID, userID).Count(&n).Error; err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, Errorf(ENOTFOUND, "API key not found")
	}
	var row struct {
		KeyUsage
		LastRequest *DateTime
	}
	err := db.Model(&APIUsage{}).Where("key_id = ? AND user_id = ?", keyID, userID).
		Select(usageSummary + ", COUNT(DISTINCT day) AS active_days, MAX(created_at) AS last_request").
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
