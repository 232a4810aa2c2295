package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"

	"sharepanel/internal/testenv"
	"sharepanel/models"
	"sharepanel/wire"
)

// Helpers of the orgs, instances, search and stats tests. Names start with "orgs" so that they do
// not collide with other test files of the package.

// orgsPost calls /api with POST, a JSON body and key.
func orgsPost(env *testenv.Env, key string, params map[string]any) *testenv.Response {
	env.T.Helper()
	body := map[string]any{"api_key": key}
	for k, v := range params {
		body[k] = v
	}
	return env.Post(body)
}

// orgsGet calls /api with GET and key.
func orgsGet(env *testenv.Env, key string, params map[string]string) *testenv.Response {
	env.T.Helper()
	q := map[string]string{"api_key": key}
	for k, v := range params {
		q[k] = v
	}
	return env.Get(q)
}

// orgsCreate creates an organization through the API and returns its ID.
func orgsCreate(t *testing.T, env *testenv.Env, key string, params map[string]any) int64 {
	t.Helper()
	p := map[string]any{"mode": "orgs", "action": "new"}
	for k, v := range params {
		p[k] = v
	}
	res := orgsPost(env, key, p)
	res.Expect(t, http.StatusOK, "Organization created successfully")
	d := res.DataMap(t)
	testenv.ExpectShape(t, d, map[string]string{"org_id": "integer"})
	return int64(d["org_id"].(float64))
}

// orgsActivity returns userID's activity entries with the given action, newest first.
func orgsActivity(t *testing.T, env *testenv.Env, userID int64, action string) []models.Activity {
	t.Helper()
	all, _, err := env.Store.ListActivity(context.Background(), userID, wire.Page{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	var out []models.Activity
	for _, a := range all {
		if a.Action == action {
			out = append(out, a)
		}
	}
	return out
}

// orgsSeedInvoice writes an invoice row for userID (billing owns invoice functions; these tests
// only need rows to count).
func orgsSeedInvoice(t *testing.T, env *testenv.Env, userID int64, amount, status string) {
	t.Helper()
	m, err := wire.ParseMoney(amount)
	if err != nil {
		t.Fatal(err)
	}
	inv := models.Invoice{UserID: userID, InvoiceNumber: fmt.Sprintf("T%d-%d", userID, orgsInvoiceSeq.Add(1)), TotalAmount: m, Status: status, CreatedAt: wire.Now()}
	if status == models.InvoicePaid {
		now := wire.Now()
		inv.PaidAt = &now
	}
	if err := env.Store.DB().Create(&inv).Error; err != nil {
		t.Fatal(err)
	}
	if err := env.Store.Recount(context.Background(), userID); err != nil { // written behind the totals' back
		t.Fatal(err)
	}
}

// orgsInvoiceSeq makes invoice numbers unique within a test binary.
var orgsInvoiceSeq atomic.Int64

// orgsDetails decodes an activity entry's details.
func orgsDetails(t *testing.T, a models.Activity) map[string]any {
	t.Helper()
	var d map[string]any
	if err := json.Unmarshal([]byte(a.Details), &d); err != nil {
		t.Fatalf("details %q: %v", a.Details, err)
	}
	return d
}
