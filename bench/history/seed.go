package main

// All the SQL that makes the one-year account lives in this file, one function per table, each
// with a comment naming the columns it relies on: when the schema changes, the function of the
// changed table is the one to adapt (the seeding test in history_test.go says whether the
// gateway still reads what it wrote).
//
// Every large table is written by one set-based statement, INSERT … SELECT FROM MariaDB's
// sequence engine (seq_1_to_N), so the whole year takes seconds, not the hours the API would.
// Row n of N is dated start + (n-1)·(now-start)/(N-1): the history is spread evenly over the 365 UTC
// days that end today, and ids follow time, as they do when rows are written as things happen.
// Values that vary (statuses, types, amounts) come from a multiplicative hash of n, so that they
// are mixed but the same on every run.

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"sharepanel/bench/internal/benchkit"
	"sharepanel/models"
)

// Sizes are how much history the one-year account has.
type Sizes struct {
	UsageRequests  int // requests recorded (in the usage rollup and its summaries)
	RequestsPerRow int // mean requests per flush that recorded them: flushes of 1 … 2m-1 requests, rolled up per group
	Keys           int // API keys (at most models.MaxActiveKeys of them unexpired)
	Activity       int // activity_logs rows
	Invoices       int
	Transactions   int // the paid invoices' payments, and deposits for the rest
	Purchases      int
	Notifications  int
	Instances      int
	Organizations  int // organizations the account administers
	Members        int // other accounts that share those organizations
}

// OneYear is the account of issue 11: a year of a busy customer.
var OneYear = Sizes{UsageRequests: 2_000_000, RequestsPerRow: 2, Keys: 50, Activity: 200_000, Invoices: 20_000,
	Transactions: 50_000, Purchases: 10_000, Notifications: 50_000, Instances: 2_000, Organizations: 200, Members: 20}

// Scaled returns the sizes times f (at least one of each), for quick runs and tests.
func (s Sizes) Scaled(f float64) Sizes {
	sc := func(n int) int { return max(1, int(float64(n)*f+0.5)) }
	return Sizes{UsageRequests: sc(s.UsageRequests), RequestsPerRow: s.RequestsPerRow, Keys: sc(s.Keys), Activity: sc(s.Activity),
		Invoices: sc(s.Invoices), Transactions: sc(s.Transactions), Purchases: sc(s.Purchases), Notifications: sc(s.Notifications),
		Instances: sc(s.Instances), Organizations: sc(s.Organizations), Members: sc(s.Members)}
}

// The names the seed gives.
const (
	BenchPlan     = "history-bench" // no request limits: the limiter never refuses the benchmark
	YearUsername  = "history"
	keyPrefixName = "history" // benchkit.Secret(keyPrefixName, i) is the account's key number i
	// The host part of the seeded accounts' emails (example. is reserved for documentation).
	emailDomain = "history-bench.example"
)

// YearKey is the secret of the one-year account's key number 1, which the benchmark uses.
func YearKey() string { return benchkit.Secret(keyPrefixName, 1) }

// seeder writes the one-year account into db (a MariaDB database the gateway has migrated).
type seeder struct {
	db         *sql.DB
	sizes      Sizes
	now, start time.Time // the history runs from start (00:00 UTC, 364 days before today) to now
	userID     int64
	planID     int64
	step       func(table string, rows int64, took time.Duration) // reports each statement; may be nil
	recount    func(ctx context.Context, userIDs ...int64) error  // the gateway's Store.Recount
}

func newSeeder(store *models.Store, sizes Sizes, now time.Time) (*seeder, error) {
	db, err := store.DB().DB()
	if err != nil {
		return nil, err
	}
	now = now.UTC().Truncate(time.Second)
	y, m, d := now.AddDate(0, 0, -364).Date()
	return &seeder{db: db, sizes: sizes, now: now, start: time.Date(y, m, d, 0, 0, 0, 0, time.UTC), recount: store.Recount}, nil
}

