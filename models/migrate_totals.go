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
	for _, q := range listDaysSQL(s.mysql, "") {
		if err := s.exec(q); err != nil {
			return err
		}
	}
	return s.exec(spendingDaysSQL(s.mysql, ""))
}

// migrateListDaysOlder is migration 22: list_days.older (the list's rows on earlier days) and the
// index a deep page's seek reads, filled from n. Each part is skipped once done, so a run that
// stopped halfway is completed by running it again.
func migrateListDaysOlder(s migrationStep) error {
	if !s.db.Migrator().HasColumn(&ListDay{}, "older") {
		typ := "integer"
		if s.mysql {
			typ = "bigint"
		}
		if err := s.exec("ALTER TABLE list_days ADD COLUMN older " + typ + " NOT NULL DEFAULT 0"); err != nil {
			return err
		}
	}
	if !s.db.Migrator().HasIndex(&ListDay{}, "idx_list_days_older") {
		if err := s.exec("CREATE INDEX idx_list_days_older ON list_days (user_id, list, older)"); err != nil {
			return err
		}
	}
	return s.exec(settleOlderSQL(s.mysql, "1 = 1"))
}
