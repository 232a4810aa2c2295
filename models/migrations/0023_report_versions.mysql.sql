-- Issue 11: an account's report version, which every change to a past day of its day reports
-- (api_usage_days, spending_days) adds to, so that a replica knows when the past days it keeps
-- are out of date (models/reports.go). IF NOT EXISTS, IGNORE: safe to run again.
CREATE TABLE IF NOT EXISTS `report_versions` (
  `user_id` bigint(20) NOT NULL,
  `version` bigint(20) NOT NULL DEFAULT 0,
  PRIMARY KEY (`user_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
-- The report epoch, one row: deleting an account adds to it, so that an account id used again never
-- finds the reports a replica kept for the account it had before.
CREATE TABLE IF NOT EXISTS `report_epoch` (
  `id` int(11) NOT NULL,
  `epoch` bigint(20) NOT NULL DEFAULT 0,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
INSERT IGNORE INTO `report_epoch` (`id`, `epoch`) VALUES (1, 0);
