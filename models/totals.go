package models

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"sharepanel/wire"
)

// Totals kept current (issue 11, point 2). Reports that would otherwise count or sum an account's
// whole history read them instead, and the lists page through them:
//
//   - account_totals: one row per account — invoices by status and what the paid ones add up to,
//     instances by status, and how many transactions, purchases, notifications (and unread ones)
//     and activity entries it has;
//   - list_hours: per account, list and UTC hour of the list's sort key, how many rows the list has
//     in that hour and before it, so that a deep page finds its hour in one read instead of walking
//     rows (page.go);
//   - spending_days: per account and UTC day of paid_at, the paid invoices and their amount
//     (analytics spending).
//
// Every change to those rows updates them in its own transaction, through a tally: the helpers that
// insert, delete or change counted rows (createInvoice, payInvoice, createNotification,
// logActivity, …) add to one, and apply writes its deltas as upserts that add (so concurrent
// changes of one account commute, and a missing row counts as zeros). Bulk writers that cannot
// know their deltas row by row (restoring an account, the demo, a migration) recount instead
// (Recount), which is exact even while the account is being changed.

// Lists counted per hour in list_hours.
const (
	listActivity      = "activity"
	listNotifications = "notifications"
	listUnread        = "notifications.unread"
	listTransactions  = "transactions"
	listPurchases     = "purchases"
	listInvoices      = "invoices"
)

// listInvoiceStatus is the list of an account's invoices of one status.
func listInvoiceStatus(status string) string { return listInvoices + "." + status }

// AccountTotals is an account's row of account_totals.
type AccountTotals struct {
	UserID              int64 `gorm:"primaryKey;autoIncrement:false"`
	InvoicesPending     int64 `gorm:"not null;default:0"`
	InvoicesPaid        int64 `gorm:"not null;default:0"`
	InvoicesOverdue     int64 `gorm:"not null;default:0"`
	SpentCents          int64 `gorm:"not null;default:0"` // the paid invoices' total, in cents
	InstancesActive     int64 `gorm:"not null;default:0"`
	InstancesSleep      int64 `gorm:"not null;default:0"`
	InstancesDead       int64 `gorm:"not null;default:0"`
	Transactions        int64 `gorm:"not null;default:0"`
	Purchases           int64 `gorm:"not null;default:0"`
	Notifications       int64 `gorm:"not null;default:0"`
	NotificationsUnread int64 `gorm:"not null;default:0"`
	Activity            int64 `gorm:"not null;default:0"`
}

// TableName names the totals.
func (AccountTotals) TableName() string { return "account_totals" }

// Invoices is the account's invoice count.
func (t AccountTotals) Invoices() int64 {
	return t.InvoicesPending + t.InvoicesPaid + t.InvoicesOverdue
}

// Instances is the account's instance count.
func (t AccountTotals) Instances() int64 {
	return t.InstancesActive + t.InstancesSleep + t.InstancesDead
}

// ListHour is how many rows of one of an account's lists fall in one UTC hour, and how many before
// it: a deep page finds its hour with one read of the index on (user, list, older), and walks at
// most that hour's rows (page.go). Hours, not days: a busy list has a few hundred rows a day.
type ListHour struct {
	UserID int64  `gorm:"primaryKey;autoIncrement:false;index:idx_list_hours_older,priority:1"`
	List   string `gorm:"primaryKey;size:32;index:idx_list_hours_older,priority:2;index:idx_list_hours_list_hour,priority:1"`
	Hour   string `gorm:"primaryKey;size:13;index:idx_list_hours_list_hour,priority:2"` // YYYY-MM-DD HH of the list's sort key, UTC
	N      int64  `gorm:"column:n;not null"`
	// Older is the list's rows in earlier hours: every change of an hour's n adds to the later
	// hours' (applyListHours).
	Older int64 `gorm:"not null;default:0;index:idx_list_hours_older,priority:3"`
}

// TableName names the per-hour list counts.
func (ListHour) TableName() string { return "list_hours" }

// ListDay is a row of list_days, the per-day list counts of the versions before migration 22
// (list_hours replaced them). Nothing reads it; it stays while replicas of those versions may still
// write it during a rolling upgrade, and goes with its account.
type ListDay struct {
	UserID int64  `gorm:"primaryKey;autoIncrement:false"`
	List   string `gorm:"primaryKey;size:32"`
	Day    string `gorm:"primaryKey;size:10"`
	N      int64  `gorm:"column:n;not null"`
}

// TableName names the per-day list counts of earlier versions.
func (ListDay) TableName() string { return "list_days" }

