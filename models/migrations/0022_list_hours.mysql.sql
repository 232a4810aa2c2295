-- Issue 11, point 4: a deep page finds its hour in one read (models/page.go). Per account, list
-- and UTC hour of the list's sort key: the list's rows in that hour (n) and before it (older). It
-- replaces list_days, which stays for the replicas of earlier versions. The step's Go part
-- (models/migrate_totals.go) fills it from the rows. IF NOT EXISTS: safe to run again. The index
-- on (list, hour) is NotifyAll's: the hours after now, of every account, are none or a few.
CREATE TABLE IF NOT EXISTS `list_hours` (
  `user_id` bigint(20) NOT NULL,
  `list` varchar(32) NOT NULL,
  `hour` varchar(13) NOT NULL,
  `n` bigint(20) NOT NULL,
  `older` bigint(20) NOT NULL DEFAULT 0,
  PRIMARY KEY (`user_id`,`list`,`hour`),
  KEY `idx_list_hours_older` (`user_id`,`list`,`older`),
  KEY `idx_list_hours_list_hour` (`list`,`hour`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
