package models

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"sharepanel/wire"
)

// Invoice is a bill to a user: pending, paid or overdue.
type Invoice struct {
	ID            int64          `gorm:"primaryKey;index:idx_invoices_user_time,priority:3;index:idx_invoices_user_status_time,priority:4" json:"id"`
	UserID        int64          `gorm:"not null;index:idx_invoices_user_time,priority:1;index:idx_invoices_user_status_time,priority:1" json:"-"`
	InvoiceNumber string         `gorm:"size:32;uniqueIndex;not null" json:"invoice_number"`
	TotalAmount   wire.Money     `gorm:"type:decimal(12,2);not null" json:"total_amount"`
	Status        string         `gorm:"size:16;not null;index;index:idx_invoices_user_status_time,priority:2" json:"status"`
	CreatedAt     wire.DateTime  `gorm:"not null;index:idx_invoices_user_time,priority:2;index:idx_invoices_user_status_time,priority:3" json:"created_at"`
	PaidAt        *wire.DateTime `json:"paid_at"`
}

// Invoice statuses.
const (
	InvoicePending = "pending"
	InvoicePaid    = "paid"
	InvoiceOverdue = "overdue"
)

// InvoiceStatuses are the statuses an invoice may have.
var InvoiceStatuses = []string{InvoicePending, InvoicePaid, InvoiceOverdue}

// Transaction is a movement of money on a user's account.
type Transaction struct {
	ID            int64         `gorm:"primaryKey;index:idx_transactions_user_date,priority:3" json:"id"`
	UserID        int64         `gorm:"not null;index:idx_transactions_user_date,priority:1" json:"-"`
	TransactionID string        `gorm:"column:transaction_id;size:64;not null" json:"transaction_id"`
	Amount        wire.Money    `gorm:"type:decimal(12,2);not null" json:"amount"`
	Status        string        `gorm:"size:16;not null" json:"status"`
	Date          wire.DateTime `gorm:"column:date;not null;index:idx_transactions_user_date,priority:2" json:"date"`
	Type          string        `gorm:"size:16;not null" json:"type"`
}

// Purchase is something a user bought: an app, a template, tokens.
type Purchase struct {
	ID           int64         `gorm:"primaryKey;index:idx_purchases_user_time,priority:3" json:"id"`
	UserID       int64         `gorm:"not null;index:idx_purchases_user_time,priority:1" json:"-"`
	ItemID       string        `gorm:"size:64;not null" json:"item_id"`
	ItemType     string        `gorm:"size:32;not null" json:"item_type"`
	PurchaseType string        `gorm:"size:32;not null" json:"purchase_type"`
	Price        wire.Money    `gorm:"type:decimal(12,2);not null" json:"price"`
	TokensPaid   wire.Money    `gorm:"type:decimal(12,2);not null" json:"tokens_paid"`
	CreatedAt    wire.DateTime `gorm:"not null;index:idx_purchases_user_time,priority:2" json:"created_at"`
}

// MaxMoney is the largest amount a DECIMAL(12,2) column holds: 9,999,999,999.99.
const MaxMoney wire.Money = 999_999_999_999

// BalanceOf returns the account's balance.
func (s *Store) BalanceOf(ctx context.Context, userID int64) (wire.Money, error) {
	var u User
	err := s.db.WithContext(ctx).Select("balance").First(&u, userID).Error
	return u.Balance, notFound(err, "User not found")
}

// ListInvoices returns a page of the account's invoices, newest first, and how many there are;
// status "" means every status.
func (s *Store) ListInvoices(ctx context.Context, userID int64, status string, page wire.Page) ([]Invoice, int64, error) {
	q := listQuery{table: "invoices", index: "idx_invoices_user_time", column: "created_at", list: listInvoices, userID: userID,
		count: "invoices_pending + invoices_paid + invoices_overdue", total: -1}
	if status != "" {
		if !slices.Contains(InvoiceStatuses, status) {
			return []Invoice{}, 0, nil // no invoice has it (and its name goes into the count's SQL)
		}
		q.where, q.args, q.list, q.index = "status = ?", []any{status}, listInvoiceStatus(status), "idx_invoices_user_status_time"
		q.count = "invoices_" + status
	}
	var out []Invoice
	total, err := fetchPage(s.db.WithContext(ctx), &s.seeks, q, page, &out, func(i *Invoice) (wire.DateTime, int64) { return i.CreatedAt, i.ID })
	return out, total, err
}

// InvoiceOf returns one of the account's invoices; another account's is "Invoice not found" too.
func (s *Store) InvoiceOf(ctx context.Context, userID, invoiceID int64) (*Invoice, error) {
	var inv Invoice
	err := s.db.WithContext(ctx).Where("id = ? AND user_id = ?", invoiceID, userID).First(&inv).Error
	if err != nil {
		return nil, notFound(err, "Invoice not found")
	}
	return &inv, nil
}

