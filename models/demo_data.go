package models

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"gorm.io/gorm"

	"sharepanel/wire"
)

// demoSeed writes the demo's sample data in SeedDemo's transaction. Times are relative to now, so
// that the data falls inside the default 30-day windows of analytics whenever it is made.
type demoSeed struct {
	tx           *gorm.DB
	now          time.Time
	demo, member int64
	pro, free    Plan
	endpoints    map[string]int64 // the numbers of demoEndpoints
	activity     []Activity       // written last, oldest first, so that ids follow time
	// counts is what the helpers that write counted rows count; never applied: the accounts'
	// totals are recounted once everything is written (run).
	counts *tally
}

// demoIP is the documentation address (RFC 5737) the demo's activity comes from.
const demoIP = "203.0.113.10"

// ago is days days and extra before now.
func (d *demoSeed) ago(days int, extra time.Duration) time.Time {
	return d.now.AddDate(0, 0, -days).Add(-extra).Truncate(time.Second)
}

func (d *demoSeed) log(userID int64, at time.Time, action, resourceType string, resourceID int64, details map[string]any) {
	b, _ := json.Marshal(details)
	a := Activity{UserID: userID, Action: action, ResourceType: resourceType, Details: wire.JSONText(b), IPAddress: demoIP, CreatedAt: wire.DateTime(at)}
	if resourceID != 0 {
		a.ResourceID = &resourceID
	}
	d.activity = append(d.activity, a)
}

// run writes everything and returns the secret of the demo's read-write key.
func (d *demoSeed) run() (string, error) {
	secret, key, err := d.keys()
	if err != nil {
		return "", err
	}
	orgs, err := d.orgs()
	if err != nil {
		return "", err
	}
	for _, step := range []func() error{
		func() error { return d.instances(orgs) },
		d.billing,
		d.notifications,
		func() error { return d.usage(key) },
		d.writeActivity,
		func() error { return recount(d.tx, d.demo) },
		func() error { return recount(d.tx, d.member) },
	} {
		if err := step(); err != nil {
			return "", err
		}
	}
	return secret, nil
}

func (d *demoSeed) keys() (string, *APIKey, error) {
	secret := newSecret()
	key := &APIKey{UserID: d.demo, Name: "Demo key", KeyHash: HashKey(secret), KeyPrefix: secret[:10],
		Permissions: "read,write", IsActive: true, CreatedAt: wire.DateTime(d.now.Truncate(time.Second))}
	readOnly := newSecret() // never shown: it is there to be listed, locked to an office's network and three modes
	roScopes, roIPs := "billing:read,analytics:read,stats:read", "203.0.113.0/24,2001:db8:5::/48"
	ro := &APIKey{UserID: d.demo, Name: "Dashboard (read-only)", KeyHash: HashKey(readOnly), KeyPrefix: readOnly[:10],
		Permissions: "read", IsActive: true, CreatedAt: wire.DateTime(d.ago(20, 0)), Scopes: &roScopes, AllowedIPs: &roIPs}
	for _, k := range []*APIKey{ro, key} {
		if err := d.tx.Create(k).Error; err != nil {
			return "", nil, err
		}
		d.log(d.demo, k.CreatedAt.Time(), "api_key_created", "api_key", k.ID, map[string]any{"key_name": k.Name, "permissions": k.Permissions, "via": "api"})
	}
	return secret, key, nil
}

type demoOrg struct {
	title, path string
	admin       int64
	days        int
	guest       int64 // another member, 0 for none
	guestLevel  int
}

// orgs makes Demo Agency (with demo-member as a manager), Demo Labs, and demo-member's Member
// Workshop, where demo is a plain member. It returns the organizations' IDs by path.
func (d *demoSeed) orgs() (map[string]int64, error) {
	list := []demoOrg{
		{"Demo Agency", "demo-agency", d.demo, 40, d.member, PermissionManager},
		{"Demo Labs", "demo-labs", d.demo, 25, 0, 0},
		{"Member Workshop", "demo-member-workshop", d.member, 39, d.demo, PermissionMember},
	}
	if err := d.checkLimit(d.pro, "organizations", 2, d.pro.OrgLimit); err != nil {
		return nil, err
	}
	if err := d.checkLimit(d.free, "organizations", 1, d.free.OrgLimit); err != nil {
		return nil, err
	}
	ids := map[string]int64{}
	for _, o := range list {
		at := wire.DateTime(d.ago(o.days, 0))
		org := &Organization{Title: o.title, Path: o.path, AdminID: o.admin, CreatedBy: o.admin, Contact: "hello@" + o.path + ".example", CreatedAt: at}
		if err := d.tx.Create(org).Error; err != nil {
			if isDuplicate(err) {
				return nil, wire.Errorf(wire.ECONFLICT, "The organization path %q belongs to another account; the demo needs it", o.path)
			}
			return nil, err
		}
		ids[o.path] = org.ID
		members := []OrgMember{{OrganizationID: org.ID, UserID: o.admin, IsAdmin: true, PermissionLevel: PermissionAdmin, CreatedAt: at}}
		if o.guest != 0 {
			members = append(members, OrgMember{OrganizationID: org.ID, UserID: o.guest, PermissionLevel: o.guestLevel, CreatedAt: wire.DateTime(d.ago(o.days-1, 0))})
		}
		if err := d.tx.Create(&members).Error; err != nil {
			return nil, err
		}
		d.log(o.admin, at.Time(), "organization_created", "organization", org.ID, map[string]any{"org_name": o.title})
	}
	return ids, nil
}

