package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"sharepanel/internal/testenv"
	"sharepanel/models"
	"sharepanel/wire"
)

// Helpers shared by the billing, analytics and notifications tests.

// callAs calls /api with GET as acct; kv are parameter names and values.
func callAs(env *testenv.Env, acct *testenv.Account, kv ...string) *testenv.Response {
	env.T.Helper()
	p := map[string]string{"api_key": acct.Key}
	for i := 0; i+1 < len(kv); i += 2 {
		p[kv[i]] = kv[i+1]
	}
	return env.Get(p)
}

// postAs calls /api with POST and a JSON body as acct.
func postAs(env *testenv.Env, acct *testenv.Account, body map[string]any) *testenv.Response {
	env.T.Helper()
	body["api_key"] = acct.Key
	return env.Post(body)
}

// exactData decodes the response's data keeping numbers as their JSON text, so that a test can
// assert 0.30 rather than a float near it.
func exactData(t *testing.T, res *testenv.Response) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(res.Body))
	dec.UseNumber()
	var env struct{ Data any }
	if err := dec.Decode(&env); err != nil {
		t.Fatalf("decode %s: %v", res.Body, err)
	}
	return env.Data
}

// exactList is exactData as a list of objects.
func exactList(t *testing.T, res *testenv.Response) []map[string]any {
	t.Helper()
	l, ok := exactData(t, res).([]any)
	if !ok {
		t.Fatalf("data is not an array: %s", res.Body)
	}
	out := make([]map[string]any, len(l))
	for i, v := range l {
		if out[i], ok = v.(map[string]any); !ok {
			t.Fatalf("item %d is not an object: %s", i, res.Body)
		}
	}
	return out
}

// num is the JSON text of a number field of an exactData object.
func num(obj map[string]any, k string) string {
	n, _ := obj[k].(json.Number)
	return string(n)
}

func TestBillingBalance(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("pro")

	res := callAs(env, acct, "mode", "billing", "action", "balance")
	res.Expect(t, http.StatusOK, "Balance retrieved successfully")
	d := exactData(t, res).(map[string]any)
	testenv.ExpectShape(t, d, map[string]string{"balance": "number", "currency": "string"})
	if num(d, "balance") != "0.00" || d["currency"] != "USD" {
		t.Fatalf("balance data %v", d)
	}

	if err := env.Store.DB().Model(&models.User{}).Where("id = ?", acct.User.ID).Update("balance", wire.Money(10050)).Error; err != nil {
		t.Fatal(err)
	}
	res = postAs(env, acct, map[string]any{"mode": "billing", "action": "balance"})
	res.Expect(t, http.StatusOK, "Balance retrieved successfully")
	if d := exactData(t, res).(map[string]any); num(d, "balance") != "100.50" {
		t.Fatalf("balance %v, want 100.50", d["balance"])
	}

	// Another account sees its own balance; the currency is the deployment's.
	eur := testenv.New(t, testenv.Options{})
	eur.Store.DefaultCurrency = "EUR" // what SHAREPANEL_CURRENCY=EUR sets
	other := eur.NewAccount("free")
	res = callAs(eur, other, "mode", "billing", "action", "balance")
	if d := exactData(t, res).(map[string]any); num(d, "balance") != "0.00" || d["currency"] != "EUR" {
		t.Fatalf("balance data %v", d)
	}
}

var invoiceFields = map[string]string{"id": "number", "invoice_number": "string", "total_amount": "number",
	"status": "string", "created_at": "datetime", "paid_at": "null"}

func paidInvoiceFields() map[string]string {
	f := map[string]string{}
	for k, v := range invoiceFields {
		f[k] = v
	}
	f["paid_at"] = "datetime"
	return f
}

var invoiceNumberPattern = regexp.MustCompile(`^INV-(\d{8})-[A-Z0-9]{6}$`)

