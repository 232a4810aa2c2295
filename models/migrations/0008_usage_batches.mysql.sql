-- Issue 12: every usage flush writes its batch's id in the same transaction as its rows, so that a
-- batch whose commit went unanswered, or one replayed from the spool after a stop, is written once.
-- One statement, IF NOT EXISTS: safe to run again.
CREATE TABLE IF NOT EXISTS `usage_batches` (
  `id` varchar(36) NOT NULL,
  `created_at` datetime NOT NULL,
  PRIMARY KEY (`id`),
  KEY `idx_usage_batches_created_at` (`created_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
