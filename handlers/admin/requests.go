package admin

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"

	"sharepanel/apidocs"
	"sharepanel/models"
	"sharepanel/wire"
)

// The request bodies: what the handlers decode (fields.bind) and what the OpenAPI document shows,
// one type each. A field without omitempty is required; optional fields are pointers, nil when
// absent. Bodies may be JSON or a urlencoded form, and numbers may come as strings: the value
// types below read either and document both.

// amount is a sum of money in a body: a JSON number or a decimal string, at most two decimals.
type amount wire.Money

// JSONSchema documents the forms an amount takes.
func (amount) JSONSchema() *apidocs.Schema {
	return &apidocs.Schema{Type: []string{"number", "string"}, Examples: []any{"50.00", 10},
		Description: "A JSON number or a decimal string, at most two decimals."}
}

func (a *amount) decodeField(name string, raw json.RawMessage) error {
	s, err := text(name, raw)
	if err != nil {
		return err
	}
	m, err := wire.ParseMoney(s)
	if err != nil {
		return wire.Errorf(wire.EINVALID, "%s must be an amount such as 10.00", name)
	}
	*a = amount(m)
	return nil
}

// integer is a whole number in a body: a JSON number or its digits as a string.
type integer int64

// JSONSchema documents the forms an integer takes.
func (integer) JSONSchema() *apidocs.Schema {
	return &apidocs.Schema{Type: []string{"integer", "string"}, Description: "A JSON number or its digits as a string."}
}

func (n *integer) decodeField(name string, raw json.RawMessage) error {
	s, err := text(name, raw)
	if err != nil {
		return err
	}
	v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return wire.Errorf(wire.EINVALID, "%s must be an integer", name)
	}
	*n = integer(v)
	return nil
}

// flag is a yes/no field in a body.
type flag bool

// JSONSchema documents the forms a flag takes.
func (flag) JSONSchema() *apidocs.Schema {
	return &apidocs.Schema{Type: []string{"boolean", "integer", "string"},
		Description: "true/false, 1/0, yes/no or on/off, as JSON or text."}
}

func (f *flag) decodeField(name string, raw json.RawMessage) error {
	s, err := text(name, raw)
	if err != nil {
		return err
	}
	v, ok := wire.ParseFlag(s)
	if !ok {
		return wire.Errorf(wire.EINVALID, "%s must be true or false", name)
	}
	*f = flag(v)
	return nil
}

// oneOf lists a body's or an answer's alternatives (zero values of their types): exactly one
// applies.
type oneOf []any

// anyOf lists alternatives that may overlap.
type anyOf []any

// credentials is POST /api/'s body.
type credentials struct {
	Username string `json:"username" required:"username and password are required" doc:"An administrator (sharepanel admin new USERNAME PASSWORD)" text:"raw"` // IdentityKey checks it
	Password string `json:"password" required:"username and password are required" text:"raw"`
}

// newUserBody is POST /api/users's body.
type newUserBody struct {
	Email    string `json:"email"`
	Password string `json:"password" doc:"8 to 72 characters" text:"raw"`
	Username string `json:"username,omitempty" doc:"2-32 lowercase letters, digits, '.', '_' or '-'. Default: made from the email"`
	PlanName string `json:"plan_name,omitempty" doc:"Default: the default_plan setting"`
}

// suspendBody suspends or unsuspends an account.
type suspendBody struct {
	Action string `json:"action" enum:"suspend,unsuspend"`
}

// passwordBody sets an account's password.
type passwordBody struct {
	Password string `json:"password" doc:"8 to 72 characters. The account's API keys keep working" text:"raw"`
}

// planChangeBody moves an account to another plan.
type planChangeBody struct {
	PlanName string `json:"plan_name"`
}

// planFieldsBody are a plan's fields but its name; each may be left out.
type planFieldsBody struct {
	Price             *amount  `json:"price,omitempty" doc:"0 or more"`
	OrgLimit          *integer `json:"org_limit,omitempty" doc:"0 or more"`
	InstanceLimit     *integer `json:"instance_limit,omitempty" doc:"0 or more"`
	FileLimit         *integer `json:"filelimit,omitempty" doc:"0 or more"`
	StorageLimit      *integer `json:"storagelimit,omitempty" doc:"0 or more"`
	Description       *string  `json:"description,omitempty" doc:"At most 255 characters"`
	Features          *string  `json:"features,omitempty" text:"multiline"`
	RequestsPerDay    *integer `json:"requests_per_day,omitempty" doc:"0: unlimited"`
	RequestsPerMinute *integer `json:"requests_per_minute,omitempty" doc:"0: unlimited"`
	MaxPayloadBytes   *integer `json:"max_payload_bytes,omitempty" doc:"1024 (1 KB) to 1073741824 (1 GB)"`
}

