package models

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/bits"
	"time"

	"gorm.io/gorm"

	"sharepanel/wire"
)

// Usage is kept in four tables, all written by the UsageRecorder's flush in one transaction per
// batch (usage_write.go), so that they always agree:
//
//   - api_usage_rollup: one row per (user, day, key, endpoint, status) group, its request count,
//     total duration and newest request, upserted by every flush: rows grow with distinct groups,
//     not with traffic;
//   - api_usage_days: one row per (user, UTC day), what analytics usage shows, so that a report of
//     a period reads at most one row per day;
//   - api_usage_key_days: one row per (user, key, day), what api_keys usage sums (a year of a key
//     is at most 366 rows, whatever its traffic);
//   - api_endpoints: a stable number per endpoint name, the bit of the endpoint in the summaries'
//     endpoint sets (distinct endpoints are not additive; a set OR-ed by each flush is).
//
// api_usage is the table of earlier versions (one row per group per flush, never updated). This
// version never writes it: migration 3 merges its rows into the rollup, and while older replicas
// may still write it during a rolling upgrade, the flush drains what they wrote (drainLegacyUsage).

// UsageRollup is the requests of one group: one account, UTC day, key, endpoint and status code.
type UsageRollup struct {
	UserID              int64         `gorm:"primaryKey;autoIncrement:false"`
	Day                 string        `gorm:"primaryKey;size:10"` // YYYY-MM-DD, UTC
	KeyID               int64         `gorm:"primaryKey;autoIncrement:false"`
	Endpoint            string        `gorm:"primaryKey;size:64"` // "mode.action"
	StatusCode          int           `gorm:"primaryKey;autoIncrement:false"`
	RequestCount        int64         `gorm:"not null"`
	TotalDurationMicros int64         `gorm:"not null"`
	LastAt              wire.DateTime `gorm:"not null"` // the group's newest request
	CreatedAt           wire.DateTime `gorm:"not null"` // when a flush first wrote the group
}

// TableName names the rollup.
func (UsageRollup) TableName() string { return "api_usage_rollup" }

// UsageDaySummary is one account's requests of one UTC day: the row analytics usage reads.
type UsageDaySummary struct {
	UserID              int64  `gorm:"primaryKey;autoIncrement:false"`
	Day                 string `gorm:"primaryKey;size:10"`
	RequestCount        int64  `gorm:"not null"`
	SuccessCount        int64  `gorm:"not null"` // status < 400
	ErrorCount          int64  `gorm:"not null"` // status >= 400
	TotalDurationMicros int64  `gorm:"not null"`
	EndpointsLo         int64  `gorm:"not null"` // the set of endpoints called: bit n-1 for endpoint number n ≤ 63
	EndpointsHi         int64  `gorm:"not null"` // … bit n-64 for number 64 ≤ n ≤ 126
	// UnchargedCount is how many of RequestCount were refused before the rate limiter (a key used
	// from outside its allowlist; migration 21): RequestsToday leaves them out.
	UnchargedCount int64 `gorm:"not null;default:0"`
}

// migrateUnchargedUsage adds api_usage_days.uncharged_count (0 for the days before it: their
// refusals, if any, stay counted in the seed as they were). Safe to run again.
func migrateUnchargedUsage(s migrationStep) error {
	if s.db.Migrator().HasColumn(&UsageDaySummary{}, "uncharged_count") {
		return nil
	}
	typ := "integer"
	if s.mysql {
		typ = "bigint"
	}
	return s.exec("ALTER TABLE api_usage_days ADD COLUMN uncharged_count " + typ + " NOT NULL DEFAULT 0")
}

// TableName names the per-day summary.
func (UsageDaySummary) TableName() string { return "api_usage_days" }

