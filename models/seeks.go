package models

import (
	"cmp"
	"database/sql"
	"slices"
	"strconv"
	"time"

	"gorm.io/gorm"
)

// Kept seeks (issue 11, point 4). A deep page needs its hour (seekHours: one statement on
// list_hours) before its rows. A replica keeps what each seek read — the list's length and, for
// the offset's hour and the seekRun-1 hours after it in the list's order, how many of the list's
// rows come before each hour's end — so that the next deep page of that list, the same one asked
// again or the next ones of a client paging on, is one statement. That statement reads, with the
// page's rows, the list's length and the hour's rows-before-its-end as they are now (in the same
// snapshot as the rows), and its page is served only if they put as many rows before the hour as
// the kept seek did, which is exactly what makes its OFFSET right. So a kept seek can be out of
// date but never serves a wrong page; a list that only grew at its head (new activity) costs one
// statement more, and any other change a new seek.

// seekRun is how many hours of a list a seek reads and keeps: the offset's hour and the hours after
// it in the list's order, where a client paging on goes next (a year of activity has about 23 rows
// an hour: 16 hours are about 7 pages of 50).
const seekRun = 16

// maxSeekHours is how many hours a list's kept seek holds at most: seeks of other places in the
// list read at the same length join it, so that readers of several deep pages of one list (several
// clients, or one going back) find all of them kept.
const maxSeekHours = 8 * seekRun

// maxKeptSeekHours is how many hours a replica keeps, all lists together (about 70 bytes each):
// about 25 MB.
const maxKeptSeekHours = 320_000

// seekKey is one account's list in list_hours.
type seekKey struct {
	userID int64
	list   string
}

// keptSeek is what a seek read of a list: its length then, and hours of it in the list's order
// (newest first), each with rows. It is replaced whole, never changed.
type keptSeek struct {
	length int64
	hours  []keptHour
}

// keptHour is one hour of a list as a seek read it.
type keptHour struct {
	hour string    // as list_hours has it
	end  time.Time // its end: the page reads the list's rows before it
	upTo int64     // the list's rows before its end (list_hours' older + n)
	n    int64     // the list's rows in it
}

// locate returns the kept hour that holds the list's row at offset (newest first) and how many rows
// come before that hour in the list's order (those of later hours), by the kept length.
func (k *keptSeek) locate(offset int64) (keptHour, int64, bool) {
	for _, h := range k.hours {
		if later := k.length - h.upTo; later <= offset && offset < later+h.n {
			return h, later, true
		}
	}
	return keptHour{}, 0, false
}

// keptSize is what a kept seek counts toward maxKeptSeekHours: its hours, and one.
func (k *keptSeek) keptSize() int { return 1 + len(k.hours) }

// joinKept is a fresh seek joined with the one kept before it when both were read at the same
// length: its hours first, then the kept ones it does not have.
func joinKept(fresh, kept *keptSeek) *keptSeek {
	if kept.length != fresh.length {
		return fresh
	}
	return &keptSeek{length: fresh.length, hours: joinHours(fresh.hours, kept.hours)}
}

// joinHours is the hours of fresh, then those of kept that fresh does not have, maxSeekHours at most.
func joinHours(fresh, kept []keptHour) []keptHour {
	out := slices.Clone(fresh)
	for _, h := range kept {
		if len(out) == maxSeekHours {
			break
		}
		if !slices.ContainsFunc(fresh, func(f keptHour) bool { return f.hour == h.hour }) {
			out = append(out, h)
		}
	}
	return out
}

// seekHours reads, in one statement, q's length and the hours of q's list from the one that holds
// its row at offset (newest first) on, seekRun at most. That row is the (length-1-offset)th from
// the oldest, so it is in the last hour with rows whose older (the rows in earlier hours) is not
// past that, which the index on (user, list, older) finds in one read; the hours after it in the
// list's order are the next ones down that index. An hour whose rows all went stays in list_hours,
// with n = 0, until the account is recounted: such hours are read (skipping them in SQL would read
// every one of them below the run: all of an unread list's history once every notification was
// read) but not kept. The offset's hour comes first all the same: an empty hour has the older of
// the next hour with rows after it, so the empty hours before the offset's share its older and are
// earlier hours, and those after it have an older past the offset's row. No hours when the list is
// no longer than offset (the length is still read, in the statement's second part: a page past the
// end is one statement).
func seekHours(db *gorm.DB, q listQuery, offset int64) (*keptSeek, error) {
	length := q.lengthSQL()
	hint := ""
	if isMySQL(db) {
		hint = " FORCE INDEX (idx_list_hours_older)"
	}
	args := []any{q.userID, q.userID, q.list, offset, q.userID}
	rows, err := db.Raw("SELECT * FROM (SELECT h.hour, h.n, h.older, t.total FROM ("+length+") AS t JOIN list_hours h"+hint+
		" ON h.user_id = ? AND h.list = ? AND h.older <= t.total - 1 - ? ORDER BY h.older DESC, h.hour DESC LIMIT "+strconv.Itoa(seekRun)+") AS s"+
		" UNION ALL SELECT NULL, NULL, NULL, total FROM ("+length+") AS t", args...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	kept := &keptSeek{}
	for rows.Next() { // the hours' rows, if any, then the length's (none without a totals row)
		var hour sql.NullString
		var n, older sql.NullInt64
		if err := rows.Scan(&hour, &n, &older, &kept.length); err != nil {
			return nil, unavailable(err)
		}
		if !hour.Valid || n.Int64 == 0 {
			continue
		}
		start, err := time.Parse(hourLayout, hour.String)
		if err != nil {
			return nil, err
		}
		kept.hours = append(kept.hours, keptHour{hour: hour.String, end: start.Add(time.Hour), upTo: older.Int64 + n.Int64, n: n.Int64})
	}
	if err := rows.Err(); err != nil {
		return nil, unavailable(err)
	}
	// In the list's order: the latest hour first (a derived table's order does not survive the UNION).
	slices.SortFunc(kept.hours, func(a, b keptHour) int { return cmp.Compare(b.upTo, a.upTo) })
	return kept, nil
}
