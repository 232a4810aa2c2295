package models

import (
	"cmp"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"sync"

	"gorm.io/gorm"

	"sharepanel/wire"
)

// Pages of the long lists (issue 11, point 4): a page costs about the same at offset 150,000 as at
// 0. Two things make it so:
//
//   - a deferred join: the page's ids are read from the list's index alone (user, filter, sort
//     column, id: migration 5) in a derived table, and only the page's rows are read whole, by
//     primary key, in the same statement; they are put in order here (so that no query sorts).
//     A statement that skips at most directUpTo rows reads the page through the index directly;
//   - a seek under the offset: from seekFrom rows on, list_hours (the list's rows per UTC hour of
//     its sort column and in the hours before it, kept by every change: totals.go) says, in one
//     indexed read, in which hour the offset falls and how many rows come before that hour, so
//     the index is entered at that hour's end and walked for at most one hour's rows, not for the
//     whole offset. The replica keeps what a seek read, checked by each page that uses it
//     (seeks.go), so that a deep page it has seen before, or the next ones, is one statement too.
//
// The answer is exactly what LIMIT/OFFSET over the whole sorted list gives.

// seekFrom is the offset from which a page is looked for through list_hours: below it, walking the
// index from the start costs less than the seek's statement.
const seekFrom = 500

// listQuery is one of an account's long lists, sorted newest first by (column, id).
type listQuery struct {
	table  string // "notifications"
	index  string // the index that matches its filter and sort
	column string // the sort column: created_at, or date for transactions
	list   string // its list in list_hours ("" for none: no seek), which count then gives the length of
	userID int64
	where  string // the filter beyond the account, "" for none
	args   []any
	// The list's length: count is the SQL of it over the account's row of account_totals (e.g.
	// "transactions"), read with the page; or total, when the caller knows it (-1: not known).
	count string
	total int64
}

// fetchPage reads one page of q into out and returns the list's length (-1 when not known); key
// returns a row's place in the list's order (its sort column and id). seeks is the replica's kept
// seeks (nil for a list without list_hours).
//
// A first page is one statement (its length comes with its rows); so is a deep one whose seek the
// replica kept (seeks.go), and a deep one it did not two: its hours and the length, then the page.
func fetchPage[T any](db *gorm.DB, seeks *keptCache[seekKey, *keptSeek], q listQuery, page wire.Page, out *[]T, key func(*T) (wire.DateTime, int64)) (int64, error) {
	offset := int64(page.Offset)
	if q.list != "" && offset >= seekFrom {
		return fetchDeepPage(db, seeks, q, page, out, key)
	}
	return fetchOffsetPage(db, q, page, out, key)
}

// fetchOffsetPage reads the page by its offset alone, in one statement: its length comes with its
// rows (all read in one state of the list, so the page is exact), and the statement walks the
// list's index up to the offset.
func fetchOffsetPage[T any](db *gorm.DB, q listQuery, page wire.Page, out *[]T, key func(*T) (wire.DateTime, int64)) (int64, error) {
	offset := int64(page.Offset)
	withLength := q.count != "" && q.total < 0
	var length sql.NullInt64 // the length read with the page (NULL: no totals row yet, so 0)
	var extra []any
	if withLength {
		extra = []any{&length}
	}
	stmt := pageSQL(db, q, pageShape{withLength: withLength, direct: offset <= directUpTo})
	if err := readPage(db, stmt, pageArgs(q, withLength, nil, page.Limit, offset), out, key, extra...); err != nil {
		return 0, err
	}
	if !withLength {
		return q.total, nil
	}
	if len(*out) == 0 { // no row brought the length: the list is empty, or the offset past its end
		return listLength(db, q)
	}
	return length.Int64, nil
}

// fetchDeepPage reads a page of q from seekFrom rows on: from the hour that holds its offset, which
// the replica's kept seek of the list gives or a new seek finds, checked by the page's statement
// itself (seeks.go).
func fetchDeepPage[T any](db *gorm.DB, seeks *keptCache[seekKey, *keptSeek], q listQuery, page wire.Page, out *[]T, key func(*T) (wire.DateTime, int64)) (int64, error) {
	offset := int64(page.Offset)
	k := seekKey{q.userID, q.list}
	kept, _ := seeks.get(k)
	for tries := 1; ; tries++ {
		fresh := kept == nil
		if fresh {
			var err error
			if kept, err = seekHours(db, q, offset); err != nil {
				return 0, err
			}
		}
		h, later, ok := kept.locate(offset)
		if !ok {
			if fresh { // the list is no longer than offset
				*out = []T{}
				return kept.length, nil
			}
			kept = nil // the kept hours do not reach this far
			continue
		}
		var length, upTo sql.NullInt64 // the list's length and the hour's rows before its end, now
		stmt := pageSQL(db, q, pageShape{withLength: true, deep: true, direct: offset-later <= directUpTo})
		if err := readPage(db, stmt, pageArgs(q, true, &h, page.Limit, offset-later), out, key, &length, &upTo); err != nil {
			return 0, err
		}
		if len(*out) > 0 && length.Valid && upTo.Valid && length.Int64-upTo.Int64 == later {
			if fresh {
				seeks.put(k, kept, joinKept)
			}
			return length.Int64, nil
		}
		seeks.drop(k, kept)
		switch {
		case fresh && tries >= maxPageTries:
			// The list keeps changing under the page (each try read it anew). A page whose check
			// failed is no page of the list (its seek and its rows were read in different states:
			// its OFFSET counts from the wrong row), so this one is read by its offset alone: exact,
			// at the cost of walking the list's index to it.
			return fetchOffsetPage(db, q, page, out, key)
		case tries < maxPageTries-1 && len(*out) > 0 && upTo.Valid && upTo.Int64 == h.upTo:
			// Only rows after the hour changed (a list growing at its head): the kept hours hold,
			// at the length now.
			kept = &keptSeek{length: length.Int64, hours: kept.hours}
			seeks.put(k, kept, nil)
		default:
			kept = nil
		}
	}
}

