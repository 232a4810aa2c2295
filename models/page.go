package models

import (
	"cmp"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

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
//     whole offset.
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
// returns a row's place in the list's order (its sort column and id).
//
// A first page is one statement (its length comes with its rows); a deep one two: its hour and the
// length (seekHour), then the page.
func fetchPage[T any](db *gorm.DB, q listQuery, page wire.Page, out *[]T, key func(*T) (wire.DateTime, int64)) (int64, error) {
	*out = []T{}
	offset, total := int64(page.Offset), q.total
	var before time.Time
	if q.list != "" && offset >= seekFrom {
		var skipped int64
		var found bool
		var err error
		before, skipped, total, found, err = seekHour(db, q, offset)
		if err != nil || !found {
			return total, err
		}
		offset -= skipped
	}
	withLength := q.count != "" && total < 0
	stmt := pageSQL(db, q, withLength, !before.IsZero(), offset <= directUpTo)
	rows, err := db.Raw(stmt, pageArgs(q, withLength, before, page.Limit, offset)...).Rows()
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var length sql.NullInt64 // the length read with the page (NULL: no totals row yet, so 0)
	var extra []any
	if withLength {
		extra = []any{&length}
	}
	if err := scanAll(db, rows, out, extra...); err != nil {
		return 0, err
	}
	if withLength {
		total = length.Int64
		if len(*out) == 0 {
			// No row brought the length: the list is empty, or the offset past its end.
			if total, err = listLength(db, q); err != nil {
				return 0, err
			}
		}
	}
	// The rows come back in no particular order and are put in the list's here, so that no query sorts.
	slices.SortFunc(*out, func(a, b T) int {
		ta, ia := key(&a)
		tb, ib := key(&b)
		return cmp.Or(tb.Time().Compare(ta.Time()), cmp.Compare(ib, ia))
	})
	return total, nil
}

// pageSQL is the statement of a page of q: with a bound on the sort column when seeking, with the
// list's length as the last column when withLength. When the statement skips few rows (direct),
// it reads the page through the list's index; else the page's ids are read from the index alone in
// a derived table and only the page's rows joined by primary key, so that the skipped rows are
// never read whole. The text depends only on the query's shape, so each shape is built once (and
// prepared once on MySQL).
func pageSQL(db *gorm.DB, q listQuery, withLength, seeking, direct bool) string {
	shape := pageShape{q.table, q.index, q.column, q.where, q.count, withLength, seeking, direct, isMySQL(db)}
	if s, ok := pageSQLs.Load(shape); ok {
		return s.(string)
	}
	var b strings.Builder
	b.WriteString("SELECT t.*")
	if withLength {
		b.WriteString(", (SELECT " + q.count + " FROM account_totals WHERE user_id = ?) AS list_length")
	}
	if direct {
		b.WriteString(" FROM " + q.table + " AS t" + indexHint(db, q.index) + " WHERE user_id = ?")
	} else {
		b.WriteString(" FROM " + q.table + " AS t JOIN (SELECT id FROM " + q.table + indexHint(db, q.index) + " WHERE user_id = ?")
	}
	if q.where != "" {
		b.WriteString(" AND (" + q.where + ")")
	}
	if seeking {
		b.WriteString(" AND " + q.column + " < ?")
	}
	b.WriteString(" ORDER BY " + q.column + " DESC, id DESC LIMIT ? OFFSET ?")
	if !direct {
		b.WriteString(") AS p ON p.id = t.id")
	}
	s, _ := pageSQLs.LoadOrStore(shape, b.String())
	return s.(string)
}

// directUpTo is the most rows a page's statement skips by reading them whole (pageSQL): up to
// it, that costs less than the derived table (MariaDB 10.11: 0.15 ms against 0.19 ms for a first
// page of 50 transactions; 0.24 ms against 0.22 ms past 100 rows).
const directUpTo = 50

// pageShape is what a page's statement depends on.
type pageShape struct {
	table, index, column, where, count string
	withLength, seeking, direct, mysql bool
}

// pageSQLs are the page statements built so far: a few per list.
var pageSQLs sync.Map // pageShape → string

// pageArgs are the arguments of pageSQL's statement, in its order.
func pageArgs(q listQuery, withLength bool, before time.Time, limit int, offset int64) []any {
	args := make([]any, 0, 5+len(q.args))
	if withLength {
		args = append(args, q.userID)
	}
	args = append(args, q.userID)
	args = append(args, q.args...)
	if !before.IsZero() {
		args = append(args, wire.DateTime(before))
	}
	return append(args, limit, offset)
}

// listLength reads q's length from the account's totals (0 when it has none yet).
func listLength(db *gorm.DB, q listQuery) (int64, error) {
	var n sql.NullInt64
	err := db.Raw("SELECT "+q.count+" FROM account_totals WHERE user_id = ?", q.userID).Row().Scan(&n)
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

// seekHour finds, in one statement, the hour of q's row at offset (newest first) and the list's
// length: that row is the (length-1-offset)th from the oldest, so it is in the last hour with rows
// whose older (the rows in earlier hours) is not past that, which the index on (user, list, older)
// finds in one read. It returns the start of the next hour (the rows before it, in the list's
// order, begin with that hour's), how many rows of the list are in later hours, and the length;
// found is false when the list is no longer than offset (the length is still read, in the
// statement's second part: a page past the end is one statement).
func seekHour(db *gorm.DB, q listQuery, offset int64) (before time.Time, skipped, total int64, found bool, err error) {
	length := "SELECT " + q.count + " AS total FROM account_totals WHERE user_id = ?"
	hint := ""
	if isMySQL(db) {
		hint = " FORCE INDEX (idx_list_hours_older)"
	}
	args := []any{q.userID, q.userID, q.list, offset, q.userID}
	rows, err := db.Raw("SELECT * FROM (SELECT h.hour, h.n, h.older, t.total FROM ("+length+") AS t JOIN list_hours h"+hint+
		" ON h.user_id = ? AND h.list = ? AND h.n <> 0 AND h.older <= t.total - 1 - ? ORDER BY h.older DESC LIMIT 1) AS s"+
		" UNION ALL SELECT NULL, NULL, NULL, total FROM ("+length+") AS t", args...).Rows()
	if err != nil {
		return time.Time{}, 0, 0, false, err
	}
	defer rows.Close()
	var hour string
	var n, older int64
	for rows.Next() { // the hour's row, if any, then the length's (none without a totals row)
		var h sql.NullString
		var hn, holder sql.NullInt64
		if err := rows.Scan(&h, &hn, &holder, &total); err != nil {
			return time.Time{}, 0, 0, false, unavailable(err)
		}
		if h.Valid {
			hour, n, older = h.String, hn.Int64, holder.Int64
		}
	}
	if err := rows.Err(); err != nil || hour == "" {
		return time.Time{}, 0, total, false, unavailable(err)
	}
	start, err := time.Parse(hourLayout, hour)
	if err != nil {
		return time.Time{}, 0, 0, false, err
	}
	return start.Add(time.Hour), total - older - n, total, true, nil
}
