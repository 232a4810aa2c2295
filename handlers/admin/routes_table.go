package admin

import (
	"net/http"

	"sharepanel/models"
)

// The sections of the document, in order: tag names and what each says at its top.
const (
	tagTokens   = "Admin: tokens"
	tagAccounts = "Admin: accounts"
	tagUserData = "Admin: what users see"
	tagPlans    = "Admin: plans"
	tagSettings = "Admin: settings and services"
	tagBackups  = "Admin: backups"
	tagAudit    = "Admin: audit log"
)

// routeTable is the whole admin API. Everything but POST /api/ (the token) needs a token.
var routeTable = []route{
	{ID: "token", Secret: true, Method: http.MethodPost, Path: "/api/", Handler: (*server).token, Auth: authNone, Tag: tagTokens,
		Summary: "Get a token",
		Doc: "Exchanges an administrator's username and password for a JWT. A wrong username and a wrong password " +
			"are the same 401. Failed logins are limited per client IP and per username, together with the user " +
			"API's `mode=auth`: past a limit, every attempt is 429 with `Retry-After`, even with the right password.",
		Body: credentials{}, Answer: tokenAnswer{}, Bare: true,
		Errors: []errorDoc{
			{400, []string{"username and password are required"}},
			{401, []string{"Invalid username or password"}},
			{429, []string{"Too many login attempts. Try again in 60 seconds."}},
		},
		Examples: []example{{Path: "/api/", Body: `{"username":"stefan","password":"megamind728"}`}}},
	{ID: "whoami", Method: http.MethodGet, Path: "/api/whoami", Handler: (*server).whoami, Tag: tagTokens,
		Summary: "Check a token", Doc: "Answers the token's administrator: a way to check that a token works.",
		Answer: whoamiAnswer{}, Bare: true,
		Examples: []example{{Path: "/api/whoami"}}},

	{ID: "listUsers", Method: http.MethodGet, Path: "/api/users", Handler: (*server).listUsers, Tag: tagAccounts,
		Summary: "List accounts", Doc: "Accounts, oldest first, with their plan, status and counts.",
		Query: append([]queryParam{
			{Name: "status", Doc: "Only active or only suspended accounts.", Schema: enumSchema(models.AccountActive, models.AccountSuspended)},
			{Name: "plan", Doc: "Only accounts on this plan."},
			{Name: "search", Doc: "Part of the username or email."},
		}, paging...),
		Answer: []models.AccountSummary{}, Total: true,
		Errors:   []errorDoc{{400, []string{"Invalid status. Allowed values: active, suspended"}}},
		Examples: []example{{Path: "/api/users"}}},
	{ID: "createUser", Method: http.MethodPost, Path: "/api/users", Handler: (*server).createUser, Tag: tagAccounts,
		Summary: "Create an account",
		Doc: "The answer never holds the password (OpenPanel's example echoes it; this API does not). The account " +
			"then logs in to the user API with `mode=auth`.",
		Body: newUserBody{}, Answer: messageAnswer{},
		Errors: []errorDoc{
			{400, []string{"email is required", "password is required", "Invalid email address", "Password must be at least 8 characters",
				"Invalid username: use 2-32 lowercase letters, digits, '.', '_' or '-'", "Unknown plan: gold"}},
			{409, []string{"A user with that email or username already exists"}},
		},
		Examples: []example{{Path: "/api/users", Body: `{"email": "ada@example.com", "username": "ada", "password": "correct horse", "plan_name": "pro"}`}}},
	{ID: "getUser", Method: http.MethodGet, Path: "/api/users/:username", Handler: (*server).getUser, Tag: tagAccounts,
		Summary: "Get an account", Answer: models.AccountSummary{},
		Errors:   []errorDoc{{404, []string{"User not found"}}},
		Examples: []example{{Path: "/api/users/ada"}}},
	{ID: "updateUser", Method: http.MethodPatch, Path: "/api/users/:username", Handler: (*server).patchUser, Tag: tagAccounts,
		Summary: "Suspend, unsuspend, or change the password",
		Doc: "`{\"action\": \"suspend\"}` or `{\"action\": \"unsuspend\"}`, or `{\"password\": \"…\"}`. Suspension applies on " +
			"the user API from the next request: every key of the account, and `mode=auth`, get `403 Account suspended`; " +
			"unsuspending restores both. Suspending a suspended account is not an error. A new password leaves the " +
			"account's API keys working.",
		Body: oneOf{suspendBody{}, passwordBody{}}, Answer: messageAnswer{},
		Errors: []errorDoc{
			{400, []string{"Invalid action. Allowed values: suspend, unsuspend", "Send either action or password, not both",
				"Password must be at least 8 characters"}},
			{404, []string{"User not found"}},
		},
		Examples: []example{
			{Label: "Suspend", Path: "/api/users/ada", Body: `{"action": "suspend"}`},
			{Label: "Unsuspend", Path: "/api/users/ada", Body: `{"action": "unsuspend"}`},
			{Label: "Change password", Path: "/api/users/ada", Body: `{"password": "a new passphrase"}`},
		}},
	{ID: "changePlan", Method: http.MethodPut, Path: "/api/users/:username", Handler: (*server).changePlan, Tag: tagAccounts,
		Summary: "Change an account's plan",
		Doc: "The new plan's fields show in `mode=profile`, and its limits apply, from the next request. What the account " +
			"already has beyond the new plan's limits stays; new creations are refused.",
		Body: planChangeBody{}, Answer: messageAnswer{},
		Errors: []errorDoc{
			{400, []string{"plan_name is required", "Unknown plan: gold"}},
			{404, []string{"User not found"}},
		},
		Examples: []example{{Path: "/api/users/ada", Body: `{"plan_name": "pro"}`}}},
	{ID: "deleteUser", Method: http.MethodDelete, Path: "/api/users/:username", Handler: (*server).deleteUser, Tag: tagAccounts,
		Summary: "Delete an account",
		Doc: "Removes, in one transaction, the account and everything it owns: its API keys (dead on the next request) " +
			"and their usage, autologin tokens, instances, invoices, transactions, purchases, notifications, activity, " +
			"memberships, and the organizations it administers (other accounts' instances filed under them stay, " +
			"outside any organization).",
		Answer:   messageAnswer{},
		Errors:   []errorDoc{{404, []string{"User not found"}}},
		Examples: []example{{Path: "/api/users/ada"}}},
	{ID: "autologin", Secret: true, Method: http.MethodPost, Path: "/api/users/:username/autologin", Handler: (*server).autologin, Tag: tagAccounts,
		Summary: "Make an autologin token",
		Doc: "OpenPanel's `CONNECT /api/users/{username}` does the same, and is served too; OpenAPI cannot describe CONNECT, " +
			"and browsers cannot send it, so this is its POST form.\n\nThe one-time token is valid 60 seconds; the user API " +
			"exchanges it for a new API key named `Autologin key for <username>`: `GET /api?mode=auth&autologin_token=…` " +
			"answers exactly like a password login. Used, expired or unknown: `401 Invalid or expired autologin token`. " +
			"A suspended account gets no token.",
		Answer: autologinAnswer{},
		Errors: []errorDoc{
			{403, []string{"Account suspended"}},
			{404, []string{"User not found"}},
		},
		Examples: []example{
			{Label: "POST", Path: "/api/users/ada/autologin"},
			{Label: "CONNECT (OpenPanel)", Method: http.MethodConnect, Path: "/api/users/ada"},
		},
		Also: []string{"CONNECT /api/users/:username"}},

	{ID: "createInstance", Method: http.MethodPost, Path: "/api/users/:username/instances", Handler: (*server).createInstance, Tag: tagUserData,
		Summary: "Create an instance for an account",
		Doc: "Counts against the plan's `instance_limit`. The account sees it in `mode=instances`. With `org_id`, it is " +
			"filed under an organization the account is a member of.",
		Body: newInstanceBody{}, Answer: instanceAnswer{},
		Errors: []errorDoc{
			{400, []string{"type is required (SNCS or SMS)", "Invalid type. Allowed values: SNCS, SMS",
				"Instance name is required and must be at most 255 characters", "Invalid status. Allowed values: active, sleep, dead"}},
			{403, []string{"Instance limit reached for your plan"}},
			{404, []string{"User not found", "Organization not found"}},
			{409, []string{"Instance path already exists"}},
		},
		Examples: []example{{Path: "/api/users/ada/instances", Body: `{"name": "Shop", "type": "SNCS"}`}}},
	{ID: "updateInstance", Method: http.MethodPatch, Path: "/api/instances/:id", Handler: (*server).updateInstance, Tag: tagUserData,
		Summary: "Change an instance's status", Doc: "Recorded in the owner's activity.",
		Body: instanceStatusBody{}, Answer: messageAnswer{},
		Errors: []errorDoc{
			{400, []string{"Instance ID must be a positive integer", "status is required", "Invalid status. Allowed values: active, sleep, dead"}},
			{404, []string{"Instance not found"}},
		},
		Examples: []example{{Path: "/api/instances/1", Body: `{"status": "sleep"}`}}},
	{ID: "deleteInstance", Method: http.MethodDelete, Path: "/api/instances/:id", Handler: (*server).deleteInstance, Tag: tagUserData,
		Summary: "Delete an instance", Doc: "Recorded in the owner's activity.", Answer: messageAnswer{},
		Errors: []errorDoc{
			{400, []string{"Instance ID must be a positive integer"}},
			{404, []string{"Instance not found"}},
		},
		Examples: []example{{Path: "/api/instances/1"}}},
	{ID: "createInvoice", Method: http.MethodPost, Path: "/api/users/:username/invoices", Handler: (*server).createInvoice, Tag: tagUserData,
		Summary: "Create an invoice for an account",
		Doc: "The invoice gets its number, `INV-YYYYMMDD-XXXXXX`, and the user a \"New Invoice\" notification linking to " +
			"`/billing/invoice/<id>`. Created paid, it records the payment's transaction.",
		Body: newInvoiceBody{}, Answer: invoiceAnswer{},
		Errors: []errorDoc{
			{400, []string{"amount is required", "amount must be an amount such as 10.00", "amount must be more than zero",
				"Invalid status. Allowed values: pending, paid, overdue"}},
			{404, []string{"User not found"}},
		},
		Examples: []example{{Path: "/api/users/ada/invoices", Body: `{"amount": "50.00"}`}}},
	{ID: "updateInvoice", Method: http.MethodPatch, Path: "/api/invoices/:id", Handler: (*server).updateInvoice, Tag: tagUserData,
		Summary: "Mark an invoice paid or overdue",
		Doc: "Paid sets `paid_at` and records a completed transaction (`type` `invoice`, `transaction_id` the invoice " +
			"number). Paying twice, or marking a paid invoice overdue, is a 409.",
		Body: invoiceStatusBody{}, Answer: invoiceAnswer{},
		Errors: []errorDoc{
			{400, []string{"Invoice ID must be a positive integer", "status is required", "Invalid status. Allowed values: paid, overdue"}},
			{404, []string{"Invoice not found"}},
			{409, []string{"Invoice is already paid"}},
		},
		Examples: []example{{Path: "/api/invoices/1", Body: `{"status": "paid"}`}}},
	{ID: "adjustBalance", Method: http.MethodPost, Path: "/api/users/:username/balance", Handler: (*server).adjustBalance, Tag: tagUserData,
		Summary: "Credit or debit an account's balance",
		Doc: "A completed transaction of `type` `credit` or `debit` (the amount positive, `transaction_id` " +
			"`CRD-`/`DBT-YYYYMMDD-XXXXXX`) and an activity entry. A balance never goes below zero: a larger debit is a " +
			"409 and changes nothing.",
		Body: balanceBody{}, Answer: balanceAnswer{},
		Errors: []errorDoc{
			{400, []string{"amount is required", "amount must not be zero", "amount must be an amount such as 10.00"}},
			{404, []string{"User not found"}},
			{409, []string{"Insufficient balance: the account has 5.00"}},
		},
		Examples: []example{
			{Label: "Credit", Path: "/api/users/ada/balance", Body: `{"amount": "10.00"}`},
			{Label: "Debit", Path: "/api/users/ada/balance", Body: `{"amount": -2.5}`},
		}},
	{ID: "sendNotification", Method: http.MethodPost, Path: "/api/notifications", Handler: (*server).sendNotification, Tag: tagUserData,
		Summary: "Send a notification",
		Doc: "To one account (`username`) or to every account, suspended ones too (`\"all\": true`, in one statement). " +
			"Users read them with `mode=notifications`.",
		Body: oneOf{notifyOneBody{}, notifyAllBody{}}, Answer: oneOf{notificationAnswer{}, broadcastAnswer{}},
		Errors: []errorDoc{
			{400, []string{`Send "username" for one account or "all": true for every account`, "Send either username or all, not both",
				"title is required", "Invalid type. Allowed values: info, success, warning, error",
				"link must be a path starting with a single / or an https URL"}},
			{404, []string{"User not found"}},
		},
		Examples: []example{
			{Label: "One account", Path: "/api/notifications", Body: `{"username": "ada", "title": "Maintenance", "message": "Tonight 22:00-23:00 UTC", "type": "warning"}`},
			{Label: "Every account", Path: "/api/notifications", Body: `{"all": true, "title": "New plans", "link": "/billing"}`},
		}},

	{ID: "listPlans", Method: http.MethodGet, Path: "/api/plans", Handler: (*server).listPlans, Tag: tagPlans,
		Summary: "List plans", Doc: "Every plan with its limits and how many accounts use it, cheapest first.",
		Answer: []models.PlanDetails{}, Total: true,
		Examples: []example{{Path: "/api/plans"}}},
	{ID: "createPlan", Method: http.MethodPost, Path: "/api/plans", Handler: (*server).createPlan, Tag: tagPlans,
		Summary: "Create a plan", Doc: "Fields not given take the free plan's values (price 0). An unknown field is a 400 that lists the fields.",
		Body: newPlanBody{}, Answer: planAnswer{},
		Errors: []errorDoc{
			{400, []string{"name is required", "Invalid plan name: use 1-64 lowercase letters, digits, '.', '_' or '-'",
				"price must be 0 or more", "max_payload_bytes must be between 1024 and 1073741824", unknownPlanField}},
			{409, []string{"Plan starter already exists"}},
		},
		Examples: []example{{Path: "/api/plans", Body: `{"name": "starter", "price": "5.00", "instance_limit": 3, "requests_per_day": 5000}`}}},
	{ID: "getPlan", Method: http.MethodGet, Path: "/api/plans/:name", Handler: (*server).getPlan, Tag: tagPlans,
		Summary: "Get a plan", Answer: models.PlanDetails{},
		Errors:   []errorDoc{{404, []string{"Plan not found"}}},
		Examples: []example{{Path: "/api/plans/starter"}}},
	updatePlanRoute,
	updatePlanRoute.as(http.MethodPut, "replacePlan", "Update a plan (the same as PATCH)",
		example{Path: "/api/plans/starter", Body: `{"description": "For small shops", "features": "3 instances"}`}),
	{ID: "deletePlan", Method: http.MethodDelete, Path: "/api/plans/:name", Handler: (*server).deletePlan, Tag: tagPlans,
		Summary: "Delete a plan", Doc: "Neither a plan that accounts use nor the default plan can be deleted.",
		Answer: messageAnswer{},
		Errors: []errorDoc{
			{404, []string{"Plan not found"}},
			{409, []string{"Plan pro is used by 3 account(s); move them to another plan first", "Plan free is the default plan; change default_plan first"}},
		},
		Examples: []example{{Path: "/api/plans/starter"}}},

	{ID: "getSettings", Method: http.MethodGet, Path: "/api/settings", Handler: (*server).getSettings, Tag: tagSettings,
		Summary: "Get the settings", Answer: settingsView{},
		Examples: []example{{Path: "/api/settings"}}},
	updateSettingsRoute,
	updateSettingsRoute.as(http.MethodPut, "replaceSettings", "Change settings (the same as PATCH)",
		example{Path: "/api/settings", Body: `{"default_plan": "free", "currency": "USD"}`}),
	{ID: "services", Method: http.MethodGet, Path: "/api/services", Handler: (*server).services, Tag: tagSettings,
		Summary: "Check the database and Redis",
		Doc: "One round trip to each (3 s deadline), with its latency. Always 200: the states are the answer; `status` " +
			"is `ok`, `down` (with `error`) or `not_configured`.",
		Answer:   []serviceHealth{},
		Examples: []example{{Path: "/api/services"}}},

	{ID: "exportBackup", Secret: true, Method: http.MethodGet, Path: "/api/backups/:username", Handler: (*server).exportBackup, Tag: tagBackups,
		Summary: "Export an account",
		Doc: "Everything the account owns except its API keys, as one document. It holds the password hash, so that the " +
			"restored account logs in with its password: a backup is as sensitive as the database, and each export is in " +
			"the audit log.",
		Answer:   models.Backup{},
		Errors:   []errorDoc{{404, []string{"User not found"}}},
		Examples: []example{{Path: "/api/backups/ada", Save: "ada-backup.json"}}},
	{ID: "restoreBackup", Method: http.MethodPost, Path: "/api/backups", Handler: (*server).restoreBackup, Tag: tagBackups,
		Summary: "Restore an account",
		Doc: "In one transaction. The body is `{\"backup\": <document>, \"username\"?, \"email\"?}`, or the document itself, " +
			"or the export's whole answer as saved (`curl -d @saved-export.json`); `username` and `email` (to restore " +
			"beside the original) may also be query parameters. Row IDs are kept where free, so restoring a deleted " +
			"account gives back the same IDs; a username, email, organization path or invoice number that exists is a 409.",
		Query: []queryParam{
			{Name: "username", Doc: "Restore under this username instead of the backup's."},
			{Name: "email", Doc: "Restore with this email instead of the backup's."},
		},
		Body: anyOf{restoreBody{}, models.Backup{}, savedExport{}}, Answer: restoreAnswer{},
		Errors: []errorDoc{
			{400, []string{"backup is required", "backup is not a SharePanel account backup (format \"sharepanel-account-backup\" expected)"}},
			{409, []string{"A user with that email or username already exists", "Organization path shop is already taken"}},
			{413, []string{"Request body too large: at most 67108864 bytes"}},
		},
		Examples: []example{{Path: "/api/backups", Body: "@ada-backup.json"}}},

	{ID: "auditLog", Method: http.MethodGet, Path: "/api/admin/log", Handler: (*server).auditLog, Tag: tagAudit,
		Summary: "Read the audit log",
		Doc: "Every request that changes something, plus logins (failed ones too) and backup exports, successful or not, " +
			"newest first. `action` is such as `user_create`, `user_suspend`, `plan_update`, `invoice_create`, " +
			"`backup_export`, `login_failed`; `target` such as `user:ada`, `plan:pro`, `invoice:7`; `status` the HTTP " +
			"status (0 for the command line, whose entries have admin `(cli)`). `details` never holds a password or token.",
		Query: append([]queryParam{
			{Name: "admin", Doc: "Only this administrator's entries."},
			{Name: "action", Doc: "Only entries of this action."},
		}, paging...),
		Answer: []models.AuditEntry{}, Total: true,
		Examples: []example{{Path: "/api/admin/log?limit=20"}}},
}