// newPlanBody is POST /api/plans's body: fields left out take the free plan's values (price 0).
type newPlanBody struct {
	Name *string `json:"name" doc:"1-64 lowercase letters, digits, '.', '_' or '-'"`
	planFieldsBody
}

// planBody is PATCH or PUT /api/plans/NAME's body: the fields given change.
type planBody struct {
	Name *string `json:"name,omitempty" doc:"A new name. Renaming the default plan renames the setting with it"`
	planFieldsBody
}

// planFields are the fields a plan's body may have, in the order the error message lists them.
var planFields = jsonNames(reflect.TypeFor[planBody]())

// newInstanceBody is POST /api/users/USERNAME/instances's body.
type newInstanceBody struct {
	Name         string   `json:"name" required:"Instance name is required and must be at most 255 characters" doc:"At most 255 characters"`
	Type         string   `json:"type" required:"type is required (SNCS or SMS)" enum:"SNCS,SMS"`
	Path         string   `json:"path,omitempty" doc:"At most 128 lowercase letters, digits and single hyphens, unique per account. Default: made from the name"`
	InstanceType string   `json:"instance_type,omitempty" doc:"At most 64 characters. Default: default"`
	Status       string   `json:"status,omitempty" enum:"active,sleep,dead" doc:"Default: active"`
	OrgID        *integer `json:"org_id,omitempty" doc:"An organization the account is a member of"`
}

// instanceStatusBody changes an instance's status.
type instanceStatusBody struct {
	Status string `json:"status" enum:"active,sleep,dead"`
}

func (b *instanceStatusBody) newStatus() string { return b.Status }

// newInvoiceBody is POST /api/users/USERNAME/invoices's body.
type newInvoiceBody struct {
	Amount amount `json:"amount" doc:"More than zero"`
	Status string `json:"status,omitempty" enum:"pending,paid,overdue" doc:"Default: pending"`
}

// invoiceStatusBody marks an invoice paid or overdue.
type invoiceStatusBody struct {
	Status string `json:"status" enum:"paid,overdue"`
}

func (b *invoiceStatusBody) newStatus() string { return b.Status }

// balanceBody credits (positive) or debits (negative) an account.
type balanceBody struct {
	Amount amount `json:"amount" doc:"Positive credits, negative debits; not zero"`
}

// notificationFields are a notification's content.
type notificationFields struct {
	Title   string `json:"title" doc:"At most 255 characters"`
	Message string `json:"message,omitempty" doc:"At most 65535 bytes; may hold tabs and line breaks" text:"multiline"`
	Type    string `json:"type,omitempty" enum:"info,success,warning,error" doc:"Default: info"`
	Link    string `json:"link,omitempty" doc:"A path starting with a single / (no backslash) or an https URL, at most 1024 characters"`
}

func (n notificationFields) notification() models.NewNotification {
	return models.NewNotification{Title: n.Title, Message: n.Message, Type: n.Type, Link: n.Link}
}

// notifyOneBody sends a notification to one account.
type notifyOneBody struct {
	Username string `json:"username"`
	notificationFields
}

// notifyAllBody sends a notification to every account.
type notifyAllBody struct {
	All flag `json:"all" doc:"true: every account, suspended ones too"`
	notificationFields
}

// settingsBody changes settings: any of them, all checked before any is stored.
type settingsBody struct {
	API         *string `json:"api,omitempty" enum:"on,off" doc:"off switches the admin API off; only the command line switches it back on"`
	DefaultPlan *string `json:"default_plan,omitempty" doc:"An existing plan"`
	Currency    *string `json:"currency,omitempty" doc:"Three letters, such as USD"`
}

// restoreBody is POST /api/backups's body in its first form.
type restoreBody struct {
	Backup models.Backup `json:"backup"`
	restoreTarget
}

// restoreTarget renames the restored account, to restore it beside the original.
type restoreTarget struct {
	Username *string `json:"username,omitempty"`
	Email    *string `json:"email,omitempty"`
}

// savedExport is the export's whole answer, saved to a file, which POST /api/backups also takes.
type savedExport struct {
	Response models.Backup `json:"response"`
	Success  bool          `json:"success,omitempty"`
}

// jsonNames are the JSON names of t's fields, embedded structs' promoted, in order.
func jsonNames(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			out = append(out, jsonNames(f.Type)...)
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		out = append(out, name)
	}
	return out
}
