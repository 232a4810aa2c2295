package handlers_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"sharepanel/handlers"
	"sharepanel/internal/testenv"
	"sharepanel/models"
	"sharepanel/wire"
)

// linkRE is one link of a Link header.
var linkRE = regexp.MustCompile(`<([^>]*)>; rel="([a-z]+)"`)

// links reads a Link header into rel → URL.
func links(t *testing.T, h string) map[string]*url.URL {
	t.Helper()
	out := map[string]*url.URL{}
	for _, m := range linkRE.FindAllStringSubmatch(h, -1) {
		u, err := url.Parse(m[1])
		if err != nil {
			t.Fatalf("link %q: %v", m[1], err)
		}
		out[m[2]] = u
	}
	if len(out) == 0 || strings.Count(h, "rel=") != len(out) {
		t.Fatalf("Link %q: want comma-separated <url>; rel=\"…\" links", h)
	}
	return out
}

// Every action that lists takes limit and offset (default 50, at most 500) and answers with a
// Link header (first always; prev, next and last as they apply) and, but for search, an
// X-Total-Count header; the envelope stays as the reference has it.
func TestEveryListIsPaged(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("enterprise")
	org := orgsCreate(t, env, acct.Key, map[string]any{"title": "Paged Org"})
	env.SeedInstance(acct.User.ID, models.NewInstance{Name: "paged"})
	env.Invoice(acct, "1.00", models.InvoicePaid) // an invoice, its transaction and its notification
	env.Purchase(acct, models.NewPurchase{ItemID: "app", ItemType: "app"})
	ids := map[string]string{"org_id": fmt.Sprint(org), "query": "paged"}
	lists := 0
	for _, m := range handlers.Routes {
		for _, a := range m.Actions {
			if a.Write || m.Public {
				continue
			}
			isList := strings.HasPrefix(fmt.Sprintf("%T", a.Response), "[]")
			var limit, offset bool
			q := map[string]string{"mode": m.Name, "api_key": acct.Key}
			if m.Selector != "" {
				q[m.Selector] = a.Name
			}
			for _, p := range a.Params {
				limit = limit || p.Name == "limit" && p.Default == "50" && p.Max == wire.MaxLimit && p.Min == 1
				offset = offset || p.Name == "offset" && p.Default == "0"
				if v, ok := ids[p.Name]; ok && p.Required {
					q[p.Name] = v
				}
			}
			name := handlers.Endpoint(m.Name, a.Name)
			// The per-day reports are bounded by their period (at most 366 days), not paged.
			if name == "analytics.usage" || name == "analytics.spending" {
				if limit || offset {
					t.Errorf("%s pages", name)
				}
				continue
			}
			if isList != (limit && offset) {
				t.Errorf("%s: a list %v, takes limit and offset %v %v", name, isList, limit, offset)
				continue
			}
			if !isList {
				res := env.Get(q)
				if res.Header.Get("Link") != "" || res.Header.Get("X-Total-Count") != "" {
					t.Errorf("%s is not a list but has paging headers: %v", name, res.Header)
				}
				continue
			}
			lists++
			q["limit"] = "1"
			res := env.Get(q)
			if res.Code != http.StatusOK || len(res.DataList(t)) != 1 {
				t.Errorf("%s limit=1: %d %s", name, res.Code, res.Body)
				continue
			}
			l := links(t, res.Header.Get("Link"))
			if l["first"] == nil || l["prev"] != nil {
				t.Errorf("%s: Link %q: want first and no prev on the first page", name, res.Header.Get("Link"))
			}
			total := res.Header.Get("X-Total-Count")
			if (total == "") != (name == "search") || (total != "" && l["last"] == nil) {
				t.Errorf("%s: X-Total-Count %q, Link %q", name, total, res.Header.Get("Link"))
			}
			for _, bad := range []string{"0", "501", "x"} {
				q["limit"] = bad
				env.Get(q).Expect(t, http.StatusBadRequest, "limit must be an integer between 1 and 500")
			}
			delete(q, "limit")
			q["offset"] = "-1"
			env.Get(q).Expect(t, http.StatusBadRequest, "offset must be a non-negative integer")
		}
	}
	if lists != 11 {
		t.Fatalf("%d list actions, want 11", lists)
	}
}