// run seeds everything, table by table, then refreshes the optimizer's statistics.
func (s *seeder) run(ctx context.Context) error {
	for _, f := range []func(context.Context) error{
		s.plan, s.users, s.apiKeys, s.organizations, s.orgMembers, s.instances, s.invoices, s.transactions,
		s.purchases, s.notifications, s.activity, s.usage, s.totals, s.analyze, s.markDone,
	} {
		if err := f(ctx); err != nil {
			return err
		}
	}
	return nil
}

// markDone notes in the benchmark plan's features (plans: name, features) what was seeded, once
// all of it was: a later run with -reuse and the same sizes keeps the database.
func (s *seeder) markDone(ctx context.Context) error {
	return s.exec(ctx, "plans", "UPDATE plans SET features = ? WHERE name = ?", describe(s.sizes), BenchPlan)
}

// done says whether a seed of these sizes completed in the database (markDone).
func (s *seeder) done(ctx context.Context) bool {
	var features string
	err := s.db.QueryRowContext(ctx, "SELECT COALESCE(features, '') FROM plans WHERE name = ?", BenchPlan).Scan(&features)
	return err == nil && features == describe(s.sizes)
}

// exec runs one statement and reports it under table.
func (s *seeder) exec(ctx context.Context, table, query string, args ...any) error {
	began := time.Now()
	res, err := s.db.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("seed %s: %w", table, err)
	}
	n, _ := res.RowsAffected()
	if s.step != nil {
		s.step(table, n, time.Since(began))
	}
	return nil
}

// ts is a time as a SQL literal.
func ts(t time.Time) string { return "TIMESTAMP '" + t.UTC().Format("2006-01-02 15:04:05") + "'" }

// spread is the SQL date of row seq of n: evenly from start to now, both included, so that the last
// row is today's whatever the time of day.
func (s *seeder) spread(n int) string {
	span := int64(s.now.Sub(s.start) / time.Second)
	return fmt.Sprintf("%s + INTERVAL FLOOR((seq - 1) * %d / %d) SECOND", ts(s.start), span, max(n-1, 1))
}

// hash is a well-mixed value of seq in [0, mod): what varies between rows. Multiplicative hashing
// (Knuth's constant); the high bits of the 32-bit product are taken, since its low bits follow
// seq's own.
func hash(mod int) string {
	return fmt.Sprintf("((seq * 2654435761 %% 4294967296) * %d DIV 4294967296)", mod)
}

// plan: plans (name, price, org_limit, instance_limit, filelimit, storagelimit, description,
// features, requests_per_day, requests_per_minute, max_payload_bytes, created_at, updated_at).
// Zero requests a day and a minute are no limit at all (ratelimit.Window.Unlimited).
func (s *seeder) plan(ctx context.Context) error {
	err := s.exec(ctx, "plans", `INSERT INTO plans (name, price, org_limit, instance_limit, filelimit, storagelimit, description, features,
		requests_per_day, requests_per_minute, max_payload_bytes, created_at, updated_at)
		VALUES (?, 0, 1000, 10000, 100000, 100000, 'History benchmark: no request limits', '', 0, 0, 15728640, ?, ?)`,
		BenchPlan, s.now, s.now)
	if err != nil {
		return err
	}
	return s.db.QueryRowContext(ctx, "SELECT id FROM plans WHERE name = ?", BenchPlan).Scan(&s.planID)
}

// moveToBenchPlan: users (username, plan_id). The demo account comes on the pro plan, whose
// limits the benchmark would hit.
func (s *seeder) moveToBenchPlan(ctx context.Context, username string) error {
	return s.exec(ctx, "users", "UPDATE users SET plan_id = (SELECT id FROM plans WHERE name = ?) WHERE username = ?", BenchPlan, username)
}

