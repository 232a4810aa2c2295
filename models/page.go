package models

import (
	"time"

	"gorm.io/gorm"

	"sharepanel/wire"
)

// Pages of the long lists (issue 11, point 4): a page costs about the same at offset 150,000 as at
// 0. Two things make it so:
//
//   - a deferred join: the page's ids are read, in order, from the list's index alone (user,
//     filter, sort column, id: migration 5), then only the page's rows are read whole, by primary
//     key, and put in the ids' order here (so that no query sorts anything);
//   - a seek under the offset: from seekFrom rows on, list_days (the list's rows per UTC day of
//     its sort column, kept by every change: totals.go) says on which day the offset falls and how
//     many rows come before that day, so the index is entered at that day's end and walked for at
//     most one day's rows, not for the whole offset.
//
// The answer is exactly what LIMIT/OFFSET over the whole sorted list gives.

// seekFrom is the offset from which a page is looked for through list_days: below it, walking the
// index from the start costs less than reading the days.
const seekFrom = 500

// listQuery is one of an account's long lists, sorted newest first by (column, id).
type listQuery struct {
	table  string // "notifications"
	column string // the sort column: created_at, or date for transactions
	list   string // its list in list_days
	userID int64
	where  string // the filter beyond the account, "" for none
	args   []any
	total  int64 // the list's length (its totals), -1 when not known
}

// fetchPage reads one page of q into out; id returns a row's id.
func fetchPage[T any](db *gorm.DB, q listQuery, page wire.Page, out *[]T, id func(*T) int64) error {
	*out = []T{}
	offset := int64(page.Offset)
	if q.total >= 0 && offset >= q.total {
		return nil // past the end: nothing to read
	}
	ids := db.Table(q.table).Select("id").Where("user_id = ?", q.userID)
	if q.where != "" {
		ids = ids.Where(q.where, q.args...)
	}
	if q.list != "" && offset >= seekFrom {
		before, skipped, found, err := seekDay(db, q.userID, q.list, offset)
		if err != nil || !found {
			return err
		}
		ids = ids.Where(q.column+" < ?", wire.DateTime(before))
		offset -= skipped
	}
	var pageIDs []int64
	err := ids.Order(q.column+" DESC, id DESC").Limit(page.Limit).Offset(int(offset)).Pluck("id", &pageIDs).Error
	if err != nil || len(pageIDs) == 0 {
		return err
	}
	var rows []T
	if err := db.Table(q.table).Where("id IN ?", pageIDs).Find(&rows).Error; err != nil {
		return err
	}
	at := make(map[int64]int, len(pageIDs))
	for i, v := range pageIDs {
		at[v] = i
	}
	*out = make([]T, len(pageIDs))
	found := 0
	for i := range rows {
		if p, ok := at[id(&rows[i])]; ok {
			(*out)[p] = rows[i]
			found++
		}
	}
	if found != len(pageIDs) { // a row deleted between the two reads: leave its place out
		kept := (*out)[:0]
		for i := range *out {
			if id(&(*out)[i]) != 0 {
				kept = append(kept, (*out)[i])
			}
		}
		*out = kept
	}
	return nil
}

// seekDay finds the day of list's row at offset (newest first): it returns the start of the next
// day (the rows before it, in the list's order, begin with that day's) and how many rows of the
// list are on later days. found is false when the list is shorter than offset.
func seekDay(db *gorm.DB, userID int64, list string, offset int64) (before time.Time, skipped int64, found bool, err error) {
	rows, err := db.Model(&ListDay{}).Select("day", "n").Where("user_id = ? AND list = ? AND n <> 0", userID, list).
		Order("day DESC").Rows()
	if err != nil {
		return time.Time{}, 0, false, err
	}
	defer rows.Close()
	for rows.Next() {
		var day string
		var n int64
		if err := rows.Scan(&day, &n); err != nil {
			return time.Time{}, 0, false, err
		}
		if skipped+n > offset {
			d, err := time.Parse("2006-01-02", day)
			if err != nil {
				return time.Time{}, 0, false, err
			}
			return d.AddDate(0, 0, 1), skipped, true, nil
		}
		skipped += n
	}
	return time.Time{}, 0, false, rows.Err()
}
