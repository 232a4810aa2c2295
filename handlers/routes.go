package handlers

import (
	"sharepanel/models"
	"sharepanel/wire"
)

// Parameters used by several actions.
var (
	orgIDParam          = Param{Name: "org_id", Label: "Organization ID", Kind: KindInt, Required: true, Doc: "Organization ID"}
	instanceIDParam     = Param{Name: "instance_id", Label: "Instance ID", Kind: KindInt, Required: true, Doc: "Instance ID"}
	invoiceIDParam      = Param{Name: "invoice_id", Label: "Invoice ID", Kind: KindInt, Required: true, Doc: "Invoice ID"}
	keyIDParam          = Param{Name: "key_id", Label: "API key ID", Kind: KindInt, Required: true, Doc: "API key ID"}
	periodParam         = Param{Name: "period", Kind: KindInt, Min: 1, Max: 366, Default: "30", Doc: "Number of days (1-366)"}
	instanceStatusParam = Param{Name: "status", Kind: KindEnum, Enum: []string{models.StatusActive, models.StatusSleep, models.StatusDead}}
	orgFields           = []Param{
		{Name: "title", Kind: KindString, MaxLen: 255, Doc: "Organization title"},
		{Name: "path", Kind: KindString, MaxLen: 64, Doc: "Organization path: lowercase letters, digits and hyphens (made from the title when not given)"},
		{Name: "contact", Kind: KindString, MaxLen: 255, Doc: "Contact email"},
	}
)

