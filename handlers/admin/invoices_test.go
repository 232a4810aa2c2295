package admin_test

import (
	"net/http"
	"regexp"
	"strconv"
	"testing"
)

var invoiceNumber = regexp.MustCompile(`^INV-\d{8}-[A-Z0-9]{6}$`)

func TestInvoicesSeenThroughTheUserAPI(t *testing.T) {
	e := newEnv(t, envOptions{})
	_, _, key := e.createUser(t, "ada", "pro")
	user := func(params map[string]string) map[string]any {
		params["api_key"] = key
		res := e.Get(params)
		if res.Code != 200 {
			t.Fatalf("%v: %s", params, res.Body)
		}
		if m, isMap := res.Data().(map[string]any); isMap {
			return m
		}
		return map[string]any{"list": res.DataList(t)}
	}

	res := e.as(t, http.MethodPost, "/api/users/ada/invoices", map[string]any{"amount": "50.00"})
	obj := res.object(t)
	inv := obj["invoice"].(map[string]any)
	number, _ := inv["invoice_number"].(string)
	if !invoiceNumber.MatchString(number) || inv["total_amount"] != 50.0 || inv["status"] != "pending" || inv["paid_at"] != nil ||
		obj["message"] != "Invoice "+number+" created for user ada" {
		t.Fatalf("created %s", res.Body)
	}
	id := strconv.Itoa(int(inv["id"].(float64)))

	// The user sees the invoice and its "New Invoice" notification.
	list := user(map[string]string{"mode": "billing", "action": "invoices"})["list"].([]map[string]any)
	if len(list) != 1 || list[0]["invoice_number"] != number || list[0]["status"] != "pending" {
		t.Fatalf("user invoices %v", list)
	}
	notes := user(map[string]string{"mode": "notifications", "action": "list"})["list"].([]map[string]any)
	if len(notes) != 1 || notes[0]["title"] != "New Invoice" || notes[0]["link"] != "/billing/invoice/"+id || notes[0]["is_read"] != float64(0) {
		t.Fatalf("user notifications %v", notes)
	}

	// Paid: paid_at, a transaction, and the user's total spent.
	paid := e.as(t, http.MethodPatch, "/api/invoices/"+id, map[string]string{"status": "paid"}).object(t)
	if paid["message"] != "Invoice "+number+" marked paid" || paid["invoice"].(map[string]any)["paid_at"] == nil {
		t.Fatalf("paid %v", paid)
	}
	v := user(map[string]string{"mode": "billing", "action": "invoice", "invoice_id": id})
	if v["status"] != "paid" || len(v["paid_at"].(string)) != 19 {
		t.Fatalf("user invoice %v", v)
	}
	txs := user(map[string]string{"mode": "billing", "action": "transactions"})["list"].([]map[string]any)
	if len(txs) != 1 || txs[0]["transaction_id"] != number || txs[0]["amount"] != 50.0 || txs[0]["type"] != "invoice" {
		t.Fatalf("user transactions %v", txs)
	}
	if st := user(map[string]string{"mode": "profile", "action": "stats"}); st["total_spent"] != 50.0 || st["invoice_count"] != float64(1) {
		t.Fatalf("stats %v", st)
	}
	e.as(t, http.MethodPatch, "/api/invoices/"+id, map[string]string{"status": "paid"}).fail(t, 409, "Invoice is already paid")
	e.as(t, http.MethodPatch, "/api/invoices/"+id, map[string]string{"status": "overdue"}).fail(t, 409, "Invoice is already paid")

	// Overdue; and an invoice created paid.
	id2 := strconv.Itoa(int(e.as(t, http.MethodPost, "/api/users/ada/invoices", map[string]any{"amount": 19.99}).object(t)["invoice"].(map[string]any)["id"].(float64)))
	e.as(t, http.MethodPatch, "/api/invoices/"+id2, map[string]string{"status": "OVERDUE"}).object(t)
	if v := user(map[string]string{"mode": "billing", "action": "invoice", "invoice_id": id2}); v["status"] != "overdue" {
		t.Fatalf("overdue %v", v)
	}
	e.as(t, http.MethodPatch, "/api/invoices/"+id2, map[string]string{"status": "overdue"}).object(t) // stays overdue
	created := e.as(t, http.MethodPost, "/api/users/ada/invoices", map[string]any{"amount": 5, "status": "paid"}).object(t)
	if created["invoice"].(map[string]any)["paid_at"] == nil {
		t.Fatalf("created paid %v", created)
	}
	if n := user(map[string]string{"mode": "notifications", "action": "unread_count"})["count"]; n != float64(3) {
		t.Fatalf("unread %v", n)
	}
}

