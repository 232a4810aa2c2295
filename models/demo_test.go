package models_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"sharepanel/internal/testenv"
	"sharepanel/models"
	"sharepanel/wire"
)

// demoShape counts what the demo accounts own, by kind and status: what must be the same after
// every run.
func demoShape(t *testing.T, s *models.Store) string {
	t.Helper()
	db := s.DB()
	var parts []string
	add := func(name string, q string, args ...any) {
		var rows []struct {
			K, K2 string
			N     int64
		}
		if err := db.Raw(q, args...).Scan(&rows).Error; err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, r := range rows {
			if r.K2 != "" {
				r.K += "/" + r.K2
			}
			parts = append(parts, fmt.Sprintf("%s[%s]=%d", name, r.K, r.N))
		}
	}
	ids := "(SELECT id FROM users WHERE username IN ('demo', 'demo-member'))"
	add("users", "SELECT username AS k, COUNT(*) AS n FROM users WHERE username LIKE 'demo%' GROUP BY username")
	add("orgs", "SELECT o.path AS k, COUNT(m.id) AS n FROM organizations o JOIN org_members m ON m.organization_id = o.id WHERE o.admin_id IN "+ids+" GROUP BY o.path")
	add("instances", "SELECT type AS k, status AS k2, COUNT(*) AS n FROM instances WHERE user_id IN "+ids+" GROUP BY type, status")
	add("invoices", "SELECT status AS k, COUNT(*) AS n FROM invoices WHERE user_id IN "+ids+" GROUP BY status")
	add("paid_without_paid_at", "SELECT 'x' AS k, COUNT(*) AS n FROM invoices WHERE status = 'paid' AND paid_at IS NULL AND user_id IN "+ids)
	add("transactions", "SELECT type AS k, COUNT(*) AS n FROM transactions WHERE user_id IN "+ids+" GROUP BY type")
	add("purchases", "SELECT item_type AS k, COUNT(*) AS n FROM purchases WHERE user_id IN "+ids+" GROUP BY item_type")
	add("notifications", "SELECT CASE WHEN is_read THEN 'read' ELSE 'unread' END AS k, COUNT(*) AS n FROM notifications WHERE user_id IN "+ids+" GROUP BY is_read")
	add("activity", "SELECT action AS k, COUNT(*) AS n FROM activity_logs WHERE user_id IN "+ids+" GROUP BY action")
	add("usage_days", "SELECT 'days' AS k, COUNT(DISTINCT day) AS n FROM api_usage_days WHERE user_id IN "+ids)
	add("keys", "SELECT permissions AS k, COUNT(*) AS n FROM api_keys WHERE user_id IN "+ids+" GROUP BY permissions")
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

func TestSeedDemoIsIdempotent(t *testing.T) {
	ctx := context.Background()
	s := testenv.NewStore(t)
	first, err := s.SeedDemo(ctx, "Demo@Example.com", "first-password")
	if err != nil {
		t.Fatal(err)
	}
	if first.Reset || first.Email != "demo@example.com" || first.MemberEmail != "demo-member@example.com" || !strings.HasPrefix(first.APIKey, "sp_") {
		t.Fatalf("first run %+v", first)
	}
	shape := demoShape(t, s)
	for _, want := range []string{
		"users[demo]=1", "users[demo-member]=1",
		"orgs[demo-agency]=2", "orgs[demo-labs]=1", "orgs[demo-member-workshop]=2",
		"instances[SNCS/active]=2", "instances[SNCS/sleep]=1", "instances[SNCS/dead]=1",
		"instances[SMS/active]=1", "instances[SMS/sleep]=1", "instances[SMS/dead]=1",
		"invoices[paid]=3", "invoices[pending]=1", "invoices[overdue]=1", "paid_without_paid_at[x]=0",
		"transactions[invoice]=3", "notifications[read]=", "notifications[unread]=", "usage_days[days]=7",
		"keys[read,write]=1", "keys[read]=1", "activity[organization_created]=3",
	} {
		if !strings.Contains(shape+" ", want) {
			t.Errorf("demo data lacks %s; shape: %s", want, shape)
		}
	}

	second, err := s.SeedDemo(ctx, "demo@example.com", "second-password")
	if err != nil {
		t.Fatal(err)
	}
	if !second.Reset || second.UserID != first.UserID || second.APIKey == first.APIKey {
		t.Fatalf("second run %+v (first %+v)", second, first)
	}
	if again := demoShape(t, s); again != shape {
		t.Fatalf("second run changed the shape:\n%s\n%s", shape, again)
	}
	if _, err := s.Authenticate(ctx, "demo@example.com", "first-password"); wire.ErrorCode(err) != wire.EUNAUTHORIZED {
		t.Fatalf("old password still works: %v", err)
	}
	if _, err := s.Authenticate(ctx, "demo-member@example.com", "second-password"); err != nil {
		t.Fatalf("member login: %v", err)
	}
	if _, err := s.Keys.Resolve(ctx, first.APIKey); wire.ErrorCode(err) != wire.EUNAUTHORIZED {
		t.Fatalf("the first run's key must be gone: %v", err)
	}
	if p, err := s.Keys.Resolve(ctx, second.APIKey); err != nil || !p.CanWrite || p.UserID != second.UserID {
		t.Fatalf("demo key: %+v, %v", p, err)
	}
	u, err := s.AccountByID(ctx, second.UserID)
	if err != nil || u.Plan.Name != "pro" || u.Balance != 10050 {
		t.Fatalf("demo user %+v, %v", u, err)
	}
}

func TestSeedDemoRefusesOtherAccounts(t *testing.T) {
	ctx := context.Background()
	s := testenv.NewStore(t)
	alice := billingUser(t, s, "alice@example.com")
	inv, err := s.CreateInvoice(ctx, alice.ID, 100, models.InvoicePending)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.SeedDemo(ctx, "alice@example.com", "password-123")
	requireCode(t, err, wire.ECONFLICT, "alice@example.com belongs to another account (alice), not to the demo account demo; choose another email")
	if _, err := s.InvoiceOf(ctx, alice.ID, inv.ID); err != nil {
		t.Fatalf("alice's data must be untouched: %v", err)
	}
	var n int64
	s.DB().Model(&models.User{}).Where("username LIKE 'demo%'").Count(&n)
	if n != 0 {
		t.Fatalf("a refused run left %d demo users behind", n)
	}
	_, err = s.SeedDemo(ctx, "demo@example.com", "short")
	requireCode(t, err, wire.EINVALID, "Password must be at least 8 characters")
	_, err = s.SeedDemo(ctx, "not-an-email", "password-123")
	requireCode(t, err, wire.EINVALID, "Invalid email address")

	// The demo account may move to another address; the old one is simply replaced.
	if _, err := s.SeedDemo(ctx, "demo@example.com", "password-123"); err != nil {
		t.Fatal(err)
	}
	moved, err := s.SeedDemo(ctx, "showcase@example.org", "password-123")
	if err != nil || !moved.Reset || moved.MemberEmail != "demo-member@example.org" {
		t.Fatalf("moved demo %+v, %v", moved, err)
	}
	s.DB().Model(&models.User{}).Where("username LIKE 'demo%'").Count(&n)
	if n != 2 {
		t.Fatalf("%d demo users after moving, want 2", n)
	}
}
