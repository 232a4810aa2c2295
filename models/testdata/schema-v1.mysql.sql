-- Made by internal/schemafixture on 2026-11-29: the schema and data this build's code makes.
CREATE TABLE `plans` (
  `id` bigint(20) NOT NULL AUTO_INCREMENT,
  `name` varchar(64) NOT NULL,
  `price` decimal(12,2) NOT NULL DEFAULT 0.00,
  `org_limit` bigint(20) NOT NULL,
  `instance_limit` bigint(20) NOT NULL,
  `filelimit` bigint(20) NOT NULL,
  `storagelimit` bigint(20) NOT NULL,
  `description` varchar(255) NOT NULL DEFAULT '',
  `features` text DEFAULT NULL,
  `requests_per_day` bigint(20) NOT NULL,
  `requests_per_minute` bigint(20) NOT NULL,
  `max_payload_bytes` bigint(20) NOT NULL,
  `created_at` datetime(3) DEFAULT NULL,
  `updated_at` datetime(3) DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_plans_name` (`name`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE `users` (
  `id` bigint(20) NOT NULL AUTO_INCREMENT,
  `username` varchar(64) NOT NULL,
  `email` varchar(255) NOT NULL,
  `password_hash` varchar(255) NOT NULL,
  `bio` text DEFAULT NULL,
  `pfp` varchar(1024) NOT NULL DEFAULT '',
  `plan_id` bigint(20) NOT NULL,
  `verified` tinyint(1) NOT NULL DEFAULT 0,
  `balance` decimal(12,2) NOT NULL DEFAULT 0.00,
  `first_name` varchar(100) NOT NULL DEFAULT '',
  `last_name` varchar(100) NOT NULL DEFAULT '',
  `phone` varchar(32) NOT NULL DEFAULT '',
  `address` varchar(255) NOT NULL DEFAULT '',
  `suspended` tinyint(1) NOT NULL DEFAULT 0,
  `created_at` datetime(3) NOT NULL,
  `updated_at` datetime(3) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_users_username` (`username`),
  UNIQUE KEY `idx_users_email` (`email`),
  KEY `idx_users_plan_id` (`plan_id`),
  CONSTRAINT `fk_users_plan` FOREIGN KEY (`plan_id`) REFERENCES `plans` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE `api_keys` (
  `id` bigint(20) NOT NULL AUTO_INCREMENT,
  `user_id` bigint(20) NOT NULL,
  `name` varchar(100) NOT NULL,
  `key_hash` varchar(64) NOT NULL,
  `key_prefix` varchar(16) NOT NULL,
  `permissions` varchar(16) NOT NULL,
  `is_active` tinyint(1) NOT NULL DEFAULT 1,
  `created_at` datetime(3) NOT NULL,
  `last_used_at` datetime(3) DEFAULT NULL,
  `expires_at` datetime(3) DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_api_keys_key_hash` (`key_hash`),
  KEY `idx_api_keys_user_id` (`user_id`),
  KEY `idx_api_keys_expires_at` (`expires_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE `instances` (
  `id` bigint(20) NOT NULL AUTO_INCREMENT,
  `user_id` bigint(20) NOT NULL,
  `organization_id` bigint(20) DEFAULT NULL,
  `instance_name` varchar(255) NOT NULL,
  `instance_path` varchar(128) NOT NULL,
  `status` varchar(16) NOT NULL,
  `instance_type` varchar(64) NOT NULL DEFAULT 'default',
  `type` varchar(8) NOT NULL,
  `created_at` datetime(3) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_instance_user_path` (`user_id`,`instance_path`),
  KEY `idx_instances_user_id` (`user_id`),
  KEY `idx_instances_organization_id` (`organization_id`),
  KEY `idx_instances_status` (`status`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE `invoices` (
  `id` bigint(20) NOT NULL AUTO_INCREMENT,
  `user_id` bigint(20) NOT NULL,
  `invoice_number` varchar(32) NOT NULL,
  `total_amount` decimal(12,2) NOT NULL,
  `status` varchar(16) NOT NULL,
  `created_at` datetime(3) NOT NULL,
  `paid_at` datetime(3) DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_invoices_invoice_number` (`invoice_number`),
  KEY `idx_invoices_user_id` (`user_id`),
  KEY `idx_invoices_status` (`status`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE `organizations` (
  `id` bigint(20) NOT NULL AUTO_INCREMENT,
  `title` varchar(255) NOT NULL,
  `path` varchar(64) NOT NULL,
  `admin_id` bigint(20) NOT NULL,
  `contact` varchar(255) NOT NULL DEFAULT '',
  `created_by` bigint(20) NOT NULL,
  `created_at` datetime(3) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_organizations_path` (`path`),
  KEY `idx_organizations_admin_id` (`admin_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE `org_members` (
  `id` bigint(20) NOT NULL AUTO_INCREMENT,
  `organization_id` bigint(20) NOT NULL,
  `user_id` bigint(20) NOT NULL,
  `is_admin` tinyint(1) NOT NULL DEFAULT 0,
  `permission_level` bigint(20) NOT NULL DEFAULT 1,
  `created_at` datetime(3) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_org_member` (`organization_id`,`user_id`),
  KEY `idx_org_members_user_id` (`user_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE `activity_logs` (
  `id` bigint(20) NOT NULL AUTO_INCREMENT,
  `user_id` bigint(20) NOT NULL,
  `action` varchar(64) NOT NULL,
  `resource_type` varchar(32) NOT NULL DEFAULT '',
  `resource_id` bigint(20) DEFAULT NULL,
  `details` text DEFAULT NULL,
  `ip_address` varchar(45) NOT NULL DEFAULT '',
  `created_at` datetime(3) NOT NULL,
  PRIMARY KEY (`id`),
  KEY `idx_activity_logs_user_id` (`user_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE `admins` (
  `id` bigint(20) NOT NULL AUTO_INCREMENT,
  `username` varchar(64) NOT NULL,
  `password_hash` varchar(255) NOT NULL,
  `token_version` bigint(20) NOT NULL DEFAULT 1,
  `created_at` datetime(3) NOT NULL,
  `updated_at` datetime(3) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_admins_username` (`username`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE `admin_audit_log` (
  `id` bigint(20) NOT NULL AUTO_INCREMENT,
  `admin` varchar(64) NOT NULL,
  `action` varchar(64) NOT NULL,
  `target` varchar(255) NOT NULL DEFAULT '',
  `status` bigint(20) NOT NULL DEFAULT 0,
  `details` text DEFAULT NULL,
  `ip_address` varchar(45) NOT NULL DEFAULT '',
  `created_at` datetime(3) NOT NULL,
  PRIMARY KEY (`id`),
  KEY `idx_admin_audit_log_admin` (`admin`),
  KEY `idx_admin_audit_log_created_at` (`created_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE `api_usage` (
  `id` bigint(20) NOT NULL AUTO_INCREMENT,
  `user_id` bigint(20) NOT NULL,
  `key_id` bigint(20) NOT NULL,
  `endpoint` varchar(64) NOT NULL,
  `status_code` bigint(20) NOT NULL,
  `day` varchar(10) NOT NULL,
  `request_count` bigint(20) NOT NULL DEFAULT 1,
  `total_duration_micros` bigint(20) NOT NULL DEFAULT 0,
  `last_at` datetime(3) DEFAULT NULL,
  `created_at` datetime(3) NOT NULL,
  PRIMARY KEY (`id`),
  KEY `idx_usage_user_day` (`user_id`,`day`),
  KEY `idx_usage_key_day` (`key_id`,`day`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE `autologin_tokens` (
  `id` bigint(20) NOT NULL AUTO_INCREMENT,
  `user_id` bigint(20) NOT NULL,
  `token_hash` varchar(64) NOT NULL,
  `expires_at` datetime(3) NOT NULL,
  `used_at` datetime(3) DEFAULT NULL,
  `created_at` datetime(3) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_autologin_tokens_token_hash` (`token_hash`),
  KEY `idx_autologin_tokens_user_id` (`user_id`),
  KEY `idx_autologin_tokens_expires_at` (`expires_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE `notifications` (
  `id` bigint(20) NOT NULL AUTO_INCREMENT,
  `user_id` bigint(20) NOT NULL,
  `title` varchar(255) NOT NULL,
  `message` text DEFAULT NULL,
  `type` varchar(16) NOT NULL DEFAULT 'info',
  `is_read` tinyint(1) NOT NULL DEFAULT 0,
  `link` varchar(1024) NOT NULL DEFAULT '',
  `created_at` datetime(3) NOT NULL,
  PRIMARY KEY (`id`),
  KEY `idx_notification_user_read` (`user_id`,`is_read`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE `purchases` (
  `id` bigint(20) NOT NULL AUTO_INCREMENT,
  `user_id` bigint(20) NOT NULL,
  `item_id` varchar(64) NOT NULL,
  `item_type` varchar(32) NOT NULL,
  `purchase_type` varchar(32) NOT NULL,
  `price` decimal(12,2) NOT NULL,
  `tokens_paid` decimal(12,2) NOT NULL,
  `created_at` datetime(3) NOT NULL,
  PRIMARY KEY (`id`),
  KEY `idx_purchases_user_id` (`user_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE `settings` (
  `name` varchar(64) NOT NULL,
  `value` text NOT NULL,
  `updated_at` datetime(3) NOT NULL,
  PRIMARY KEY (`name`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE `transactions` (
  `id` bigint(20) NOT NULL AUTO_INCREMENT,
  `user_id` bigint(20) NOT NULL,
  `transaction_id` varchar(64) NOT NULL,
  `amount` decimal(12,2) NOT NULL,
  `status` varchar(16) NOT NULL,
  `date` datetime(3) NOT NULL,
  `type` varchar(16) NOT NULL,
  PRIMARY KEY (`id`),
  KEY `idx_transactions_user_id` (`user_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
INSERT INTO `plans` (`id`, `name`, `price`, `org_limit`, `instance_limit`, `filelimit`, `storagelimit`, `description`, `features`, `requests_per_day`, `requests_per_minute`, `max_payload_bytes`, `created_at`, `updated_at`) VALUES ('1','free','0.00','1','1','1000','100','Free plan','Basic features','100','10','1048576','2026-11-29 23:35:55.000','2026-11-29 23:35:55.000');
INSERT INTO `plans` (`id`, `name`, `price`, `org_limit`, `instance_limit`, `filelimit`, `storagelimit`, `description`, `features`, `requests_per_day`, `requests_per_minute`, `max_payload_bytes`, `created_at`, `updated_at`) VALUES ('2','basic','9.99','3','5','5000','500','Basic plan','Basic features, email support','1000','30','5242880','2026-11-29 23:35:55.000','2026-11-29 23:35:55.000');
INSERT INTO `plans` (`id`, `name`, `price`, `org_limit`, `instance_limit`, `filelimit`, `storagelimit`, `description`, `features`, `requests_per_day`, `requests_per_minute`, `max_payload_bytes`, `created_at`, `updated_at`) VALUES ('3','pro','29.99','10','25','20000','2000','Pro plan','All features, priority support','10000','100','15728640','2026-11-29 23:35:55.000','2026-11-29 23:35:55.000');
INSERT INTO `plans` (`id`, `name`, `price`, `org_limit`, `instance_limit`, `filelimit`, `storagelimit`, `description`, `features`, `requests_per_day`, `requests_per_minute`, `max_payload_bytes`, `created_at`, `updated_at`) VALUES ('4','enterprise','99.99','100','250','100000','10000','Enterprise plan','All features, dedicated support, SLA','50000','500','52428800','2026-11-29 23:35:55.000','2026-11-29 23:35:55.000');
INSERT INTO `users` (`id`, `username`, `email`, `password_hash`, `bio`, `pfp`, `plan_id`, `verified`, `balance`, `first_name`, `last_name`, `phone`, `address`, `suspended`, `created_at`, `updated_at`) VALUES ('1','demo','demo@fixture.example','$2a$10$7hxYgavoRRHgCNAGfeIarO7pphEBmdzzpqHD.IXUr7azqjwP4b/8i','A demo account with sample data for every endpoint.','','3','1','100.50','Demo','User','+1 555 0100','1 Demo Street','0','2026-10-15 23:35:56.077','2026-11-29 23:35:56.000');
INSERT INTO `users` (`id`, `username`, `email`, `password_hash`, `bio`, `pfp`, `plan_id`, `verified`, `balance`, `first_name`, `last_name`, `phone`, `address`, `suspended`, `created_at`, `updated_at`) VALUES ('2','demo-member','demo-member@fixture.example','$2a$10$7hxYgavoRRHgCNAGfeIarO7pphEBmdzzpqHD.IXUr7azqjwP4b/8i','','','1','1','0.00','Demo','Member','','','0','2026-10-19 23:35:56.077','2026-11-29 23:35:56.000');
INSERT INTO `api_keys` (`id`, `user_id`, `name`, `key_hash`, `key_prefix`, `permissions`, `is_active`, `created_at`, `last_used_at`, `expires_at`) VALUES ('1','1','Dashboard (read-only)','31da9e4fe585271ddc897bceb95af51d1e69f98959be99c9ceda291cd70de7af','sp_eRAwGM7','read','1','2026-11-09 23:35:56.000','2026-11-29 23:35:57.000',NULL);
INSERT INTO `api_keys` (`id`, `user_id`, `name`, `key_hash`, `key_prefix`, `permissions`, `is_active`, `created_at`, `last_used_at`, `expires_at`) VALUES ('2','1','Demo key','8d39c17e55012f38d600a2fa3167bee285cf21e9af5c96ff3a59ab8d0ab6809b','sp_JRmgu3L','read,write','1','2026-11-29 23:35:56.000','2026-11-29 23:34:56.000',NULL);
INSERT INTO `api_keys` (`id`, `user_id`, `name`, `key_hash`, `key_prefix`, `permissions`, `is_active`, `created_at`, `last_used_at`, `expires_at`) VALUES ('3','2','fixture','aba481c0d1cc34dbebd936b77dfc3d71252dd02f5f6dedfb1ad49d8468ce2e26','sp_LLo-G-X','read','1','2026-11-29 23:35:56.000',NULL,'2031-11-29 23:35:56.576');
INSERT INTO `instances` (`id`, `user_id`, `organization_id`, `instance_name`, `instance_path`, `status`, `instance_type`, `type`, `created_at`) VALUES ('1','1','1','Agency Website','agency-website','active','wordpress','SNCS','2026-10-22 23:35:56.000');
INSERT INTO `instances` (`id`, `user_id`, `organization_id`, `instance_name`, `instance_path`, `status`, `instance_type`, `type`, `created_at`) VALUES ('2','1','1','Staging Site','staging-site','sleep','wordpress','SNCS','2026-10-30 23:35:56.000');
INSERT INTO `instances` (`id`, `user_id`, `organization_id`, `instance_name`, `instance_path`, `status`, `instance_type`, `type`, `created_at`) VALUES ('3','1',NULL,'Old Landing Page','old-landing-page','dead','default','SNCS','2026-10-16 23:35:56.000');
INSERT INTO `instances` (`id`, `user_id`, `organization_id`, `instance_name`, `instance_path`, `status`, `instance_type`, `type`, `created_at`) VALUES ('4','1','2','Mail Server','mail-server','active','default','SMS','2026-11-05 23:35:56.000');
INSERT INTO `instances` (`id`, `user_id`, `organization_id`, `instance_name`, `instance_path`, `status`, `instance_type`, `type`, `created_at`) VALUES ('5','1','2','Newsletter','newsletter','sleep','default','SMS','2026-11-11 23:35:56.000');
INSERT INTO `instances` (`id`, `user_id`, `organization_id`, `instance_name`, `instance_path`, `status`, `instance_type`, `type`, `created_at`) VALUES ('6','1',NULL,'Legacy Mailer','legacy-mailer','dead','default','SMS','2026-10-17 23:35:56.000');
INSERT INTO `instances` (`id`, `user_id`, `organization_id`, `instance_name`, `instance_path`, `status`, `instance_type`, `type`, `created_at`) VALUES ('7','2','3','Workshop Site','workshop-site','active','default','SNCS','2026-10-24 23:35:56.000');
INSERT INTO `invoices` (`id`, `user_id`, `invoice_number`, `total_amount`, `status`, `created_at`, `paid_at`) VALUES ('1','1','INV-20261020-D1ZJDF','15.00','overdue','2026-10-20 23:35:56.000',NULL);
INSERT INTO `invoices` (`id`, `user_id`, `invoice_number`, `total_amount`, `status`, `created_at`, `paid_at`) VALUES ('2','1','INV-20261107-A145HE','29.99','paid','2026-11-07 23:35:56.000','2026-11-09 23:35:56.000');
INSERT INTO `invoices` (`id`, `user_id`, `invoice_number`, `total_amount`, `status`, `created_at`, `paid_at`) VALUES ('3','1','INV-20261123-JMD6LP','12.50','paid','2026-11-23 23:35:56.000','2026-11-24 23:35:56.000');
INSERT INTO `invoices` (`id`, `user_id`, `invoice_number`, `total_amount`, `status`, `created_at`, `paid_at`) VALUES ('4','1','INV-20261124-IV2B62','7.25','paid','2026-11-24 21:35:56.000','2026-11-24 23:35:56.000');
INSERT INTO `invoices` (`id`, `user_id`, `invoice_number`, `total_amount`, `status`, `created_at`, `paid_at`) VALUES ('5','1','INV-20261127-5F012N','29.99','pending','2026-11-27 23:35:56.000',NULL);
INSERT INTO `organizations` (`id`, `title`, `path`, `admin_id`, `contact`, `created_by`, `created_at`) VALUES ('1','Demo Agency','demo-agency','1','hello@demo-agency.example','1','2026-10-20 23:35:56.000');
INSERT INTO `organizations` (`id`, `title`, `path`, `admin_id`, `contact`, `created_by`, `created_at`) VALUES ('2','Demo Labs','demo-labs','1','hello@demo-labs.example','1','2026-11-04 23:35:56.000');
INSERT INTO `organizations` (`id`, `title`, `path`, `admin_id`, `contact`, `created_by`, `created_at`) VALUES ('3','Member Workshop','demo-member-workshop','2','hello@demo-member-workshop.example','2','2026-10-21 23:35:56.000');
INSERT INTO `org_members` (`id`, `organization_id`, `user_id`, `is_admin`, `permission_level`, `created_at`) VALUES ('1','1','1','1','3','2026-10-20 23:35:56.000');
INSERT INTO `org_members` (`id`, `organization_id`, `user_id`, `is_admin`, `permission_level`, `created_at`) VALUES ('2','1','2','0','2','2026-10-21 23:35:56.000');
INSERT INTO `org_members` (`id`, `organization_id`, `user_id`, `is_admin`, `permission_level`, `created_at`) VALUES ('3','2','1','1','3','2026-11-04 23:35:56.000');
INSERT INTO `org_members` (`id`, `organization_id`, `user_id`, `is_admin`, `permission_level`, `created_at`) VALUES ('4','3','2','1','3','2026-10-21 23:35:56.000');
INSERT INTO `org_members` (`id`, `organization_id`, `user_id`, `is_admin`, `permission_level`, `created_at`) VALUES ('5','3','1','0','1','2026-10-22 23:35:56.000');
INSERT INTO `activity_logs` (`id`, `user_id`, `action`, `resource_type`, `resource_id`, `details`, `ip_address`, `created_at`) VALUES ('1','1','instance_created','instance','3','{"instance_name":"Old Landing Page","type":"SNCS"}','203.0.113.10','2026-10-16 23:35:56.000');
INSERT INTO `activity_logs` (`id`, `user_id`, `action`, `resource_type`, `resource_id`, `details`, `ip_address`, `created_at`) VALUES ('2','1','profile_updated','user','1','{"fields":["first_name","last_name","bio"]}','203.0.113.10','2026-10-16 23:35:56.000');
INSERT INTO `activity_logs` (`id`, `user_id`, `action`, `resource_type`, `resource_id`, `details`, `ip_address`, `created_at`) VALUES ('3','1','instance_created','instance','6','{"instance_name":"Legacy Mailer","type":"SMS"}','203.0.113.10','2026-10-17 23:35:56.000');
INSERT INTO `activity_logs` (`id`, `user_id`, `action`, `resource_type`, `resource_id`, `details`, `ip_address`, `created_at`) VALUES ('4','1','organization_created','organization','1','{"org_name":"Demo Agency"}','203.0.113.10','2026-10-20 23:35:56.000');
INSERT INTO `activity_logs` (`id`, `user_id`, `action`, `resource_type`, `resource_id`, `details`, `ip_address`, `created_at`) VALUES ('5','2','organization_created','organization','3','{"org_name":"Member Workshop"}','203.0.113.10','2026-10-21 23:35:56.000');
INSERT INTO `activity_logs` (`id`, `user_id`, `action`, `resource_type`, `resource_id`, `details`, `ip_address`, `created_at`) VALUES ('6','1','instance_created','instance','1','{"instance_name":"Agency Website","type":"SNCS"}','203.0.113.10','2026-10-22 23:35:56.000');
INSERT INTO `activity_logs` (`id`, `user_id`, `action`, `resource_type`, `resource_id`, `details`, `ip_address`, `created_at`) VALUES ('7','2','instance_created','instance','7','{"instance_name":"Workshop Site","type":"SNCS"}','203.0.113.10','2026-10-24 23:35:56.000');
INSERT INTO `activity_logs` (`id`, `user_id`, `action`, `resource_type`, `resource_id`, `details`, `ip_address`, `created_at`) VALUES ('8','1','instance_created','instance','2','{"instance_name":"Staging Site","type":"SNCS"}','203.0.113.10','2026-10-30 23:35:56.000');
INSERT INTO `activity_logs` (`id`, `user_id`, `action`, `resource_type`, `resource_id`, `details`, `ip_address`, `created_at`) VALUES ('9','1','organization_created','organization','2','{"org_name":"Demo Labs"}','203.0.113.10','2026-11-04 23:35:56.000');
INSERT INTO `activity_logs` (`id`, `user_id`, `action`, `resource_type`, `resource_id`, `details`, `ip_address`, `created_at`) VALUES ('10','1','instance_created','instance','4','{"instance_name":"Mail Server","type":"SMS"}','203.0.113.10','2026-11-05 23:35:56.000');
INSERT INTO `activity_logs` (`id`, `user_id`, `action`, `resource_type`, `resource_id`, `details`, `ip_address`, `created_at`) VALUES ('11','1','api_key_created','api_key','1','{"key_name":"Dashboard (read-only)","permissions":"read","via":"api"}','203.0.113.10','2026-11-09 23:35:56.000');
INSERT INTO `activity_logs` (`id`, `user_id`, `action`, `resource_type`, `resource_id`, `details`, `ip_address`, `created_at`) VALUES ('12','1','instance_created','instance','5','{"instance_name":"Newsletter","type":"SMS"}','203.0.113.10','2026-11-11 23:35:56.000');
INSERT INTO `activity_logs` (`id`, `user_id`, `action`, `resource_type`, `resource_id`, `details`, `ip_address`, `created_at`) VALUES ('13','1','instance_status_changed','instance','3','{"instance_name":"Old Landing Page","new_status":"dead","old_status":"active"}','203.0.113.10','2026-11-15 23:35:56.000');
INSERT INTO `activity_logs` (`id`, `user_id`, `action`, `resource_type`, `resource_id`, `details`, `ip_address`, `created_at`) VALUES ('14','1','instance_status_changed','instance','6','{"instance_name":"Legacy Mailer","new_status":"dead","old_status":"active"}','203.0.113.10','2026-11-15 23:35:56.000');
INSERT INTO `activity_logs` (`id`, `user_id`, `action`, `resource_type`, `resource_id`, `details`, `ip_address`, `created_at`) VALUES ('15','1','instance_status_changed','instance','2','{"instance_name":"Staging Site","new_status":"sleep","old_status":"active"}','203.0.113.10','2026-11-19 23:35:56.000');
INSERT INTO `activity_logs` (`id`, `user_id`, `action`, `resource_type`, `resource_id`, `details`, `ip_address`, `created_at`) VALUES ('16','1','instance_status_changed','instance','5','{"instance_name":"Newsletter","new_status":"sleep","old_status":"active"}','203.0.113.10','2026-11-23 23:35:56.000');
INSERT INTO `activity_logs` (`id`, `user_id`, `action`, `resource_type`, `resource_id`, `details`, `ip_address`, `created_at`) VALUES ('17','1','api_key_created','api_key','2','{"key_name":"Demo key","permissions":"read,write","via":"api"}','203.0.113.10','2026-11-29 23:35:56.000');
INSERT INTO `activity_logs` (`id`, `user_id`, `action`, `resource_type`, `resource_id`, `details`, `ip_address`, `created_at`) VALUES ('18','2','api_key_created','api_key','3','{"key_name":"fixture","permissions":"read","via":"api"}','','2026-11-29 23:35:56.000');
INSERT INTO `activity_logs` (`id`, `user_id`, `action`, `resource_type`, `resource_id`, `details`, `ip_address`, `created_at`) VALUES ('19','1','autologin_token_created','user','1','{"by":"admin","expires_at":"2026-11-29 23:36:57"}','','2026-11-29 23:35:57.000');
INSERT INTO `admins` (`id`, `username`, `password_hash`, `token_version`, `created_at`, `updated_at`) VALUES ('1','fixture-admin','$2a$10$F56ujpuS0.aDF20qiHxQA.By2ZBPaC5PEjYMSO.0LmRIt1AWTRLiG','1','2026-11-29 23:35:57.000','2026-11-29 23:35:57.000');
INSERT INTO `admin_audit_log` (`id`, `admin`, `action`, `target`, `status`, `details`, `ip_address`, `created_at`) VALUES ('1','fixture-admin','login','admin:fixture-admin','200','','','2026-11-29 23:35:57.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('1','1','2','profile.view','200','2026-11-29','1','20000','2026-11-29 23:34:56.000','2026-11-29 23:34:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('2','1','2','orgs.list','200','2026-11-29','1','57000','2026-11-29 23:17:56.000','2026-11-29 23:17:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('3','1','2','instances.list','200','2026-11-29','1','94000','2026-11-29 23:00:56.000','2026-11-29 23:00:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('4','1','2','billing.invoices','200','2026-11-29','1','131000','2026-11-29 22:43:56.000','2026-11-29 22:43:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('5','1','2','analytics.overview','200','2026-11-29','1','168000','2026-11-29 22:26:56.000','2026-11-29 22:26:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('6','1','2','notifications.list','404','2026-11-29','1','25000','2026-11-29 22:09:56.000','2026-11-29 22:09:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('7','1','2','instances.view','200','2026-11-29','1','62000','2026-11-29 21:52:56.000','2026-11-29 21:52:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('8','1','2','profile.view','200','2026-11-29','1','99000','2026-11-29 21:35:56.000','2026-11-29 21:35:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('9','1','2','orgs.list','200','2026-11-28','1','31000','2026-11-28 23:34:56.000','2026-11-28 23:34:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('10','1','2','instances.list','200','2026-11-28','1','68000','2026-11-28 23:17:56.000','2026-11-28 23:17:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('11','1','2','billing.invoices','200','2026-11-28','1','105000','2026-11-28 23:00:56.000','2026-11-28 23:00:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('12','1','2','analytics.overview','200','2026-11-28','1','142000','2026-11-28 22:43:56.000','2026-11-28 22:43:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('13','1','2','notifications.list','404','2026-11-28','1','179000','2026-11-28 22:26:56.000','2026-11-28 22:26:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('14','1','2','instances.view','200','2026-11-28','1','36000','2026-11-28 22:09:56.000','2026-11-28 22:09:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('15','1','2','profile.view','200','2026-11-28','1','73000','2026-11-28 21:52:56.000','2026-11-28 21:52:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('16','1','2','orgs.list','200','2026-11-28','1','110000','2026-11-28 21:35:56.000','2026-11-28 21:35:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('17','1','2','instances.list','200','2026-11-28','1','147000','2026-11-28 21:18:56.000','2026-11-28 21:18:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('18','1','2','billing.invoices','200','2026-11-28','1','184000','2026-11-28 21:01:56.000','2026-11-28 21:01:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('19','1','2','analytics.overview','404','2026-11-28','1','41000','2026-11-28 20:44:56.000','2026-11-28 20:44:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('20','1','2','notifications.list','200','2026-11-28','1','78000','2026-11-28 20:27:56.000','2026-11-28 20:27:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('21','1','2','instances.view','200','2026-11-28','1','115000','2026-11-28 20:10:56.000','2026-11-28 20:10:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('22','1','2','instances.list','200','2026-11-27','1','42000','2026-11-27 23:34:56.000','2026-11-27 23:34:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('23','1','2','billing.invoices','200','2026-11-27','1','79000','2026-11-27 23:17:56.000','2026-11-27 23:17:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('24','1','2','analytics.overview','200','2026-11-27','1','116000','2026-11-27 23:00:56.000','2026-11-27 23:00:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('25','1','2','notifications.list','404','2026-11-27','1','153000','2026-11-27 22:43:56.000','2026-11-27 22:43:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('26','1','2','instances.view','200','2026-11-27','1','190000','2026-11-27 22:26:56.000','2026-11-27 22:26:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('27','1','2','profile.view','200','2026-11-27','1','47000','2026-11-27 22:09:56.000','2026-11-27 22:09:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('28','1','2','orgs.list','200','2026-11-27','1','84000','2026-11-27 21:52:56.000','2026-11-27 21:52:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('29','1','2','instances.list','200','2026-11-27','1','121000','2026-11-27 21:35:56.000','2026-11-27 21:35:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('30','1','2','billing.invoices','200','2026-11-27','1','158000','2026-11-27 21:18:56.000','2026-11-27 21:18:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('31','1','2','analytics.overview','404','2026-11-27','1','195000','2026-11-27 21:01:56.000','2026-11-27 21:01:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('32','1','2','notifications.list','200','2026-11-27','1','52000','2026-11-27 20:44:56.000','2026-11-27 20:44:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('33','1','2','billing.invoices','200','2026-11-26','1','53000','2026-11-26 23:34:56.000','2026-11-26 23:34:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('34','1','2','analytics.overview','200','2026-11-26','1','90000','2026-11-26 23:17:56.000','2026-11-26 23:17:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('35','1','2','notifications.list','404','2026-11-26','1','127000','2026-11-26 23:00:56.000','2026-11-26 23:00:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('36','1','2','instances.view','200','2026-11-26','1','164000','2026-11-26 22:43:56.000','2026-11-26 22:43:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('37','1','2','profile.view','200','2026-11-26','1','21000','2026-11-26 22:26:56.000','2026-11-26 22:26:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('38','1','2','orgs.list','200','2026-11-26','1','58000','2026-11-26 22:09:56.000','2026-11-26 22:09:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('39','1','2','instances.list','200','2026-11-26','1','95000','2026-11-26 21:52:56.000','2026-11-26 21:52:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('40','1','2','billing.invoices','200','2026-11-26','1','132000','2026-11-26 21:35:56.000','2026-11-26 21:35:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('41','1','2','analytics.overview','404','2026-11-26','1','169000','2026-11-26 21:18:56.000','2026-11-26 21:18:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('42','1','2','analytics.overview','200','2026-11-25','1','64000','2026-11-25 23:34:56.000','2026-11-25 23:34:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('43','1','2','notifications.list','404','2026-11-25','1','101000','2026-11-25 23:17:56.000','2026-11-25 23:17:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('44','1','2','instances.view','200','2026-11-25','1','138000','2026-11-25 23:00:56.000','2026-11-25 23:00:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('45','1','2','profile.view','200','2026-11-25','1','175000','2026-11-25 22:43:56.000','2026-11-25 22:43:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('46','1','2','orgs.list','200','2026-11-25','1','32000','2026-11-25 22:26:56.000','2026-11-25 22:26:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('47','1','2','instances.list','200','2026-11-25','1','69000','2026-11-25 22:09:56.000','2026-11-25 22:09:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('48','1','2','billing.invoices','200','2026-11-25','1','106000','2026-11-25 21:52:56.000','2026-11-25 21:52:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('49','1','2','analytics.overview','404','2026-11-25','1','143000','2026-11-25 21:35:56.000','2026-11-25 21:35:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('50','1','2','notifications.list','200','2026-11-25','1','180000','2026-11-25 21:18:56.000','2026-11-25 21:18:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('51','1','2','instances.view','200','2026-11-25','1','37000','2026-11-25 21:01:56.000','2026-11-25 21:01:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('52','1','2','profile.view','200','2026-11-25','1','74000','2026-11-25 20:44:56.000','2026-11-25 20:44:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('53','1','2','orgs.list','200','2026-11-25','1','111000','2026-11-25 20:27:56.000','2026-11-25 20:27:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('54','1','2','instances.list','200','2026-11-25','1','148000','2026-11-25 20:10:56.000','2026-11-25 20:10:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('55','1','2','billing.invoices','404','2026-11-25','1','185000','2026-11-25 19:53:56.000','2026-11-25 19:53:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('56','1','2','notifications.list','404','2026-11-24','1','75000','2026-11-24 23:34:56.000','2026-11-24 23:34:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('57','1','2','instances.view','200','2026-11-24','1','112000','2026-11-24 23:17:56.000','2026-11-24 23:17:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('58','1','2','profile.view','200','2026-11-24','1','149000','2026-11-24 23:00:56.000','2026-11-24 23:00:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('59','1','2','orgs.list','200','2026-11-24','1','186000','2026-11-24 22:43:56.000','2026-11-24 22:43:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('60','1','2','instances.list','200','2026-11-24','1','43000','2026-11-24 22:26:56.000','2026-11-24 22:26:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('61','1','2','billing.invoices','200','2026-11-24','1','80000','2026-11-24 22:09:56.000','2026-11-24 22:09:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('62','1','2','analytics.overview','404','2026-11-24','1','117000','2026-11-24 21:52:56.000','2026-11-24 21:52:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('63','1','2','notifications.list','200','2026-11-24','1','154000','2026-11-24 21:35:56.000','2026-11-24 21:35:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('64','1','2','instances.view','200','2026-11-24','1','191000','2026-11-24 21:18:56.000','2026-11-24 21:18:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('65','1','2','profile.view','200','2026-11-24','1','48000','2026-11-24 21:01:56.000','2026-11-24 21:01:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('66','1','2','orgs.list','200','2026-11-24','1','85000','2026-11-24 20:44:56.000','2026-11-24 20:44:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('67','1','2','instances.list','200','2026-11-24','1','122000','2026-11-24 20:27:56.000','2026-11-24 20:27:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('68','1','2','instances.view','200','2026-11-23','1','86000','2026-11-23 23:34:56.000','2026-11-23 23:34:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('69','1','2','profile.view','200','2026-11-23','1','123000','2026-11-23 23:17:56.000','2026-11-23 23:17:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('70','1','2','orgs.list','200','2026-11-23','1','160000','2026-11-23 23:00:56.000','2026-11-23 23:00:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('71','1','2','instances.list','200','2026-11-23','1','197000','2026-11-23 22:43:56.000','2026-11-23 22:43:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('72','1','2','billing.invoices','200','2026-11-23','1','54000','2026-11-23 22:26:56.000','2026-11-23 22:26:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('73','1','2','analytics.overview','404','2026-11-23','1','91000','2026-11-23 22:09:56.000','2026-11-23 22:09:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('74','1','2','notifications.list','200','2026-11-23','1','128000','2026-11-23 21:52:56.000','2026-11-23 21:52:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('75','1','2','instances.view','200','2026-11-23','1','165000','2026-11-23 21:35:56.000','2026-11-23 21:35:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('76','1','2','profile.view','200','2026-11-23','1','22000','2026-11-23 21:18:56.000','2026-11-23 21:18:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('77','1','2','orgs.list','200','2026-11-23','1','59000','2026-11-23 21:01:56.000','2026-11-23 21:01:56.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('78','1','1','profile.view','600','2026-11-29','2','9000','2026-11-29 23:35:57.000','2026-11-29 23:35:57.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('79','1','1','profile.view','200','2026-11-29','3','12000','2026-11-29 23:35:57.000','2026-11-29 23:35:57.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('80','1','1','profile.view','400','2026-11-29','2','7000','2026-11-29 23:35:57.000','2026-11-29 23:35:57.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('81','1','1','profile.view','200','2026-11-29','3','12000','2026-11-29 23:35:57.000','2026-11-29 23:35:57.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('82','1','1','profile.view','400','2026-11-29','2','7000','2026-11-29 23:35:57.000','2026-11-29 23:35:57.000');
INSERT INTO `api_usage` (`id`, `user_id`, `key_id`, `endpoint`, `status_code`, `day`, `request_count`, `total_duration_micros`, `last_at`, `created_at`) VALUES ('83','1','1','profile.view','600','2026-11-29','2','9000','2026-11-29 23:35:57.000','2026-11-29 23:35:57.000');
INSERT INTO `autologin_tokens` (`id`, `user_id`, `token_hash`, `expires_at`, `used_at`, `created_at`) VALUES ('1','1','d72c8130f8ecf34724af1b6bcd4549aa7e5ea944d3473a6c021cf5c1ae6d5a2f','2026-11-29 23:36:57.000',NULL,'2026-11-29 23:35:57.000');
INSERT INTO `notifications` (`id`, `user_id`, `title`, `message`, `type`, `is_read`, `link`, `created_at`) VALUES ('1','1','New Invoice','Your invoice INV-20261020-D1ZJDF has been generated','info','1','/billing/invoice/1','2026-10-20 23:35:56.000');
INSERT INTO `notifications` (`id`, `user_id`, `title`, `message`, `type`, `is_read`, `link`, `created_at`) VALUES ('2','1','New Invoice','Your invoice INV-20261107-A145HE has been generated','info','1','/billing/invoice/2','2026-11-07 23:35:56.000');
INSERT INTO `notifications` (`id`, `user_id`, `title`, `message`, `type`, `is_read`, `link`, `created_at`) VALUES ('3','1','New Invoice','Your invoice INV-20261123-JMD6LP has been generated','info','0','/billing/invoice/3','2026-11-23 23:35:56.000');
INSERT INTO `notifications` (`id`, `user_id`, `title`, `message`, `type`, `is_read`, `link`, `created_at`) VALUES ('4','1','New Invoice','Your invoice INV-20261124-IV2B62 has been generated','info','0','/billing/invoice/4','2026-11-24 21:35:56.000');
INSERT INTO `notifications` (`id`, `user_id`, `title`, `message`, `type`, `is_read`, `link`, `created_at`) VALUES ('5','1','New Invoice','Your invoice INV-20261127-5F012N has been generated','info','0','/billing/invoice/5','2026-11-27 23:35:56.000');
INSERT INTO `notifications` (`id`, `user_id`, `title`, `message`, `type`, `is_read`, `link`, `created_at`) VALUES ('6','1','Welcome to SharePanel','Your demo account is ready.','success','1','/profile','2026-10-15 23:35:56.000');
INSERT INTO `notifications` (`id`, `user_id`, `title`, `message`, `type`, `is_read`, `link`, `created_at`) VALUES ('7','1','Instance stopped','Legacy Mailer has stopped and is marked dead.','error','1','/instances','2026-11-17 23:35:56.000');
INSERT INTO `notifications` (`id`, `user_id`, `title`, `message`, `type`, `is_read`, `link`, `created_at`) VALUES ('8','1','Instance asleep','Staging Site was put to sleep after a week without traffic.','warning','0','/instances','2026-11-20 23:35:56.000');
INSERT INTO `notifications` (`id`, `user_id`, `title`, `message`, `type`, `is_read`, `link`, `created_at`) VALUES ('9','1','New API key','A read-write API key named Demo key was created.','info','0','/api-keys','2026-11-29 23:35:56.000');
INSERT INTO `notifications` (`id`, `user_id`, `title`, `message`, `type`, `is_read`, `link`, `created_at`) VALUES ('10','2','Added to Demo Agency','demo added you to Demo Agency as a manager.','info','1','/orgs','2026-10-21 23:35:56.000');
INSERT INTO `purchases` (`id`, `user_id`, `item_id`, `item_type`, `purchase_type`, `price`, `tokens_paid`, `created_at`) VALUES ('1','1','app-wordpress-pro','app','one_time','25.00','25.00','2026-11-14 23:35:56.000');
INSERT INTO `purchases` (`id`, `user_id`, `item_id`, `item_type`, `purchase_type`, `price`, `tokens_paid`, `created_at`) VALUES ('2','1','tpl-portfolio','template','one_time','9.00','9.00','2026-11-21 23:35:56.000');
INSERT INTO `purchases` (`id`, `user_id`, `item_id`, `item_type`, `purchase_type`, `price`, `tokens_paid`, `created_at`) VALUES ('3','1','addon-daily-backups','addon','subscription','4.99','4.99','2026-11-26 23:35:56.000');
INSERT INTO `settings` (`name`, `value`, `updated_at`) VALUES ('api','on','2026-11-29 23:35:57.000');
INSERT INTO `settings` (`name`, `value`, `updated_at`) VALUES ('currency','EUR','2026-11-29 23:35:57.000');
INSERT INTO `transactions` (`id`, `user_id`, `transaction_id`, `amount`, `status`, `date`, `type`) VALUES ('1','1','INV-20261107-A145HE','29.99','completed','2026-11-09 23:35:56.000','invoice');
INSERT INTO `transactions` (`id`, `user_id`, `transaction_id`, `amount`, `status`, `date`, `type`) VALUES ('2','1','INV-20261123-JMD6LP','12.50','completed','2026-11-24 23:35:56.000','invoice');
INSERT INTO `transactions` (`id`, `user_id`, `transaction_id`, `amount`, `status`, `date`, `type`) VALUES ('3','1','INV-20261124-IV2B62','7.25','completed','2026-11-24 23:35:56.000','invoice');
INSERT INTO `transactions` (`id`, `user_id`, `transaction_id`, `amount`, `status`, `date`, `type`) VALUES ('4','1','DEP-20261030-7IT4YQ','150.00','completed','2026-10-30 23:35:56.000','deposit');