// SpendingDayTotal is what an account paid on one UTC day.
type SpendingDayTotal struct {
	UserID       int64  `gorm:"primaryKey;autoIncrement:false"`
	Day          string `gorm:"primaryKey;size:10"` // YYYY-MM-DD of paid_at, UTC
	InvoiceCount int64  `gorm:"not null"`
	SpentCents   int64  `gorm:"not null"`
}

// TableName names the per-day spending.
func (SpendingDayTotal) TableName() string { return "spending_days" }

// utcDay is the UTC date of t as the tables store days.
func utcDay(t time.Time) string { return t.UTC().Format("2006-01-02") }

// hourLayout is how list_hours stores an hour.
const hourLayout = "2006-01-02 15"

// utcHour is the UTC hour of t as list_hours stores it.
func utcHour(t time.Time) string { return t.UTC().Format(hourLayout) }

// tally is how one transaction moves one account's totals.
type tally struct {
	userID   int64
	totals   map[string]int64    // account_totals column → delta
	hours    map[[2]string]int64 // list, hour → delta
	spending map[string][2]int64 // day → invoices, cents
}

func newTally(userID int64) *tally {
	return &tally{userID: userID, totals: map[string]int64{}, hours: map[[2]string]int64{}, spending: map[string][2]int64{}}
}

// row counts d rows of list in the hour of at, and adds d to column.
func (t *tally) row(column, list string, at time.Time, d int64) {
	t.totals[column] += d
	t.hours[[2]string{list, utcHour(at)}] += d
}

// invoice counts d invoices of status created at.
func (t *tally) invoice(status string, created time.Time, d int64) {
	t.row("invoices_"+status, listInvoices, created, d)
	t.hours[[2]string{listInvoiceStatus(status), utcHour(created)}] += d
}

// paid counts a payment of amount at paidAt.
func (t *tally) paid(amount wire.Money, paidAt time.Time) {
	t.totals["spent_cents"] += int64(amount)
	s := t.spending[utcDay(paidAt)]
	t.spending[utcDay(paidAt)] = [2]int64{s[0] + 1, s[1] + int64(amount)}
}

// instances counts d instances of status.
func (t *tally) instances(status string, d int64) { t.totals["instances_"+status] += d }

// notification counts d notifications created at, unread or not.
func (t *tally) notification(created time.Time, unread bool, d int64) {
	t.row("notifications", listNotifications, created, d)
	if unread {
		t.row("notifications_unread", listUnread, created, d)
	}
}

// apply writes the tally's deltas in tx: upserts that add, in a fixed order (totals, days,
// spending), so that concurrent transactions lock rows alike.
func (t *tally) apply(tx *gorm.DB) error {
	mysql := isMySQL(tx)
	var cols []string
	for c, d := range t.totals {
		if d != 0 {
			cols = append(cols, c)
		}
	}
	if len(cols) > 0 {
		slices.Sort(cols)
		row := map[string]any{"user_id": t.userID}
		for _, c := range cols {
			row[c] = t.totals[c]
		}
		err := tx.Model(&AccountTotals{}).Clauses(clause.OnConflict{Columns: columns("user_id"), DoUpdates: upsertSet(mysql, cols, nil, nil)}).
			Create(row).Error
		if err != nil {
			return err
		}
	}
	var hours []ListHour
	for k, d := range t.hours {
		if d != 0 {
			hours = append(hours, ListHour{UserID: t.userID, List: k[0], Hour: k[1], N: d})
		}
	}
	if len(hours) > 0 && len(cols) == 0 { // rows moved, totals did not: lock the row all the same
		if err := lockTotals(tx, t.userID); err != nil {
			return err
		}
	}
	if err := applyListHours(tx, t.userID, hours); err != nil {
		return err
	}
	var spending []SpendingDayTotal
	for day, s := range t.spending {
		spending = append(spending, SpendingDayTotal{UserID: t.userID, Day: day, InvoiceCount: s[0], SpentCents: s[1]})
	}
	if len(spending) > 0 {
		slices.SortFunc(spending, func(a, b SpendingDayTotal) int { return compareStrings(a.Day, b.Day) })
		err := tx.Clauses(clause.OnConflict{Columns: columns("user_id", "day"), DoUpdates: upsertSet(mysql, []string{"invoice_count", "spent_cents"}, nil, nil)}).
			Create(&spending).Error
		if err != nil {
			return err
		}
		if spending[0].Day < utcDay(time.Now()) { // a payment dated before today: kept reports are out of date
			if err := bumpReports(tx, t.userID); err != nil {
				return err
			}
		}
	}
	t.totals, t.hours, t.spending = map[string]int64{}, map[[2]string]int64{}, map[string][2]int64{}
	return nil
}