// The links are path-absolute URLs of the same request (no SHAREPANEL_PUBLIC_URL here): every
// parameter it had, query and body alike, stays (but api_key, and parameters the action does not
// take past 256 bytes all told), with limit and offset set; prev, next and last as the page's place
// in the list says. The headers are readable from a browser on another origin.
func TestPageLinks(t *testing.T) {
	env := testenv.New(t, testenv.Options{Deps: func(d *handlers.Deps) { d.CORSOrigins = []string{"https://dash.example.net"} }})
	acct := env.NewAccount("pro")
	for i := range 7 {
		env.Invoice(acct, fmt.Sprintf("%d.00", i+1), models.InvoicePending)
	}
	env.Invoice(acct, "9.00", models.InvoicePaid)
	res := env.Do(http.MethodGet, "/api?mode=billing&action=invoices&status=pending&limit=3&offset=3&_=1700000000&api_key="+acct.Key+
		"&junk="+strings.Repeat("j", 300), nil, http.Header{"Origin": {"https://dash.example.net"}})
	res.Expect(t, http.StatusOK, "Invoices retrieved successfully")
	if got := len(res.DataList(t)); got != 3 {
		t.Fatalf("%d invoices, want 3", got)
	}
	if res.Header.Get("X-Total-Count") != "7" {
		t.Fatalf("X-Total-Count %q, want 7 (the pending ones)", res.Header.Get("X-Total-Count"))
	}
	want := map[string]string{
		"first": "/api?_=1700000000&action=invoices&mode=billing&status=pending&limit=3&offset=0",
		"prev":  "/api?_=1700000000&action=invoices&mode=billing&status=pending&limit=3&offset=0",
		"next":  "/api?_=1700000000&action=invoices&mode=billing&status=pending&limit=3&offset=6",
		"last":  "/api?_=1700000000&action=invoices&mode=billing&status=pending&limit=3&offset=6",
	}
	got := links(t, res.Header.Get("Link"))
	if len(got) != len(want) {
		t.Fatalf("Link %q", res.Header.Get("Link"))
	}
	for rel, w := range want {
		if got[rel].String() != w {
			t.Errorf("%s: %s, want %s", rel, got[rel], w)
		}
	}
	exposed := headerList(res.Header.Get("Access-Control-Expose-Headers"))
	if !exposed["link"] || !exposed["x-total-count"] {
		t.Errorf("Expose-Headers %q: want Link and X-Total-Count", res.Header.Get("Access-Control-Expose-Headers"))
	}

	// Following next to the end, with the key in a header, visits every invoice once.
	next := "/api?mode=billing&action=invoices&limit=3"
	var seen []string
	for range 10 {
		h := http.Header{}
		h.Set("X-API-Key", acct.Key)
		res := env.Do(http.MethodGet, next, nil, h)
		res.Expect(t, http.StatusOK, "Invoices retrieved successfully")
		for _, inv := range res.DataList(t) {
			seen = append(seen, inv["invoice_number"].(string))
		}
		l := links(t, res.Header.Get("Link"))
		if l["next"] == nil {
			break
		}
		if strings.Contains(l["next"].RawQuery, "api_key") {
			t.Fatalf("a link carries the key: %s", l["next"])
		}
		next = l["next"].RequestURI()
	}
	if len(seen) != 8 || len(slices.Compact(slices.Sorted(slices.Values(seen)))) != 8 {
		t.Fatalf("following next visited %v, want the 8 invoices once each", seen)
	}

	// A POST's body parameters become the links' query parameters; a page past the end has first,
	// prev and last, and no next.
	res = env.Post(map[string]any{"mode": "billing", "action": "invoices", "api_key": acct.Key, "limit": 5, "offset": 20})
	res.Expect(t, http.StatusOK, "Invoices retrieved successfully")
	l := links(t, res.Header.Get("Link"))
	if l["next"] != nil || l["prev"].Query().Get("offset") != "15" || l["last"].Query().Get("offset") != "5" ||
		l["first"].Query().Get("mode") != "billing" || l["first"].Query().Get("action") != "invoices" || l["first"].Query().Has("api_key") {
		t.Fatalf("past the end: Link %q", res.Header.Get("Link"))
	}
	if len(res.DataList(t)) != 0 || res.Header.Get("X-Total-Count") != "8" {
		t.Fatalf("past the end: %s, X-Total-Count %q", res.Body, res.Header.Get("X-Total-Count"))
	}
}