// UsageKeyDay is one key's requests of one UTC day: the rows api_keys usage sums.
type UsageKeyDay struct {
	UserID              int64         `gorm:"primaryKey;autoIncrement:false"`
	KeyID               int64         `gorm:"primaryKey;autoIncrement:false"`
	Day                 string        `gorm:"primaryKey;size:10"`
	RequestCount        int64         `gorm:"not null"`
	SuccessCount        int64         `gorm:"not null"`
	ErrorCount          int64         `gorm:"not null"`
	TotalDurationMicros int64         `gorm:"not null"`
	LastAt              wire.DateTime `gorm:"not null"`
	EndpointsLo         int64         `gorm:"not null"`
	EndpointsHi         int64         `gorm:"not null"`
}

// TableName names the per-key summary.
func (UsageKeyDay) TableName() string { return "api_usage_key_days" }

// UsageEndpoint numbers an endpoint name for the summaries' endpoint sets. Numbers are given once
// (the smallest free one) and never change or go away.
type UsageEndpoint struct {
	ID   int64  `gorm:"primaryKey;autoIncrement:false"`
	Name string `gorm:"size:64;not null;uniqueIndex:idx_api_endpoints_name"`
}

// TableName names the endpoint numbers.
func (UsageEndpoint) TableName() string { return "api_endpoints" }

// maxEndpointNumber is how many endpoint numbers the two 63-bit words of an endpoint set hold.
const maxEndpointNumber = 126

// endpointBits is the set holding endpoint number n alone (0, 0 beyond maxEndpointNumber).
func endpointBits(n int64) (lo, hi int64) {
	switch {
	case n >= 1 && n <= 63:
		return 1 << (n - 1), 0
	case n >= 64 && n <= maxEndpointNumber:
		return 0, 1 << (n - 64)
	}
	return 0, 0
}

// endpointCount is how many endpoints a set holds.
func endpointCount(lo, hi int64) int64 {
	return int64(bits.OnesCount64(uint64(lo)) + bits.OnesCount64(uint64(hi)))
}

// APIUsage is a row of api_usage, the usage table of earlier versions (one group of one flush),
// which this version only reads to merge it into the rollup.
type APIUsage struct {
	ID                  int64          `gorm:"primaryKey"`
	UserID              int64          `gorm:"not null;index:idx_usage_user_day"`
	KeyID               int64          `gorm:"not null;index:idx_usage_key_day"`
	Endpoint            string         `gorm:"size:64;not null"` // "mode.action"
	StatusCode          int            `gorm:"not null"`
	Day                 string         `gorm:"size:10;not null;index:idx_usage_user_day;index:idx_usage_key_day"` // YYYY-MM-DD, UTC
	RequestCount        int64          `gorm:"not null;default:1"`
	TotalDurationMicros int64          `gorm:"not null;default:0"`
	LastAt              *wire.DateTime // the group's newest request in that flush
	CreatedAt           wire.DateTime  `gorm:"not null"` // when that flush wrote the row
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

// meanSeconds is the mean response time of a summary's requests, in seconds. It is computed in SQL
// exactly as the reports computed it from the rows of earlier versions, so that the same requests
// give the same figure to the last digit: the "* 1.0" keeps the average from integer division
// (SQLite) and keeps its microseconds (MySQL's DECIMAL division adds only 4 digits of scale per
// division).
const meanSeconds = `COALESCE(%s * 1.0 / %s, 0) / 1000000.0`

// KeyUsageOf summarises the recorded requests of one of the account's keys: a sum over the key's
// days (api_usage_key_days). Another account's key is "API key not found", like a missing one.
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
	err := db.Model(&UsageKeyDay{}).Where("user_id = ? AND key_id = ?", userID, keyID).
		Select("COALESCE(SUM(request_count), 0) AS total_requests, COUNT(*) AS active_days, " +
			fmt.Sprintf(meanSeconds, "SUM(total_duration_micros)", "SUM(request_count)") + " AS avg_response_time, " +
			"COALESCE(SUM(success_count), 0) AS success_count, COALESCE(SUM(error_count), 0) AS error_count, MAX(last_at) AS last_request").
		Scan(&row).Error
	if err != nil {
		return nil, err
	}
	// The endpoints of all its days: the union of the days' sets, of which a key has few distinct.
	var sets []struct{ EndpointsLo, EndpointsHi int64 }
	err = db.Model(&UsageKeyDay{}).Distinct("endpoints_lo", "endpoints_hi").
		Where("user_id = ? AND key_id = ?", userID, keyID).Scan(&sets).Error
	if err != nil {
		return nil, err
	}
	var lo, hi int64
	for _, set := range sets {
		lo, hi = lo|set.EndpointsLo, hi|set.EndpointsHi
	}
	u := row.KeyUsage
	u.EndpointsUsed = endpointCount(lo, hi)
	u.LastRequest = row.LastRequest
	u.AvgResponseTime = roundSeconds(u.AvgResponseTime)
	return &u, nil
}