// lockTotals takes the lock of the account's totals row (making the row if it has none), which
// every change of its totals and list hours takes first.
func lockTotals(tx *gorm.DB, userID int64) error {
	return tx.Clauses(clause.OnConflict{Columns: columns("user_id"), DoUpdates: clause.Assignments(map[string]any{"activity": gorm.Expr("activity")})}).
		Create(&AccountTotals{UserID: userID}).Error
}

// applyListHours adds each hour's n to the account's list_hours, and each change to the older of
// the later hours of its list, in one statement (per 150 hours: within any database's placeholder
// limit; each chunk applied whole before the next reads the hours). The statement upserts two kinds
// of rows: the changed hours, whose older is the previous hour's older and n (one read of the
// primary key, as they were before the statement: what an existing hour's older already is) plus
// the changes before them in the batch; and the existing later hours, with n unchanged and older
// plus the changes before them (none, for rows dated now). So a write transaction pays one
// statement for its hours, as it did before older was kept (BenchmarkListHoursOfAWrite).
//
// The transaction holds the lock of the account's totals row already (tally.apply, recount, and
// NotifyAll take it first), so two changes of one account's hours never interleave: each reads the
// hours as the last one left them, at any isolation level.
func applyListHours(tx *gorm.DB, userID int64, hours []ListHour) error {
	slices.SortFunc(hours, func(a, b ListHour) int { return cmp.Or(compareStrings(a.List, b.List), compareStrings(a.Hour, b.Hour)) })
	for chunk := range slices.Chunk(hours, 150) {
		if err := upsertListHours(tx, userID, chunk); err != nil {
			return err
		}
	}
	return nil
}

// upsertListHours is applyListHours's statement for hours (sorted by list and hour).
func upsertListHours(tx *gorm.DB, userID int64, hours []ListHour) error {
	var rows, later, set strings.Builder
	var args, laterArgs, setArgs []any
	for list, changes := range groupByList(hours) {
		var before int64 // the changes of this batch in the list's earlier hours
		for _, c := range changes {
			if rows.Len() > 0 {
				rows.WriteString(" UNION ALL ")
			}
			rows.WriteString("SELECT ? AS new_user, ? AS new_list, ? AS new_hour, ? AS new_n, " + olderThanSQL("?") + " + ? AS new_older")
			args = append(args, userID, list, c.Hour, c.N, userID, list, c.Hour, before)
			before += c.N
		}
		if later.Len() > 0 {
			later.WriteString(" OR ")
		}
		later.WriteString("(list = ? AND hour > ?)")
		laterArgs = append(laterArgs, list, changes[0].Hour)
		// A later hour takes the changes before it: a CASE from the latest change down.
		set.WriteString(" WHEN ? THEN CASE")
		setArgs = append(setArgs, list)
		sum := before
		for i := len(changes) - 1; i >= 0; i-- {
			set.WriteString(" WHEN hour > ? THEN ?")
			setArgs = append(setArgs, changes[i].Hour, sum)
			sum -= changes[i].N
		}
		set.WriteString(" ELSE 0 END")
	}
	rows.WriteString(" UNION ALL SELECT user_id, list, hour, 0, older + CASE list" + set.String() + " ELSE 0 END FROM list_hours WHERE user_id = ? AND (" +
		later.String() + ")")
	args = append(append(append(args, setArgs...), userID), laterArgs...)
	upsert := " ON DUPLICATE KEY UPDATE n = list_hours.n + VALUES(n), older = VALUES(older)"
	if !isMySQL(tx) {
		upsert = " ON CONFLICT (user_id, list, hour) DO UPDATE SET n = list_hours.n + excluded.n, older = excluded.older"
	}
	// The rows are read whole before any is written (a statement that reads the table it writes).
	return tx.Exec("INSERT INTO list_hours (user_id, list, hour, n, older) SELECT new_user, new_list, new_hour, new_n, new_older FROM ("+
		rows.String()+") AS x WHERE true"+upsert, args...).Error
}

// olderThanSQL is the SQL of the rows of a list in the hours before a new hour, as list_hours has
// them: the previous hour's older and n, one read of the primary key. Its placeholders are the list
// and the new hour, after the account, which user is the SQL of ("?", or a column).
func olderThanSQL(user string) string {
	return "COALESCE((SELECT e.older + e.n FROM list_hours e WHERE e.user_id = " + user +
		" AND e.list = ? AND e.hour < ? ORDER BY e.hour DESC LIMIT 1), 0)"
}

