package handlers_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"sharepanel/internal/testenv"
	"sharepanel/models"
	"sharepanel/wire"
)

var notificationFields = map[string]string{"id": "number", "title": "string", "message": "string", "type": "string",
	"is_read": "number", "link": "string", "created_at": "datetime"}

// notificationsFixture gives acct three notifications, oldest to newest, the middle one read, and
// other one of its own.
func notificationsFixture(t *testing.T, env *testenv.Env, acct, other *testenv.Account) []*models.Notification {
	t.Helper()
	base := time.Now().UTC().Add(-time.Hour)
	var ns []*models.Notification
	for i, n := range []models.NewNotification{
		{Title: "Welcome", Message: "Welcome to SharePanel", Type: "success", Link: "/profile"},
		{Title: "Maintenance", Message: "Tonight at 2am", Type: "warning"},
		{Title: "New Invoice", Message: "Your invoice INV-123 has been generated", Link: "/billing/invoice/1"},
	} {
		created := env.Notification(acct, n)
		env.SetTime(&models.Notification{}, created.ID, "created_at", base.Add(time.Duration(i)*time.Minute))
		ns = append(ns, created)
	}
	if err := env.Store.MarkNotificationRead(context.Background(), acct.User.ID, ns[1].ID); err != nil {
		t.Fatal(err)
	}
	env.Notification(other, models.NewNotification{Title: "Theirs"})
	return ns
}

func TestNotificationsList(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct, other := env.NewAccount("pro"), env.NewAccount("pro")

	res := callAs(env, acct, "mode", "notifications", "action", "list")
	res.Expect(t, http.StatusOK, "Notifications retrieved successfully")
	if l := res.DataList(t); len(l) != 0 {
		t.Fatalf("new account: %s", res.Body)
	}

	ns := notificationsFixture(t, env, acct, other)
	res = callAs(env, acct, "mode", "notifications", "action", "list")
	list := exactList(t, res)
	if len(list) != 3 {
		t.Fatalf("got %d notifications: %s", len(list), res.Body)
	}
	for i, want := range []*models.Notification{ns[2], ns[1], ns[0]} {
		testenv.ExpectShape(t, list[i], notificationFields)
		if num(list[i], "id") != jsonID(want.ID) || list[i]["title"] != want.Title || list[i]["message"] != want.Message ||
			list[i]["type"] != want.Type || list[i]["link"] != want.Link {
			t.Fatalf("notification %d: %v, want %+v (newest first)", i, list[i], want)
		}
	}
	if num(list[0], "is_read") != "0" || num(list[1], "is_read") != "1" || list[0]["type"] != "info" {
		t.Fatalf("is_read or default type: %v", list)
	}

	// unread_only, in every spelling the pipeline accepts.
	unread := func(res *testenv.Response) {
		t.Helper()
		res.Expect(t, http.StatusOK, "Notifications retrieved successfully")
		l := res.DataList(t)
		if len(l) != 2 || l[0]["id"] != float64(ns[2].ID) || l[1]["id"] != float64(ns[0].ID) {
			t.Fatalf("unread only: %s", res.Body)
		}
	}
	for _, v := range []string{"true", "1", "TRUE", "yes"} {
		unread(callAs(env, acct, "mode", "notifications", "action", "list", "unread_only", v))
	}
	unread(postAs(env, acct, map[string]any{"mode": "notifications", "action": "list", "unread_only": true}))
	unread(postAs(env, acct, map[string]any{"mode": "notifications", "action": "list", "unread_only": 1}))
	unread(postAs(env, acct, map[string]any{"mode": "notifications", "action": "list", "unread_only": "1"}))
	for _, v := range []string{"false", "0", ""} {
		if l := callAs(env, acct, "mode", "notifications", "action", "list", "unread_only", v).DataList(t); len(l) != 3 {
			t.Fatalf("unread_only=%q: %d notifications, want 3", v, len(l))
		}
	}
	callAs(env, acct, "mode", "notifications", "action", "list", "unread_only", "maybe").Expect(t, http.StatusBadRequest, "unread_only must be true or false")

	res = callAs(env, acct, "mode", "notifications", "action", "list", "unread_only", "1", "limit", "1", "offset", "1")
	if l := res.DataList(t); len(l) != 1 || l[0]["id"] != float64(ns[0].ID) {
		t.Fatalf("unread, limit=1 offset=1: %s", res.Body)
	}
	checkPagingErrors(t, env, acct, "notifications", "list")
	if l := callAs(env, other, "mode", "notifications", "action", "list").DataList(t); len(l) != 1 || l[0]["title"] != "Theirs" {
		t.Fatalf("other account's notifications: %v", l)
	}
}

