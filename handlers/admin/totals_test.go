package admin_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"sharepanel/internal/testenv"
	"sharepanel/models"
)

// Every write path that changes a counted row keeps the account's totals (account_totals), its
// per-hour list counts (list_hours, with the rows in the hours before each) and its per-day spending (spending_days) exactly as a recount
// from the rows gives them. A deterministic mix of 500 changes to four accounts, through the admin
// API (invoices created in each status, paid, made overdue; instances created, changed, deleted;
// balance credits and debits; notifications to one account and to all; backups exported, the
// account deleted and restored) and the user API (instance status changes and bulk actions,
// notifications marked read one by one and all at once, deleted; organizations and keys, which
// log activity), with purchases and the demo account reset in between; then the kept tables must
// equal what Recount makes of the rows.
func TestKeptTotalsEqualARecount(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := context.Background()
	names := []string{"ada", "bob", "cyd", "dee"}
	keys := map[string]string{}
	for _, n := range names {
		_, _, keys[n] = e.createUser(t, n, "enterprise")
	}
	if _, err := e.Store.SeedDemo(ctx, "demo@example.com", "demo-password-1"); err != nil {
		t.Fatal(err)
	}
	user := func(who string, kv ...string) *testenv.Response {
		t.Helper()
		body := map[string]any{"api_key": keys[who]}
		for i := 0; i+1 < len(kv); i += 2 {
			body[kv[i]] = kv[i+1]
		}
		return e.Post(body)
	}
	// maxID is the largest id of a table, so that changes pick existing rows most of the time (a
	// missing or another account's row is refused and changes nothing, which counts too).
	maxID := func(table string) int64 {
		var n int64
		if err := e.Store.DB().Raw("SELECT COALESCE(MAX(id), 0) FROM " + table).Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	rng := rand.New(rand.NewPCG(7, 11))
	pick := func(table string) string { return strconv.FormatInt(1+rng.Int64N(maxID(table)+1), 10) }
	statuses := []string{"pending", "paid", "overdue"}
	instanceStatuses := []string{"active", "sleep", "dead"}
	codes := map[string]int{}
	done := map[int]int{} // successes per kind of change
	for step := range 500 {
		who := names[rng.IntN(len(names))]
		var code int
		op := rng.IntN(16)
		switch op {
		case 0, 1:
			code = e.as(t, http.MethodPost, "/api/users/"+who+"/invoices",
				map[string]any{"amount": fmt.Sprintf("%d.%02d", 1+rng.IntN(500), rng.IntN(100)), "status": statuses[rng.IntN(3)]}).Code
		case 2:
			code = e.as(t, http.MethodPatch, "/api/invoices/"+pick("invoices"), map[string]string{"status": "paid"}).Code
		case 3:
			code = e.as(t, http.MethodPatch, "/api/invoices/"+pick("invoices"), map[string]string{"status": "overdue"}).Code
		case 4:
			code = e.as(t, http.MethodPost, "/api/users/"+who+"/instances", map[string]string{"name": fmt.Sprintf("Site %d", step),
				"type": []string{"SNCS", "SMS"}[rng.IntN(2)], "status": instanceStatuses[rng.IntN(3)]}).Code
		case 5:
			code = e.as(t, http.MethodPatch, "/api/instances/"+pick("instances"), map[string]string{"status": instanceStatuses[rng.IntN(3)]}).Code
		case 6:
			code = e.as(t, http.MethodDelete, "/api/instances/"+pick("instances"), nil).Code
		case 7:
			code = e.as(t, http.MethodPost, "/api/users/"+who+"/balance", map[string]any{"amount": float64(rng.IntN(2000)-500) / 100}).Code
		case 8:
			body := map[string]any{"username": who, "title": fmt.Sprintf("Note %d", step)}
			if rng.IntN(6) == 0 {
				body = map[string]any{"all": true, "title": fmt.Sprintf("To everyone %d", step)}
			}
			code = e.as(t, http.MethodPost, "/api/notifications", body).Code
		case 9:
			switch rng.IntN(4) {
			case 0:
				code = user(who, "mode", "instances", "action", "update_status", "instance_id", pick("instances"), "status", instanceStatuses[rng.IntN(3)]).Code
			case 1:
				code = user(who, "mode", "instances", "action", "delete_dead").Code
			case 2:
				code = user(who, "mode", "instances", "action", "awaken_all").Code
			default:
				code = user(who, "mode", "instances", "action", "sleep_all").Code
			}
		case 10, 11:
			switch rng.IntN(4) {
			case 0:
				code = user(who, "mode", "notifications", "action", "mark_read").Code
			case 1:
				code = user(who, "mode", "notifications", "action", "delete", "notification_id", pick("notifications")).Code
			default:
				code = user(who, "mode", "notifications", "action", "mark_read", "notification_id", pick("notifications")).Code
			}
		case 12:
			if rng.IntN(2) == 0 {
				code = user(who, "mode", "orgs", "action", "new", "title", fmt.Sprintf("Org %d", step)).Code
			} else {
				code = user(who, "mode", "orgs", "action", "delete", "org_id", pick("organizations")).Code
			}
		case 13:
			var id int64
			if err := e.Store.DB().Raw("SELECT id FROM users WHERE username = ?", who).Scan(&id).Error; err != nil {
				t.Fatal(err)
			}
			_, err := e.Store.CreatePurchase(ctx, id, models.NewPurchase{ItemID: fmt.Sprintf("item-%d", step), ItemType: "app", Price: 100})
			if err != nil {
				t.Fatal(err)
			}
			code = http.StatusOK
		case 14:
			if rng.IntN(10) > 0 {
				code = user(who, "mode", "profile", "action", "view").Code
				break
			}
			// Out and back in: a backup, the account deleted, restored under its name.
			backup := e.as(t, http.MethodGet, "/api/backups/"+who, nil).object(t)
			e.as(t, http.MethodDelete, "/api/users/"+who, nil).expectStatus(t, http.StatusOK)
			code = e.as(t, http.MethodPost, "/api/backups", map[string]any{"backup": backup}).Code
			res := e.Get(map[string]string{"mode": "auth", "email": who + "@example.com", "password": "pw-" + who + "-123"})
			res.Expect(t, http.StatusOK, "Authentication successful")
			keys[who], _ = res.DataMap(t)["api_key"].(string)
		default:
			if rng.IntN(8) == 0 {
				if _, err := e.Store.SeedDemo(ctx, "demo@example.com", "demo-password-1"); err != nil {
					t.Fatal(err)
				}
				code = http.StatusOK
				break
			}
			code = user(who, "mode", "api_keys", "action", "create", "name", fmt.Sprintf("Key %d", step)).Code
		}
		codes[strconv.Itoa(code)]++
		if code == http.StatusOK {
			done[op]++
		}
	}
	// Some changes are refused (another account's row, an invoice paid already, a key limit): they
	// must change nothing. Most go through.
	if codes["200"] < 350 || len(done) != 16 {
		t.Fatalf("answers by status %v, successes by kind %v: want most changes to succeed, and some of every kind", codes, done)
	}

	kept := keptTotals(t, e.Store)
	if n, err := e.Store.RecountAll(ctx); err != nil || n != len(names)+2 {
		t.Fatalf("recount: %d accounts, %v", n, err)
	}
	if recounted := keptTotals(t, e.Store); kept != recounted {
		t.Fatalf("kept totals differ from a recount (answers %v):\nkept:\n%s\nrecounted:\n%s", codes, kept, recounted)
	}
	if !strings.Contains(kept, "spending_days") || strings.Count(kept, "list_hours") < 20 {
		t.Fatalf("the mix left too little to compare:\n%s", kept)
	}
}

// keptTotals is every row of the kept tables, as text (days whose count went back to zero are
// left out: a recount makes no row for them).
func keptTotals(t *testing.T, s *models.Store) string {
	t.Helper()
	var b strings.Builder
	var totals []models.AccountTotals
	if err := s.DB().Order("user_id").Find(&totals).Error; err != nil {
		t.Fatal(err)
	}
	for _, r := range totals {
		fmt.Fprintf(&b, "account_totals %+v\n", r)
	}
	var hours []models.ListHour
	if err := s.DB().Where("n <> 0").Order("user_id, list, hour").Find(&hours).Error; err != nil {
		t.Fatal(err)
	}
	for _, r := range hours {
		fmt.Fprintf(&b, "list_hours %d %s %s %d older %d\n", r.UserID, r.List, r.Hour, r.N, r.Older)
	}
	var spending []models.SpendingDayTotal
	if err := s.DB().Where("invoice_count <> 0").Order("user_id, day").Find(&spending).Error; err != nil {
		t.Fatal(err)
	}
	for _, r := range spending {
		fmt.Fprintf(&b, "spending_days %d %s %d %d\n", r.UserID, r.Day, r.InvoiceCount, r.SpentCents)
	}
	return b.String()
}
