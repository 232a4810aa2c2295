package models

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Day reports over long periods (issue 11): analytics usage and analytics spending answer a row per
// day, up to 366 of them, read from one summary row per day (api_usage_days, spending_days). The
// days before yesterday hardly ever change, so a replica keeps the rows it read of an account's
// past days (Store.reports, a keptCache) and reads only yesterday and today again, with the
// account's report version: every change to a day before the writer's today (a flush that brings a
// late request, a payment dated back, a recount, the demo, an account deleted) adds to
// report_versions in its own transaction, and a version the replica did not read with its rows
// sends it back to the database for all of them. So a kept row is never served once a change to its
// day has committed anywhere, however many replicas there are. Deleting an account adds to the
// report epoch, which every kept report is read with too: an account id used again (SQLite) never
// finds the kept rows of the account it had before. A kept report is also dropped after reportTTL,
// which bounds what a writer that does not know the versions (a replica of an earlier version
// during a rolling upgrade, SQL by hand) could leave unseen.

// ReportVersion is an account's report version: how many changes its past report days have had
// (none without a row).
type ReportVersion struct {
	UserID  int64 `gorm:"primaryKey;autoIncrement:false"`
	Version int64 `gorm:"not null;default:0"`
}

// TableName names the report versions.
func (ReportVersion) TableName() string { return "report_versions" }

// bumpReportEpoch adds one to the report epoch (its one row, made by migration 23), in tx: what
// deleting an account does, so that no replica serves its kept reports to an account that gets
// its id.
func bumpReportEpoch(tx *gorm.DB) error {
	return tx.Exec("UPDATE report_epoch SET epoch = epoch + 1 WHERE id = 1").Error
}

// bumpReports adds one to the report versions of the accounts, in tx (in the order of their ids,
// the order concurrent writers lock them in).
func bumpReports(tx *gorm.DB, userIDs ...int64) error {
	if len(userIDs) == 0 {
		return nil
	}
	ids := slices.Clone(userIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	rows := make([]ReportVersion, len(ids))
	for i, id := range ids {
		rows[i] = ReportVersion{UserID: id, Version: 1}
	}
	return tx.Clauses(clause.OnConflict{Columns: columns("user_id"), DoUpdates: upsertSet(isMySQL(tx), []string{"version"}, nil, nil)}).
		Create(&rows).Error
}

// keepFrom is the longest period (in days) whose reports are read whole every time.
const keepFrom = 31

// reportTTL is how long a kept report serves at most.
const reportTTL = 10 * time.Minute

// maxKeptReportDays is how many day rows the cache keeps, all accounts and reports together (a year
// of usage days is about 25 KB): about 25 MB. An entry counts one more than its rows, so that
// entries without rows (accounts with no past days) are bounded too.
const maxKeptReportDays = 360_000

// reportKind is which report a kept entry is of.
type reportKind byte

const (
	usageReport reportKind = iota + 1
	spendingReport
)

type reportKey struct {
	kind   reportKind
	userID int64
}

// keptReport is the rows of an account's report for the days from since to before before (rows
// newest first), read with the report epoch and the account's report version.
type keptReport[T any] struct {
	version       [2]int64 // epoch, account's version
	since, before string   // YYYY-MM-DD
	read          time.Time
	rows          []T
}

// keptSize is what a kept report counts toward maxKeptReportDays: its rows, and one.
func (r *keptReport[T]) keptSize() int { return 1 + len(r.rows) }

// reportEntry is a kept report: *keptReport[UsageDay] or *keptReport[SpendingDay].
type reportEntry interface{ keptSize() int }

// dayReport reads the rows of an account's report over period days, from the day since on, newest
// first: over more than keepFrom days, the days before yesterday from the replica's kept rows when
// it holds them, read with the version the database still has, and the others from the database.
// query runs the report's statement for the days from a day on, with the report epoch and the
// account's report version when versioned (zeros when not) as its first two columns; the others
// are the row, which row makes of the cells (columns 2 on); dayOf gives a row's day.
func dayReport[T any](ctx context.Context, s *Store, kind reportKind, userID int64, period int, since string,
	query func(db *gorm.DB, from string, versioned bool) (*sql.Rows, error), row func(*cells) T, dayOf func(*T) string) ([]T, error) {
	if period <= keepFrom { // a month at most: reading its days is as cheap as reading the version
		_, rows, err := readReport(s.db.WithContext(ctx), since, query, false, row)
		return rows, err
	}
	now := time.Now().UTC()
	yesterday := utcDay(now.AddDate(0, 0, -1))
	key := reportKey{kind, userID}
	entry, _ := s.reports.get(key)
	kept, _ := entry.(*keptReport[T])
	if kept != nil && (kept.since > since || now.Sub(kept.read) > reportTTL || kept.before > yesterday) {
		kept = nil
	}
	from := since
	if kept != nil {
		from = max(kept.before, since)
	}
	version, rows, err := readReport(s.db.WithContext(ctx), from, query, true, row)
	if err != nil {
		return nil, err
	}
	if kept != nil && kept.version == version {
		for _, r := range kept.rows { // all before from, newest first
			if dayOf(&r) < since {
				break
			}
			rows = append(rows, r)
		}
		return rows, nil
	}
	if kept != nil { // changed since it was read: all of it again
		if version, rows, err = readReport(s.db.WithContext(ctx), since, query, true, row); err != nil {
			return nil, err
		}
	}
	past := slices.DeleteFunc(slices.Clone(rows), func(r T) bool { return dayOf(&r) >= yesterday })
	s.reports.put(key, &keptReport[T]{version: version, since: since, before: yesterday, read: now, rows: past}, nil)
	return rows, nil
}

// readReport runs a report's statement and returns the version (epoch, account's) it read and its
// rows.
func readReport[T any](db *gorm.DB, from string, query func(db *gorm.DB, from string, versioned bool) (*sql.Rows, error),
	versioned bool, row func(*cells) T) ([2]int64, []T, error) {
	var version [2]int64
	rows, err := query(db, from, versioned)
	if err != nil {
		return version, nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return version, nil, unavailable(err)
	}
	var c cells
	dest := c.dest(len(cols))
	out := []T{}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return version, nil, unavailable(err)
		}
		version = [2]int64{c.int(0), c.int(1)}
		if c.err != nil {
			return version, nil, c.err
		}
		if c.v[2] == nil { // the version's row alone: no day from `from` on
			continue
		}
		r := row(&c)
		if c.err != nil {
			return version, nil, c.err
		}
		out = append(out, r)
	}
	return version, out, unavailable(rows.Err())
}

// reportSQL is the statement of a report: its columns (of d, its table) and its table with the
// condition on the account and the first day (two placeholders), the newest day first; versioned,
// the report epoch and the account's report version in front (a row of the two alone when there
// is no row; one more placeholder, the account, first), else two zeros.
func reportSQL(columns, table, cond string, versioned bool) string {
	if !versioned {
		return "SELECT 0, 0, " + columns + " FROM " + table + " d WHERE " + cond + " ORDER BY d.day DESC"
	}
	return "SELECT v.epoch, v.version, " + columns + " FROM (SELECT COALESCE((SELECT epoch FROM report_epoch WHERE id = 1), 0) AS epoch, " +
		"COALESCE((SELECT version FROM report_versions WHERE user_id = ?), 0) AS version) AS v LEFT JOIN " + table + " d ON " + cond +
		" ORDER BY d.day DESC"
}
