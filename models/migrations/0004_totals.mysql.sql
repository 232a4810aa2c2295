-- Issue 11, point 2: totals kept current (models/totals.go). The step's Go part
-- (models/migrate_totals.go) fills them from the rows.
CREATE TABLE IF NOT EXISTS `account_totals` (
  `user_id` bigint(20) NOT NULL,
  `invoices_pending` bigint(20) NOT NULL DEFAULT 0,
  `invoices_paid` bigint(20) NOT NULL DEFAULT 0,
  `invoices_overdue` bigint(20) NOT NULL DEFAULT 0,
  `spent_cents` bigint(20) NOT NULL DEFAULT 0,
  `instances_active` bigint(20) NOT NULL DEFAULT 0,
  `instances_sleep` bigint(20) NOT NULL DEFAULT 0,
  `instances_dead` bigint(20) NOT NULL DEFAULT 0,
  `transactions` bigint(20) NOT NULL DEFAULT 0,
  `purchases` bigint(20) NOT NULL DEFAULT 0,
  `notifications` bigint(20) NOT NULL DEFAULT 0,
  `notifications_unread` bigint(20) NOT NULL DEFAULT 0,
  `activity` bigint(20) NOT NULL DEFAULT 0,
  PRIMARY KEY (`user_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE IF NOT EXISTS `list_days` (
  `user_id` bigint(20) NOT NULL,
  `list` varchar(32) NOT NULL,
  `day` varchar(10) NOT NULL,
  `n` bigint(20) NOT NULL,
  PRIMARY KEY (`user_id`,`list`,`day`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE IF NOT EXISTS `spending_days` (
  `user_id` bigint(20) NOT NULL,
  `day` varchar(10) NOT NULL,
  `invoice_count` bigint(20) NOT NULL,
  `spent_cents` bigint(20) NOT NULL,
  PRIMARY KEY (`user_id`,`day`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