// users: users (username, email, email_key, password_hash, bio, plan_id, verified, balance,
// first_name, last_name, created_at, updated_at). The account and the members of its
// organizations; nobody logs in with a password, so it is a random one. The emails are lower-case
// ASCII: their identity key (models.IdentityKey) is the email itself.
func (s *seeder) users(ctx context.Context) error {
	hash, err := bcrypt.GenerateFromPassword([]byte(rand.Text()), bcrypt.MinCost)
	if err != nil {
		return err
	}
	created := s.start.AddDate(0, 0, -30)
	err = s.exec(ctx, "users", `INSERT INTO users (username, email, email_key, password_hash, bio, plan_id, verified, balance, first_name, last_name, created_at, updated_at)
		VALUES (?, ?, ?, ?, 'A year of history.', ?, 1, 250.00, 'Hedda', 'History', ?, ?)`,
		YearUsername, YearUsername+"@"+emailDomain, YearUsername+"@"+emailDomain, string(hash), s.planID, created, s.now)
	if err != nil {
		return err
	}
	if err := s.db.QueryRowContext(ctx, "SELECT id FROM users WHERE username = ?", YearUsername).Scan(&s.userID); err != nil {
		return err
	}
	return s.exec(ctx, "users", fmt.Sprintf(`INSERT INTO users (username, email, email_key, password_hash, bio, plan_id, verified, balance, first_name, last_name, created_at, updated_at)
		SELECT CONCAT('history-member-', LPAD(seq, 3, '0')), CONCAT('history-member-', LPAD(seq, 3, '0'), '@%s'),
			CONCAT('history-member-', LPAD(seq, 3, '0'), '@%s'), ?, '', ?, 1, 0, 'Member', LPAD(seq, 3, '0'), ?, ?
		FROM seq_1_to_%d`, emailDomain, emailDomain, s.sizes.Members), string(hash), s.planID, created, s.now)
}

// apiKeys: api_keys (user_id, name, key_hash, key_prefix, permissions, is_active, created_at,
// last_used_at, expires_at). Keys are made over the year; the account keeps at most
// models.MaxActiveKeys of them unexpired (key 1, the benchmark's, and the newest), the others
// expired two weeks after they were made. The secrets are derived (benchkit.Secret), so only
// their hashes are written, as the gateway stores them.
func (s *seeder) apiKeys(ctx context.Context) error {
	n := s.sizes.Keys
	expired := max(0, n-models.MaxActiveKeys)
	var rows []string
	var args []any
	for i := 1; i <= n; i++ {
		secret := benchkit.Secret(keyPrefixName, i)
		created := s.start.Add(time.Duration(i-1) * s.now.Sub(s.start) / time.Duration(n))
		perms := "read,write"
		if i%5 == 0 {
			perms = "read"
		}
		var expires any // NULL
		lastUsed := s.now
		if i >= 2 && i <= 1+expired {
			e := created.AddDate(0, 0, 14)
			expires, lastUsed = e, e.Add(-time.Hour)
		}
		rows = append(rows, "(?, ?, ?, ?, ?, 1, ?, ?, ?)")
		args = append(args, s.userID, fmt.Sprintf("Key %d", i), models.HashKey(secret), secret[:10], perms, created, lastUsed, expires)
	}
	return s.exec(ctx, "api_keys", `INSERT INTO api_keys (user_id, name, key_hash, key_prefix, permissions, is_active, created_at, last_used_at, expires_at)
		VALUES `+strings.Join(rows, ", "), args...)
}

// organizations: organizations (title, path, admin_id, contact, created_by, created_at). The
// account made them all over the year.
func (s *seeder) organizations(ctx context.Context) error {
	n := s.sizes.Organizations
	return s.exec(ctx, "organizations", fmt.Sprintf(`INSERT INTO organizations (title, path, admin_id, contact, created_by, created_at)
		SELECT CONCAT('History Org ', LPAD(seq, 6, '0')), CONCAT('history-org-', LPAD(seq, 6, '0')), ?,
			CONCAT('ops@history-org-', seq, '.example'), ?, %s
		FROM seq_1_to_%d`, s.spread(n), n), s.userID, s.userID)
}

