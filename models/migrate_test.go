package models_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"sharepanel/internal/sqldump"
	"sharepanel/internal/testenv"
	"sharepanel/models"
	"sharepanel/wire"
)

// fixture is a database of an earlier schema version (models/testdata, made by
// internal/schemafixture with that version's code), loaded into a fresh database of the test's
// dialect, and what it must still hold after upgrading.
type fixture struct {
	Version int
	Expect  struct {
		DemoEmail    string           `json:"demo_email"`
		DemoPassword string           `json:"demo_password"`
		DemoKey      string           `json:"demo_key"`
		MemberKey    string           `json:"member_key"`
		Counts       map[string]int64 `json:"counts"`
		KeyRequests  map[string]int64 `json:"key_requests"`
	}
}

func dialect() string {
	if testenv.IsMySQL() {
		return "mysql"
	}
	return "sqlite"
}

// loadFixture loads schema-v<version> into a new database and returns a store on it, not migrated.
func loadFixture(t *testing.T, version int) (*models.Store, fixture) {
	t.Helper()
	base := fmt.Sprintf("testdata/schema-v%d.%s", version, dialect())
	f := fixture{Version: version}
	raw, err := os.ReadFile(base + ".json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &f.Expect); err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile(base + ".sql")
	if err != nil {
		t.Fatal(err)
	}
	s := testenv.OpenStore(t, testenv.EmptyDatabase(t))
	for _, stmt := range models.SplitSQL(string(script), testenv.IsMySQL()) {
		if err := s.DB().Exec(stmt).Error; err != nil {
			t.Fatalf("loading %s: %v\n%.200s", base, err, stmt)
		}
	}
	return s, f
}

// rowCounts counts the rows of each table of tables.
func rowCounts(t *testing.T, s *models.Store, tables map[string]int64) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for table := range tables {
		var n int64
		if err := s.DB().Table(table).Count(&n).Error; err != nil {
			t.Fatalf("count %s: %v", table, err)
		}
		out[table] = n
	}
	return out
}

// The upgrade test: a database of every earlier version, with a demo account holding every kind of
// row, is migrated to this build's schema and keeps everything: every table's rows, and through the
// API every key (it still authenticates), organization, membership, instance, invoice,
// transaction, purchase, notification, activity entry and usage count.
func TestUpgradeKeepsEveryRow(t *testing.T) {
	for _, version := range []int{1} {
		t.Run("from v"+strconv.Itoa(version), func(t *testing.T) {
			ctx := context.Background()
			s, f := loadFixture(t, version)
			for table, want := range f.Expect.Counts {
				if got := rowCounts(t, s, f.Expect.Counts)[table]; got != want {
					t.Fatalf("fixture loaded %d rows of %s, its JSON says %d", got, table, want)
				}
			}
			env := testenv.New(t, testenv.Options{Store: s})
			// What the API lists before the upgrade is read from the tables, as it was.
			before := apiView(t, env, f, false)
			wantCounts := countsAfterUpgrade(t, s, f)
			usageBefore := usageReports(t, env, f, false)

			applied, err := s.Migrate(ctx)
			if err != nil {
				t.Fatalf("migrate: %v", err)
			}
			st, err := s.SchemaStatus(ctx)
			if err != nil || st.Current() != st.Latest || len(st.Pending) != 0 {
				t.Fatalf("after migrate: %+v, %v (applied %v)", st, err, applied)
			}
			if got := rowCounts(t, s, wantCounts); fmt.Sprint(got) != fmt.Sprint(wantCounts) {
				t.Errorf("rows per table after upgrade %v, want %v", got, wantCounts)
			}
			after := apiView(t, env, f, true)
			if fmt.Sprint(after) != fmt.Sprint(before) {
				t.Errorf("through the API after upgrade:\n%v\nbefore:\n%v", after, before)
			}
			// Migration 6: every key there was stays unrestricted (no allowlist, no scopes).
			for _, k := range env.Get(map[string]string{"mode": "api_keys", "action": "list", "api_key": f.Expect.DemoKey, "limit": "500"}).DataList(t) {
				if v, has := k["allowed_ips"]; !has || v != nil {
					t.Errorf("key %v after upgrade: allowed_ips %v, want null", k["id"], v)
				}
				if v, has := k["scopes"]; !has || v != nil {
					t.Errorf("key %v after upgrade: scopes %v, want null", k["id"], v)
				}
			}
			if got := usageReports(t, env, f, true); got != usageBefore {
				t.Errorf("usage reports after upgrade:\n%s\nbefore, from the old rows:\n%s", got, usageBefore)
			}
			// Migration 4 filled the kept totals from the rows: a recount finds them as they are.
			kept := totalsSnapshot(t, s)
			if _, err := s.RecountAll(ctx); err != nil {
				t.Fatal(err)
			}
			if got := totalsSnapshot(t, s); got != kept || strings.Count(kept, "list_hours") < 10 {
				t.Errorf("totals after upgrade:\n%s\nrecounted:\n%s", kept, got)
			}

			// The upgraded schema is the one a fresh database gets.
			if got, want := schemaOf(t, s), schemaOf(t, testenv.NewStore(t)); got != want {
				t.Errorf("upgraded schema:\n%s\nfresh schema:\n%s", got, want)
			}

			// Migrating again changes nothing.
			if again, err := s.Migrate(ctx); err != nil || len(again) != 0 {
				t.Fatalf("second migrate applied %v, %v", again, err)
			}
			if got := apiView(t, env, f, true); fmt.Sprint(got) != fmt.Sprint(after) {
				t.Errorf("second migrate changed what the API shows:\n%v\nwas\n%v", got, after)
			}
			// And the account's password still logs in (which makes a key: checked last).
			env.Get(map[string]string{"mode": "auth", "email": f.Expect.DemoEmail, "password": f.Expect.DemoPassword}).
				Expect(t, http.StatusOK, "Authentication successful")
		})
	}
}

