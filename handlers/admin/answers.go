package admin

import (
	"sharepanel/models"
	"sharepanel/wire"
)

// What the handlers answer: the "response" of {"response": …, "success": true} (or, for the token
// and whoami, the whole answer, as OpenPanel has them). The route table names these types and the
// OpenAPI document is reflected from them, so the document describes what the handlers write.
// Fields are in alphabetical order: the order encoding/json gave the maps these types replaced.

// tokenAnswer is POST /api/'s answer, outside the envelope.
type tokenAnswer struct {
	AccessToken string `json:"access_token" doc:"A JWT (HS256): send it as Authorization: Bearer ACCESS_TOKEN"`
	ExpiresIn   int64  `json:"expires_in" doc:"Seconds until it expires (SHAREPANEL_ADMIN_TOKEN_TTL)"`
	TokenType   string `json:"token_type" enum:"Bearer"`
}

// whoamiAnswer is GET /api/whoami's answer, outside the envelope.
type whoamiAnswer struct {
	LoggedInAs string `json:"logged_in_as" doc:"The token's administrator"`
}

// messageAnswer is the answer of actions that make nothing to show: {"message": "…"}.
type messageAnswer struct {
	Message string `json:"message"`
}

// autologinAnswer is a one-time token for the user API's mode=auth&autologin_token=….
type autologinAnswer struct {
	AutologinToken string        `json:"autologin_token" doc:"Exchange it, once, within expires_in seconds: GET /api?mode=auth&autologin_token=…"`
	AutologinURL   string        `json:"autologin_url" doc:"The account console, signed in as the account once opened: <SHAREPANEL_PUBLIC_URL>/?autologin_token=…"`
	ExpiresAt      wire.DateTime `json:"expires_at"`
	ExpiresIn      int64         `json:"expires_in" doc:"Seconds it stays valid (60)"`
	Message        string        `json:"message"`
}

// instanceView is an instance as the admin API shows it: the user API's fields, its owner and its
// organization.
type instanceView struct {
	ID           int64         `json:"id"`
	UserID       int64         `json:"user_id"`
	OrgID        *int64        `json:"org_id"`
	InstanceName string        `json:"instance_name"`
	InstancePath string        `json:"instance_path"`
	Status       string        `json:"status"`
	InstanceType string        `json:"instance_type"`
	Type         string        `json:"type"`
	CreatedAt    wire.DateTime `json:"created_at"`
}

// instanceAnswer is a created instance.
type instanceAnswer struct {
	Instance instanceView `json:"instance"`
	Message  string       `json:"message"`
}

// invoiceAnswer is a created or changed invoice.
type invoiceAnswer struct {
	Invoice models.Invoice `json:"invoice"`
	Message string         `json:"message"`
}

// balanceAnswer is the balance after a credit or debit, and its transaction.
type balanceAnswer struct {
	Balance     wire.Money         `json:"balance"`
	Message     string             `json:"message"`
	Transaction models.Transaction `json:"transaction"`
}

// notificationAnswer is a notification sent to one account.
type notificationAnswer struct {
	Message      string              `json:"message"`
	Notification models.Notification `json:"notification"`
}

// broadcastAnswer is how many accounts a notification to all went to.
type broadcastAnswer struct {
	Count   int64  `json:"count"`
	Message string `json:"message"`
}

// planAnswer is a created or changed plan.
type planAnswer struct {
	Message string             `json:"message"`
	Plan    models.PlanDetails `json:"plan"`
}

// settingsView is the operator's settings (models.SettingKeys).
type settingsView struct {
	API         string `json:"api" enum:"on,off" doc:"The admin API switch"`
	Currency    string `json:"currency" doc:"Three letters: what mode=billing&action=balance shows"`
	DefaultPlan string `json:"default_plan" doc:"The plan of accounts created without plan_name"`
}

func newSettingsView(m map[string]string) settingsView {
	return settingsView{API: m[models.SettingAPI], Currency: m[models.SettingCurrency], DefaultPlan: m[models.SettingDefaultPlan]}
}

// settingsAnswer is the settings after a change.
type settingsAnswer struct {
	Message  string       `json:"message"`
	Settings settingsView `json:"settings"`
}

// restoreAnswer is what a restore made.
type restoreAnswer struct {
	Message  string   `json:"message"`
	Skipped  []string `json:"skipped" doc:"Links to other accounts' data that no longer exist, which the restore left out"`
	UserID   int64    `json:"user_id"`
	Username string   `json:"username"`
}