// A deep page is exactly what LIMIT/OFFSET over the whole sorted list gives, whether it is read
// from the start of the list or found through the days (from offset 500 on): every list, at
// offsets all around the seek's threshold and the days' boundaries, over rows spread unevenly on
// 300 days (more than the seek reads in one statement, so that it reads on), several in the same
// second, with some deleted and some changed.
func TestDeepPagesAreExact(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	ctx := context.Background()
	acct := env.NewAccount("enterprise")
	other := env.NewAccount("enterprise")
	db := env.Store.DB()
	rng := rand.New(rand.NewPCG(3, 5))
	const days = 300
	base := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -days)
	when := func() wire.DateTime {
		day := rng.IntN(days)
		if rng.IntN(3) == 0 {
			day = days - 1 - rng.IntN(3) // busier recent days
		}
		return wire.DateTime(base.AddDate(0, 0, day).Add(time.Duration(rng.IntN(4)*21600+rng.IntN(3)) * time.Second))
	}
	const n = 1800
	for _, u := range []*testenv.Account{acct, other} {
		var notes []models.Notification
		var invoices []models.Invoice
		var txs []models.Transaction
		var buys []models.Purchase
		var acts []models.Activity
		for i := range n {
			notes = append(notes, models.Notification{UserID: u.User.ID, Title: "n", Type: "info", IsRead: wire.Flag(rng.IntN(3) == 0), CreatedAt: when()})
			invoices = append(invoices, models.Invoice{UserID: u.User.ID, InvoiceNumber: fmt.Sprintf("T-%d-%d", u.User.ID, i), TotalAmount: 100,
				Status: models.InvoiceStatuses[rng.IntN(3)], CreatedAt: when()})
			txs = append(txs, models.Transaction{UserID: u.User.ID, TransactionID: "t", Amount: 100, Status: "completed", Date: when(), Type: "deposit"})
			buys = append(buys, models.Purchase{UserID: u.User.ID, ItemID: "i", ItemType: "app", PurchaseType: "one_time", CreatedAt: when()})
			acts = append(acts, models.Activity{UserID: u.User.ID, Action: "x", CreatedAt: when()})
		}
		for _, rows := range []any{&notes, &invoices, &txs, &buys, &acts} {
			if err := db.CreateInBatches(rows, 200).Error; err != nil {
				t.Fatal(err)
			}
		}
		if err := env.Store.Recount(ctx, u.User.ID); err != nil { // written behind the totals' back
			t.Fatal(err)
		}
	}
	// Changes through the models, which keep the days: deletions, notifications read.
	for range 60 {
		var id int64
		db.Raw("SELECT id FROM notifications WHERE user_id = ? ORDER BY id LIMIT 1 OFFSET ?", acct.User.ID, rng.IntN(n-100)).Scan(&id)
		if rng.IntN(2) == 0 {
			if err := env.Store.DeleteNotification(ctx, acct.User.ID, id); err != nil {
				t.Fatal(err)
			}
		} else if err := env.Store.MarkNotificationRead(ctx, acct.User.ID, id); err != nil {
			t.Fatal(err)
		}
	}

	for _, l := range []struct {
		mode, action, param, value string
		table, column, where       string
	}{
		{"notifications", "list", "", "", "notifications", "created_at", ""},
		{"notifications", "list", "unread_only", "true", "notifications", "created_at", "is_read = 0"},
		{"billing", "invoices", "", "", "invoices", "created_at", ""},
		{"billing", "invoices", "status", "paid", "invoices", "created_at", "status = 'paid'"},
		{"billing", "transactions", "", "", "transactions", "date", ""},
		{"billing", "purchases", "", "", "purchases", "created_at", ""},
		{"analytics", "activity", "", "", "activity_logs", "created_at", ""},
	} {
		q := "SELECT id FROM " + l.table + " WHERE user_id = ?"
		if l.where != "" {
			q += " AND " + l.where
		}
		var all []int64
		if err := db.Raw(q+" ORDER BY "+l.column+" DESC, id DESC", acct.User.ID).Scan(&all).Error; err != nil {
			t.Fatal(err)
		}
		offsets := []int{0, 1, 49, 450, 499, 500, 501, 520, 777, len(all) - 7, len(all) - 1, len(all), len(all) + 3}
		for range 12 {
			offsets = append(offsets, rng.IntN(len(all)+1))
		}
		for _, off := range offsets {
			limit := []int{1, 7, 50, 500}[rng.IntN(4)]
			p := map[string]string{"mode": l.mode, "action": l.action, "limit": strconv.Itoa(limit), "offset": strconv.Itoa(off)}
			if l.param != "" {
				p[l.param] = l.value
			}
			res := callAs(env, acct, mapArgs(p)...)
			if res.Code != http.StatusOK {
				t.Fatalf("%v: %d %s", p, res.Code, res.Body)
			}
			var got []int64
			for _, item := range res.DataList(t) {
				got = append(got, int64(item["id"].(float64)))
			}
			want := all[min(off, len(all)):min(off+limit, len(all))]
			if !slices.Equal(got, want) {
				t.Fatalf("%v: ids %v, want %v", p, got, want)
			}
			if res.Header.Get("X-Total-Count") != strconv.Itoa(len(all)) {
				t.Fatalf("%v: X-Total-Count %q, want %d", p, res.Header.Get("X-Total-Count"), len(all))
			}
		}
	}
}

