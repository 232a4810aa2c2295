package models

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"sharepanel/wire"
)

// The administrators' side of billing that billing.go does not hold: overdue invoices, balance
// credits and debits, notifications to everyone.

// MarkInvoiceOverdue marks a pending invoice overdue. A paid invoice cannot be (ECONFLICT); an
// overdue one stays as it is.
func (s *Store) MarkInvoiceOverdue(ctx context.Context, invoiceID int64) (*Invoice, error) {
	var inv Invoice
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&inv, invoiceID).Error; err != nil {
			return notFound(err, "Invoice not found")
		}
		switch inv.Status {
		case InvoicePaid:
			return wire.Errorf(wire.ECONFLICT, "Invoice is already paid")
		case InvoiceOverdue:
			return nil
		}
		t := newTally(inv.UserID)
		t.invoice(inv.Status, inv.CreatedAt.Time(), -1)
		t.invoice(InvoiceOverdue, inv.CreatedAt.Time(), 1)
		inv.Status = InvoiceOverdue
		if err := tx.Model(&Invoice{}).Where("id = ?", inv.ID).Update("status", InvoiceOverdue).Error; err != nil {
			return err
		}
		return t.apply(tx)
	})
	if err != nil {
		return nil, err
	}
	return &inv, nil
}

// Balance transaction types: money an administrator added to or took from an account.
const (
	TransactionCredit = "credit"
	TransactionDebit  = "debit"
)

// AdjustBalance credits (amount > 0) or debits (amount < 0) an account's balance, records the
// movement as a completed transaction (type credit or debit, the amount positive, transaction_id
// CRD-/DBT-YYYYMMDD-XXXXXX) and in the account's activity, and returns the new balance. A balance
// never goes below zero: a larger debit is ECONFLICT and changes nothing.
func (s *Store) AdjustBalance(ctx context.Context, userID int64, amount wire.Money) (wire.Money, *Transaction, error) {
	if amount == 0 {
		return 0, nil, wire.Errorf(wire.EINVALID, "amount must not be zero")
	}
	abs, typ, prefix := amount, TransactionCredit, "CRD"
	if amount < 0 {
		abs, typ, prefix = -amount, TransactionDebit, "DBT"
	}
	if err := checkAmount("amount", abs, false); err != nil {
		return 0, nil, err
	}
	var balance wire.Money
	var t *Transaction
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var u User
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Select("id", "balance").First(&u, userID).Error; err != nil {
			return notFound(err, "User not found")
		}
		balance = u.Balance + amount
		if balance < 0 {
			return wire.Errorf(wire.ECONFLICT, "Insufficient balance: the account has %s", u.Balance)
		}
		if balance > MaxMoney {
			return wire.Errorf(wire.EINVALID, "The balance would exceed %s", MaxMoney)
		}
		if err := tx.Model(&User{}).Where("id = ?", userID).Updates(map[string]any{"balance": balance, "updated_at": wire.Now()}).Error; err != nil {
			return err
		}
		now := time.Now().UTC()
		t = &Transaction{UserID: userID, TransactionID: newReference(prefix, now), Amount: abs, Status: "completed",
			Date: wire.DateTime(now.Truncate(time.Second)), Type: typ}
		counts := newTally(userID)
		if err := createTransaction(tx, counts, t); err != nil {
			return err
		}
		if err := counts.apply(tx); err != nil {
			return err
		}
		return logActivity(tx, userID, "balance_"+typ+"ed", "transaction", t.ID,
			map[string]any{"amount": abs, "balance": balance, "by": "admin"})
	})
	if err != nil {
		return 0, nil, err
	}
	return balance, t, nil
}