// orgMembers: org_members (organization_id, user_id, is_admin, permission_level, created_at,
// search_title, search_path), organizations (id, title, path, admin_id, created_at), users (id,
// username). The account is the admin of
// each of its organizations; each also has one to four of the members (distinct ones: no more
// than there are), the first a manager, the others plain members.
func (s *seeder) orgMembers(ctx context.Context) error {
	err := s.exec(ctx, "org_members", `INSERT INTO org_members (organization_id, user_id, is_admin, permission_level, created_at, search_title, search_path)
		SELECT id, admin_id, 1, 3, created_at, LOWER(title), LOWER(path) FROM organizations WHERE admin_id = ? ORDER BY id`, s.userID)
	if err != nil {
		return err
	}
	return s.exec(ctx, "org_members", fmt.Sprintf(`INSERT INTO org_members (organization_id, user_id, is_admin, permission_level, created_at, search_title, search_path)
		SELECT o.id, m.id, 0, IF(j.seq = 0, 2, 1), o.created_at + INTERVAL (j.seq + 1) HOUR, LOWER(o.title), LOWER(o.path)
		FROM (SELECT id, title, path, created_at, ROW_NUMBER() OVER (ORDER BY id) - 1 AS r FROM organizations WHERE admin_id = ?) o
		JOIN seq_0_to_3 j ON j.seq <= o.r %% %d
		JOIN (SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS k FROM users WHERE username LIKE 'history-member-%%') m
			ON m.k = (o.r * 3 + j.seq) %% %d
		ORDER BY o.id, j.seq`, min(4, s.sizes.Members), s.sizes.Members), s.userID)
}

// instances: instances (user_id, organization_id, instance_name, instance_path, status,
// instance_type, type, created_at), organizations (id, admin_id). Four in five are filed under one
// of the account's organizations; names are Site/Shop/Blog/Mailer/API/Docs NNNN (so that a search
// for "site" finds some), paths their lowercase.
func (s *seeder) instances(ctx context.Context) error {
	n := s.sizes.Instances
	return s.exec(ctx, "instances", fmt.Sprintf(`INSERT INTO instances (user_id, organization_id, instance_name, instance_path, status, instance_type, type, created_at)
		SELECT ?, IF(seq %% 5 = 0, NULL, o.id), CONCAT(ELT(1 + seq %% 6, 'Site', 'Shop', 'Blog', 'Mailer', 'API', 'Docs'), ' ', LPAD(seq, 6, '0')),
			CONCAT(ELT(1 + seq %% 6, 'site', 'shop', 'blog', 'mailer', 'api', 'docs'), '-', LPAD(seq, 6, '0')),
			CASE WHEN %[1]s < 60 THEN 'active' WHEN %[1]s < 85 THEN 'sleep' ELSE 'dead' END,
			ELT(1 + seq %% 4, 'wordpress', 'default', 'static', 'node'), IF(seq %% 6 = 3, 'SMS', 'SNCS'), %[2]s
		FROM seq_1_to_%[3]d
		JOIN (SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS k FROM organizations WHERE admin_id = ?) o ON o.k = seq %% %[4]d
		ORDER BY seq`, hash(100), s.spread(n), n, s.sizes.Organizations), s.userID, s.userID)
}

// invoices: invoices (user_id, invoice_number, total_amount, status, created_at, paid_at). One
// in ten overdue, those of the last two weeks pending, the rest paid within three days.
// Numbers are INV-YYYYMMDD-H and seven digits: one character longer than the gateway's random
// suffix, so they never clash with its numbers.
func (s *seeder) invoices(ctx context.Context) error {
	n := s.sizes.Invoices
	at := s.spread(n)
	return s.exec(ctx, "invoices", fmt.Sprintf(`INSERT INTO invoices (user_id, invoice_number, total_amount, status, created_at, paid_at)
		SELECT ?, CONCAT('INV-', DATE_FORMAT(at, '%%Y%%m%%d'), '-H', LPAD(seq, 7, '0')), (500 + %[1]s) / 100, status, at,
			IF(status = 'paid', at + INTERVAL 1 + %[2]s HOUR, NULL)
		FROM (SELECT seq, %[3]s AS at,
				CASE WHEN seq %% 10 = 0 THEN 'overdue' WHEN %[3]s > %[4]s THEN 'pending' ELSE 'paid' END AS status
			FROM seq_1_to_%[5]d) i
		ORDER BY seq`, hash(9500), hash(72), at, ts(s.now.AddDate(0, 0, -14)), n), s.userID)
}