// mapArgs flattens parameters for callAs.
func mapArgs(p map[string]string) []string {
	var kv []string
	for k, v := range p {
		kv = append(kv, k, v)
	}
	return kv
}

// A link's origin is never the request's: not its Host header, nor an X-Forwarded-Proto from a
// client that is not a trusted proxy, which would let anyone on the way point a reader's next
// page (and the key it sends) elsewhere. With SHAREPANEL_PUBLIC_URL the links are on it, path
// form included; without it they are path-absolute. (A hostile pass found both.)
func TestPageLinksIgnoreTheHostHeaderAndForwardedProto(t *testing.T) {
	env := testenv.New(t, testenv.Options{Deps: func(d *handlers.Deps) { d.PublicURL = "https://panel.example/" }})
	acct := env.NewAccount("pro")
	for range 2 {
		env.Do(http.MethodPost, "/api", map[string]any{"mode": "orgs", "action": "new"}, http.Header{"X-Api-Key": {acct.Key}}).
			Expect(t, http.StatusOK, "Organization created successfully")
	}
	for target, path := range map[string]string{
		"http://evil.example/api?mode=orgs&action=list&limit=1": "/api",
		"http://evil.example/api/orgs/list?limit=1":             "/api/orgs/list",
	} {
		// httptest takes the Host from an absolute target: the request arrives with Host: evil.example.
		res := env.Do(http.MethodGet, target, nil, http.Header{"X-Api-Key": {acct.Key}, "X-Forwarded-Proto": {"http"}})
		res.Expect(t, http.StatusOK, "Organizations retrieved successfully")
		got := links(t, res.Header.Get("Link"))
		if len(got) != 3 {
			t.Fatalf("%s: Link %q: want first, next and last", target, res.Header.Get("Link"))
		}
		for rel, u := range got {
			if u.Scheme != "https" || u.Host != "panel.example" || u.Path != path {
				t.Errorf("%s: rel=%q is %q: want it on the public URL https://panel.example%s", target, rel, u, path)
			}
		}
	}

	plain := testenv.New(t, testenv.Options{})
	other := plain.NewAccount("pro")
	res := plain.DoFrom("10.1.2.3:5000", http.MethodGet, "http://evil.example/api?mode=orgs&action=list", nil,
		http.Header{"X-Api-Key": {other.Key}, "X-Forwarded-Proto": {"https"}, "X-Forwarded-Host": {"evil.example"}})
	res.Expect(t, http.StatusOK, "Organizations retrieved successfully")
	if first := links(t, res.Header.Get("Link"))["first"]; first.Scheme != "" || first.Host != "" || first.Path != "/api" {
		t.Errorf("rel=first %q: want a path-absolute link, not one on the request's Host or forwarded scheme", first)
	}
}

