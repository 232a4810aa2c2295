-- Issue 11, point 1: the usage rollup and its summaries (models/usage.go). The rows of api_usage
-- are moved into them by the step's Go part (models/migrate_usage.go), which leaves api_usage
-- empty but in place: older replicas may still write it during a rolling upgrade.
CREATE TABLE IF NOT EXISTS `api_endpoints` (
  `id` bigint(20) NOT NULL,
  `name` varchar(64) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_api_endpoints_name` (`name`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE IF NOT EXISTS `api_usage_rollup` (
  `user_id` bigint(20) NOT NULL,
  `day` varchar(10) NOT NULL,
  `key_id` bigint(20) NOT NULL,
  `endpoint` varchar(64) NOT NULL,
  `status_code` bigint(20) NOT NULL,
  `request_count` bigint(20) NOT NULL,
  `total_duration_micros` bigint(20) NOT NULL,
  `last_at` datetime(3) NOT NULL,
  `created_at` datetime(3) NOT NULL,
  PRIMARY KEY (`user_id`,`day`,`key_id`,`endpoint`,`status_code`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE IF NOT EXISTS `api_usage_days` (
  `user_id` bigint(20) NOT NULL,
  `day` varchar(10) NOT NULL,
  `request_count` bigint(20) NOT NULL,
  `success_count` bigint(20) NOT NULL,
  `error_count` bigint(20) NOT NULL,
  `total_duration_micros` bigint(20) NOT NULL,
  `endpoints_lo` bigint(20) NOT NULL,
  `endpoints_hi` bigint(20) NOT NULL,
  PRIMARY KEY (`user_id`,`day`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE IF NOT EXISTS `api_usage_key_days` (
  `user_id` bigint(20) NOT NULL,
  `key_id` bigint(20) NOT NULL,
  `day` varchar(10) NOT NULL,
  `request_count` bigint(20) NOT NULL,
  `success_count` bigint(20) NOT NULL,
  `error_count` bigint(20) NOT NULL,
  `total_duration_micros` bigint(20) NOT NULL,
  `last_at` datetime(3) NOT NULL,
  `endpoints_lo` bigint(20) NOT NULL,
  `endpoints_hi` bigint(20) NOT NULL,
  PRIMARY KEY (`user_id`,`key_id`,`day`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