func TestInvoiceErrors(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createUser(t, "ada", "free")
	id := strconv.Itoa(int(e.as(t, http.MethodPost, "/api/users/ada/invoices", map[string]any{"amount": "1.00"}).object(t)["invoice"].(map[string]any)["id"].(float64)))
	for _, tc := range []struct {
		name, method, path string
		body               any
		code               int
		msg                string
	}{
		{"no amount", http.MethodPost, "/api/users/ada/invoices", map[string]any{}, 400, "amount is required"},
		{"bad amount", http.MethodPost, "/api/users/ada/invoices", map[string]any{"amount": "ten"}, 400, "amount must be an amount such as 10.00"},
		{"mills", http.MethodPost, "/api/users/ada/invoices", map[string]any{"amount": 1.005}, 400, "amount must be an amount such as 10.00"},
		{"zero", http.MethodPost, "/api/users/ada/invoices", map[string]any{"amount": 0}, 400, "Amount must be more than zero"},
		{"negative", http.MethodPost, "/api/users/ada/invoices", map[string]any{"amount": -5}, 400, "Amount must be more than zero"},
		{"bad status", http.MethodPost, "/api/users/ada/invoices", map[string]any{"amount": 5, "status": "void"}, 400, "Invalid status. Allowed values: pending, paid, overdue"},
		{"unknown user", http.MethodPost, "/api/users/nobody/invoices", map[string]any{"amount": 5}, 404, "User not found"},
		{"back to pending", http.MethodPatch, "/api/invoices/" + id, map[string]any{"status": "pending"}, 400, "Invalid status. Allowed values: paid, overdue"},
		{"no status", http.MethodPatch, "/api/invoices/" + id, map[string]any{}, 400, "status is required"},
		{"unknown invoice", http.MethodPatch, "/api/invoices/9999", map[string]any{"status": "paid"}, 404, "Invoice not found"},
		{"unknown invoice overdue", http.MethodPatch, "/api/invoices/9999", map[string]any{"status": "overdue"}, 404, "Invoice not found"},
		{"bad id", http.MethodPatch, "/api/invoices/x", map[string]any{"status": "paid"}, 400, "Invoice ID must be a positive integer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.as(t, tc.method, tc.path, tc.body).fail(t, tc.code, tc.msg)
		})
	}
}

func TestBalance(t *testing.T) {
	e := newEnv(t, envOptions{})
	_, _, key := e.createUser(t, "ada", "free")
	balance := func() any {
		res := e.Get(map[string]string{"mode": "billing", "action": "balance", "api_key": key})
		res.Expect(t, 200, "Balance retrieved successfully")
		return res.DataMap(t)["balance"]
	}
	res := e.as(t, http.MethodPost, "/api/users/ada/balance", map[string]any{"amount": "10.00"}).object(t)
	tx := res["transaction"].(map[string]any)
	if res["message"] != "Balance of user ada credited with 10.00" || res["balance"] != 10.0 || tx["type"] != "credit" ||
		tx["amount"] != 10.0 || !regexp.MustCompile(`^CRD-\d{8}-[A-Z0-9]{6}$`).MatchString(tx["transaction_id"].(string)) {
		t.Fatalf("credit %v", res)
	}
	if b := balance(); b != 10.0 {
		t.Fatalf("user balance %v", b)
	}
	res = e.as(t, http.MethodPost, "/api/users/ada/balance", map[string]any{"amount": -4.5}).object(t)
	if res["message"] != "Balance of user ada debited with 4.50" || res["balance"] != 5.5 || res["transaction"].(map[string]any)["type"] != "debit" {
		t.Fatalf("debit %v", res)
	}
	// Never below zero: refused, and nothing changes.
	e.as(t, http.MethodPost, "/api/users/ada/balance", map[string]any{"amount": "-5.51"}).fail(t, 409, "Insufficient balance: the account has 5.50")
	if b := balance(); b != 5.5 {
		t.Fatalf("balance after refused debit %v", b)
	}
	txs := e.Get(map[string]string{"mode": "billing", "action": "transactions", "api_key": key}).DataList(t)
	if len(txs) != 2 || txs[0]["type"] != "debit" || txs[1]["type"] != "credit" {
		t.Fatalf("transactions %v", txs)
	}
	for _, tc := range []struct {
		path string
		body any
		code int
		msg  string
	}{
		{"/api/users/ada/balance", map[string]any{}, 400, "amount is required"},
		{"/api/users/ada/balance", map[string]any{"amount": 0}, 400, "amount must not be zero"},
		{"/api/users/ada/balance", map[string]any{"amount": "lots"}, 400, "amount must be an amount such as 10.00"},
		{"/api/users/ada/balance", map[string]any{"amount": "9999999999.99"}, 400, "The balance would exceed 9999999999.99"},
		{"/api/users/nobody/balance", map[string]any{"amount": 1}, 404, "User not found"},
	} {
		e.as(t, http.MethodPost, tc.path, tc.body).fail(t, tc.code, tc.msg)
	}
	// The currency setting is what the user API shows.
	e.as(t, http.MethodPatch, "/api/settings", map[string]string{"currency": "EUR"}).object(t)
	if c := e.Get(map[string]string{"mode": "billing", "action": "balance", "api_key": key}).DataMap(t)["currency"]; c != "EUR" {
		t.Fatalf("currency %v", c)
	}
}

