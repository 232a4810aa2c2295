-- Issue 13: a write sent with an Idempotency-Key is run once per account and key; its answer is
-- kept here (when Redis is not configured) for 24 hours, so that a retry gets it again. The key
-- itself is not stored: key_hash is its SHA-256 (with the account), and body is the answer
-- encrypted with a key derived from it. A row with status 0 is a request still running (token:
-- its claim), whose lease ends at expires_at. One statement, IF NOT EXISTS: safe to run again.
CREATE TABLE IF NOT EXISTS `idempotency_keys` (
  `user_id` bigint(20) NOT NULL,
  `key_hash` char(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  `fingerprint` char(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  `token` varchar(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
  `status` int(11) NOT NULL DEFAULT 0,
  `body` mediumblob DEFAULT NULL,
  `created_at` datetime NOT NULL,
  `expires_at` datetime NOT NULL,
  PRIMARY KEY (`user_id`,`key_hash`),
  KEY `idx_idempotency_keys_expires_at` (`expires_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