// UsageDays returns the account's requests per day over the last period days (today included),
// newest first; days without requests are left out. One summary row per day.
func (s *Store) UsageDays(ctx context.Context, userID int64, period int) ([]UsageDay, error) {
	since := time.Now().UTC().AddDate(0, 0, -(period - 1)).Format("2006-01-02")
	// Scanned by hand, each value as the driver hands it (cells): a year is 365 rows, and
	// database/sql's conversion through reflection cost a sixth of the request. The days before
	// yesterday come from the replica's kept rows while the account's report version stands
	// (reports.go).
	return dayReport(ctx, s, usageReport, userID, period, since,
		func(db *gorm.DB, from string, versioned bool) (*sql.Rows, error) {
			if versioned {
				return db.Raw(usageDaysSQL[1], userID, userID, from).Rows()
			}
			return db.Raw(usageDaysSQL[0], userID, from).Rows()
		},
		func(c *cells) UsageDay {
			return UsageDay{Date: c.text(2), RequestCount: c.int(3), SuccessCount: c.int(4), ErrorCount: c.int(5),
				AvgResponseTime: roundSeconds(c.float(6)), UniqueEndpoints: endpointCount(c.int(7), c.int(8))}
		},
		func(d *UsageDay) string { return d.Date })
}

// usageDaysSQL reads an account's days from a date on, newest first: [0] plainly, [1] with the
// report epoch and the account's report version (reportSQL).
var usageDaysSQL = func() [2]string {
	cols := "d.day, d.request_count, d.success_count, d.error_count, " +
		fmt.Sprintf(meanSeconds, "d.total_duration_micros", "d.request_count") + " AS avg_response_time, d.endpoints_lo, d.endpoints_hi"
	cond := "d.user_id = ? AND d.day >= ?"
	return [2]string{reportSQL(cols, "api_usage_days", cond, false), reportSQL(cols, "api_usage_days", cond, true)}
}()

// roundSeconds keeps response times to the microsecond they were measured in.
func roundSeconds(s float64) float64 { return math.Round(s*1e6) / 1e6 }

// RequestsToday is how many requests of the account the database has recorded today (UTC), of
// every status: the daily quota's count as far as the database knows it (the rate limiter seeds a
// Redis counter found missing from it, and starts its in-process fallback from it). It lags by what
// the usage recorders have not flushed yet (up to a flush interval). The one place that reads it:
// the day's summary row, and what older replicas of a rolling upgrade wrote to api_usage and no
// flush has moved yet (nothing, once they are gone).
func (s *Store) RequestsToday(ctx context.Context, userID int64) (int64, error) {
	today := time.Now().UTC().Format("2006-01-02")
	var summarized, legacy int64
	err := s.db.WithContext(ctx).Model(&UsageDaySummary{}).Where("user_id = ? AND day = ?", userID, today).
		Select("COALESCE(SUM(request_count - uncharged_count), 0)").Scan(&summarized).Error
	if err == nil {
		err = s.db.WithContext(ctx).Model(&APIUsage{}).Where("user_id = ? AND day = ?", userID, today).
			Select("COALESCE(SUM(request_count), 0)").Scan(&legacy).Error
	}
	return summarized + legacy, err
}
