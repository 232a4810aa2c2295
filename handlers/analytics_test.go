package handlers_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	"sharepanel/internal/testenv"
	"sharepanel/models"
	"sharepanel/wire"
)

// insertRows writes fixture rows straight into the database.
func insertRows(t *testing.T, env *testenv.Env, rows ...any) {
	t.Helper()
	for _, r := range rows {
		if err := env.Store.DB().Create(r).Error; err != nil {
			t.Fatalf("insert %T: %v", r, err)
		}
	}
}

func TestAnalyticsOverview(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("pro")
	other := env.NewAccount("pro")

	res := callAs(env, acct, "mode", "analytics", "action", "overview")
	res.Expect(t, http.StatusOK, "Analytics overview retrieved successfully")
	fields := map[string]string{"total_orgs": "number", "total_instances": "number", "active_instances": "number",
		"total_invoices": "number", "total_spent": "number", "current_balance": "number", "active_api_keys": "number"}
	d := exactData(t, res).(map[string]any)
	testenv.ExpectShape(t, d, fields)
	for k, want := range map[string]string{"total_orgs": "0", "total_instances": "0", "active_instances": "0",
		"total_invoices": "0", "total_spent": "0.00", "current_balance": "0.00", "active_api_keys": "1"} {
		if num(d, k) != want {
			t.Fatalf("empty account: %s = %s, want %s", k, num(d, k), want)
		}
	}

	// acct: admin of one organization, member of another's; three instances, one active; four
	// invoices, two paid (0.10 + 0.20); four keys, two of them unusable.
	now := wire.Now()
	own := &models.Organization{Title: "Own", Path: "own-" + jsonID(acct.User.ID), AdminID: acct.User.ID, CreatedBy: acct.User.ID, CreatedAt: now}
	theirs := &models.Organization{Title: "Theirs", Path: "theirs-" + jsonID(other.User.ID), AdminID: other.User.ID, CreatedBy: other.User.ID, CreatedAt: now}
	insertRows(t, env, own, theirs)
	insertRows(t, env,
		&models.OrgMember{OrganizationID: own.ID, UserID: acct.User.ID, IsAdmin: true, PermissionLevel: models.PermissionAdmin, CreatedAt: now},
		&models.OrgMember{OrganizationID: theirs.ID, UserID: other.User.ID, IsAdmin: true, PermissionLevel: models.PermissionAdmin, CreatedAt: now},
		&models.OrgMember{OrganizationID: theirs.ID, UserID: acct.User.ID, PermissionLevel: models.PermissionMember, CreatedAt: now},
		&models.Instance{UserID: acct.User.ID, InstanceName: "a", InstancePath: "a", Status: models.StatusActive, InstanceType: "default", Type: models.TypeSNCS, CreatedAt: now},
		&models.Instance{UserID: acct.User.ID, InstanceName: "b", InstancePath: "b", Status: models.StatusSleep, InstanceType: "default", Type: models.TypeSMS, CreatedAt: now},
		&models.Instance{UserID: acct.User.ID, InstanceName: "c", InstancePath: "c", Status: models.StatusDead, InstanceType: "default", Type: models.TypeSMS, CreatedAt: now},
		&models.Instance{UserID: other.User.ID, InstanceName: "a", InstancePath: "a", Status: models.StatusActive, InstanceType: "default", Type: models.TypeSNCS, CreatedAt: now},
	)
	if err := env.Store.Recount(context.Background(), acct.User.ID, other.User.ID); err != nil { // rows written behind the totals' back
		t.Fatal(err)
	}
	env.Invoice(acct, "0.10", models.InvoicePaid)
	env.PayInvoice(env.Invoice(acct, "0.20", models.InvoiceOverdue))
	env.Invoice(acct, "5.00", models.InvoicePending)
	env.Invoice(acct, "6.00", models.InvoiceOverdue)
	env.Invoice(other, "100.00", models.InvoicePaid)
	if err := env.Store.DB().Model(&models.User{}).Where("id = ?", acct.User.ID).Update("balance", wire.Money(10050)).Error; err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	past := time.Now().Add(-time.Hour)
	if _, _, err := env.Store.CreateAPIKey(ctx, acct.User.ID, models.NewKey{Name: "second", Permissions: "read"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := env.Store.CreateAPIKey(ctx, acct.User.ID, models.NewKey{Name: "expired", Permissions: "read", ExpiresAt: &past}); err != nil {
		t.Fatal(err)
	}
	_, off, err := env.Store.CreateAPIKey(ctx, acct.User.ID, models.NewKey{Name: "off", Permissions: "read"})
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Store.DB().Model(off).Update("is_active", false).Error; err != nil {
		t.Fatal(err)
	}

	res = postAs(env, acct, map[string]any{"mode": "analytics", "action": "overview"})
	res.Expect(t, http.StatusOK, "Analytics overview retrieved successfully")
	d = exactData(t, res).(map[string]any)
	testenv.ExpectShape(t, d, fields)
	for k, want := range map[string]string{"total_orgs": "2", "total_instances": "3", "active_instances": "1",
		"total_invoices": "4", "total_spent": "0.30", "current_balance": "100.50", "active_api_keys": "2"} {
		if num(d, k) != want {
			t.Fatalf("%s = %s, want %s; data %v", k, num(d, k), want, d)
		}
	}

	// The overview agrees with profile stats.
	st := callAs(env, acct, "mode", "profile", "action", "stats").DataMap(t)
	if st["org_count"] != 2.0 || st["instance_count"] != 3.0 || st["invoice_count"] != 4.0 || st["total_spent"] != 0.3 {
		t.Fatalf("profile stats %v disagree with the overview", st)
	}
	d = callAs(env, other, "mode", "analytics", "action", "overview").DataMap(t)
	if d["total_orgs"] != 1.0 || d["total_instances"] != 1.0 || d["total_spent"] != 100.0 || d["active_api_keys"] != 1.0 {
		t.Fatalf("other account's overview %v", d)
	}
}

var usageFields = map[string]string{"date": "date", "request_count": "number", "unique_endpoints": "number",
	"avg_response_time": "number", "success_count": "number", "error_count": "number"}

func TestAnalyticsUsageCountsRequests(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("pro")
	other := env.NewAccount("pro")

	callAs(env, acct, "mode", "profile", "action", "view").Expect(t, http.StatusOK, "Profile retrieved successfully")
	callAs(env, acct, "mode", "billing", "action", "balance").Expect(t, http.StatusOK, "Balance retrieved successfully")
	postAs(env, acct, map[string]any{"mode": "billing", "action": "balance"}).Expect(t, http.StatusOK, "Balance retrieved successfully")
	callAs(env, acct, "mode", "billing", "action", "invoice").Expect(t, http.StatusBadRequest, "Invoice ID is required")
	callAs(env, acct, "mode", "billing", "action", "invoice", "invoice_id", "424242").Expect(t, http.StatusNotFound, "Invoice not found")
	callAs(env, acct, "mode", "notifications", "action", "mark_read").Expect(t, http.StatusMethodNotAllowed, "Method not allowed. Use POST for this action")
	callAs(env, other, "mode", "profile", "action", "view").Expect(t, http.StatusOK, "Profile retrieved successfully")
	env.FlushUsage()

	res := callAs(env, acct, "mode", "analytics", "action", "usage")
	res.Expect(t, http.StatusOK, "Usage statistics retrieved successfully")
	list := exactList(t, res)
	var total, success, errs int
	for _, day := range list {
		testenv.ExpectShape(t, day, usageFields)
		total += atoi(t, num(day, "request_count"))
		success += atoi(t, num(day, "success_count"))
		errs += atoi(t, num(day, "error_count"))
	}
	// The 405 is refused before the key is read: it is nobody's usage. The other account's
	// request is its own.
	if total != 5 || success != 3 || errs != 2 {
		t.Fatalf("usage %v: want 5 requests, 3 successes, 2 errors", list)
	}
	if len(list) == 1 && num(list[0], "unique_endpoints") != "3" { // one day, unless the test ran across midnight
		t.Fatalf("unique_endpoints %s, want 3 (profile.view, billing.balance, billing.invoice)", num(list[0], "unique_endpoints"))
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			t.Fatalf("%q is not a count", s)
		}
		n = n*10 + int(c-'0')
	}
	return n
}

func TestAnalyticsUsagePeriod(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("pro")
	other := env.NewAccount("pro")
	now := time.Now().UTC()
	daysAgo := func(n int) time.Time { return now.AddDate(0, 0, -n) }
	env.AddUsage(acct,
		models.UsageRecord{Endpoint: "profile.view", Status: 200, Duration: 100 * time.Millisecond, At: daysAgo(3)},
		models.UsageRecord{Endpoint: "profile.view", Status: 200, Duration: 300 * time.Millisecond, At: daysAgo(3)},
		models.UsageRecord{Endpoint: "orgs.list", Status: 500, Duration: 200 * time.Millisecond, At: daysAgo(3)},
		models.UsageRecord{Endpoint: "orgs.list", Status: 200, At: daysAgo(6)},
		models.UsageRecord{Endpoint: "orgs.list", Status: 404, At: daysAgo(7)},
		models.UsageRecord{Endpoint: "orgs.list", Status: 200, At: daysAgo(29)},
		models.UsageRecord{Endpoint: "orgs.list", Status: 200, At: daysAgo(30)},
		models.UsageRecord{Endpoint: "orgs.list", Status: 200, At: daysAgo(365)},
	)
	env.AddUsage(other, models.UsageRecord{Endpoint: "orgs.list", Status: 200, At: daysAgo(3)})

	dates := func(period string) []string {
		kv := []string{"mode", "analytics", "action", "usage"}
		if period != "" {
			kv = append(kv, "period", period)
		}
		res := callAs(env, acct, kv...)
		res.Expect(t, http.StatusOK, "Usage statistics retrieved successfully")
		var out []string
		for _, d := range exactList(t, res) {
			out = append(out, d["date"].(string))
		}
		return out
	}
	day := func(n int) string { return daysAgo(n).Format("2006-01-02") }
	for _, c := range []struct {
		period string
		want   []string
	}{
		{"", []string{day(3), day(6), day(7), day(29)}}, // default 30: today and the 29 days before
		{"7", []string{day(3), day(6)}},
		{"8", []string{day(3), day(6), day(7)}},
		{"1", nil},
		{"366", []string{day(3), day(6), day(7), day(29), day(30), day(365)}},
	} {
		if got := dates(c.period); !equalStrings(got, c.want) {
			t.Fatalf("period %q: dates %v, want %v (newest first)", c.period, got, c.want)
		}
	}

	res := callAs(env, acct, "mode", "analytics", "action", "usage", "period", "7")
	d := exactList(t, res)[0]
	testenv.ExpectShape(t, d, usageFields)
	if num(d, "request_count") != "3" || num(d, "unique_endpoints") != "2" || num(d, "success_count") != "2" ||
		num(d, "error_count") != "1" || num(d, "avg_response_time") != "0.2" {
		t.Fatalf("day %v: want 3 requests, 2 endpoints, 2 successes, 1 error, 0.2 s average", d)
	}

	for _, bad := range []string{"0", "367", "-1", "week"} {
		callAs(env, acct, "mode", "analytics", "action", "usage", "period", bad).Expect(t, http.StatusBadRequest, "period must be an integer between 1 and 366")
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestAnalyticsActivity(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("pro") // its key's creation is the first entry
	other := env.NewAccount("pro")
	for _, name := range []string{"second", "third"} {
		postAs(env, acct, map[string]any{"mode": "api_keys", "action": "create", "name": name}).Expect(t, http.StatusOK, "API key created successfully")
	}

	res := callAs(env, acct, "mode", "analytics", "action", "activity")
	res.Expect(t, http.StatusOK, "Activity logs retrieved successfully")
	list := exactList(t, res)
	if len(list) != 3 {
		t.Fatalf("got %d entries: %s", len(list), res.Body)
	}
	for i, wantName := range []string{"third", "second", "test"} {
		e := list[i]
		ip := "string"
		if wantName == "test" {
			ip = "null" // made by the test, not by a client of the account
		}
		testenv.ExpectShape(t, e, map[string]string{"id": "number", "user_id": "number", "action": "string", "resource_type": "string",
			"resource_id": "number", "details": "object", "ip_address": ip, "created_at": "datetime"})
		details := e["details"].(map[string]any)
		if e["action"] != "api_key_created" || e["resource_type"] != "api_key" || num(e, "user_id") != jsonID(acct.User.ID) || details["key_name"] != wantName {
			t.Fatalf("entry %d: %v, want the creation of key %q (newest first)", i, e, wantName)
		}
	}
	if list[0]["ip_address"] != "192.0.2.1" { // httptest's client address
		t.Fatalf("ip_address %v", list[0]["ip_address"])
	}
	if !bytes.Contains(res.Body, []byte(`"details":{"`)) {
		t.Fatalf("details must be a JSON object, not a string: %s", res.Body)
	}

	res = callAs(env, acct, "mode", "analytics", "action", "activity", "limit", "2", "offset", "1")
	if l := exactList(t, res); len(l) != 2 || l[0]["details"].(map[string]any)["key_name"] != "second" {
		t.Fatalf("limit=2 offset=1: %s", res.Body)
	}
	checkPagingErrors(t, env, acct, "analytics", "activity")

	if l := callAs(env, other, "mode", "analytics", "action", "activity").DataList(t); len(l) != 1 || l[0]["user_id"] != float64(other.User.ID) {
		t.Fatalf("other account's activity: %v", l)
	}
}

func TestAnalyticsSpending(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("pro")
	other := env.NewAccount("pro")
	y, m, d := time.Now().UTC().Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	paidAt := func(amount string, at time.Time) {
		inv := env.Invoice(acct, amount, models.InvoicePaid)
		env.SetTime(&models.Invoice{}, inv.ID, "paid_at", at)
	}
	paidAt("0.10", today)
	paidAt("0.20", today.Add(time.Minute))
	paidAt("5.00", today.AddDate(0, 0, -1).Add(-time.Second)) // 23:59:59 two days ago
	paidAt("1.01", today.AddDate(0, 0, -1))                   // 00:00:00 yesterday
	paidAt("2.00", today.AddDate(0, 0, -2))                   // first second of a 3-day period
	paidAt("3.00", today.AddDate(0, 0, -2).Add(-time.Second)) // last second before it
	paidAt("7.00", today.AddDate(0, 0, -40))
	env.Invoice(acct, "50.00", models.InvoicePending) // unpaid invoices are not spending
	env.Invoice(acct, "60.00", models.InvoiceOverdue)
	env.Invoice(other, "70.00", models.InvoicePaid)

	day := func(n int) string { return today.AddDate(0, 0, -n).Format("2006-01-02") }
	type row struct{ date, count, total string }
	spending := func(period string) []row {
		kv := []string{"mode", "analytics", "action", "spending"}
		if period != "" {
			kv = append(kv, "period", period)
		}
		res := callAs(env, acct, kv...)
		res.Expect(t, http.StatusOK, "Spending analytics retrieved successfully")
		var out []row
		for _, d := range exactList(t, res) {
			testenv.ExpectShape(t, d, map[string]string{"date": "date", "invoice_count": "number", "total_spent": "number"})
			out = append(out, row{d["date"].(string), num(d, "invoice_count"), num(d, "total_spent")})
		}
		return out
	}
	check := func(period string, want ...row) {
		t.Helper()
		got := spending(period)
		if len(got) != len(want) {
			t.Fatalf("period %q: %v, want %v", period, got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("period %q: %v, want %v", period, got, want)
			}
		}
	}
	check("", row{day(0), "2", "0.30"}, row{day(1), "1", "1.01"}, row{day(2), "2", "7.00"}, row{day(3), "1", "3.00"})
	check("3", row{day(0), "2", "0.30"}, row{day(1), "1", "1.01"}, row{day(2), "2", "7.00"})
	check("1", row{day(0), "2", "0.30"})
	check("41", row{day(0), "2", "0.30"}, row{day(1), "1", "1.01"}, row{day(2), "2", "7.00"}, row{day(3), "1", "3.00"}, row{day(40), "1", "7.00"})

	callAs(env, acct, "mode", "analytics", "action", "spending", "period", "0").Expect(t, http.StatusBadRequest, "period must be an integer between 1 and 366")
	res := callAs(env, other, "mode", "analytics", "action", "spending")
	if l := exactList(t, res); len(l) != 1 || num(l[0], "total_spent") != "70.00" {
		t.Fatalf("other account's spending: %s", res.Body)
	}
}