// apiView is what the fixture's accounts see through the user API: list lengths, the sum of usage
// per key (time-independent, unlike per-day reports), and that every key still works.
// fromAPI false reads the same figures straight from the tables (the schema the fixture was made
// with, before the upgrade): the API of this build may not read an old schema.
func apiView(t *testing.T, env *testenv.Env, f fixture, fromAPI bool) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	if !fromAPI {
		db := env.Store.DB()
		var demoID int64
		if err := db.Raw("SELECT id FROM users WHERE email = ?", f.Expect.DemoEmail).Scan(&demoID).Error; err != nil {
			t.Fatal(err)
		}
		count := func(name, q string, args ...any) {
			var n int64
			if err := db.Raw(q, args...).Scan(&n).Error; err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			out[name] = n
		}
		count("orgs", "SELECT COUNT(*) FROM org_members WHERE user_id = ?", demoID)
		count("members", "SELECT COUNT(*) FROM org_members m WHERE m.organization_id IN (SELECT organization_id FROM org_members WHERE user_id = ?)", demoID)
		count("instances", "SELECT COUNT(*) FROM instances WHERE user_id = ?", demoID)
		count("invoices", "SELECT COUNT(*) FROM invoices WHERE user_id = ?", demoID)
		count("transactions", "SELECT COUNT(*) FROM transactions WHERE user_id = ?", demoID)
		count("purchases", "SELECT COUNT(*) FROM purchases WHERE user_id = ?", demoID)
		count("notifications", "SELECT COUNT(*) FROM notifications WHERE user_id = ?", demoID)
		count("activity", "SELECT COUNT(*) FROM activity_logs WHERE user_id = ?", demoID)
		count("keys", "SELECT COUNT(*) FROM api_keys WHERE user_id = ?", demoID)
		count("stats invoices", "SELECT COUNT(*) FROM invoices WHERE user_id = ?", demoID)
		count("stats paid invoices", "SELECT COUNT(*) FROM invoices WHERE user_id = ? AND status = 'paid'", demoID)
		count("stats pending invoices", "SELECT COUNT(*) FROM invoices WHERE user_id = ? AND status = 'pending'", demoID)
		count("stats spent cents", "SELECT CAST(ROUND(COALESCE(SUM(total_amount), 0) * 100) AS INTEGER) FROM invoices WHERE user_id = ? AND status = 'paid'", demoID)
		count("stats active instances", "SELECT COUNT(*) FROM instances WHERE user_id = ? AND status = 'active'", demoID)
		count("stats asleep instances", "SELECT COUNT(*) FROM instances WHERE user_id = ? AND status = 'sleep'", demoID)
		count("stats dead instances", "SELECT COUNT(*) FROM instances WHERE user_id = ? AND status = 'dead'", demoID)
		count("unread", "SELECT COUNT(*) FROM notifications WHERE user_id = ? AND is_read = 0", demoID)
		// Search (migration 24 copies the names it matches): what it finds of a letter most names have.
		count("search orgs", "SELECT COUNT(*) FROM org_members m JOIN organizations o ON o.id = m.organization_id"+
			" WHERE m.user_id = ? AND (LOWER(o.title) LIKE '%"+searchLetter+"%' OR LOWER(o.path) LIKE '%"+searchLetter+"%')", demoID)
		count("search instances", "SELECT COUNT(*) FROM instances WHERE user_id = ?"+
			" AND (LOWER(instance_name) LIKE '%"+searchLetter+"%' OR LOWER(instance_path) LIKE '%"+searchLetter+"%')", demoID)
		if out["search orgs"] == 0 || out["search instances"] == 0 {
			t.Fatalf("the fixture has no organization or instance with %q: the search check would prove nothing", searchLetter)
		}
		for id, n := range f.Expect.KeyRequests {
			out["usage key "+id] = n
		}
		out["demo key"], out["member key"] = 200, 200
		return out
	}
	get := func(key string, params ...string) *testenv.Response {
		q := map[string]string{"api_key": key}
		for i := 0; i+1 < len(params); i += 2 {
			q[params[i]] = params[i+1]
		}
		return env.Get(q)
	}
	list := func(name string, params ...string) []map[string]any {
		res := get(f.Expect.DemoKey, append(params, "limit", "500")...)
		if res.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", name, res.Code, res.Body)
		}
		l := res.DataList(t)
		out[name] = int64(len(l))
		return l
	}
	orgs := list("orgs", "mode", "orgs", "action", "list")
	for _, o := range orgs {
		res := get(f.Expect.DemoKey, "mode", "orgs", "action", "members", "org_id", fmt.Sprint(o["id"]))
		out["members"] += int64(len(res.DataList(t)))
	}
	list("instances", "mode", "instances", "action", "list")
	list("invoices", "mode", "billing", "action", "invoices")
	list("transactions", "mode", "billing", "action", "transactions")
	list("purchases", "mode", "billing", "action", "purchases")
	list("notifications", "mode", "notifications", "action", "list")
	list("activity", "mode", "analytics", "action", "activity")
	keys := list("keys", "mode", "api_keys", "action", "list")
	for _, k := range keys {
		res := get(f.Expect.DemoKey, "mode", "api_keys", "action", "usage", "key_id", fmt.Sprint(k["id"]))
		if n := res.DataMap(t)["total_requests"].(float64); n > 0 {
			out["usage key "+fmt.Sprint(k["id"])] = int64(n)
		}
	}
	stats := get(f.Expect.DemoKey, "mode", "stats", "type", "overview").DataMap(t)
	for name, field := range map[string]string{"stats invoices": "total_invoices", "stats paid invoices": "paid_invoices",
		"stats pending invoices": "pending_invoices", "stats active instances": "active_instances",
		"stats asleep instances": "asleep_instances", "stats dead instances": "dead_instances"} {
		out[name] = int64(stats[field].(float64))
	}
	out["stats spent cents"] = int64(math.Round(stats["total_spent"].(float64) * 100))
	out["unread"] = int64(get(f.Expect.DemoKey, "mode", "notifications", "action", "unread_count").DataMap(t)["count"].(float64))
	list("search orgs", "mode", "search", "query", strings.ToUpper(searchLetter), "type", "organizations")
	list("search instances", "mode", "search", "query", searchLetter, "type", "instances")
	out["demo key"] = int64(get(f.Expect.DemoKey, "mode", "profile", "action", "view").Code)
	out["member key"] = int64(get(f.Expect.MemberKey, "mode", "profile", "action", "view").Code)
	return out
}

