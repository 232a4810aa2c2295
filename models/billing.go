package models

// Invoice is a bill to a user: pending, paid or overdue.
type Invoice struct {
	ID            int64     `gorm:"primaryKey" json:"id"`
	UserID        int64     `gorm:"not null;index" json:"-"`
	InvoiceNumber string    `gorm:"size:32;uniqueIndex;not null" json:"invoice_number"`
	TotalAmount   Money     `gorm:"type:decimal(12,2);not null" json:"total_amount"`
	Status        string    `gorm:"size:16;not null;index" json:"status"`
	CreatedAt     DateTime  `gorm:"not null" json:"created_at"`
	PaidAt        *DateTime `json:"paid_at"`
}

// Invoice statuses.
const (
	InvoicePending = "pending"
	InvoicePaid    = "paid"
	InvoiceOverdue = "overdue"
)

// Transaction is a movement of money on a user's account.
type Transaction struct {
	ID            int64    `gorm:"primaryKey" json:"id"`
	UserID        int64    `gorm:"not null;index" json:"-"`
	TransactionID string   `gorm:"column:transaction_id;size:64;not null" json:"transaction_id"`
	Amount        Money    `gorm:"type:decimal(12,2);not null" json:"amount"`
	Status        string   `gorm:"size:16;not null" json:"status"`
	Date          DateTime `gorm:"column:date;not null" json:"date"`
	Type          string   `gorm:"size:16;not null" json:"type"`
}

// Purchase is something a user bought: an app, a template, tokens.
type Purchase struct {
	ID           int64    `gorm:"primaryKey" json:"id"`
	UserID       int64    `gorm:"not null;index" json:"-"`
	ItemID       string   `gorm:"size:64;not null" json:"item_id"`
	ItemType     string   `gorm:"size:32;not null" json:"item_type"`
	PurchaseType string   `gorm:"size:32;not null" json:"purchase_type"`
	Price        Money    `gorm:"type:decimal(12,2);not null" json:"price"`
	TokensPaid   Money    `gorm:"type:decimal(12,2);not null" json:"tokens_paid"`
	CreatedAt    DateTime `gorm:"not null" json:"created_at"`
}
