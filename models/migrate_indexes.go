package models

// listIndexesStep is migration 5: an index for each list's filter and sort (issue 11, point 3), so
// that a page reads only its rows, in order (no sort of the account's rows), and the deep-page seek
// (page.go) starts inside the day it needs. Indexes whose columns lead a new one are dropped:
// every query that used them uses the new one. Each change checks first, so on MySQL a run that
// stopped halfway is completed by running it again.
func listIndexesStep(s migrationStep) error {
	err := createIndexes(s, []newIndex{
		{"notifications", "idx_notifications_user_time", "`user_id`,`created_at`,`id`"},
		{"notifications", "idx_notifications_user_unread", "`user_id`,`is_read`,`created_at`,`id`"},
		{"invoices", "idx_invoices_user_time", "`user_id`,`created_at`,`id`"},
		{"invoices", "idx_invoices_user_status_time", "`user_id`,`status`,`created_at`,`id`"},
		{"transactions", "idx_transactions_user_date", "`user_id`,`date`,`id`"},
		{"purchases", "idx_purchases_user_time", "`user_id`,`created_at`,`id`"},
		{"activity_logs", "idx_activity_logs_user_time", "`user_id`,`created_at`,`id`"},
		{"instances", "idx_instances_user_time", "`user_id`,`created_at`,`id`"},
		{"instances", "idx_instances_user_status_time", "`user_id`,`status`,`created_at`,`id`"},
		{"instances", "idx_instances_user_type_time", "`user_id`,`type`,`created_at`,`id`"},
		{"instances", "idx_instances_user_itype", "`user_id`,`instance_type`"},
		{"org_members", "idx_org_members_user_org", "`user_id`,`organization_id`"},
		{"org_members", "idx_org_members_org_id", "`organization_id`,`id`"},
	})
	if err != nil {
		return err
	}
	return dropIndexes(s, [][2]string{
		{"notifications", "idx_notification_user_read"},
		{"invoices", "idx_invoices_user_id"},
		{"transactions", "idx_transactions_user_id"},
		{"purchases", "idx_purchases_user_id"},
		{"activity_logs", "idx_activity_logs_user_id"},
		{"org_members", "idx_org_members_user_id"},
	})
}

// newIndex is an index a migration makes: its table, name and columns (SQL).
type newIndex struct{ table, name, columns string }

// createIndexes makes each index that is not there yet.
func createIndexes(s migrationStep, indexes []newIndex) error {
	for _, ix := range indexes {
		if s.db.Migrator().HasIndex(ix.table, ix.name) {
			continue
		}
		if err := s.exec("CREATE INDEX `" + ix.name + "` ON `" + ix.table + "`(" + ix.columns + ")"); err != nil {
			return err
		}
	}
	return nil
}

// dropIndexes drops each index (table, name) that is still there.
func dropIndexes(s migrationStep, indexes [][2]string) error {
	for _, ix := range indexes {
		if !s.db.Migrator().HasIndex(ix[0], ix[1]) {
			continue
		}
		if err := s.db.Migrator().DropIndex(ix[0], ix[1]); err != nil {
			return err
		}
	}
	return nil
}