// searchLetter is what the upgrade test searches for.
const searchLetter = "e"

// totalsSnapshot is every row of the kept totals, as text.
func totalsSnapshot(t *testing.T, s *models.Store) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		"SELECT * FROM account_totals ORDER BY user_id",
		"SELECT * FROM list_hours WHERE n <> 0 ORDER BY user_id, list, hour",
		"SELECT * FROM spending_days ORDER BY user_id, day",
	} {
		var rows []map[string]any
		if err := s.DB().Raw(q).Scan(&rows).Error; err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			fmt.Fprintf(&b, "%s %v\n", strings.Fields(q)[3], r)
		}
	}
	return b.String()
}

// countsAfterUpgrade is how many rows each table must hold once the fixture is migrated: the
// fixture's counts, changed by what the migrations do to data. Migration 3 merges api_usage's rows
// into api_usage_rollup, one row per (user, day, key, endpoint, status) group, and empties it.
func countsAfterUpgrade(t *testing.T, s *models.Store, f fixture) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for table, n := range f.Expect.Counts {
		out[table] = n
	}
	var groups int64
	err := s.DB().Raw("SELECT COUNT(*) FROM (SELECT DISTINCT user_id, day, key_id, endpoint, status_code FROM api_usage) g").Scan(&groups).Error
	if err != nil {
		t.Fatal(err)
	}
	out["api_usage"], out["api_usage_rollup"] = 0, groups
	return out
}

