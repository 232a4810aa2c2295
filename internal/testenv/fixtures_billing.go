package testenv

import (
	"context"
	"time"

	"sharepanel/models"
	"sharepanel/wire"
)

// Fixtures for billing, notifications and analytics: they go through the same models functions
// the admin API uses, and fail the test on any error.

// Invoice bills acct amount ("12.34") with status pending, paid or overdue.
func (e *Env) Invoice(acct *Account, amount, status string) *models.Invoice {
	e.T.Helper()
	m, err := wire.ParseMoney(amount)
	if err != nil {
		e.T.Fatalf("invoice amount: %v", err)
	}
	inv, err := e.Store.CreateInvoice(context.Background(), acct.User.ID, m, status)
	if err != nil {
		e.T.Fatalf("create invoice: %v", err)
	}
	return inv
}

// PayInvoice marks an invoice paid.
func (e *Env) PayInvoice(inv *models.Invoice) *models.Invoice {
	e.T.Helper()
	paid, err := e.Store.MarkInvoicePaid(context.Background(), inv.ID)
	if err != nil {
		e.T.Fatalf("mark invoice paid: %v", err)
	}
	return paid
}

// Purchase records a purchase for acct.
func (e *Env) Purchase(acct *Account, p models.NewPurchase) *models.Purchase {
	e.T.Helper()
	out, err := e.Store.CreatePurchase(context.Background(), acct.User.ID, p)
	if err != nil {
		e.T.Fatalf("create purchase: %v", err)
	}
	return out
}

// Notification sends acct an unread notification.
func (e *Env) Notification(acct *Account, n models.NewNotification) *models.Notification {
	e.T.Helper()
	out, err := e.Store.CreateNotification(context.Background(), acct.User.ID, n)
	if err != nil {
		e.T.Fatalf("create notification: %v", err)
	}
	return out
}

// SetTime sets a date-time column of one row, to put fixtures in the past: for example
// env.SetTime(&models.Invoice{}, inv.ID, "paid_at", yesterday). The row's account is recounted
// (Store.Recount): the days its lists and spending are counted on move with the row.
func (e *Env) SetTime(model any, id int64, column string, t time.Time) {
	e.T.Helper()
	res := e.Store.DB().Model(model).Where("id = ?", id).Update(column, wire.DateTime(t.UTC().Truncate(time.Second)))
	if res.Error != nil || res.RowsAffected != 1 {
		e.T.Fatalf("set %s of %T %d: %v (%d rows)", column, model, id, res.Error, res.RowsAffected)
	}
	var owner int64
	if err := e.Store.DB().Model(model).Where("id = ?", id).Select("user_id").Row().Scan(&owner); err != nil {
		e.T.Fatalf("owner of %T %d: %v", model, id, err)
	}
	if err := e.Store.Recount(context.Background(), owner); err != nil {
		e.T.Fatalf("recount: %v", err)
	}
}

// AddUsage records requests of acct's key as the pipeline does, at the time rec.At (a zero
// Duration is 1 ms), and flushes them.
func (e *Env) AddUsage(acct *Account, recs ...models.UsageRecord) {
	e.T.Helper()
	var key models.APIKey
	if err := e.Store.DB().Where("key_hash = ?", models.HashKey(acct.Key)).First(&key).Error; err != nil {
		e.T.Fatalf("find key: %v", err)
	}
	for _, r := range recs {
		r.UserID, r.KeyID = acct.User.ID, key.ID
		if r.Duration == 0 {
			r.Duration = time.Millisecond
		}
		e.Usage.Record(r)
	}
	e.FlushUsage()
}