func TestNotifications(t *testing.T) {
	e := newEnv(t, envOptions{})
	_, _, ada := e.createUser(t, "ada", "free")
	_, _, bob := e.createUser(t, "bob", "free")
	notes := func(key string) []map[string]any {
		return e.Get(map[string]string{"mode": "notifications", "action": "list", "api_key": key}).DataList(t)
	}
	res := e.as(t, http.MethodPost, "/api/notifications", map[string]any{"username": "ada", "title": "Maintenance",
		"message": "Tonight at 22:00", "type": "warning", "link": "/status"}).object(t)
	n := res["notification"].(map[string]any)
	if res["message"] != "Notification sent to user ada" || n["title"] != "Maintenance" || n["is_read"] != float64(0) {
		t.Fatalf("sent %v", res)
	}
	if l := notes(ada); len(l) != 1 || l[0]["type"] != "warning" || l[0]["message"] != "Tonight at 22:00" || l[0]["link"] != "/status" {
		t.Fatalf("ada's notifications %v", l)
	}
	if l := notes(bob); len(l) != 0 {
		t.Fatalf("bob got ada's notification: %v", l)
	}
	res = e.as(t, http.MethodPost, "/api/notifications", map[string]any{"all": true, "title": "Hello everyone"}).object(t)
	if res["message"] != "Notification sent to 2 users" || res["count"] != float64(2) {
		t.Fatalf("to all %v", res)
	}
	for _, key := range []string{ada, bob} {
		if l := notes(key); l[0]["title"] != "Hello everyone" || l[0]["type"] != "info" || len(l[0]["created_at"].(string)) != 19 {
			t.Fatalf("broadcast %v", l)
		}
	}
	for _, tc := range []struct {
		body any
		code int
		msg  string
	}{
		{map[string]any{"title": "x"}, 400, `Send "username" for one account or "all": true for every account`},
		{map[string]any{"username": "ada", "all": true, "title": "x"}, 400, "Send either username or all, not both"},
		{map[string]any{"username": "ada"}, 400, "title is required"},
		{map[string]any{"all": true}, 400, "title is required"},
		{map[string]any{"username": "ada", "title": "x", "type": "urgent"}, 400, "Invalid type. Allowed values: info, success, warning, error"},
		{map[string]any{"username": "ada", "title": "x", "link": "javascript:alert(1)"}, 400, "link must be a path starting with a single / or an https URL"},
		{map[string]any{"username": "nobody", "title": "x"}, 404, "User not found"},
		{map[string]any{"all": "perhaps", "title": "x"}, 400, "all must be true or false"},
	} {
		e.as(t, http.MethodPost, "/api/notifications", tc.body).fail(t, tc.code, tc.msg)
	}
}
