-- Issue 11, point 1: the usage rollup and its summaries (models/usage.go). The rows of api_usage
-- are moved into them by the step's Go part (models/migrate_usage.go), which leaves api_usage
-- empty but in place: older replicas may still write it during a rolling upgrade.
CREATE TABLE IF NOT EXISTS `api_endpoints` (`id` integer NOT NULL,`name` text NOT NULL,PRIMARY KEY (`id`));
CREATE UNIQUE INDEX IF NOT EXISTS `idx_api_endpoints_name` ON `api_endpoints`(`name`);
CREATE TABLE IF NOT EXISTS `api_usage_rollup` (`user_id` integer NOT NULL,`day` text NOT NULL,`key_id` integer NOT NULL,`endpoint` text NOT NULL,`status_code` integer NOT NULL,`request_count` integer NOT NULL,`total_duration_micros` integer NOT NULL,`last_at` datetime NOT NULL,`created_at` datetime NOT NULL,PRIMARY KEY (`user_id`,`day`,`key_id`,`endpoint`,`status_code`));
CREATE TABLE IF NOT EXISTS `api_usage_days` (`user_id` integer NOT NULL,`day` text NOT NULL,`request_count` integer NOT NULL,`success_count` integer NOT NULL,`error_count` integer NOT NULL,`total_duration_micros` integer NOT NULL,`endpoints_lo` integer NOT NULL,`endpoints_hi` integer NOT NULL,PRIMARY KEY (`user_id`,`day`));
CREATE TABLE IF NOT EXISTS `api_usage_key_days` (`user_id` integer NOT NULL,`key_id` integer NOT NULL,`day` text NOT NULL,`request_count` integer NOT NULL,`success_count` integer NOT NULL,`error_count` integer NOT NULL,`total_duration_micros` integer NOT NULL,`last_at` datetime NOT NULL,`endpoints_lo` integer NOT NULL,`endpoints_hi` integer NOT NULL,PRIMARY KEY (`user_id`,`key_id`,`day`));
