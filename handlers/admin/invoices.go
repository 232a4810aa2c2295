package admin

import (
	"strings"

	"github.com/labstack/echo/v4"

	"sharepanel/models"
	"sharepanel/wire"
)

// createInvoice is POST /api/users/USERNAME/invoices: {"amount": "50.00", "status"?: "pending" |
// "paid" | "overdue"}. The invoice gets its number (INV-YYYYMMDD-XXXXXX) and the user a "New
// Invoice" notification.
func (s *server) createInvoice(c echo.Context) error {
	username := strings.ToLower(c.Param("username"))
	setAudit(c, "invoice_create", userTarget(username), nil)
	var b newInvoiceBody
	if _, err := decodeBody(c, &b); err != nil {
		return err
	}
	status := strings.ToLower(strings.TrimSpace(b.Status))
	if status == "" {
		status = models.InvoicePending
	}
	ctx := c.Request().Context()
	userID, err := s.Store.AccountIDByUsername(ctx, username)
	if err != nil {
		return err
	}
	inv, err := s.Store.CreateInvoice(ctx, userID, wire.Money(b.Amount), status)
	if err != nil {
		return err
	}
	addAuditDetail(c, "invoice_number", inv.InvoiceNumber)
	addAuditDetail(c, "amount", inv.TotalAmount)
	return ok(c, invoiceAnswer{Message: "Invoice " + inv.InvoiceNumber + " created for user " + username, Invoice: *inv})
}

// updateInvoice is PATCH /api/invoices/ID: {"status": "paid"} (sets paid_at and records the
// payment's transaction) or {"status": "overdue"}.
func (s *server) updateInvoice(c echo.Context) error {
	setAudit(c, "invoice_status", "invoice:"+c.Param("id"), nil)
	id, status, err := statusUpdate(c, "Invoice ID", &invoiceStatusBody{})
	if err != nil {
		return err
	}
	var inv *models.Invoice
	switch status {
	case models.InvoicePaid:
		inv, err = s.Store.MarkInvoicePaid(c.Request().Context(), id)
	case models.InvoiceOverdue:
		inv, err = s.Store.MarkInvoiceOverdue(c.Request().Context(), id)
	default:
		return wire.Errorf(wire.EINVALID, "Invalid status. Allowed values: paid, overdue")
	}
	if err != nil {
		return err
	}
	return ok(c, invoiceAnswer{Message: "Invoice " + inv.InvoiceNumber + " marked " + status, Invoice: *inv})
}

// adjustBalance is POST /api/users/USERNAME/balance: {"amount": "10.00"} credits, a negative amount
// debits; a balance never goes below zero (409).
func (s *server) adjustBalance(c echo.Context) error {
	username := strings.ToLower(c.Param("username"))
	setAudit(c, "balance_adjust", userTarget(username), nil)
	var b balanceBody
	if _, err := decodeBody(c, &b); err != nil {
		return err
	}
	amount := wire.Money(b.Amount)
	addAuditDetail(c, "amount", amount)
	ctx := c.Request().Context()
	userID, err := s.Store.AccountIDByUsername(ctx, username)
	if err != nil {
		return err
	}
	balance, t, err := s.Store.AdjustBalance(ctx, userID, amount)
	if err != nil {
		return err
	}
	verb := "credited with "
	if t.Type == models.TransactionDebit {
		verb = "debited with "
	}
	return ok(c, balanceAnswer{Message: "Balance of user " + username + " " + verb + t.Amount.String(),
		Balance: balance, Transaction: *t})
}