func unreadCount(t *testing.T, env *testenv.Env, acct *testenv.Account) string {
	t.Helper()
	res := callAs(env, acct, "mode", "notifications", "action", "unread_count")
	res.Expect(t, http.StatusOK, "Unread count retrieved successfully")
	d := exactData(t, res).(map[string]any)
	testenv.ExpectShape(t, d, map[string]string{"count": "number"})
	return num(d, "count")
}

func TestNotificationsMarkRead(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct, other := env.NewAccount("pro"), env.NewAccount("pro")
	if n := unreadCount(t, env, acct); n != "0" {
		t.Fatalf("new account: count %s", n)
	}
	ns := notificationsFixture(t, env, acct, other)
	theirs, _, err := env.Store.ListNotifications(context.Background(), other.User.ID, false, wire.Page{Limit: 1})
	if err != nil || len(theirs) != 1 {
		t.Fatal(theirs, err)
	}
	if n := unreadCount(t, env, acct); n != "2" {
		t.Fatalf("count %s, want 2", n)
	}

	mark := func(body map[string]any) *testenv.Response {
		body["mode"], body["action"] = "notifications", "mark_read"
		return postAs(env, acct, body)
	}
	mark(map[string]any{"notification_id": ns[0].ID}).Expect(t, http.StatusOK, "Notification marked as read")
	if n := unreadCount(t, env, acct); n != "1" {
		t.Fatalf("count %s after marking one, want 1", n)
	}
	// Marking a read one again is fine (on MySQL that updates no row, which is not "not found").
	mark(map[string]any{"notification_id": ns[0].ID}).Expect(t, http.StatusOK, "Notification marked as read")
	mark(map[string]any{"notification_id": 999999}).Expect(t, http.StatusNotFound, "Notification not found")
	mark(map[string]any{"notification_id": theirs[0].ID}).Expect(t, http.StatusNotFound, "Notification not found")
	mark(map[string]any{"notification_id": "abc"}).Expect(t, http.StatusBadRequest, "Notification ID must be a positive integer")
	if n := unreadCount(t, env, other); n != "1" {
		t.Fatalf("other account's count %s: its notification must stay unread", n)
	}

	// GET is refused, and so is a read-only key.
	callAs(env, acct, "mode", "notifications", "action", "mark_read", "notification_id", jsonID(ns[2].ID)).
		Expect(t, http.StatusMethodNotAllowed, "Method not allowed. Use POST for this action")
	secret, _, err := env.Store.CreateAPIKey(context.Background(), acct.User.ID, models.NewKey{Name: "ro", Permissions: "read"})
	if err != nil {
		t.Fatal(err)
	}
	postAs(env, &testenv.Account{User: acct.User, Key: secret}, map[string]any{"mode": "notifications", "action": "mark_read"}).
		Expect(t, http.StatusForbidden, "This API key does not have write permission")
	if n := unreadCount(t, env, acct); n != "1" {
		t.Fatalf("count %s after refused calls, want 1", n)
	}

	// Without notification_id: all of the caller's, and only the caller's.
	env.Notification(acct, models.NewNotification{Title: "Another"})
	mark(map[string]any{}).Expect(t, http.StatusOK, "All notifications marked as read")
	if n := unreadCount(t, env, acct); n != "0" {
		t.Fatalf("count %s after marking all, want 0", n)
	}
	if n := unreadCount(t, env, other); n != "1" {
		t.Fatalf("other account's count %s after marking all, want 1", n)
	}
	mark(map[string]any{}).Expect(t, http.StatusOK, "All notifications marked as read") // nothing left: still fine
	if l := callAs(env, acct, "mode", "notifications", "action", "list", "unread_only", "true").DataList(t); len(l) != 0 {
		t.Fatalf("unread after marking all: %v", l)
	}
}