// transactions: transactions (user_id, transaction_id, amount, status, date, type), invoices
// (user_id, invoice_number, total_amount, status, paid_at). Each paid invoice's payment, as
// paying one records it (type invoice, its number as transaction_id), and deposits to make up the
// count; written in date order.
func (s *seeder) transactions(ctx context.Context) error {
	var paid int
	if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM invoices WHERE user_id = ? AND status = 'paid'", s.userID).Scan(&paid); err != nil {
		return err
	}
	n := s.sizes.Transactions
	deposits := max(1, n-paid)
	return s.exec(ctx, "transactions", fmt.Sprintf(`INSERT INTO transactions (user_id, transaction_id, amount, status, date, type)
		SELECT ?, ref, amount, status, at, type FROM (
			(SELECT invoice_number AS ref, total_amount AS amount, 'completed' AS status, paid_at AS at, 'invoice' AS type
				FROM invoices WHERE user_id = ? AND status = 'paid' ORDER BY paid_at LIMIT %[1]d)
			UNION ALL
			(SELECT CONCAT('DEP-', DATE_FORMAT(at, '%%Y%%m%%d'), '-H', LPAD(seq, 7, '0')), (1000 + %[2]s) / 100,
					IF(seq %% 40 = 0, 'failed', 'completed'), at, 'deposit'
				FROM (SELECT seq, %[3]s AS at FROM seq_1_to_%[4]d) d)
		) t
		ORDER BY at LIMIT %[1]d`, n, hash(49000), s.spread(deposits), deposits), s.userID, s.userID)
}

// purchases: purchases (user_id, item_id, item_type, purchase_type, price, tokens_paid,
// created_at).
func (s *seeder) purchases(ctx context.Context) error {
	n := s.sizes.Purchases
	return s.exec(ctx, "purchases", fmt.Sprintf(`INSERT INTO purchases (user_id, item_id, item_type, purchase_type, price, tokens_paid, created_at)
		SELECT ?, ELT(1 + seq %% 6, 'app-wordpress-pro', 'tpl-portfolio', 'addon-daily-backups', 'tokens-1000', 'app-mailer', 'tpl-shop'),
			ELT(1 + seq %% 6, 'app', 'template', 'addon', 'tokens', 'app', 'template'),
			IF(seq %% 6 = 2, 'subscription', 'one_time'), (100 + %[1]s) / 100, (100 + %[1]s) / 100, %[2]s
		FROM seq_1_to_%[3]d ORDER BY seq`, hash(9900), s.spread(n), n), s.userID)
}

// notifications: notifications (user_id, title, message, type, is_read, link, created_at). A
// sentence or two each, of the kinds the gateway sends; read when older than ten days, and a
// third of the newer ones.
func (s *seeder) notifications(ctx context.Context) error {
	n := s.sizes.Notifications
	at := s.spread(n)
	return s.exec(ctx, "notifications", fmt.Sprintf(`INSERT INTO notifications (user_id, title, message, type, is_read, link, created_at)
		SELECT ?, ELT(1 + seq %% 6, 'New Invoice', 'Instance asleep', 'Instance stopped', 'Payment received', 'New API key', 'Organization updated'),
			CONCAT(ELT(1 + seq %% 6, 'Your invoice has been generated and is due within fourteen days.',
				'An instance was put to sleep after a week without traffic; wake it from the instances page.',
				'An instance has stopped and is marked dead; its data is kept for thirty days.',
				'We received your payment. Thank you for being a SharePanel customer.',
				'A new API key was created for your account. If this was not you, delete it now.',
				'An organization you belong to changed its contact details.'), ' Reference ', seq, '.'),
			ELT(1 + seq %% 6, 'info', 'warning', 'error', 'success', 'info', 'info'),
			IF(%[1]s < %[2]s OR seq %% 3 = 0, 1, 0),
			ELT(1 + seq %% 6, '/billing', '/instances', '/instances', '/billing', '/api-keys', '/orgs'), %[1]s
		FROM seq_1_to_%[3]d ORDER BY seq`, at, ts(s.now.AddDate(0, 0, -10)), n), s.userID)
}