// groupByList splits hours (sorted by list and hour) into each list's.
func groupByList(hours []ListHour) iter.Seq2[string, []ListHour] {
	return func(yield func(string, []ListHour) bool) {
		for start := 0; start < len(hours); {
			end := start + 1
			for end < len(hours) && hours[end].List == hours[start].List {
				end++
			}
			if !yield(hours[start].List, hours[start:end]) {
				return
			}
			start = end
		}
	}
}

// settleOlderSQL is the statement that sets older on every list_hours row of the accounts the
// condition on user_id selects (e.g. "user_id = ?"), from n: after list_hours was filled from the
// rows (a recount, migration 22).
func settleOlderSQL(mysql bool, cond string) string {
	running := "SELECT user_id, list, hour, SUM(n) OVER (PARTITION BY user_id, list ORDER BY hour) - n AS o FROM list_hours WHERE " + cond
	if mysql {
		return "UPDATE list_hours d JOIN (" + running + ") AS x ON x.user_id = d.user_id AND x.list = d.list AND x.hour = d.hour SET d.older = x.o"
	}
	return "UPDATE list_hours SET older = x.o FROM (" + running + ") AS x WHERE x.user_id = list_hours.user_id AND x.list = list_hours.list AND x.hour = list_hours.hour"
}

// addAssignments is the SQL of upsert assignments that add the incoming values of cols.
func addAssignments(mysql bool, cols []string) string {
	out := ""
	for i, c := range cols {
		if i > 0 {
			out += ", "
		}
		out += c + " = " + c + " + " + incoming(mysql, c)
	}
	return out
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// totalsOf reads an account's totals (zeros when it has none yet).
func totalsOf(tx *gorm.DB, userID int64) (AccountTotals, error) {
	var t AccountTotals
	err := tx.Where("user_id = ?", userID).Limit(1).Find(&t).Error
	t.UserID = userID
	return t, err
}

// dayExpr is the SQL of the UTC date (YYYY-MM-DD) of a date-time column: both databases store
// UTC, MySQL as DATETIME, SQLite as text that starts with the date.
func dayExpr(mysql bool, column string) string {
	if mysql {
		return "DATE_FORMAT(" + column + ", '%Y-%m-%d')"
	}
	return "substr(" + column + ", 1, 10)"
}

// hourExpr is the SQL of the UTC hour (YYYY-MM-DD HH, as utcHour) of a date-time column: on
// SQLite the stored text has the date, then a space or a T, then the hour.
func hourExpr(mysql bool, column string) string {
	if mysql {
		return "DATE_FORMAT(" + column + ", '%Y-%m-%d %H')"
	}
	return "substr(" + column + ", 1, 10) || ' ' || substr(" + column + ", 12, 2)"
}

// centsExpr is the SQL of a sum of DECIMAL(12,2) amounts in integer cents.
func centsExpr(mysql bool, sum string) string {
	if mysql {
		return "CAST(ROUND(" + sum + " * 100) AS SIGNED)"
	}
	return "CAST(ROUND(" + sum + " * 100) AS INTEGER)"
}

// Recount recomputes the totals, list hours and spending days of the given accounts from their
// rows, and search's copies of their organizations' names, each account in a transaction of its
// own. It is exact while the accounts are being changed: it first takes the lock of the account's
// totals row, which every change needs to add its deltas, so changes committed before are in the
// count and changes after add to it.
func (s *Store) Recount(ctx context.Context, userIDs ...int64) error {
	for _, id := range userIDs {
		if err := retryDeadlock(func() error { return s.tx(ctx, func(tx *gorm.DB) error { return recount(tx, id) }) }); err != nil {
			return fmt.Errorf("recount account %d: %w", id, err)
		}
	}
	return nil
}

// RecountAll recomputes every account's totals (Recount), and returns how many accounts it
// recounted. After a rolling upgrade from a version that did not keep totals, it takes in the
// changes the older replicas made meanwhile.
func (s *Store) RecountAll(ctx context.Context) (int, error) {
	var ids []int64
	if err := s.db.WithContext(ctx).Model(&User{}).Order("id").Pluck("id", &ids).Error; err != nil {
		return 0, err
	}
	return len(ids), s.Recount(ctx, ids...)
}

// recount recomputes one account's totals in tx.
func recount(tx *gorm.DB, userID int64) error {
	mysql := isMySQL(tx)
	// The lock first: the row exists from here on, and changes wait for this transaction.
	if err := lockTotals(tx, userID); err != nil {
		return err
	}
	t := AccountTotals{UserID: userID}
	count := func(dst *int64, model any, where string, args ...any) error {
		return tx.Model(model).Where("user_id = ?", userID).Where(where, args...).Count(dst).Error
	}
	for _, c := range []struct {
		dst   *int64
		model any
		where string
		arg   any
	}{
		{&t.InvoicesPending, &Invoice{}, "status = ?", InvoicePending},
		{&t.InvoicesPaid, &Invoice{}, "status = ?", InvoicePaid},
		{&t.InvoicesOverdue, &Invoice{}, "status = ?", InvoiceOverdue},
		{&t.InstancesActive, &Instance{}, "status = ?", StatusActive},
		{&t.InstancesSleep, &Instance{}, "status = ?", StatusSleep},
		{&t.InstancesDead, &Instance{}, "status = ?", StatusDead},
		{&t.NotificationsUnread, &Notification{}, "is_read = ?", false},
	} {
		if err := count(c.dst, c.model, c.where, c.arg); err != nil {
			return err
		}
	}
	for _, c := range []struct {
		dst   *int64
		model any
	}{{&t.Transactions, &Transaction{}}, {&t.Purchases, &Purchase{}}, {&t.Notifications, &Notification{}}, {&t.Activity, &Activity{}}} {
		if err := count(c.dst, c.model, "1 = 1"); err != nil {
			return err
		}
	}
	err := scanRow(tx.Model(&Invoice{}).Where("user_id = ? AND status = ?", userID, InvoicePaid).
		Select("COALESCE("+centsExpr(mysql, "SUM(total_amount)")+", 0)").Row(), &t.SpentCents)
	if err != nil {
		return err
	}
	if err := tx.Save(&t).Error; err != nil {
		return err
	}
	for _, model := range []any{&ListHour{}, &SpendingDayTotal{}} {
		if err := tx.Where("user_id = ?", userID).Delete(model).Error; err != nil {
			return err
		}
	}
	for _, q := range listCountsSQL(mysql, "list_hours", "WHERE user_id = ?") {
		if err := tx.Exec(q, userID).Error; err != nil {
			return err
		}
	}
	if err := tx.Exec(settleOlderSQL(mysql, "user_id = ?"), userID).Error; err != nil {
		return err
	}
	if err := bumpReports(tx, userID); err != nil { // spending_days is made again
		return err
	}
	if err := tx.Exec(spendingDaysSQL(mysql, "AND user_id = ?"), userID).Error; err != nil {
		return err
	}
	// Search's copies of the account's organizations (migration 24), which a replica of an earlier
	// version does not keep.
	return tx.Exec(copyOrgNamesSQL+"user_id = ?", userID).Error
}

// listCountsSQL are the statements that fill table (list_hours, or migration 4's list_days) from
// the lists' rows (of the accounts the where clause selects; each statement takes the arguments of
// its placeholders).
func listCountsSQL(mysql bool, table, where string) []string {
	bucket, key := hourExpr, "hour"
	if table == "list_days" {
		bucket, key = dayExpr, "day"
	}
	fill := func(list, from, column, extra string) string {
		cond := where
		if extra != "" {
			if cond == "" {
				cond = "WHERE " + extra
			} else {
				cond += " AND " + extra
			}
		}
		b := bucket(mysql, column)
		return fmt.Sprintf("INSERT INTO %s (user_id, list, %s, n) SELECT user_id, '%s', %s, COUNT(*) FROM %s %s GROUP BY user_id, %s",
			table, key, list, b, from, cond, b)
	}
	out := []string{
		fill(listActivity, "activity_logs", "created_at", ""),
		fill(listNotifications, "notifications", "created_at", ""),
		fill(listUnread, "notifications", "created_at", "is_read = 0"),
		fill(listTransactions, "transactions", "date", ""),
		fill(listPurchases, "purchases", "created_at", ""),
		fill(listInvoices, "invoices", "created_at", ""),
	}
	for _, st := range InvoiceStatuses {
		out = append(out, fill(listInvoiceStatus(st), "invoices", "created_at", "status = '"+st+"'"))
	}
	return out
}

// spendingDaysSQL is the statement that fills spending_days from the paid invoices (of the
// accounts the extra condition selects).
func spendingDaysSQL(mysql bool, extra string) string {
	day := dayExpr(mysql, "paid_at")
	return fmt.Sprintf(`INSERT INTO spending_days (user_id, day, invoice_count, spent_cents)
		SELECT user_id, %s, COUNT(*), %s FROM invoices WHERE status = 'paid' AND paid_at IS NOT NULL %s GROUP BY user_id, %s`,
		day, centsExpr(mysql, "SUM(total_amount)"), extra, day)
}