// ListTransactions returns a page of the account's transactions, newest first, and how many there
// are.
func (s *Store) ListTransactions(ctx context.Context, userID int64, page wire.Page) ([]Transaction, int64, error) {
	var out []Transaction
	q := listQuery{table: "transactions", index: "idx_transactions_user_date", column: "date", list: listTransactions, userID: userID, count: "transactions", total: -1}
	total, err := fetchPage(s.db.WithContext(ctx), &s.seeks, q, page, &out, func(r *Transaction) (wire.DateTime, int64) { return r.Date, r.ID })
	return out, total, err
}

// ListPurchases returns a page of the account's purchases, newest first, and how many there are.
func (s *Store) ListPurchases(ctx context.Context, userID int64, page wire.Page) ([]Purchase, int64, error) {
	var out []Purchase
	q := listQuery{table: "purchases", index: "idx_purchases_user_time", column: "created_at", list: listPurchases, userID: userID, count: "purchases", total: -1}
	total, err := fetchPage(s.db.WithContext(ctx), &s.seeks, q, page, &out, func(p *Purchase) (wire.DateTime, int64) { return p.CreatedAt, p.ID })
	return out, total, err
}

// CreateInvoice bills userID amount (more than zero) with status pending, paid or overdue. The
// invoice gets a fresh number INV-YYYYMMDD-XXXXXX, and the user a "New Invoice" notification
// linking to it, in the same transaction. An invoice created paid is paid now: it gets paid_at and
// its transaction, exactly as MarkInvoicePaid would give it.
func (s *Store) CreateInvoice(ctx context.Context, userID int64, amount wire.Money, status string) (*Invoice, error) {
	if !slices.Contains(InvoiceStatuses, status) {
		return nil, wire.Errorf(wire.EINVALID, "Invalid status. Allowed values: %s", strings.Join(InvoiceStatuses, ", "))
	}
	if err := checkAmount("Amount", amount, false); err != nil {
		return nil, err
	}
	var inv *Invoice
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := lockUser(tx, userID); err != nil {
			return err
		}
		now := time.Now().UTC()
		initial := status
		if status == InvoicePaid {
			initial = InvoicePending
		}
		t := newTally(userID)
		var err error
		if inv, err = createInvoice(tx, t, userID, amount, initial, now); err != nil {
			return err
		}
		if status == InvoicePaid {
			if err := payInvoice(tx, t, inv, now); err != nil {
				return err
			}
		}
		return t.apply(tx)
	})
	if err != nil {
		return nil, err
	}
	return inv, nil
}

// MarkInvoicePaid marks an invoice paid now and records its payment as a completed transaction
// (transaction_id: the invoice number, type "invoice"). It is the administrators' operation, so it
// is not scoped by a user; paying an invoice that is already paid is ECONFLICT. The balance is not
// touched: the payment came from outside the account.
func (s *Store) MarkInvoicePaid(ctx context.Context, invoiceID int64) (*Invoice, error) {
	var inv Invoice
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&inv, invoiceID).Error; err != nil {
			return notFound(err, "Invoice not found")
		}
		t := newTally(inv.UserID)
		if err := payInvoice(tx, t, &inv, time.Now().UTC()); err != nil {
			return err
		}
		return t.apply(tx)
	})
	if err != nil {
		return nil, err
	}
	return &inv, nil
}

// createInvoice inserts an invoice dated at, with a fresh number, and its "New Invoice"
// notification, and counts both in t.
func createInvoice(tx *gorm.DB, t *tally, userID int64, amount wire.Money, status string, at time.Time) (*Invoice, error) {
	inv := &Invoice{UserID: userID, TotalAmount: amount, Status: status, CreatedAt: wire.DateTime(at.Truncate(time.Second))}
	// 36^6 numbers a day make a clash rare; a clash fails only its own statement on both
	// databases, so the transaction can go on with another number.
	for attempt := 0; ; attempt++ {
		inv.InvoiceNumber = newReference("INV", at)
		err := tx.Create(inv).Error
		if err == nil {
			break
		}
		if !isDuplicate(err) || attempt == 4 {
			return nil, err
		}
	}
	t.invoice(status, inv.CreatedAt.Time(), 1)
	_, err := createNotification(tx, t, userID, NewNotification{
		Title:   "New Invoice",
		Message: fmt.Sprintf("Your invoice %s has been generated", inv.InvoiceNumber),
		Type:    NotificationInfo,
		Link:    fmt.Sprintf("/billing/invoice/%d", inv.ID),
	}, at)
	return inv, err
}