func TestBillingInvoices(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("pro")
	other := env.NewAccount("pro")

	base := time.Now().UTC().Add(-72 * time.Hour).Truncate(time.Second)
	madeOn := time.Now().UTC().Format("20060102")
	pending := env.Invoice(acct, "50.00", models.InvoicePending)
	paid := env.Invoice(acct, "12.30", models.InvoicePaid)
	overdue := env.Invoice(acct, "7.05", models.InvoiceOverdue)
	// created_at decides the order, not the id: the oldest invoice was created last.
	env.SetTime(&models.Invoice{}, pending.ID, "created_at", base.Add(2*time.Hour))
	env.SetTime(&models.Invoice{}, paid.ID, "created_at", base.Add(1*time.Hour))
	env.SetTime(&models.Invoice{}, overdue.ID, "created_at", base.Add(3*time.Hour))
	env.Invoice(other, "99.99", models.InvoicePending)
	madeBy := time.Now().UTC().Format("20060102")

	res := callAs(env, acct, "mode", "billing", "action", "invoices")
	res.Expect(t, http.StatusOK, "Invoices retrieved successfully")
	list := exactList(t, res)
	if len(list) != 3 {
		t.Fatalf("got %d invoices, want 3: %s", len(list), res.Body)
	}
	wantOrder := []*models.Invoice{overdue, pending, paid}
	wantAmount := map[int64]string{pending.ID: "50.00", paid.ID: "12.30", overdue.ID: "7.05"}
	for i, inv := range list {
		if num(inv, "id") != jsonID(wantOrder[i].ID) {
			t.Fatalf("invoice %d is %v, want id %d (newest first)", i, inv["id"], wantOrder[i].ID)
		}
		if inv["status"] == models.InvoicePaid {
			testenv.ExpectShape(t, inv, paidInvoiceFields())
		} else {
			testenv.ExpectShape(t, inv, invoiceFields)
		}
		if num(inv, "total_amount") != wantAmount[wantOrder[i].ID] || inv["status"] != wantOrder[i].Status {
			t.Fatalf("invoice %v, want %+v", inv, wantOrder[i])
		}
		m := invoiceNumberPattern.FindStringSubmatch(inv["invoice_number"].(string))
		if m == nil || inv["invoice_number"] != wantOrder[i].InvoiceNumber {
			t.Fatalf("invoice_number %v", inv["invoice_number"])
		}
		if m[1] != madeOn && m[1] != madeBy { // the date the invoice was made, not its created_at
			t.Fatalf("invoice_number %v: date part %s", inv["invoice_number"], m[1])
		}
	}
	if list[1]["created_at"] != base.Add(2*time.Hour).Format(wire.DateTimeLayout) {
		t.Fatalf("created_at %v, want %s", list[1]["created_at"], base.Add(2*time.Hour).Format(wire.DateTimeLayout))
	}

	// Filter by status: exact, and spelled in any case.
	for status, want := range map[string]*models.Invoice{"pending": pending, "PAID": paid, "Overdue": overdue} {
		res := callAs(env, acct, "mode", "billing", "action", "invoices", "status", status)
		res.Expect(t, http.StatusOK, "Invoices retrieved successfully")
		l := res.DataList(t)
		if len(l) != 1 || l[0]["id"] != float64(want.ID) {
			t.Fatalf("status=%s: %s", status, res.Body)
		}
	}
	callAs(env, acct, "mode", "billing", "action", "invoices", "status", "refunded").
		Expect(t, http.StatusBadRequest, "Invalid status. Allowed values: pending, paid, overdue")

	// Paging.
	res = callAs(env, acct, "mode", "billing", "action", "invoices", "limit", "1", "offset", "1")
	if l := res.DataList(t); len(l) != 1 || l[0]["id"] != float64(pending.ID) {
		t.Fatalf("limit=1 offset=1: %s", res.Body)
	}
	res = postAs(env, acct, map[string]any{"mode": "billing", "action": "invoices", "limit": 2, "offset": 2})
	if l := res.DataList(t); len(l) != 1 || l[0]["id"] != float64(paid.ID) {
		t.Fatalf("limit=2 offset=2: %s", res.Body)
	}
	res = callAs(env, acct, "mode", "billing", "action", "invoices", "offset", "3")
	res.Expect(t, http.StatusOK, "Invoices retrieved successfully")
	if !bytes.Contains(res.Body, []byte(`"data":[]`)) {
		t.Fatalf("past the end: %s", res.Body)
	}
	checkPagingErrors(t, env, acct, "billing", "invoices")

	// Another account sees only its own.
	res = callAs(env, other, "mode", "billing", "action", "invoices")
	if l := res.DataList(t); len(l) != 1 || l[0]["total_amount"] != 99.99 {
		t.Fatalf("other account's invoices: %s", res.Body)
	}
}