// usageReports is analytics usage (a year) of the fixture's demo account and api_keys usage of
// each of its keys, as JSON. fromAPI false computes them from api_usage as the code before the
// usage rollup did (the same SQL), for the schema the fixture was made with.
func usageReports(t *testing.T, env *testenv.Env, f fixture, fromAPI bool) string {
	t.Helper()
	var demoID int64
	db := env.Store.DB()
	if err := db.Raw("SELECT id FROM users WHERE email = ?", f.Expect.DemoEmail).Scan(&demoID).Error; err != nil {
		t.Fatal(err)
	}
	var keyIDs []int64
	if err := db.Raw("SELECT id FROM api_keys WHERE user_id = ? ORDER BY id", demoID).Scan(&keyIDs).Error; err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	if fromAPI {
		get := func(params ...string) any {
			q := map[string]string{"api_key": f.Expect.DemoKey}
			for i := 0; i+1 < len(params); i += 2 {
				q[params[i]] = params[i+1]
			}
			res := env.Get(q)
			if res.Code != http.StatusOK {
				t.Fatalf("%v: %d %s", params, res.Code, res.Body)
			}
			return res.Data()
		}
		out["days"] = get("mode", "analytics", "action", "usage", "period", "366")
		for _, id := range keyIDs {
			out[fmt.Sprint("key ", id)] = get("mode", "api_keys", "action", "usage", "key_id", fmt.Sprint(id))
		}
	} else {
		const summary = `COALESCE(SUM(request_count), 0) AS total_requests,
			COUNT(DISTINCT endpoint) AS endpoints_used,
			COALESCE(SUM(total_duration_micros) * 1.0 / SUM(request_count), 0) / 1000000.0 AS avg_response_time,
			COALESCE(SUM(CASE WHEN status_code < 400 THEN request_count ELSE 0 END), 0) AS success_count,
			COALESCE(SUM(CASE WHEN status_code >= 400 THEN request_count ELSE 0 END), 0) AS error_count`
		round := func(x float64) float64 { return math.Round(x*1e6) / 1e6 }
		since := time.Now().UTC().AddDate(0, 0, -365).Format("2006-01-02")
		var days []struct {
			Day             string
			TotalRequests   int64
			EndpointsUsed   int64
			AvgResponseTime float64
			SuccessCount    int64
			ErrorCount      int64
		}
		if err := db.Raw("SELECT day, "+summary+" FROM api_usage WHERE user_id = ? AND day >= ? GROUP BY day ORDER BY day DESC", demoID, since).Scan(&days).Error; err != nil {
			t.Fatal(err)
		}
		list := []any{}
		for _, d := range days {
			list = append(list, map[string]any{"date": d.Day, "request_count": d.TotalRequests, "unique_endpoints": d.EndpointsUsed,
				"avg_response_time": round(d.AvgResponseTime), "success_count": d.SuccessCount, "error_count": d.ErrorCount})
		}
		out["days"] = list
		for _, id := range keyIDs {
			var k struct {
				TotalRequests   int64
				EndpointsUsed   int64
				AvgResponseTime float64
				SuccessCount    int64
				ErrorCount      int64
				ActiveDays      int64
				LastRequest     *wire.DateTime
			}
			if err := db.Raw("SELECT "+summary+", COUNT(DISTINCT day) AS active_days, MAX(last_at) AS last_request FROM api_usage WHERE key_id = ? AND user_id = ?",
				id, demoID).Scan(&k).Error; err != nil {
				t.Fatal(err)
			}
			out[fmt.Sprint("key ", id)] = map[string]any{"total_requests": k.TotalRequests, "active_days": k.ActiveDays, "endpoints_used": k.EndpointsUsed,
				"last_request": k.LastRequest, "avg_response_time": round(k.AvgResponseTime), "success_count": k.SuccessCount, "error_count": k.ErrorCount}
		}
	}
	// Both sides as the wire writes them, decoded the same way.
	raw, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	var norm any
	if err := json.Unmarshal(raw, &norm); err != nil {
		t.Fatal(err)
	}
	raw, err = json.MarshalIndent(norm, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// Replicas that run migrate at once apply each step once, and all of them end up to date.
func TestConcurrentMigrateAppliesEachStepOnce(t *testing.T) {
	dbURL := testenv.EmptyDatabase(t)
	const replicas = 4
	stores := make([]*models.Store, replicas)
	for i := range stores {
		stores[i] = testenv.OpenStore(t, dbURL)
	}
	var wg sync.WaitGroup
	applied := make([][]models.AppliedMigration, replicas)
	errs := make([]error, replicas)
	for i, s := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			applied[i], errs[i] = s.Migrate(context.Background())
		}()
	}
	wg.Wait()
	total := map[int]int{}
	for i := range stores {
		if errs[i] != nil {
			t.Fatalf("replica %d: %v", i, errs[i])
		}
		for _, m := range applied[i] {
			total[m.Version]++
		}
	}
	st, err := stores[0].SchemaStatus(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Pending) != 0 || len(total) != len(st.Applied) || st.Current() != st.Latest {
		t.Fatalf("steps applied %v; status %+v", total, st)
	}
	for v, n := range total {
		if n != 1 {
			t.Errorf("step %d applied %d times", v, n)
		}
	}
	var plans int64
	if err := stores[0].DB().Model(&models.Plan{}).Count(&plans).Error; err != nil || plans != 4 {
		t.Fatalf("%d plans, %v", plans, err)
	}
}

