package models

import "sharepanel/wire"

// The shapes of the user API's data, field for field as the reference shows them. Functions that
// fill them live next to the data they read (org.go, instance.go, …).

// Profile is the account as mode=profile&action=view shows it, with its plan's limits.
type Profile struct {
	ID            int64         `json:"id"`
	Username      string        `json:"username"`
	Email         string        `json:"email"`
	Bio           string        `json:"bio"`
	Pfp           string        `json:"pfp"`
	Plan          string        `json:"plan"`
	OrgLimit      int           `json:"org_limit"`
	InstanceLimit int           `json:"instance_limit"`
	Verified      wire.Flag     `json:"verified"`
	Balance       wire.Money    `json:"balance"`
	CreatedAt     wire.DateTime `json:"created_at"`
	FileLimit     int           `json:"filelimit"`
	StorageLimit  int           `json:"storagelimit"`
	FirstName     string        `json:"first_name"`
	LastName      string        `json:"last_name"`
	Phone         string        `json:"phone"`
	Address       string        `json:"address"`
}

// ProfileStats counts what the account has (mode=profile&action=stats).
type ProfileStats struct {
	OrgCount        int64      `json:"org_count"`
	InstanceCount   int64      `json:"instance_count"`
	ActiveInstances int64      `json:"active_instances"`
	InvoiceCount    int64      `json:"invoice_count"`
	TotalSpent      wire.Money `json:"total_spent"`
}

// OrgListItem is one organization of orgs list, with the caller's membership.
type OrgListItem struct {
	ID              int64     `json:"id"`
	Title           string    `json:"title"`
	Path            string    `json:"path"`
	AdminID         int64     `json:"admin_id"`
	Contact         string    `json:"contact"`
	CreatedBy       int64     `json:"created_by"`
	IsAdmin         wire.Flag `json:"isAdmin"`
	PermissionLevel int       `json:"permissionlevel"`
}

// OrgDetails is one organization with its member and instance counts (mode=orgs&action=view).
type OrgDetails struct {
	ID            int64  `json:"id"`
	Title         string `json:"title"`
	Path          string `json:"path"`
	AdminID       int64  `json:"admin_id"`
	Contact       string `json:"contact"`
	CreatedBy     int64  `json:"created_by"`
	MemberCount   int64  `json:"member_count"`
	InstanceCount int64  `json:"instance_count"`
}

// OrgMemberView is one member of orgs members.
type OrgMemberView struct {
	MemberID        int64     `json:"memberID"`
	OrganizationID  int64     `json:"organization_id"`
	IsAdmin         wire.Flag `json:"isAdmin"`
	PermissionLevel int       `json:"permissionlevel"`
	Username        string    `json:"username"`
	Email           string    `json:"email"`
	Pfp             string    `json:"pfp"`
}

// InstanceListItem is one instance of instances list (type, no user_id).
type InstanceListItem struct {
	ID           int64         `json:"id"`
	InstanceName string        `json:"instance_name"`
	InstancePath string        `json:"instance_path"`
	CreatedAt    wire.DateTime `json:"created_at"`
	Status       string        `json:"status"`
	InstanceType string        `json:"instance_type"`
	Type         string        `json:"type"`
}

// InstanceDetails is instances view (user_id, no type), as the reference shows it.
type InstanceDetails struct {
	ID           int64         `json:"id"`
	InstanceName string        `json:"instance_name"`
	InstancePath string        `json:"instance_path"`
	CreatedAt    wire.DateTime `json:"created_at"`
	Status       string        `json:"status"`
	InstanceType string        `json:"instance_type"`
	UserID       int64         `json:"user_id"`
}

// AnalyticsOverview sums up the account (mode=analytics&action=overview).
type AnalyticsOverview struct {
	TotalOrgs      int64      `json:"total_orgs"`
	TotalInstances int64      `json:"total_instances"`
	ActiveInstance int64      `json:"active_instances"`
	TotalInvoices  int64      `json:"total_invoices"`
	TotalSpent     wire.Money `json:"total_spent"`
	CurrentBalance wire.Money `json:"current_balance"`
	ActiveAPIKeys  int64      `json:"active_api_keys"`
}

// UsageDay is one day of analytics usage.
type UsageDay struct {
	Date            string  `json:"date"`
	RequestCount    int64   `json:"request_count"`
	UniqueEndpoints int64   `json:"unique_endpoints"`
	AvgResponseTime float64 `json:"avg_response_time"` // seconds
	SuccessCount    int64   `json:"success_count"`
	ErrorCount      int64   `json:"error_count"`
}

// SpendingDay is one day of analytics spending.
type SpendingDay struct {
	Date         string     `json:"date"`
	InvoiceCount int64      `json:"invoice_count"`
	TotalSpent   wire.Money `json:"total_spent"`
}

// KeyUsage sums up the recorded requests of one key (mode=api_keys&action=usage).
type KeyUsage struct {
	TotalRequests   int64          `json:"total_requests"`
	ActiveDays      int64          `json:"active_days"`
	EndpointsUsed   int64          `json:"endpoints_used"`
	LastRequest     *wire.DateTime `json:"last_request"`
	AvgResponseTime float64        `json:"avg_response_time"` // seconds
	SuccessCount    int64          `json:"success_count"`
	ErrorCount      int64          `json:"error_count"`
}

// StatsOverview counts the account's objects by state (mode=stats&type=overview).
type StatsOverview struct {
	Orgs            int64      `json:"orgs"`
	TotalInstances  int64      `json:"total_instances"`
	ActiveInstances int64      `json:"active_instances"`
	AsleepInstances int64      `json:"asleep_instances"`
	DeadInstances   int64      `json:"dead_instances"`
	TotalInvoices   int64      `json:"total_invoices"`
	PaidInvoices    int64      `json:"paid_invoices"`
	PendingInvoices int64      `json:"pending_invoices"`
	APIKeys         int64      `json:"api_keys"`
	Balance         wire.Money `json:"balance"`
	TotalSpent      wire.Money `json:"total_spent"`
}

// InstanceStats counts the account's instances by status and type (mode=stats&type=instances).
type InstanceStats struct {
	Total  int64 `json:"total"`
	Active int64 `json:"active"`
	Asleep int64 `json:"asleep"`
	Dead   int64 `json:"dead"`
	Types  int64 `json:"types"` // distinct instance_type values
}

// OrgStats counts the organizations the account belongs to and administers (mode=stats&type=organizations).
type OrgStats struct {
	Total      int64 `json:"total"`
	AdminCount int64 `json:"admin_count"`
}

// SearchResult is one hit of search; Status only for instances.
type SearchResult struct {
	Type      string        `json:"type"` // "organization" or "instance"
	ID        int64         `json:"id"`
	Name      string        `json:"name"`
	Path      string        `json:"path"`
	CreatedAt wire.DateTime `json:"created_at"`
	Status    string        `json:"status,omitempty"`
}