// checkPagingErrors checks the bounds of limit and offset on a paging action.
func checkPagingErrors(t *testing.T, env *testenv.Env, acct *testenv.Account, mode, action string) {
	t.Helper()
	for _, c := range []struct{ name, value, msg string }{
		{"limit", "0", "limit must be an integer between 1 and 500"},
		{"limit", "501", "limit must be an integer between 1 and 500"},
		{"limit", "ten", "limit must be an integer between 1 and 500"},
		{"offset", "-1", "offset must be a non-negative integer"},
		{"offset", "1.5", "offset must be a non-negative integer"},
	} {
		callAs(env, acct, "mode", mode, "action", action, c.name, c.value).Expect(t, http.StatusBadRequest, c.msg)
	}
	callAs(env, acct, "mode", mode, "action", action, "limit", "500").Expect(t, http.StatusOK, successMessages[mode+"."+action])
}

var successMessages = map[string]string{
	"billing.invoices":     "Invoices retrieved successfully",
	"billing.transactions": "Transactions retrieved successfully",
	"billing.purchases":    "Purchases retrieved successfully",
	"analytics.activity":   "Activity logs retrieved successfully",
	"notifications.list":   "Notifications retrieved successfully",
}

func jsonID(id int64) string { b, _ := json.Marshal(id); return string(b) }

func TestBillingInvoice(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("pro")
	other := env.NewAccount("pro")
	inv := env.Invoice(acct, "50.00", models.InvoicePending)
	paid := env.PayInvoice(inv)
	theirs := env.Invoice(other, "1.00", models.InvoicePending)

	res := callAs(env, acct, "mode", "billing", "action", "invoice", "invoice_id", jsonID(inv.ID))
	res.Expect(t, http.StatusOK, "Invoice retrieved successfully")
	d := exactData(t, res).(map[string]any)
	testenv.ExpectShape(t, d, paidInvoiceFields())
	if num(d, "id") != jsonID(inv.ID) || d["invoice_number"] != inv.InvoiceNumber || num(d, "total_amount") != "50.00" ||
		d["status"] != "paid" || d["paid_at"] != paid.PaidAt.Time().Format(wire.DateTimeLayout) {
		t.Fatalf("invoice %v", d)
	}

	callAs(env, acct, "mode", "billing", "action", "invoice").Expect(t, http.StatusBadRequest, "Invoice ID is required")
	callAs(env, acct, "mode", "billing", "action", "invoice", "invoice_id", "abc").Expect(t, http.StatusBadRequest, "Invoice ID must be a positive integer")
	callAs(env, acct, "mode", "billing", "action", "invoice", "invoice_id", "0").Expect(t, http.StatusBadRequest, "Invoice ID must be a positive integer")
	callAs(env, acct, "mode", "billing", "action", "invoice", "invoice_id", "999999").Expect(t, http.StatusNotFound, "Invoice not found")
	res = callAs(env, acct, "mode", "billing", "action", "invoice", "invoice_id", jsonID(theirs.ID))
	res.Expect(t, http.StatusNotFound, "Invoice not found")
	if res.Env["code"] != "not_found" {
		t.Fatalf("code %v", res.Env["code"])
	}
	callAs(env, other, "mode", "billing", "action", "invoice", "invoice_id", jsonID(inv.ID)).Expect(t, http.StatusNotFound, "Invoice not found")
	postAs(env, other, map[string]any{"mode": "billing", "action": "invoice", "invoice_id": theirs.ID}).Expect(t, http.StatusOK, "Invoice retrieved successfully")
}