// Routes is the whole user API: mode → action → handler, with each action's method rule,
// parameters and response type, in the reference's order. The request path (dispatch), the
// "Invalid mode" message, the usage endpoints, the docs and the contract tests all follow from it.
// Read-only: nothing changes it after start.
var Routes = []Mode{
	{Name: "auth", Public: true, Actions: []Action{
		{Name: "", Summary: "Exchange email and password for a new API key", Secret: true, Handle: (*API).authLogin, Response: authData{},
			Params: []Param{
				{Name: "email", Kind: KindString, Raw: true, Doc: "Your SharePanel email"}, // models.IdentityKey checks it
				{Name: "password", Kind: KindString, Raw: true, Doc: "Your SharePanel password"},
				{Name: "name", Kind: KindString, MaxLen: 100, Doc: "Name for the new API key (default: \"API Key for <username>\")"},
				{Name: "autologin_token", Kind: KindString, MaxLen: 128, Doc: "One-time token from the admin API's autologin, instead of email and password"},
			}},
	}},
	{Name: "profile", Selector: "action", Actions: []Action{
		{Name: "view", Summary: "Get the user profile", Handle: (*API).profileView, Response: models.Profile{}},
		{Name: "update", Summary: "Update the profile", Write: true, Handle: (*API).profileUpdate, Params: []Param{
			{Name: "bio", Kind: KindString, MaxLen: 1000, Multiline: true, Doc: "Bio (may hold tabs and line breaks)"},
			{Name: "pfp", Kind: KindString, MaxLen: 1024, Doc: "Profile picture URL (http or https)"},
			{Name: "first_name", Kind: KindString, MaxLen: 100, Doc: "First name"},
			{Name: "last_name", Kind: KindString, MaxLen: 100, Doc: "Last name"},
			{Name: "phone", Kind: KindString, MaxLen: 32, Doc: "Phone number"},
			{Name: "address", Kind: KindString, MaxLen: 255, Doc: "Address"},
		}},
		{Name: "stats", Summary: "Get profile statistics", Handle: (*API).profileStats, Response: models.ProfileStats{}},
	}},
	{Name: "orgs", Selector: "action", Actions: []Action{
		{Name: "list", Summary: "List the organizations you belong to", Handle: (*API).orgsList, Params: []Param{limitParam, offsetParam}, Response: []models.OrgListItem{}},
		{Name: "view", Summary: "View an organization", Handle: (*API).orgsView, Params: []Param{orgIDParam}, Response: models.OrgDetails{}},
		{Name: "new", Summary: "Create an organization", Write: true, Handle: (*API).orgsNew, Params: orgFields, Response: orgCreated{}},
		{Name: "update", Summary: "Update an organization (admin or manager)", Write: true, Handle: (*API).orgsUpdate, Params: append([]Param{orgIDParam}, orgFields...)},
		{Name: "delete", Summary: "Delete an organization (its admin only)", Write: true, Handle: (*API).orgsDelete, Params: []Param{orgIDParam}},
		{Name: "members", Summary: "List an organization's members", Handle: (*API).orgsMembers, Params: []Param{orgIDParam, limitParam, offsetParam}, Response: []models.OrgMemberView{}},
	}},
	{Name: "instances", Selector: "action", Actions: []Action{
		{Name: "list", Summary: "List instances", Handle: (*API).instancesList, Response: []models.InstanceListItem{}, Params: []Param{
			{Name: "type", Kind: KindEnum, Enum: []string{models.TypeSNCS, models.TypeSMS, "all"}, Default: "all", Doc: "Filter by type"},
			{Name: "status", Kind: KindEnum, Enum: instanceStatusParam.Enum, Doc: "Filter by status"},
			limitParam, offsetParam,
		}},
		{Name: "view", Summary: "View an instance", Handle: (*API).instancesView, Params: []Param{instanceIDParam}, Response: models.InstanceDetails{}},
		{Name: "update_status", Summary: "Change an instance's status", Write: true, Handle: (*API).instancesUpdateStatus, Params: []Param{
			instanceIDParam,
			{Name: "status", Label: "Status", Kind: KindEnum, Required: true, Enum: instanceStatusParam.Enum, Doc: "New status"},
		}},
		{Name: "delete_dead", Summary: "Delete all dead instances", Write: true, Handle: (*API).instancesDeleteDead},
		{Name: "awaken_all", Summary: "Wake every sleeping instance", Write: true, Handle: (*API).instancesAwakenAll},
		{Name: "sleep_all", Summary: "Put every active instance to sleep", Write: true, Handle: (*API).instancesSleepAll},
	}},
	{Name: "billing", Selector: "action", Actions: []Action{
		{Name: "balance", Summary: "Get the account balance", Handle: (*API).billingBalance, Response: balanceData{}},
		{Name: "invoices", Summary: "List invoices", Handle: (*API).billingInvoices, Response: []models.Invoice{}, Params: []Param{
			{Name: "status", Kind: KindEnum, Enum: []string{models.InvoicePending, models.InvoicePaid, models.InvoiceOverdue}, Doc: "Filter by status"},
			limitParam, offsetParam,
		}},
		{Name: "invoice", Summary: "Get an invoice", Handle: (*API).billingInvoice, Params: []Param{invoiceIDParam}, Response: models.Invoice{}},
		{Name: "transactions", Summary: "List transactions", Handle: (*API).billingTransactions, Params: []Param{limitParam, offsetParam}, Response: []models.Transaction{}},
		{Name: "purchases", Summary: "List purchases", Handle: (*API).billingPurchases, Params: []Param{limitParam, offsetParam}, Response: []models.Purchase{}},
		{Name: "plans", Summary: "List available plans", Handle: (*API).billingPlans, Params: []Param{limitParam, offsetParam}, Response: []models.Plan{}},
	}},
	{Name: "analytics", Selector: "action", Actions: []Action{
		{Name: "overview", Summary: "Analytics overview", Handle: (*API).analyticsOverview, Response: models.AnalyticsOverview{}},
		{Name: "usage", Summary: "API usage per day", Handle: (*API).analyticsUsage, Params: []Param{periodParam}, Response: []models.UsageDay{}},
		{Name: "activity", Summary: "Activity log", Handle: (*API).analyticsActivity, Params: []Param{limitParam, offsetParam}, Response: []models.Activity{}},
		{Name: "spending", Summary: "Spending per day", Handle: (*API).analyticsSpending, Params: []Param{periodParam}, Response: []models.SpendingDay{}},
	}},
	{Name: "notifications", Selector: "action", Actions: []Action{
		{Name: "list", Summary: "List notifications", Handle: (*API).notificationsList, Response: []models.Notification{}, Params: []Param{
			{Name: "unread_only", Kind: KindFlag, Default: "false", Doc: "Only unread notifications"},
			limitParam, offsetParam,
		}},
		{Name: "unread_count", Summary: "Count unread notifications", Handle: (*API).notificationsUnreadCount, Response: countData{}},
		{Name: "mark_read", Summary: "Mark one notification, or all, as read", Write: true, Handle: (*API).notificationsMarkRead, Params: []Param{
			{Name: "notification_id", Label: "Notification ID", Kind: KindInt, Doc: "Notification ID (omit to mark all as read)"},
		}},
		{Name: "delete", Summary: "Delete a notification", Write: true, Handle: (*API).notificationsDelete, Params: []Param{
			{Name: "notification_id", Label: "Notification ID", Kind: KindInt, Required: true, Doc: "Notification ID"},
		}},
	}},
	{Name: "api_keys", Selector: "action", Actions: []Action{
		{Name: "list", Summary: "List API keys (never their secrets)", Handle: (*API).apiKeysList, Params: []Param{limitParam, offsetParam}, Response: []models.APIKey{}},
		{Name: "create", Summary: "Create an API key", Write: true, Secret: true, Handle: (*API).apiKeysCreate, Response: authData{}, Params: []Param{
			{Name: "name", Kind: KindString, MaxLen: 100, Default: "New API Key", Doc: "Name of the key"},
			{Name: "permissions", Kind: KindString, Doc: "read, write or read,write: at most the calling key's own, which are the default (read,write for a key of mode=auth)"},
			{Name: "expires_at", Kind: KindTime, Doc: "Expiry, ISO 8601 (e.g. 2030-12-31T23:59:59Z): in the future, at most 10 years ahead, and no later than the calling key's own expiry, which is the default"},
			{Name: "allowed_ips", Kind: KindString, MaxLen: 2000, Doc: "IP allowlist: comma-separated IPv4/IPv6 addresses and CIDR blocks (at most 20), e.g. 203.0.113.7,10.0.0.0/8; the key is refused (403) from any other client address. Within the calling key's own allowlist, which is the default (none: any address)"},
			{Name: "scopes", Kind: KindString, MaxLen: 1000, Doc: "Scopes: comma-separated <mode>:read or <mode>:write (write implies read), e.g. instances:write,billing:read; the key may use only those modes, and change data only where it has write. Within the calling key's own scopes, which are the default (none: every mode)"},
		}},
		{Name: "delete", Summary: "Delete an API key", Write: true, Handle: (*API).apiKeysDelete, Params: []Param{keyIDParam}},
		{Name: "usage", Summary: "Usage of one API key", Handle: (*API).apiKeysUsage, Params: []Param{keyIDParam}, Response: models.KeyUsage{}},
	}},
	{Name: "search", Actions: []Action{
		{Name: "", Summary: "Search your organizations and instances", Handle: (*API).search, Response: []models.SearchResult{}, Params: []Param{
			{Name: "query", Label: "Search query", Kind: KindString, Required: true, MaxLen: 100, Doc: "Text to find in titles, paths and names"},
			{Name: "type", Kind: KindEnum, Enum: []string{"organizations", "instances", "all"}, Default: "all", Doc: "What to search"},
			limitParam, offsetParam,
		}},
	}},
	{Name: "stats", Selector: "type", Default: "overview", Actions: []Action{
		{Name: "overview", Summary: "Overview statistics", Handle: (*API).statsOverview, Response: models.StatsOverview{}},
		{Name: "instances", Summary: "Instance statistics", Handle: (*API).statsInstances, Response: models.InstanceStats{}},
		{Name: "organizations", Summary: "Organization statistics", Handle: (*API).statsOrganizations, Response: models.OrgStats{}},
	}},
}

// Small response shapes that belong to the HTTP layer.
type (
	authData struct {
		APIKey string `json:"api_key"`
	}
	orgCreated struct {
		OrgID int64 `json:"org_id"`
	}
	balanceData struct {
		Balance  wire.Money `json:"balance"`
		Currency string     `json:"currency"`
	}
	countData struct {
		Count int64 `json:"count"`
	}
)
