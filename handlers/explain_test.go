package handlers_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"sharepanel/internal/testenv"
	"sharepanel/models"
	"sharepanel/wire"
)

// Every list's queries use an index that matches their filter and sort (issue 11, point 3): on
// MariaDB, each query a list action runs — the page, its count or totals, the deep-page seek — is
// run again under ANALYZE, which executes it and reports, per table, the plan and the rows it
// actually read. No query may sort (filesort) or use a temporary table, none may scan a table
// whole, and none may read more than a page and a day's rows of an account that has 2,400 of each
// kind (with a second account as large beside it): the first page, a deep one, and the filtered
// variants. Search is held to the plan only: a substring match reads the account's names until
// it has found a page. MariaDB only (CI's MariaDB pass); SQLite has one plan for these.
func TestListQueriesUseTheirIndexes(t *testing.T) {
	if !testenv.IsMySQL() {
		t.Skip("ANALYZE of the list queries runs on MariaDB (SHAREPANEL_TEST_MYSQL_URL)")
	}
	env := testenv.New(t, testenv.Options{})
	ctx := context.Background()
	db := env.Store.DB()
	accts := []*testenv.Account{env.NewAccount("enterprise"), env.NewAccount("enterprise")}
	acct := accts[0]
	rng := rand.New(rand.NewPCG(1, 2))
	base := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -119)
	when := func(i, n int) wire.DateTime { // evenly over 120 days, ids following time
		return wire.DateTime(base.Add(time.Duration(int64(i) * int64(120*24*time.Hour) / int64(n))))
	}
	const n = 2400
	for a, u := range accts {
		var notes []models.Notification
		var invoices []models.Invoice
		var txs []models.Transaction
		var buys []models.Purchase
		var acts []models.Activity
		var insts []models.Instance
		for i := range n {
			notes = append(notes, models.Notification{UserID: u.User.ID, Title: "n", Message: strings.Repeat("m", 200), Type: "info",
				IsRead: wire.Flag(rng.IntN(3) > 0), CreatedAt: when(i, n)})
			invoices = append(invoices, models.Invoice{UserID: u.User.ID, InvoiceNumber: fmt.Sprintf("X-%d-%d", a, i), TotalAmount: 100,
				Status: models.InvoiceStatuses[rng.IntN(3)], CreatedAt: when(i, n)})
			txs = append(txs, models.Transaction{UserID: u.User.ID, TransactionID: "t", Amount: 100, Status: "completed", Date: when(i, n), Type: "deposit"})
			buys = append(buys, models.Purchase{UserID: u.User.ID, ItemID: "i", ItemType: "app", PurchaseType: "one_time", CreatedAt: when(i, n)})
			acts = append(acts, models.Activity{UserID: u.User.ID, Action: "x", Details: wire.JSONText(`{"a":1}`), CreatedAt: when(i, n)})
			if i < 600 {
				insts = append(insts, models.Instance{UserID: u.User.ID, InstanceName: fmt.Sprintf("site %d", i), InstancePath: fmt.Sprintf("site-%d", i),
					Status: []string{"active", "sleep", "dead"}[rng.IntN(3)], InstanceType: []string{"default", "wordpress"}[rng.IntN(2)],
					Type: []string{"SNCS", "SMS"}[rng.IntN(2)], CreatedAt: when(i, 600)})
			}
		}
		for _, rows := range []any{&notes, &invoices, &txs, &buys, &acts, &insts} {
			if err := db.CreateInBatches(rows, 400).Error; err != nil {
				t.Fatal(err)
			}
		}
		for i := range 60 {
			org := &models.Organization{Title: fmt.Sprintf("Org %d", i), Path: fmt.Sprintf("org-%d-%d", a, i), AdminID: u.User.ID, CreatedBy: u.User.ID, CreatedAt: wire.Now()}
			if err := db.Create(org).Error; err != nil {
				t.Fatal(err)
			}
			env.SeedMember(org.ID, u.User.ID, true, models.PermissionAdmin)
			env.SeedMember(org.ID, accts[1-a].User.ID, false, models.PermissionMember)
		}
		for i := range 20 {
			if _, _, err := env.Store.CreateAPIKey(ctx, u.User.ID, models.NewKey{Name: fmt.Sprint("k", i), Permissions: "read"}); err != nil {
				t.Fatal(err)
			}
		}
		if err := env.Store.Recount(ctx, u.User.ID); err != nil {
			t.Fatal(err)
		}
	}
	// Other accounts, members of every organization: the two accounts are not most of the tables.
	var orgIDs []int64
	if err := db.Model(&models.Organization{}).Pluck("id", &orgIDs).Error; err != nil {
		t.Fatal(err)
	}
	var members []models.OrgMember
	for range 10 {
		filler := env.NewAccount("free")
		for _, id := range orgIDs {
			members = append(members, models.OrgMember{OrganizationID: id, UserID: filler.User.ID, PermissionLevel: models.PermissionMember, CreatedAt: wire.Now()})
		}
	}
	if err := db.CreateInBatches(members, 500).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Exec("ANALYZE TABLE users, notifications, invoices, transactions, purchases, activity_logs, instances, org_members, organizations, api_keys, list_hours, account_totals").Error; err != nil {
		t.Fatal(err)
	}
	var orgID int64
	if err := db.Raw("SELECT organization_id FROM org_members WHERE user_id = ? ORDER BY organization_id LIMIT 1", acct.User.ID).Scan(&orgID).Error; err != nil {
		t.Fatal(err)
	}

	sqlLog := testenv.LogSQL(t, env.Store)
	const maxRows = 400 // a page of 50 (or 100) and an hour's rows (at most 20 here), with room
	const seekRun = 16  // the hours a seek reads: its page's and those after it (models/seeks.go)
	for _, c := range []struct {
		params []string
		index  string // the index the page is read through
		search bool
	}{
		{params: []string{"mode", "notifications", "action", "list"}, index: "idx_notifications_user_time"},
		{params: []string{"mode", "notifications", "action", "list", "offset", "2000"}, index: "idx_notifications_user_time"},
		{params: []string{"mode", "notifications", "action", "list", "unread_only", "true"}, index: "idx_notifications_user_unread"},
		{params: []string{"mode", "notifications", "action", "list", "unread_only", "true", "offset", "600"}, index: "idx_notifications_user_unread"},
		{params: []string{"mode", "billing", "action", "invoices"}, index: "idx_invoices_user_time"},
		{params: []string{"mode", "billing", "action", "invoices", "offset", "2000"}, index: "idx_invoices_user_time"},
		{params: []string{"mode", "billing", "action", "invoices", "status", "paid"}, index: "idx_invoices_user_status_time"},
		{params: []string{"mode", "billing", "action", "invoices", "status", "overdue", "offset", "700"}, index: "idx_invoices_user_status_time"},
		{params: []string{"mode", "billing", "action", "transactions"}, index: "idx_transactions_user_date"},
		{params: []string{"mode", "billing", "action", "transactions", "offset", "2300"}, index: "idx_transactions_user_date"},
		{params: []string{"mode", "billing", "action", "purchases"}, index: "idx_purchases_user_time"},
		{params: []string{"mode", "billing", "action", "purchases", "offset", "1500", "limit", "100"}, index: "idx_purchases_user_time"},
		{params: []string{"mode", "analytics", "action", "activity"}, index: "idx_activity_logs_user_time"},
		{params: []string{"mode", "analytics", "action", "activity", "offset", "2399"}, index: "idx_activity_logs_user_time"},
		{params: []string{"mode", "instances", "action", "list"}, index: "idx_instances_user_time"},
		{params: []string{"mode", "instances", "action", "list", "status", "dead"}, index: "idx_instances_user_status_time"},
		{params: []string{"mode", "instances", "action", "list", "type", "SMS"}, index: "idx_instances_user_type_time"},
		{params: []string{"mode", "instances", "action", "list", "type", "SNCS", "status", "sleep", "offset", "10"}, index: "idx_instances_user_"},
		{params: []string{"mode", "orgs", "action", "list"}, index: "idx_org_members_user_org_search"},
		{params: []string{"mode", "orgs", "action", "list", "offset", "100"}, index: "idx_org_members_user_org_search"},
		{params: []string{"mode", "orgs", "action", "members", "org_id", strconv.FormatInt(orgID, 10)}, index: "idx_org_members_org_id"},
		{params: []string{"mode", "api_keys", "action", "list"}, index: "idx_api_keys_user_id"},
		{params: []string{"mode", "search", "query", "site 1"}, index: "idx_instances_user_search", search: true},
		{params: []string{"mode", "search", "query", "org", "type", "organizations"}, index: "idx_org_members_user_org_search", search: true},
	} {
		sqlLog.Reset()
		if res := callAs(env, acct, c.params...); res.Code != http.StatusOK || len(res.DataList(t)) == 0 {
			t.Fatalf("%v: %d %.300s", c.params, res.Code, res.Body)
		}
		used := false
		for _, q := range sqlLog.ReadsWithArgs() {
			if !strings.HasPrefix(q, "SELECT") || strings.Contains(q, "FROM `plans`") {
				continue // the plan cache's refresh: not the account's rows
			}
			for _, r := range testenv.Analyze(t, env.Store, q) {
				used = used || strings.HasPrefix(r.Key, c.index)
				switch {
				case strings.Contains(r.Extra, "filesort") || strings.Contains(r.Extra, "temporary"):
					t.Errorf("%v sorts or uses a temporary table (%s on %s):\n%s", c.params, r.Extra, r.Table, q)
				case r.Type == "ALL" && !strings.HasPrefix(r.Table, "<derived") || r.Type == "index" && r.RRows > maxRows:
					t.Errorf("%v scans %s whole (type %s, key %q):\n%s", c.params, r.Table, r.Type, r.Key, q)
				case (r.Table == "list_hours" || r.Table == "h") && r.RRows > seekRun:
					t.Errorf("%v reads %.0f hours (key %q) to find its page's hour, more than the seek's run:\n%s", c.params, r.RRows, r.Key, q)
				case !c.search && r.RRows > maxRows:
					t.Errorf("%v reads %.0f rows of %s (key %q), more than a page and a day:\n%s", c.params, r.RRows, r.Table, r.Key, q)
				}
			}
		}
		if !used {
			t.Errorf("%v: no query used %s*: %q", c.params, c.index, sqlLog.ReadsWithArgs())
		}
	}

	// stats instances counts the account's instance types from one index entry per type, not one per
	// instance (600 here, of 2 types).
	sqlLog.Reset()
	callAs(env, acct, "mode", "stats", "type", "instances").Expect(t, http.StatusOK, "Instance statistics retrieved successfully")
	for _, q := range sqlLog.ReadsWithArgs() {
		if !strings.Contains(q, "instance_type") {
			continue
		}
		for _, r := range testenv.Analyze(t, env.Store, q) {
			if r.Table == "instances" && r.RRows > 10 {
				t.Errorf("stats instances reads %.0f index entries of instances (key %q, %s) to count 2 types:\n%s", r.RRows, r.Key, r.Extra, q)
			}
		}
	}
}