func (d *demoSeed) checkLimit(plan Plan, what string, need, limit int) error {
	if need > limit {
		return wire.Errorf(wire.EINVALID, "The %s plan allows %d %s; the demo needs %d", plan.Name, limit, what, need)
	}
	return nil
}

// instances makes demo's six instances, each type in each status, and demo-member's one.
func (d *demoSeed) instances(orgs map[string]int64) error {
	agency, labs, workshop := orgs["demo-agency"], orgs["demo-labs"], orgs["demo-member-workshop"]
	list := []struct {
		user         int64
		org          int64
		name, path   string
		kind, status string
		instanceType string
		days         int
	}{
		{d.demo, agency, "Agency Website", "agency-website", TypeSNCS, StatusActive, "wordpress", 38},
		{d.demo, agency, "Staging Site", "staging-site", TypeSNCS, StatusSleep, "wordpress", 30},
		{d.demo, 0, "Old Landing Page", "old-landing-page", TypeSNCS, StatusDead, "default", 44},
		{d.demo, labs, "Mail Server", "mail-server", TypeSMS, StatusActive, "default", 24},
		{d.demo, labs, "Newsletter", "newsletter", TypeSMS, StatusSleep, "default", 18},
		{d.demo, 0, "Legacy Mailer", "legacy-mailer", TypeSMS, StatusDead, "default", 43},
		{d.member, workshop, "Workshop Site", "workshop-site", TypeSNCS, StatusActive, "default", 36},
	}
	if err := d.checkLimit(d.pro, "instances", 6, d.pro.InstanceLimit); err != nil {
		return err
	}
	if err := d.checkLimit(d.free, "instances", 1, d.free.InstanceLimit); err != nil {
		return err
	}
	for _, in := range list {
		at := d.ago(in.days, 0)
		inst := &Instance{UserID: in.user, InstanceName: in.name, InstancePath: in.path, Status: in.status,
			InstanceType: in.instanceType, Type: in.kind, CreatedAt: wire.DateTime(at)}
		if in.org != 0 {
			inst.OrganizationID = &in.org
		}
		if err := d.tx.Create(inst).Error; err != nil {
			return err
		}
		d.log(in.user, at, "instance_created", "instance", inst.ID, map[string]any{"instance_name": in.name, "type": in.kind})
		if in.status != StatusActive {
			d.log(in.user, d.ago(in.days/3, 0), "instance_status_changed", "instance", inst.ID,
				map[string]any{"instance_name": in.name, "old_status": StatusActive, "new_status": in.status})
		}
	}
	return nil
}

// billing makes invoices in every status (each with its "New Invoice" notification; the paid ones
// with their payments), a deposit and purchases.
func (d *demoSeed) billing() error {
	for _, inv := range []struct {
		cents         wire.Money
		status        string
		created, paid time.Time
	}{
		{1500, InvoiceOverdue, d.ago(40, 0), time.Time{}},
		{2999, InvoicePaid, d.ago(22, 0), d.ago(20, 0)},
		{1250, InvoicePaid, d.ago(6, 0), d.ago(5, 0)},
		{725, InvoicePaid, d.ago(5, 2*time.Hour), d.ago(5, 0)}, // paid the same day as the one above
		{2999, InvoicePending, d.ago(2, 0), time.Time{}},
	} {
		status := inv.status
		if status == InvoicePaid {
			status = InvoicePending // created first, then paid: its notification comes from the creation
		}
		made, err := createInvoice(d.tx, d.counts, d.demo, inv.cents, status, inv.created)
		if err != nil {
			return err
		}
		if inv.status == InvoicePaid {
			if err := payInvoice(d.tx, d.counts, made, inv.paid); err != nil {
				return err
			}
		}
	}
	deposit := d.ago(30, 0)
	if err := d.tx.Create(&Transaction{UserID: d.demo, TransactionID: newReference("DEP", deposit), Amount: 15000,
		Status: "completed", Date: wire.DateTime(deposit), Type: "deposit"}).Error; err != nil {
		return err
	}
	purchases := []Purchase{
		{ItemID: "app-wordpress-pro", ItemType: "app", PurchaseType: "one_time", Price: 2500, TokensPaid: 2500, CreatedAt: wire.DateTime(d.ago(15, 0))},
		{ItemID: "tpl-portfolio", ItemType: "template", PurchaseType: "one_time", Price: 900, TokensPaid: 900, CreatedAt: wire.DateTime(d.ago(8, 0))},
		{ItemID: "addon-daily-backups", ItemType: "addon", PurchaseType: "subscription", Price: 499, TokensPaid: 499, CreatedAt: wire.DateTime(d.ago(3, 0))},
	}
	for i := range purchases {
		purchases[i].UserID = d.demo
	}
	return d.tx.Create(&purchases).Error
}

