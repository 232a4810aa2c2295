-- Issue 11, point 4: a deep page finds its hour in one read (models/page.go). Per account, list
-- and UTC hour of the list's sort key: the list's rows in that hour (n) and before it (older). It
-- replaces list_days, which stays for the replicas of earlier versions. The step's Go part
-- (models/migrate_totals.go) fills it from the rows.
CREATE TABLE IF NOT EXISTS `list_hours` (`user_id` integer NOT NULL,`list` text NOT NULL,`hour` text NOT NULL,`n` integer NOT NULL,`older` integer NOT NULL DEFAULT 0,PRIMARY KEY (`user_id`,`list`,`hour`));
CREATE INDEX IF NOT EXISTS `idx_list_hours_older` ON `list_hours`(`user_id`,`list`,`older`);
CREATE INDEX IF NOT EXISTS `idx_list_hours_list_hour` ON `list_hours`(`list`,`hour`);