func TestBillingTransactions(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("pro")
	other := env.NewAccount("pro")

	res := callAs(env, acct, "mode", "billing", "action", "transactions")
	res.Expect(t, http.StatusOK, "Transactions retrieved successfully")
	if !bytes.Contains(res.Body, []byte(`"data":[]`)) {
		t.Fatalf("no transactions yet: %s", res.Body)
	}

	first := env.PayInvoice(env.Invoice(acct, "0.10", models.InvoicePending))
	second := env.Invoice(acct, "0.20", models.InvoicePaid) // paid when made
	env.Invoice(acct, "3.00", models.InvoiceOverdue)        // unpaid: no transaction
	env.PayInvoice(env.Invoice(other, "8.00", models.InvoiceOverdue))
	// Order by date: make the first payment the newest.
	var firstTx models.Transaction
	if err := env.Store.DB().Where("transaction_id = ?", first.InvoiceNumber).First(&firstTx).Error; err != nil {
		t.Fatal(err)
	}
	later := time.Now().UTC().Add(time.Hour).Truncate(time.Second)
	env.SetTime(&models.Transaction{}, firstTx.ID, "date", later)

	res = callAs(env, acct, "mode", "billing", "action", "transactions")
	res.Expect(t, http.StatusOK, "Transactions retrieved successfully")
	list := exactList(t, res)
	if len(list) != 2 {
		t.Fatalf("got %d transactions, want 2: %s", len(list), res.Body)
	}
	txFields := map[string]string{"id": "number", "transaction_id": "string", "amount": "number", "status": "string", "date": "datetime", "type": "string"}
	for _, tx := range list {
		testenv.ExpectShape(t, tx, txFields)
		if tx["status"] != "completed" || tx["type"] != "invoice" {
			t.Fatalf("transaction %v", tx)
		}
	}
	if list[0]["transaction_id"] != first.InvoiceNumber || num(list[0], "amount") != "0.10" || list[0]["date"] != later.Format(wire.DateTimeLayout) {
		t.Fatalf("newest transaction %v, want the payment of %s", list[0], first.InvoiceNumber)
	}
	if list[1]["transaction_id"] != second.InvoiceNumber || num(list[1], "amount") != "0.20" || list[1]["date"] != second.PaidAt.Time().Format(wire.DateTimeLayout) {
		t.Fatalf("older transaction %v, want the payment of %s", list[1], second.InvoiceNumber)
	}

	res = callAs(env, acct, "mode", "billing", "action", "transactions", "limit", "1", "offset", "1")
	if l := res.DataList(t); len(l) != 1 || l[0]["transaction_id"] != second.InvoiceNumber {
		t.Fatalf("paging: %s", res.Body)
	}
	checkPagingErrors(t, env, acct, "billing", "transactions")
	if l := callAs(env, other, "mode", "billing", "action", "transactions").DataList(t); len(l) != 1 || l[0]["amount"] != 8.0 {
		t.Fatalf("other account's transactions: %v", l)
	}
}

