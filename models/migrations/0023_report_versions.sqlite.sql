-- Issue 11: an account's report version, which every change to a past day of its day reports
-- (api_usage_days, spending_days) adds to, so that a replica knows when the past days it keeps
-- are out of date (models/reports.go).
CREATE TABLE IF NOT EXISTS `report_versions` (`user_id` integer NOT NULL,`version` integer NOT NULL DEFAULT 0,PRIMARY KEY (`user_id`));
-- The report epoch, one row: deleting an account adds to it, so that an account id used again never
-- finds the reports a replica kept for the account it had before.
CREATE TABLE IF NOT EXISTS `report_epoch` (`id` integer NOT NULL,`epoch` integer NOT NULL DEFAULT 0,PRIMARY KEY (`id`));
INSERT OR IGNORE INTO `report_epoch` (`id`, `epoch`) VALUES (1, 0);