// payInvoice marks inv paid at at, records the payment's transaction and counts both in t. inv's
// status must be the one the invoice has in tx (read locked, or just written). The status
// condition makes a second payment of the same invoice fail instead of recording the money twice.
func payInvoice(tx *gorm.DB, t *tally, inv *Invoice, at time.Time) error {
	paidAt := wire.DateTime(at.Truncate(time.Second))
	res := tx.Model(&Invoice{}).Where("id = ? AND status <> ?", inv.ID, InvoicePaid).
		Updates(map[string]any{"status": InvoicePaid, "paid_at": paidAt})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return wire.Errorf(wire.ECONFLICT, "Invoice is already paid")
	}
	t.invoice(inv.Status, inv.CreatedAt.Time(), -1)
	t.invoice(InvoicePaid, inv.CreatedAt.Time(), 1)
	t.paid(inv.TotalAmount, paidAt.Time())
	inv.Status, inv.PaidAt = InvoicePaid, &paidAt
	return createTransaction(tx, t, &Transaction{UserID: inv.UserID, TransactionID: inv.InvoiceNumber, Amount: inv.TotalAmount,
		Status: "completed", Date: paidAt, Type: "invoice"})
}

// createTransaction inserts a transaction and counts it in t.
func createTransaction(tx *gorm.DB, t *tally, tr *Transaction) error {
	if err := tx.Create(tr).Error; err != nil {
		return err
	}
	t.row("transactions", listTransactions, tr.Date.Time(), 1)
	return nil
}

// referenceAlphabet is what the random part of an invoice number is made of.
const referenceAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// newReference returns PREFIX-YYYYMMDD-XXXXXX (INV-20240101-ABC123 for an invoice): the UTC date
// and six random uppercase alphanumerics from crypto/rand.
func newReference(prefix string, at time.Time) string {
	b := make([]byte, 0, 6)
	var buf [16]byte
	for len(b) < 6 {
		if _, err := rand.Read(buf[:]); err != nil {
			panic("crypto/rand failed: " + err.Error()) // never happens on a supported OS
		}
		for _, c := range buf {
			// Reject the top of the byte range so that every character is equally likely.
			if c < 252 && len(b) < 6 {
				b = append(b, referenceAlphabet[c%36])
			}
		}
	}
	return prefix + "-" + at.UTC().Format("20060102") + "-" + string(b)
}

// NewPurchase is what recording a purchase takes.
type NewPurchase struct {
	ItemID       string     // required, at most 64 characters
	ItemType     string     // required, at most 32 characters: app, template, tokens, …
	PurchaseType string     // at most 32 characters; default "one_time"
	Price        wire.Money // zero or more
	TokensPaid   wire.Money // zero or more
}

// CreatePurchase records something userID bought. The balance is not touched: whoever sold it
// charged for it.
func (s *Store) CreatePurchase(ctx context.Context, userID int64, in NewPurchase) (*Purchase, error) {
	in.ItemID, in.ItemType, in.PurchaseType = strings.TrimSpace(in.ItemID), strings.TrimSpace(in.ItemType), strings.TrimSpace(in.PurchaseType)
	if in.PurchaseType == "" {
		in.PurchaseType = "one_time"
	}
	if err := checkText("item_id", in.ItemID, true, 64); err != nil {
		return nil, err
	}
	if err := checkText("item_type", in.ItemType, true, 32); err != nil {
		return nil, err
	}
	if err := checkText("purchase_type", in.PurchaseType, true, 32); err != nil {
		return nil, err
	}
	if err := checkAmount("price", in.Price, true); err != nil {
		return nil, err
	}
	if err := checkAmount("tokens_paid", in.TokensPaid, true); err != nil {
		return nil, err
	}
	p := &Purchase{UserID: userID, ItemID: in.ItemID, ItemType: in.ItemType, PurchaseType: in.PurchaseType,
		Price: in.Price, TokensPaid: in.TokensPaid, CreatedAt: wire.Now()}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := lockUser(tx, userID); err != nil {
			return err
		}
		if err := tx.Create(p).Error; err != nil {
			return err
		}
		t := newTally(userID)
		t.row("purchases", listPurchases, p.CreatedAt.Time(), 1)
		return t.apply(tx)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// lockUser checks that the account exists and holds its row until the transaction ends, so that
// what the transaction adds cannot outlive a concurrent deletion of the account.
func lockUser(tx *gorm.DB, userID int64) error {
	var u User
	err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Select("id").First(&u, userID).Error
	return notFound(err, "User not found")
}

// checkAmount checks that m fits a DECIMAL(12,2) column and is more than zero (or zero too when
// zeroOK).
func checkAmount(name string, m wire.Money, zeroOK bool) error {
	switch {
	case m < 0 || m == 0 && !zeroOK:
		if zeroOK {
			return wire.Errorf(wire.EINVALID, "%s must not be negative", name)
		}
		return wire.Errorf(wire.EINVALID, "%s must be more than zero", name)
	case m > MaxMoney:
		return wire.Errorf(wire.EINVALID, "%s must be at most %s", name, MaxMoney)
	}
	return nil
}

// checkText checks a trimmed text field's presence and length in characters.
func checkText(name, v string, required bool, maxLen int) error {
	if required && v == "" {
		return wire.Errorf(wire.EINVALID, "%s is required", name)
	}
	if n := len([]rune(v)); n > maxLen {
		return wire.Errorf(wire.EINVALID, "%s must be at most %d characters", name, maxLen)
	}
	return nil
}
