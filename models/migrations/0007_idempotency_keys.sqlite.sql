-- Issue 13: a write sent with an Idempotency-Key is run once per account and key; its answer is
-- kept here (when Redis is not configured) for 24 hours, so that a retry gets it again. The key
-- itself is not stored: key_hash is its SHA-256 (with the account), and body is the answer
-- encrypted with a key derived from it. A row with status 0 is a request still running (token:
-- its claim), whose lease ends at expires_at.
CREATE TABLE IF NOT EXISTS `idempotency_keys` (`user_id` integer NOT NULL,`key_hash` text NOT NULL,`fingerprint` text NOT NULL,`token` text NOT NULL DEFAULT '',`status` integer NOT NULL DEFAULT 0,`body` blob,`created_at` datetime NOT NULL,`expires_at` datetime NOT NULL,PRIMARY KEY (`user_id`,`key_hash`));
CREATE INDEX IF NOT EXISTS `idx_idempotency_keys_expires_at` ON `idempotency_keys`(`expires_at`);