// maxPageTries is how many times a deep page is read from a seek while its list changes under it
// (the last try is always from a new seek) before it is read by its offset alone.
const maxPageTries = 3

// readPage runs a page's statement and scans its rows into out, in the list's order, and the
// columns after the rows' into extra (from the last row).
func readPage[T any](db *gorm.DB, stmt string, args []any, out *[]T, key func(*T) (wire.DateTime, int64), extra ...any) error {
	*out = []T{}
	rows, err := db.Raw(stmt, args...).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	if err := scanAll(db, rows, out, extra...); err != nil {
		return err
	}
	// The rows come back in no particular order and are put in the list's here, so that no query sorts.
	slices.SortFunc(*out, func(a, b T) int {
		ta, ia := key(&a)
		tb, ib := key(&b)
		return cmp.Or(tb.Time().Compare(ta.Time()), cmp.Compare(ib, ia))
	})
	return nil
}

// pageSQL is the statement of a page of q, of the given shape: with the list's length as a column
// after the rows' when withLength; when deep, also the rows before the end of an hour as a column
// after it, and only the list's rows before that hour's end. When the statement skips few rows
// (direct), it reads the page through the list's index; else the page's ids are read from the
// index alone in a derived table and only the page's rows joined by primary key, so that the
// skipped rows are never read whole. The text depends only on the query's shape, so each shape is
// built once (and prepared once on MySQL).
func pageSQL(db *gorm.DB, q listQuery, shape pageShape) string {
	shape.table, shape.index, shape.column, shape.where, shape.count, shape.mysql = q.table, q.index, q.column, q.where, q.count, isMySQL(db)
	if s, ok := pageSQLs.Load(shape); ok {
		return s.(string)
	}
	var b strings.Builder
	b.WriteString("SELECT t.*")
	if shape.withLength {
		b.WriteString(", (" + q.lengthSQL() + ") AS list_length")
	}
	if shape.deep {
		b.WriteString(", (SELECT older + n FROM list_hours WHERE user_id = ? AND list = ? AND hour = ?) AS rows_up_to")
	}
	if shape.direct {
		b.WriteString(" FROM " + q.table + " AS t" + indexHint(db, q.index) + " WHERE user_id = ?")
	} else {
		b.WriteString(" FROM " + q.table + " AS t JOIN (SELECT id FROM " + q.table + indexHint(db, q.index) + " WHERE user_id = ?")
	}
	if q.where != "" {
		b.WriteString(" AND (" + q.where + ")")
	}
	if shape.deep {
		b.WriteString(" AND " + q.column + " < ?")
	}
	b.WriteString(" ORDER BY " + q.column + " DESC, id DESC LIMIT ? OFFSET ?")
	if !shape.direct {
		b.WriteString(") AS p ON p.id = t.id")
	}
	s, _ := pageSQLs.LoadOrStore(shape, b.String())
	return s.(string)
}

// directUpTo is the most rows a page's statement skips by reading them whole (pageSQL): up to
// it, that costs less than the derived table (MariaDB 10.11: 0.15 ms against 0.19 ms for a first
// page of 50 transactions; 0.24 ms against 0.22 ms past 100 rows).
const directUpTo = 50

// pageShape is what a page's statement depends on: the list's (filled in by pageSQL) and the page's.
type pageShape struct {
	table, index, column, where, count string
	mysql                              bool
	withLength, deep, direct           bool
}

// pageSQLs are the page statements built so far: a few per list.
var pageSQLs sync.Map // pageShape → string

// pageArgs are the arguments of pageSQL's statement, in its order; hour is the deep page's (nil for
// none).
func pageArgs(q listQuery, withLength bool, hour *keptHour, limit int, offset int64) []any {
	args := make([]any, 0, 8+len(q.args))
	if withLength {
		args = append(args, q.userID)
	}
	if hour != nil {
		args = append(args, q.userID, q.list, hour.hour)
	}
	args = append(args, q.userID)
	args = append(args, q.args...)
	if hour != nil {
		args = append(args, wire.DateTime(hour.end))
	}
	return append(args, limit, offset)
}

// lengthSQL is the SQL of q's length in the account's totals row (one placeholder: the account).
func (q listQuery) lengthSQL() string {
	return "SELECT " + q.count + " AS total FROM account_totals WHERE user_id = ?"
}

// listLength reads q's length from the account's totals (0 when it has none yet).
func listLength(db *gorm.DB, q listQuery) (int64, error) {
	var n sql.NullInt64
	err := db.Raw(q.lengthSQL(), q.userID).Row().Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return n.Int64, err
}

// indexHint makes MariaDB read a page through the list's own index. It needs telling: once another
// statement has used the table, a prepared statement with a range on the sort column (a deep
// page's "before the hour") is executed again with another plan that walks the account's rows
// (35 ms instead of 0.3 ms on a year of activity; measured on MariaDB 10.11). SQLite's planner
// picks the index by itself.
func indexHint(db *gorm.DB, index string) string {
	if !isMySQL(db) || index == "" {
		return ""
	}
	return " FORCE INDEX (" + index + ")"
}
