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

// routes is the whole user API: mode → action → handler, with each action's method rule,
// parameters and response type. The docs and the contract tests walk this table.
func (a *API) routes() map[string]*Mode {
	return map[string]*Mode{
		"auth": {Public: true, Actions: map[string]*Action{
			"": {Summary: "Exchange email and password for a new API key", Handle: a.authLogin, Response: authData{},
				Params: []Param{
					{Name: "email", Kind: KindString, Doc: "Your SharePanel email"},
					{Name: "password", Kind: KindString, Doc: "Your SharePanel password"},
					{Name: "name", Kind: KindString, MaxLen: 100, Doc: "Name for the new API key (default: \"API Key for <username>\")"},
					{Name: "autologin_token", Kind: KindString, MaxLen: 128, Doc: "One-time token from the admin API's autologin, instead of email and password"},
				}},
		}},
		"profile": {Selector: "action", Actions: map[string]*Action{
			"view": {Summary: "Get the user profile", Handle: a.profileView, Response: models.Profile{}},
			"update": {Summary: "Update the profile", Write: true, Handle: a.profileUpdate, Params: []Param{
				{Name: "bio", Kind: KindString, MaxLen: 1000, Doc: "Bio"},
				{Name: "pfp", Kind: KindString, MaxLen: 1024, Doc: "Profile picture URL (http or https)"},
				{Name: "first_name", Kind: KindString, MaxLen: 100, Doc: "First name"},
				{Name: "last_name", Kind: KindString, MaxLen: 100, Doc: "Last name"},
				{Name: "phone", Kind: KindString, MaxLen: 32, Doc: "Phone number"},
				{Name: "address", Kind: KindString, MaxLen: 255, Doc: "Address"},
			}},
			"stats": {Summary: "Get profile statistics", Handle: a.profileStats, Response: models.ProfileStats{}},
		}},
		"orgs": {Selector: "action", Actions: map[string]*Action{
			"list":    {Summary: "List the organizations you belong to", Handle: a.orgsList, Response: []models.OrgListItem{}},
			"view":    {Summary: "View an organization", Handle: a.orgsView, Params: []Param{orgIDParam}, Response: models.OrgDetails{}},
			"new":     {Summary: "Create an organization", Write: true, Handle: a.orgsNew, Params: orgFields, Response: orgCreated{}},
			"update":  {Summary: "Update an organization (admin or manager)", Write: true, Handle: a.orgsUpdate, Params: append([]Param{orgIDParam}, orgFields...)},
			"delete":  {Summary: "Delete an organization (its admin only)", Write: true, Handle: a.orgsDelete, Params: []Param{orgIDParam}},
			"members": {Summary: "List an organization's members", Handle: a.orgsMembers, Params: []Param{orgIDParam}, Response: []models.OrgMemberView{}},
		}},
		"instances": {Selector: "action", Actions: map[string]*Action{
			"list": {Summary: "List instances", Handle: a.instancesList, Response: []models.InstanceListItem{}, Params: []Param{
				{Name: "type", Kind: KindEnum, Enum: []string{models.TypeSNCS, models.TypeSMS, "all"}, Default: "all", Doc: "Filter by type"},
				{Name: "status", Kind: KindEnum, Enum: instanceStatusParam.Enum, Doc: "Filter by status"},
			}},
			"view": {Summary: "View an instance", Handle: a.instancesView, Params: []Param{instanceIDParam}, Response: models.InstanceDetails{}},
			"update_status": {Summary: "Change an instance's status", Write: true, Handle: a.instancesUpdateStatus, Params: []Param{
				instanceIDParam,
				{Name: "status", Label: "Status", Kind: KindEnum, Required: true, Enum: instanceStatusParam.Enum, Doc: "New status"},
			}},
			"delete_dead": {Summary: "Delete all dead instances", Write: true, Handle: a.instancesDeleteDead},
			"awaken_all":  {Summary: "Wake every sleeping instance", Write: true, Handle: a.instancesAwakenAll},
			"sleep_all":   {Summary: "Put every active instance to sleep", Write: true, Handle: a.instancesSleepAll},
		}},
		"billing": {Selector: "action", Actions: map[string]*Action{
			"balance": {Summary: "Get the account balance", Handle: a.billingBalance, Response: balanceData{}},
			"invoices": {Summary: "List invoices", Handle: a.billingInvoices, Response: []models.Invoice{}, Params: []Param{
				{Name: "status", Kind: KindEnum, Enum: []string{models.InvoicePending, models.InvoicePaid, models.InvoiceOverdue}, Doc: "Filter by status"},
				limitParam, offsetParam,
			}},
			"invoice":      {Summary: "Get an invoice", Handle: a.billingInvoice, Params: []Param{invoiceIDParam}, Response: models.Invoice{}},
			"transactions": {Summary: "List transactions", Handle: a.billingTransactions, Params: []Param{limitParam, offsetParam}, Response: []models.Transaction{}},
			"purchases":    {Summary: "List purchases", Handle: a.billingPurchases, Params: []Param{limitParam, offsetParam}, Response: []models.Purchase{}},
			"plans":        {Summary: "List available plans", Handle: a.billingPlans, Response: []models.Plan{}},
		}},
		"analytics": {Selector: "action", Actions: map[string]*Action{
			"overview": {Summary: "Analytics overview", Handle: a.analyticsOverview, Response: models.AnalyticsOverview{}},
			"usage":    {Summary: "API usage per day", Handle: a.analyticsUsage, Params: []Param{periodParam}, Response: []models.UsageDay{}},
			"activity": {Summary: "Activity log", Handle: a.analyticsActivity, Params: []Param{limitParam, offsetParam}, Response: []models.Activity{}},
			"spending": {Summary: "Spending per day", Handle: a.analyticsSpending, Params: []Param{periodParam}, Response: []models.SpendingDay{}},
		}},
		"notifications": {Selector: "action", Actions: map[string]*Action{
			"list": {Summary: "List notifications", Handle: a.notificationsList, Response: []models.Notification{}, Params: []Param{
				{Name: "unread_only", Kind: KindFlag, Default: "false", Doc: "Only unread notifications"},
				limitParam, offsetParam,
			}},
			"unread_count": {Summary: "Count unread notifications", Handle: a.notificationsUnreadCount, Response: countData{}},
			"mark_read": {Summary: "Mark one notification, or all, as read", Write: true, Handle: a.notificationsMarkRead, Params: []Param{
				{Name: "notification_id", Label: "Notification ID", Kind: KindInt, Doc: "Notification ID (omit to mark all as read)"},
			}},
			"delete": {Summary: "Delete a notification", Write: true, Handle: a.notificationsDelete, Params: []Param{
				{Name: "notification_id", Label: "Notification ID", Kind: KindInt, Required: true, Doc: "Notification ID"},
			}},
		}},
		"api_keys": {Selector: "action", Actions: map[string]*Action{
			"list": {Summary: "List API keys (never their secrets)", Handle: a.apiKeysList, Response: []models.APIKey{}},
			"create": {Summary: "Create an API key", Write: true, Handle: a.apiKeysCreate, Response: authData{}, Params: []Param{
				{Name: "name", Kind: KindString, MaxLen: 100, Default: "New API Key", Doc: "Name of the key"},
				{Name: "permissions", Kind: KindString, Default: "read,write", Doc: "read, write or read,write"},
				{Name: "expires_at", Kind: KindTime, Doc: "Expiry, ISO 8601 (e.g. 2025-12-31T23:59:59Z)"},
			}},
			"delete": {Summary: "Delete an API key", Write: true, Handle: a.apiKeysDelete, Params: []Param{keyIDParam}},
			"usage":  {Summary: "Usage of one API key", Handle: a.apiKeysUsage, Params: []Param{keyIDParam}, Response: models.KeyUsage{}},
		}},
		"stats": {Selector: "type", Default: "overview", Actions: map[string]*Action{
			"overview":      {Summary: "Overview statistics", Handle: a.statsOverview, Response: models.StatsOverview{}},
			"instances":     {Summary: "Instance statistics", Handle: a.statsInstances, Response: models.InstanceStats{}},
			"organizations": {Summary: "Organization statistics", Handle: a.statsOrganizations, Response: models.OrgStats{}},
		}},
		"search": {Actions: map[string]*Action{
			"": {Summary: "Search your organizations and instances", Handle: a.search, Response: []models.SearchResult{}, Params: []Param{
				{Name: "query", Label: "Search query", Kind: KindString, Required: true, MaxLen: 100, Doc: "Text to find in titles, paths and names"},
				{Name: "type", Kind: KindEnum, Enum: []string{"organizations", "instances", "all"}, Default: "all", Doc: "What to search"},
			}},
		}},
	}
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