// Parameters a read does not take are kept in its links only while they fit in 256 bytes all told:
// 200 ignored parameters of 240 bytes (48 KB) once made every Link as long as the query, 1.86 MB of
// headers for a 620 KB query, more than proxies and clients accept. (A hostile pass found it.)
func TestPageLinksStayBoundedWithManyIgnoredParameters(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("pro")
	var q strings.Builder
	for i := range 200 {
		fmt.Fprintf(&q, "&x%03d=%s", i, strings.Repeat("v", 240))
	}
	res := env.Do(http.MethodGet, "/api?mode=orgs&action=list&limit=1&_=1700000000"+q.String(), nil, http.Header{"X-Api-Key": {acct.Key}})
	res.Expect(t, http.StatusOK, "Organizations retrieved successfully")
	first := links(t, res.Header.Get("Link"))["first"]
	if n := len(res.Header.Get("Link")); n > 1024 {
		t.Fatalf("Link header of %d bytes for %d bytes of ignored parameters: want it bounded", n, q.Len())
	}
	// The short cache-buster comes first in name order and stays; the ignored parameters that fit
	// after it (one of 244 bytes) too, the rest are left out.
	if v := first.Query(); v.Get("_") != "1700000000" || v.Get("mode") != "orgs" || v.Get("action") != "list" || v.Get("x000") == "" || v.Get("x001") != "" {
		t.Fatalf("rel=first %q", first)
	}
}

// A parameter the action takes is bounded by its rules, but as the rules read it: an enum, a flag
// or a number may come padded with white space, which the check trims and the links kept as sent.
// 60,000 tabs after status=pending (180 KB of query) made a Link header of 360 KB (first and last;
// up to four links on a longer list). Links carry the value as checked. (A hostile pass.)
func TestPageLinksCarryDeclaredParametersAsChecked(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("pro")
	pad := strings.Repeat("%09", 60_000)
	res := env.Do(http.MethodGet, "/api?mode=billing&action=invoices&limit=1&status=pending"+pad, nil, http.Header{"X-Api-Key": {acct.Key}})
	res.Expect(t, http.StatusOK, "Invoices retrieved successfully")
	if n := len(res.Header.Get("Link")); n > 1024 {
		t.Fatalf("Link header of %d bytes for one padded status: want it bounded", n)
	}
	if v := links(t, res.Header.Get("Link"))["first"].Query(); v.Get("status") != "pending" {
		t.Fatalf("rel=first status %q, want pending", v.Get("status"))
	}
}

// A list reads what gorm's Find read: NULL in a column the schema lets be NULL (a notification's
// message, an activity entry's details, written by an earlier version or by hand) as the field's
// zero, and a column this version does not know (one a later version added, while this one still
// serves during a rolling upgrade) not at all. Both used to fail the whole page.
func TestListsReadNullsAndColumnsTheyDoNotKnow(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("pro")
	db := env.Store.DB()
	now := wire.Now()
	for _, q := range []string{
		"INSERT INTO notifications (user_id, title, message, type, is_read, link, created_at) VALUES (?, 'Hand-made', NULL, 'info', ?, '', ?)",
		"INSERT INTO activity_logs (user_id, action, resource_type, details, ip_address, created_at) VALUES (?, 'by_hand', '', NULL, '', ?)",
		"ALTER TABLE notifications ADD COLUMN priority integer NOT NULL DEFAULT 0",
		"ALTER TABLE activity_logs ADD COLUMN origin varchar(16) NOT NULL DEFAULT 'later'",
	} {
		args := []any{acct.User.ID, false, now}
		switch {
		case strings.HasPrefix(q, "ALTER"):
			args = nil
		case strings.Contains(q, "activity_logs"):
			args = []any{acct.User.ID, now}
		}
		if err := db.Exec(q, args...).Error; err != nil {
			t.Fatal(err)
		}
	}
	if err := env.Store.Recount(context.Background(), acct.User.ID); err != nil { // written behind the totals' back
		t.Fatal(err)
	}
	res := callAs(env, acct, "mode", "notifications", "action", "list")
	res.Expect(t, http.StatusOK, "Notifications retrieved successfully")
	if items := res.DataList(t); len(items) != 1 || items[0]["message"] != "" || items[0]["title"] != "Hand-made" || items[0]["priority"] != nil {
		t.Errorf("notifications: %v, want the hand-made one with message \"\" and no priority", items)
	}
	res = callAs(env, acct, "mode", "analytics", "action", "activity")
	res.Expect(t, http.StatusOK, "Activity logs retrieved successfully")
	found := false
	for _, item := range res.DataList(t) {
		if item["action"] == "by_hand" {
			found = true
			if d, ok := item["details"].(map[string]any); !ok || len(d) != 0 || item["origin"] != nil {
				t.Errorf("activity entry %v: want details {} and no origin", item)
			}
		}
	}
	if !found {
		t.Errorf("activity: %s, want the entry made by hand", res.Body)
	}
}