// activity: activity_logs (user_id, action, resource_type, resource_id, details, ip_address,
// created_at). The actions the gateway logs, with small JSON details.
func (s *seeder) activity(ctx context.Context) error {
	n := s.sizes.Activity
	return s.exec(ctx, "activity_logs", fmt.Sprintf(`INSERT INTO activity_logs (user_id, action, resource_type, resource_id, details, ip_address, created_at)
		SELECT ?, ELT(1 + seq %% 8, 'instance_status_changed', 'instance_created', 'instance_status_changed', 'organization_updated',
				'api_key_created', 'profile_updated', 'instance_deleted', 'balance_added'),
			ELT(1 + seq %% 8, 'instance', 'instance', 'instance', 'organization', 'api_key', 'user', 'instance', 'transaction'),
			1 + %[1]s,
			JSON_OBJECT('name', CONCAT('Resource ', 1 + %[1]s), 'via', IF(seq %% 3 = 0, 'dashboard', 'api')),
			CONCAT('203.0.113.', 1 + seq %% 250), %[2]s
		FROM seq_1_to_%[3]d ORDER BY seq`, hash(2000), s.spread(n), n), s.userID)
}

// usage: api_usage_rollup (user_id, day, key_id, endpoint, status_code, request_count,
// total_duration_micros, last_at, created_at), api_endpoints (id, name), api_usage_days
// (user_id, day, request_count, success_count, error_count, total_duration_micros, endpoints_lo,
// endpoints_hi), api_usage_key_days (user_id, key_id, day, the same counts, last_at, the endpoint
// sets), api_keys (id, user_id). The requests are made as the recorder's one-second flushes met
// them — flushes of 1 to 2m-1 requests each for RequestsPerRow m, m on average, the total
// exactly UsageRequests; each key calls a handful of the 15 endpoints, one request in 18 fails
// (404, 400, 403, 500), response times 5–155 ms — and written as the recorder writes them: one
// rollup row per (key, endpoint, status, day) group holding all its flushes, the per-day and
// per-key-day summaries, the endpoints numbered (the summaries' endpoint sets: bit n-1 of
// endpoints_lo for number n, as models/usage.go has them).
func (s *seeder) usage(ctx context.Context) error {
	total, m := s.sizes.UsageRequests, max(1, s.sizes.RequestsPerRow)
	cycle := 2*m - 1             // flushes hold 1, 2, …, cycle requests in turn: cycle·m requests per cycle
	full := total / (cycle * m)  // whole cycles
	rest := total - full*cycle*m // requests left over: one more flush
	flushes := full * cycle
	if rest > 0 {
		flushes++
	}
	const endpoints = `'profile.view', 'instances.list', 'analytics.usage', 'billing.invoices', 'notifications.list', 'stats.overview',
		'instances.view', 'orgs.list', 'analytics.overview', 'billing.balance', 'notifications.unread_count', 'api_keys.list',
		'search', 'billing.transactions', 'orgs.members', 'profile.view', 'instances.list', 'instances.view', 'notifications.list',
		'profile.view'` // 20 slots over 15 endpoints: the common ones more often
	err := s.exec(ctx, "api_usage_rollup", fmt.Sprintf(`INSERT INTO api_usage_rollup (user_id, day, key_id, endpoint, status_code, request_count,
			total_duration_micros, last_at, created_at)
		SELECT ?, day, key_id, endpoint, status_code, SUM(n), SUM(micros), MAX(at), MIN(at) + INTERVAL 1 SECOND
		FROM (SELECT k.id AS key_id, ELT(1 + (u.seq DIV %[1]d %% 4 + k.k * 3) %% 20, %[2]s) AS endpoint,
				CASE WHEN %[3]s < 30 THEN 404 WHEN %[3]s < 45 THEN 400 WHEN %[3]s < 52 THEN 403 WHEN %[3]s < 55 THEN 500 ELSE 200 END AS status_code,
				DATE_FORMAT(u.at, '%%Y-%%m-%%d') AS day, u.n, u.n * (5000 + %[4]s) AS micros, u.at
			FROM (SELECT seq, %[5]s AS at, IF(seq <= %[6]d, 1 + (seq - 1) %% %[7]d, %[8]d) AS n FROM seq_1_to_%[9]d) u
			JOIN (SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS k FROM api_keys WHERE user_id = ?) k ON k.k = u.seq %% %[1]d) f
		GROUP BY day, key_id, endpoint, status_code
		ORDER BY day, key_id, endpoint, status_code`,
		s.sizes.Keys, endpoints, strings.ReplaceAll(hash(1000), "seq", "u.seq"), strings.ReplaceAll(hash(150000), "seq", "u.seq"),
		s.spread(flushes), full*cycle, cycle, rest, flushes), s.userID, s.userID)
	if err != nil {
		return err
	}
	// Numbers for the endpoints not numbered yet, after the largest there is.
	err = s.exec(ctx, "api_endpoints", `INSERT INTO api_endpoints (id, name)
		SELECT (SELECT COALESCE(MAX(id), 0) FROM api_endpoints) + ROW_NUMBER() OVER (ORDER BY e.endpoint), e.endpoint
		FROM (SELECT DISTINCT endpoint FROM api_usage_rollup WHERE user_id = ?) e
		WHERE e.endpoint NOT IN (SELECT name FROM api_endpoints)`, s.userID)
	if err != nil {
		return err
	}
	// The endpoints of each (day) or (key, day), distinct, as bits: their sum is their set.
	const bitsLo, bitsHi = "SUM(IF(e.id <= 63, 1 << (e.id - 1), 0))", "SUM(IF(e.id BETWEEN 64 AND 126, 1 << (e.id - 64), 0))"
	err = s.exec(ctx, "api_usage_days", `INSERT INTO api_usage_days (user_id, day, request_count, success_count, error_count,
			total_duration_micros, endpoints_lo, endpoints_hi)
		SELECT g.user_id, g.day, SUM(g.n), SUM(g.ok), SUM(g.n) - SUM(g.ok), SUM(g.micros), `+bitsLo+`, `+bitsHi+`
		FROM (SELECT user_id, day, endpoint, SUM(request_count) AS n, SUM(IF(status_code < 400, request_count, 0)) AS ok,
				SUM(total_duration_micros) AS micros
			FROM api_usage_rollup WHERE user_id = ? GROUP BY user_id, day, endpoint) g
		JOIN api_endpoints e ON e.name = g.endpoint
		GROUP BY g.user_id, g.day`, s.userID)
	if err != nil {
		return err
	}
	return s.exec(ctx, "api_usage_key_days", `INSERT INTO api_usage_key_days (user_id, key_id, day, request_count, success_count, error_count,
			total_duration_micros, last_at, endpoints_lo, endpoints_hi)
		SELECT g.user_id, g.key_id, g.day, SUM(g.n), SUM(g.ok), SUM(g.n) - SUM(g.ok), SUM(g.micros), MAX(g.last_at), `+bitsLo+`, `+bitsHi+`
		FROM (SELECT user_id, key_id, day, endpoint, SUM(request_count) AS n, SUM(IF(status_code < 400, request_count, 0)) AS ok,
				SUM(total_duration_micros) AS micros, MAX(last_at) AS last_at
			FROM api_usage_rollup WHERE user_id = ? GROUP BY user_id, key_id, day, endpoint) g
		JOIN api_endpoints e ON e.name = g.endpoint
		GROUP BY g.user_id, g.key_id, g.day`, s.userID)
}

// totals: account_totals, list_hours, spending_days (models/totals.go), for the account and the
// members: the gateway's own recount (Store.Recount) makes them from the rows seeded above, as it
// does for a restored account.
func (s *seeder) totals(ctx context.Context) error {
	began := time.Now()
	rows, err := s.db.QueryContext(ctx, "SELECT id FROM users WHERE username = ? OR username LIKE 'history-member-%'", YearUsername)
	if err != nil {
		return err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := s.recount(ctx, ids...); err != nil {
		return fmt.Errorf("seed totals: %w", err)
	}
	if s.step != nil {
		s.step("account_totals", int64(len(ids)), time.Since(began))
	}
	return nil
}

// analyze refreshes the optimizer's statistics of the tables just filled, as a database that
// grew over a year would have them.
func (s *seeder) analyze(ctx context.Context) error {
	return s.exec(ctx, "ANALYZE", "ANALYZE TABLE users, api_keys, organizations, org_members, instances, invoices, transactions, purchases, notifications, "+
		"activity_logs, api_usage_rollup, api_usage_days, api_usage_key_days, account_totals, list_hours, spending_days")
}
