-- Issue 12: every usage flush writes its batch's id in the same transaction as its rows, so that a
-- batch whose commit went unanswered, or one replayed from the spool after a stop, is written once.
CREATE TABLE IF NOT EXISTS `usage_batches` (`id` text NOT NULL,`created_at` datetime NOT NULL,PRIMARY KEY (`id`));
CREATE INDEX IF NOT EXISTS `idx_usage_batches_created_at` ON `usage_batches`(`created_at`);
