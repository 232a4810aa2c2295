package models_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"sharepanel/internal/testenv"
	"sharepanel/models"
	"sharepanel/wire"
)

func billingUser(t *testing.T, s *models.Store, email string) *models.User {
	t.Helper()
	u, err := s.CreateAccount(context.Background(), models.NewAccount{Email: email, Password: "password-1234", PlanName: "pro"})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func requireCode(t *testing.T, err error, code, msg string) {
	t.Helper()
	if wire.ErrorCode(err) != code || (msg != "" && wire.ErrorMessage(err) != msg) {
		t.Fatalf("error %v (%s), want %s %q", err, wire.ErrorCode(err), code, msg)
	}
}

func TestCreateInvoice(t *testing.T) {
	ctx := context.Background()
	s := testenv.NewStore(t)
	u := billingUser(t, s, "billing@example.com")

	_, err := s.CreateInvoice(ctx, u.ID, 100, "refunded")
	requireCode(t, err, wire.EINVALID, "Invalid status. Allowed values: pending, paid, overdue")
	_, err = s.CreateInvoice(ctx, u.ID, 0, models.InvoicePending)
	requireCode(t, err, wire.EINVALID, "Amount must be more than zero")
	_, err = s.CreateInvoice(ctx, u.ID, -5, models.InvoicePending)
	requireCode(t, err, wire.EINVALID, "Amount must be more than zero")
	_, err = s.CreateInvoice(ctx, u.ID, models.MaxMoney+1, models.InvoicePending)
	requireCode(t, err, wire.EINVALID, "Amount must be at most 9999999999.99")
	_, err = s.CreateInvoice(ctx, u.ID+1000, 100, models.InvoicePending)
	requireCode(t, err, wire.ENOTFOUND, "User not found")

	inv, err := s.CreateInvoice(ctx, u.ID, models.MaxMoney, models.InvoicePending)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^INV-\d{8}-[A-Z0-9]{6}$`).MatchString(inv.InvoiceNumber) || inv.PaidAt != nil || inv.Status != "pending" {
		t.Fatalf("invoice %+v", inv)
	}
	got, err := s.InvoiceOf(ctx, u.ID, inv.ID)
	if err != nil || got.TotalAmount != models.MaxMoney {
		t.Fatalf("stored amount %v, %v: DECIMAL(12,2) must hold 9999999999.99 exactly", got, err)
	}

	// Its notification, made in the same transaction.
	ns, _, err := s.ListNotifications(ctx, u.ID, true, wire.Page{Limit: 10})
	if err != nil || len(ns) != 1 {
		t.Fatalf("notifications %v, %v", ns, err)
	}
	n := ns[0]
	if n.Title != "New Invoice" || n.Message != "Your invoice "+inv.InvoiceNumber+" has been generated" ||
		n.Type != "info" || n.Link != fmt.Sprintf("/billing/invoice/%d", inv.ID) || n.IsRead {
		t.Fatalf("notification %+v", n)
	}

	// Paying: once, with a transaction; a second time is a conflict.
	paid, err := s.MarkInvoicePaid(ctx, inv.ID)
	if err != nil || paid.Status != "paid" || paid.PaidAt == nil {
		t.Fatalf("paid %+v, %v", paid, err)
	}
	_, err = s.MarkInvoicePaid(ctx, inv.ID)
	requireCode(t, err, wire.ECONFLICT, "Invoice is already paid")
	_, err = s.MarkInvoicePaid(ctx, inv.ID+1000)
	requireCode(t, err, wire.ENOTFOUND, "Invoice not found")
	txs, _, err := s.ListTransactions(ctx, u.ID, wire.Page{Limit: 10})
	if err != nil || len(txs) != 1 {
		t.Fatalf("transactions %v, %v", txs, err)
	}
	if tx := txs[0]; tx.TransactionID != inv.InvoiceNumber || tx.Amount != models.MaxMoney || tx.Status != "completed" ||
		tx.Type != "invoice" || tx.Date != *paid.PaidAt {
		t.Fatalf("transaction %+v", tx)
	}

	// Created paid: paid now, with its transaction.
	now, err := s.CreateInvoice(ctx, u.ID, 1, models.InvoicePaid)
	if err != nil || now.Status != "paid" || now.PaidAt == nil {
		t.Fatalf("created paid: %+v, %v", now, err)
	}
	if txs, _, _ := s.ListTransactions(ctx, u.ID, wire.Page{Limit: 10}); len(txs) != 2 {
		t.Fatalf("%d transactions, want 2", len(txs))
	}

	// Numbers are unique.
	seen := map[string]bool{}
	for i := 0; i < 50; i++ {
		inv, err := s.CreateInvoice(ctx, u.ID, 1, models.InvoiceOverdue)
		if err != nil {
			t.Fatal(err)
		}
		if seen[inv.InvoiceNumber] {
			t.Fatalf("duplicate number %s", inv.InvoiceNumber)
		}
		seen[inv.InvoiceNumber] = true
	}
}

func TestCreateNotificationValidates(t *testing.T) {
	ctx := context.Background()
	s := testenv.NewStore(t)
	u := billingUser(t, s, "notify@example.com")
	for _, c := range []struct {
		in  models.NewNotification
		msg string
	}{
		{models.NewNotification{Title: "  "}, "title is required"},
		{models.NewNotification{Title: strings.Repeat("x", 256)}, "title must be at most 255 characters"},
		{models.NewNotification{Title: "t", Type: "urgent"}, "Invalid type. Allowed values: info, success, warning, error"},
		{models.NewNotification{Title: "t", Link: "javascript:alert(1)"}, "link must be a path starting with a single / or an https URL"},
		{models.NewNotification{Title: "t", Message: strings.Repeat("x", 65536)}, "message must be at most 65535 bytes"},
	} {
		_, err := s.CreateNotification(ctx, u.ID, c.in)
		requireCode(t, err, wire.EINVALID, c.msg)
	}
	_, err := s.CreateNotification(ctx, u.ID+1000, models.NewNotification{Title: "t"})
	requireCode(t, err, wire.ENOTFOUND, "User not found")

	n, err := s.CreateNotification(ctx, u.ID, models.NewNotification{Title: " Hello ", Type: "Warning", Link: "https://example.com/x"})
	if err != nil || n.Title != "Hello" || n.Type != "warning" || n.IsRead || n.ID == 0 {
		t.Fatalf("notification %+v, %v", n, err)
	}
}

func TestCreatePurchaseValidates(t *testing.T) {
	ctx := context.Background()
	s := testenv.NewStore(t)
	u := billingUser(t, s, "buyer@example.com")
	for _, c := range []struct {
		in  models.NewPurchase
		msg string
	}{
		{models.NewPurchase{ItemType: "app"}, "item_id is required"},
		{models.NewPurchase{ItemID: "a"}, "item_type is required"},
		{models.NewPurchase{ItemID: strings.Repeat("a", 65), ItemType: "app"}, "item_id must be at most 64 characters"},
		{models.NewPurchase{ItemID: "a", ItemType: "app", Price: -1}, "price must not be negative"},
		{models.NewPurchase{ItemID: "a", ItemType: "app", TokensPaid: models.MaxMoney + 1}, "tokens_paid must be at most 9999999999.99"},
	} {
		_, err := s.CreatePurchase(ctx, u.ID, c.in)
		requireCode(t, err, wire.EINVALID, c.msg)
	}
	_, err := s.CreatePurchase(ctx, u.ID+1000, models.NewPurchase{ItemID: "a", ItemType: "app"})
	requireCode(t, err, wire.ENOTFOUND, "User not found")
	p, err := s.CreatePurchase(ctx, u.ID, models.NewPurchase{ItemID: "a", ItemType: "app", Price: 0})
	if err != nil || p.PurchaseType != "one_time" || p.ID == 0 {
		t.Fatalf("purchase %+v, %v", p, err)
	}
}