// unknownPlanField is the 400 of a plan body with a field it does not have.
var unknownPlanField = `Unknown plan field "colour". Fields: name, price, org_limit, instance_limit, filelimit, storagelimit, description, features, requests_per_day, requests_per_minute, max_payload_bytes`

var updatePlanRoute = route{ID: "updatePlan", Method: http.MethodPatch, Path: "/api/plans/:name", Handler: (*server).updatePlan, Tag: tagPlans,
	Summary: "Update a plan",
	Doc: "The fields given change, the others stay. The user API applies the change from the next request on this " +
		"replica, within 5 seconds on others. Renaming the default plan renames the setting with it.",
	Body: planBody{}, Answer: planAnswer{},
	Errors: []errorDoc{
		{400, []string{"No fields to update", "price must be 0 or more", unknownPlanField}},
		{404, []string{"Plan not found"}},
		{409, []string{"Plan basic already exists"}},
	},
	Examples: []example{{Path: "/api/plans/starter", Body: `{"price": "7.50"}`}}}

var updateSettingsRoute = route{ID: "updateSettings", Method: http.MethodPatch, Path: "/api/settings", Handler: (*server).updateSettings, Tag: tagSettings,
	Summary: "Change settings",
	Doc: "Any of `api`, `default_plan` (what `POST /api/users` uses without `plan_name`) and `currency` (what " +
		"`mode=billing&action=balance` shows). All given settings are checked before any is stored. `\"api\": \"off\"` " +
		"switches this API off: only the command line (`sharepanel config update api on`) switches it back on.",
	Body: settingsBody{}, Answer: settingsAnswer{},
	Errors: []errorDoc{
		{400, []string{"No settings to update. Settings: api, default_plan, currency", "api must be on or off",
			"Unknown plan: gold", "currency must be a three-letter code such as USD", `Unknown setting "theme". Settings: api, default_plan, currency`}},
	},
	Examples: []example{{Path: "/api/settings", Body: `{"currency": "EUR"}`}}}

// as is r under another method and ID (a PUT that does what the PATCH does), with its own example.
func (r route) as(method, id, summary string, ex example) route {
	r.Method, r.ID, r.Summary, r.Examples = method, id, summary, []example{ex}
	return r
}