func TestBillingPurchases(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("pro")
	other := env.NewAccount("pro")
	app := env.Purchase(acct, models.NewPurchase{ItemID: "app-123", ItemType: "app", PurchaseType: "one_time", Price: 2500, TokensPaid: 2500})
	tmpl := env.Purchase(acct, models.NewPurchase{ItemID: "tpl-7", ItemType: "template", Price: 10, TokensPaid: 0})
	env.SetTime(&models.Purchase{}, app.ID, "created_at", time.Now().UTC().Add(time.Hour))
	env.Purchase(other, models.NewPurchase{ItemID: "x", ItemType: "app", Price: 1})

	res := callAs(env, acct, "mode", "billing", "action", "purchases")
	res.Expect(t, http.StatusOK, "Purchases retrieved successfully")
	list := exactList(t, res)
	if len(list) != 2 {
		t.Fatalf("got %d purchases: %s", len(list), res.Body)
	}
	fields := map[string]string{"id": "number", "item_id": "string", "item_type": "string", "purchase_type": "string",
		"price": "number", "tokens_paid": "number", "created_at": "datetime"}
	for _, p := range list {
		testenv.ExpectShape(t, p, fields)
	}
	if num(list[0], "id") != jsonID(app.ID) || list[0]["item_id"] != "app-123" || list[0]["item_type"] != "app" ||
		list[0]["purchase_type"] != "one_time" || num(list[0], "price") != "25.00" || num(list[0], "tokens_paid") != "25.00" {
		t.Fatalf("newest purchase %v", list[0])
	}
	if num(list[1], "id") != jsonID(tmpl.ID) || list[1]["purchase_type"] != "one_time" || num(list[1], "price") != "0.10" || num(list[1], "tokens_paid") != "0.00" {
		t.Fatalf("older purchase %v (purchase_type defaults to one_time)", list[1])
	}
	res = callAs(env, acct, "mode", "billing", "action", "purchases", "limit", "1")
	if l := res.DataList(t); len(l) != 1 || l[0]["id"] != float64(app.ID) {
		t.Fatalf("limit=1: %s", res.Body)
	}
	checkPagingErrors(t, env, acct, "billing", "purchases")
	if l := callAs(env, other, "mode", "billing", "action", "purchases").DataList(t); len(l) != 1 || l[0]["item_id"] != "x" {
		t.Fatalf("other account's purchases: %v", l)
	}
}

func TestBillingPlans(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("free")
	res := callAs(env, acct, "mode", "billing", "action", "plans")
	res.Expect(t, http.StatusOK, "Plans retrieved successfully")
	list := exactList(t, res)
	want := []struct{ name, price string }{{"free", "0.00"}, {"basic", "9.99"}, {"pro", "29.99"}, {"enterprise", "99.99"}}
	if len(list) != len(want) {
		t.Fatalf("got %d plans: %s", len(list), res.Body)
	}
	for i, p := range list {
		testenv.ExpectShape(t, p, map[string]string{"id": "number", "name": "string", "price": "number", "org_limit": "number",
			"instance_limit": "number", "filelimit": "number", "storagelimit": "number", "description": "string", "features": "string"})
		if p["name"] != want[i].name || num(p, "price") != want[i].price {
			t.Fatalf("plan %d: %v, want %s at %s (cheapest first)", i, p, want[i].name, want[i].price)
		}
	}
	if f := list[0]; num(f, "org_limit") != "1" || num(f, "instance_limit") != "1" || num(f, "filelimit") != "1000" ||
		num(f, "storagelimit") != "100" || f["description"] != "Free plan" || f["features"] != "Basic features" {
		t.Fatalf("free plan %v, want the reference's example", f)
	}
}

func TestBillingReadOnlyKeyAndMethods(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("pro")
	secret, _, err := env.Store.CreateAPIKey(context.Background(), acct.User.ID, models.NewKey{Name: "ro", Permissions: "read"})
	if err != nil {
		t.Fatal(err)
	}
	ro := &testenv.Account{User: acct.User, Key: secret}
	// Every billing action only reads: a read-only key may use each, with GET or POST.
	for _, action := range []string{"balance", "invoices", "transactions", "purchases", "plans"} {
		callAs(env, ro, "mode", "billing", "action", action).Expect(t, http.StatusOK, strings.ToUpper(action[:1])+action[1:]+" retrieved successfully")
		postAs(env, ro, map[string]any{"mode": "billing", "action": action}).Expect(t, http.StatusOK, strings.ToUpper(action[:1])+action[1:]+" retrieved successfully")
	}
	callAs(env, ro, "mode", "billing", "action", "refund").Expect(t, http.StatusBadRequest, "Invalid action for billing mode")
	env.Get(map[string]string{"mode": "billing", "action": "balance"}).Expect(t, http.StatusUnauthorized, "Invalid or expired API key")
}