// notifications adds a few beyond the invoices', then marks everything older than ten days read,
// so that the demo has both.
func (d *demoSeed) notifications() error {
	for _, n := range []struct {
		user int64
		days int
		n    NewNotification
	}{
		{d.demo, 45, NewNotification{Title: "Welcome to SharePanel", Message: "Your demo account is ready.", Type: NotificationSuccess, Link: "/profile"}},
		{d.demo, 12, NewNotification{Title: "Instance stopped", Message: "Legacy Mailer has stopped and is marked dead.", Type: NotificationError, Link: "/instances"}},
		{d.demo, 9, NewNotification{Title: "Instance asleep", Message: "Staging Site was put to sleep after a week without traffic.", Type: NotificationWarning, Link: "/instances"}},
		{d.demo, 0, NewNotification{Title: "New API key", Message: "A read-write API key named Demo key was created.", Type: NotificationInfo, Link: "/api-keys"}},
		{d.member, 39, NewNotification{Title: "Added to Demo Agency", Message: "demo added you to Demo Agency as a manager.", Type: NotificationInfo, Link: "/orgs"}},
	} {
		if _, err := createNotification(d.tx, d.counts, n.user, n.n, d.ago(n.days, 0)); err != nil {
			return err
		}
	}
	return d.tx.Model(&Notification{}).Where("user_id IN ? AND created_at < ?", []int64{d.demo, d.member}, wire.DateTime(d.ago(10, 0))).
		Update("is_read", true).Error
}

// demoEndpoints are the endpoints of the demo's recorded usage.
var demoEndpoints = []string{"profile.view", "orgs.list", "instances.list", "billing.invoices", "analytics.overview", "notifications.list", "instances.view"}

// usage records a week of requests made with the demo key, as the usage recorder writes them: a
// deterministic mix of endpoints, response times and a few errors, on each of the seven UTC days
// that end today (whatever the time of day). The endpoints' numbers, d.endpoints, are given
// before SeedDemo's transaction.
func (d *demoSeed) usage(key *APIKey) error {
	groups := map[usageGroup]*usageTotals{}
	var newest time.Time
	for day := 0; day < 7; day++ {
		n := 8 + (day*5)%7
		y, m, dd := d.now.AddDate(0, 0, -day).Date()
		start := time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
		for i := 0; i < n; i++ {
			// Earlier days from 08:00 on, 17 minutes apart; today's requests spread over its part gone by.
			at := start.Add(8*time.Hour + time.Duration(17*i)*time.Minute)
			if day == 0 {
				at = start.Add(d.now.Sub(start) * time.Duration(i+1) / time.Duration(n+1))
			}
			at = at.Truncate(time.Second)
			status := 200
			if (i+day)%6 == 5 {
				status = []int{400, 404}[(i+day)%2]
			}
			g := usageGroup{userID: d.demo, keyID: key.ID, endpoint: demoEndpoints[(i+day)%len(demoEndpoints)], day: at.Unix() / 86400, status: status}
			if groups[g] == nil {
				groups[g] = &usageTotals{}
			}
			groups[g].add(usageTotals{count: 1, micros: int64(20_000 + (i*37_000+day*11_000)%180_000), last: at})
			if at.After(newest) {
				newest = at
			}
		}
	}
	rows := make([]usageRow, 0, len(groups))
	for g, t := range groups {
		rows = append(rows, usageRow{g, *t})
	}
	sortUsage(rows)
	if _, err := writeUsage(d.tx, rows, d.endpoints, d.now); err != nil { // the reset adds to the report versions
		return fmt.Errorf("demo usage: %w", err)
	}
	return d.tx.Model(key).Update("last_used_at", wire.DateTime(newest)).Error
}

// writeActivity writes the collected entries oldest first.
func (d *demoSeed) writeActivity() error {
	d.log(d.demo, d.ago(44, 0), "profile_updated", "user", d.demo, map[string]any{"fields": []string{"first_name", "last_name", "bio"}})
	sort.SliceStable(d.activity, func(i, j int) bool { return d.activity[i].CreatedAt.Time().Before(d.activity[j].CreatedAt.Time()) })
	return d.tx.Create(&d.activity).Error
}