func TestNotificationsDelete(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct, other := env.NewAccount("pro"), env.NewAccount("pro")
	ns := notificationsFixture(t, env, acct, other)
	theirs, _, err := env.Store.ListNotifications(context.Background(), other.User.ID, false, wire.Page{Limit: 1})
	if err != nil || len(theirs) != 1 {
		t.Fatal(theirs, err)
	}
	del := func(body map[string]any) *testenv.Response {
		body["mode"], body["action"] = "notifications", "delete"
		return postAs(env, acct, body)
	}
	del(map[string]any{}).Expect(t, http.StatusBadRequest, "Notification ID is required")
	del(map[string]any{"notification_id": ""}).Expect(t, http.StatusBadRequest, "Notification ID is required")
	del(map[string]any{"notification_id": -3}).Expect(t, http.StatusBadRequest, "Notification ID must be a positive integer")
	del(map[string]any{"notification_id": 999999}).Expect(t, http.StatusNotFound, "Notification not found")
	del(map[string]any{"notification_id": theirs[0].ID}).Expect(t, http.StatusNotFound, "Notification not found")
	callAs(env, acct, "mode", "notifications", "action", "delete", "notification_id", jsonID(ns[0].ID)).
		Expect(t, http.StatusMethodNotAllowed, "Method not allowed. Use POST for this action")

	// Query parameters work for POST too, as in the reference's URL.
	res := env.Do(http.MethodPost, "/api?mode=notifications&action=delete&notification_id="+jsonID(ns[0].ID)+"&api_key="+acct.Key, nil, nil)
	res.Expect(t, http.StatusOK, "Notification deleted successfully")
	if _, ok := res.Env["data"]; ok {
		t.Fatalf("delete must carry no data: %s", res.Body)
	}
	del(map[string]any{"notification_id": ns[0].ID}).Expect(t, http.StatusNotFound, "Notification not found")

	l := callAs(env, acct, "mode", "notifications", "action", "list").DataList(t)
	if len(l) != 2 || l[0]["id"] != float64(ns[2].ID) || l[1]["id"] != float64(ns[1].ID) {
		t.Fatalf("after delete: %v", l)
	}
	if l := callAs(env, other, "mode", "notifications", "action", "list").DataList(t); len(l) != 1 {
		t.Fatalf("other account's notification must survive: %v", l)
	}
}

func TestInvoiceNotificationLinksToInvoice(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("pro")
	inv := env.Invoice(acct, "50.00", models.InvoicePending)
	l := callAs(env, acct, "mode", "notifications", "action", "list").DataList(t)
	if len(l) != 1 || l[0]["title"] != "New Invoice" || l[0]["message"] != "Your invoice "+inv.InvoiceNumber+" has been generated" ||
		l[0]["type"] != "info" || l[0]["is_read"] != 0.0 || l[0]["link"] != "/billing/invoice/"+jsonID(inv.ID) {
		t.Fatalf("invoice notification %v", l)
	}
	// The link's id opens the invoice.
	callAs(env, acct, "mode", "billing", "action", "invoice", "invoice_id", jsonID(inv.ID)).Expect(t, http.StatusOK, "Invoice retrieved successfully")
}