// A schema newer than this build knows is refused; one that is behind names the command to run.
func TestCheckSchema(t *testing.T) {
	ctx := context.Background()
	s := testenv.OpenStore(t, testenv.EmptyDatabase(t))
	if err := s.CheckSchema(ctx); err == nil || !errors.Is(err, models.ErrSchemaBehind) {
		t.Fatalf("empty database: %v", err)
	}
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.CheckSchema(ctx); err != nil {
		t.Fatalf("migrated: %v", err)
	}
	if err := s.DB().Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'from the future', '2030-01-01 00:00:00')").Error; err != nil {
		t.Fatal(err)
	}
	if err := s.CheckSchema(ctx); !errors.Is(err, models.ErrSchemaAhead) {
		t.Fatalf("newer schema: %v", err)
	}
	if _, err := s.Migrate(ctx); !errors.Is(err, models.ErrSchemaAhead) {
		t.Fatalf("migrate on a newer schema: %v", err)
	}
}

// schemaOf is a database's schema as SQL, statement by statement in a stable order (tables are
// created in another order on a fresh database than on an upgraded one).
func schemaOf(t *testing.T, s *models.Store) string {
	t.Helper()
	d := sqldump.Dumper{DB: s.DB(), MySQL: testenv.IsMySQL()}
	tables, err := d.Tables()
	if err != nil {
		t.Fatal(err)
	}
	ddl, _, err := d.Dump(tables)
	if err != nil {
		t.Fatal(err)
	}
	stmts := models.SplitSQL(ddl, d.MySQL)
	slices.Sort(stmts)
	return strings.Join(stmts, ";\n")
}

// Migrations 6 (api_keys.allowed_ips, scopes) and 7 (idempotency_keys) are safe to run again,
// after a failure halfway too (MySQL commits DDL as it goes): one column added of two, then the
// step again.
func TestKeyRestrictionMigrationsRunAgain(t *testing.T) {
	ctx := context.Background()
	s := testenv.NewStore(t)
	fresh := schemaOf(t, s)
	if err := s.DB().Exec("ALTER TABLE api_keys DROP COLUMN scopes").Error; err != nil {
		t.Fatal(err)
	}
	if err := s.DB().Exec("DELETE FROM schema_migrations WHERE version IN (6, 7)").Error; err != nil {
		t.Fatal(err)
	}
	applied, err := s.Migrate(ctx)
	if err != nil || len(applied) != 2 || applied[0].Version != 6 || applied[1].Version != 7 {
		t.Fatalf("migrate again: %v, %v", applied, err)
	}
	// The column added again comes last: the api_keys table has the same columns, in another order.
	withoutKeys := func(schema string) string {
		var keep []string
		for _, stmt := range strings.Split(schema, ";\n") {
			if !strings.HasPrefix(stmt, "CREATE TABLE `api_keys`") {
				keep = append(keep, stmt)
			}
		}
		return strings.Join(keep, ";\n")
	}
	if got := schemaOf(t, s); withoutKeys(got) != withoutKeys(fresh) {
		t.Fatalf("schema after running 6 and 7 again:\n%s\nfresh:\n%s", got, fresh)
	}
	for _, col := range []string{"allowed_ips", "scopes", "source"} {
		if !s.DB().Migrator().HasColumn(&models.APIKey{}, col) {
			t.Errorf("api_keys.%s missing", col)
		}
	}
}
