package models

import "fmt"

// totalsStep is migration 4: it makes account_totals, list_days and spending_days
// (migrations/0004_totals.*.sql) and fills them from every account's rows, set-based. On MySQL it
// empties them first, so a run that stopped halfway is completed by running it again.
//
// Replicas of the earlier version that keep serving during a rolling upgrade do not keep these
// tables: once the last of them is gone, `sharepanel recount` takes in what they changed
// meanwhile (docs/DEPLOY.md).
func totalsStep(s migrationStep) error {
	if err := sqlFile("0004_totals")(s); err != nil {
		return err
	}
	for _, table := range []string{"account_totals", "list_days", "spending_days"} {
		if err := s.exec("DELETE FROM " + table); err != nil {
			return err
		}
	}
	count := func(table, cond string) string {
		return fmt.Sprintf("(SELECT COUNT(*) FROM %s r WHERE r.user_id = u.id%s)", table, cond)
	}
	spent := "COALESCE((SELECT " + centsExpr(s.mysql, "SUM(r.total_amount)") + " FROM invoices r WHERE r.user_id = u.id AND r.status = 'paid'), 0)"
	err := s.exec(`INSERT INTO account_totals (user_id, invoices_pending, invoices_paid, invoices_overdue, spent_cents, instances_active,
			instances_sleep, instances_dead, transactions, purchases, notifications, notifications_unread, activity)
		SELECT u.id, ` + count("invoices", " AND r.status = 'pending'") + `, ` + count("invoices", " AND r.status = 'paid'") + `, ` +
		count("invoices", " AND r.status = 'overdue'") + `, ` + spent + `, ` + count("instances", " AND r.status = 'active'") + `, ` +
		count("instances", " AND r.status = 'sleep'") + `, ` + count("instances", " AND r.status = 'dead'") + `, ` +
		count("transactions", "") + `, ` + count("purchases", "") + `, ` + count("notifications", "") + `, ` +
		count("notifications", " AND r.is_read = 0") + `, ` + count("activity_logs", "") + ` FROM users u`)
	if err != nil {
		return err
	}
	for _, q := range listCountsSQL(s.mysql, "list_days", "") {
		if err := s.exec(q); err != nil {
			return err
		}
	}
	return s.exec(spendingDaysSQL(s.mysql, ""))
}

// listHoursStep is migration 22: list_hours (migrations/0022_list_hours.*.sql), the lists' rows per
// UTC hour and before it, which replace list_days for deep pages, filled from every account's rows
// and settled (older), set-based, listHoursBatch accounts at a time (on MySQL each statement
// commits by itself: no statement reads or locks the whole history at once). It empties the table
// first, so a run that stopped halfway is completed by running it again. list_days stays for the
// replicas of earlier versions.
//
// Those replicas do not keep list_hours: once the last of them is gone, `sharepanel recount` takes in
// what they changed meanwhile (docs/DEPLOY.md); until then a deep page may be off by their changes.
func listHoursStep(s migrationStep) error {
	if err := sqlFile("0022_list_hours")(s); err != nil {
		return err
	}
	if err := s.exec("DELETE FROM list_hours"); err != nil {
		return err
	}
	var last int64
	if err := s.db.Raw("SELECT COALESCE(MAX(id), 0) FROM users").Row().Scan(&last); err != nil {
		return err
	}
	for from := int64(0); from <= last; from += listHoursBatch {
		to := from + listHoursBatch - 1
		for _, q := range listCountsSQL(s.mysql, "list_hours", "WHERE user_id BETWEEN ? AND ?") {
			if err := s.exec(q, from, to); err != nil {
				return err
			}
		}
		if err := s.exec(settleOlderSQL(s.mysql, "user_id BETWEEN ? AND ?"), from, to); err != nil {
			return err
		}
	}
	return nil
}

// listHoursBatch is how many account ids migration 22 fills at a time.
const listHoursBatch = 500
