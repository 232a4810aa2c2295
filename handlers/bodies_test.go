package handlers_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"sharepanel/handlers"
	"sharepanel/handlers/httpkit"
	"sharepanel/internal/testenv"
)

// Issue 10, point 1: the bytes of request bodies in memory are bounded across the process. With a
// budget of 1 MB, an upload holding 900 KB of it makes a second large one wait briefly and then
// answer 503 with Retry-After; once the first is done, the second goes through. Nothing is held
// after a request ends.
func TestBodyBudgetBoundsConcurrentUploads(t *testing.T) {
	budget := httpkit.NewBodyBudget(1<<20, 50*time.Millisecond)
	env := testenv.New(t, testenv.Options{Deps: func(d *handlers.Deps) { d.Bodies = budget }})
	acct := env.NewAccount("enterprise")
	body := func(size int) string {
		head := `{"mode":"profile","action":"view","pad":"`
		return head + strings.Repeat("x", size-len(head)-2) + `"}`
	}
	post := func(r io.Reader, size int) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/api", r)
		req.ContentLength = int64(size)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-API-Key", acct.Key)
		rec := httptest.NewRecorder()
		env.Echo.ServeHTTP(rec, req)
		return rec
	}

	// The first upload sends its body slowly: it holds its 900 KB while it waits for the rest.
	first := body(900 << 10)
	pr, pw := io.Pipe()
	done := make(chan *httptest.ResponseRecorder)
	go func() { done <- post(pr, len(first)) }()
	if _, err := pw.Write([]byte(first[:len(first)-10])); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); budget.InUse() != int64(len(first)); {
		if time.Now().After(deadline) {
			t.Fatalf("the first upload holds %d bytes of the budget, want %d", budget.InUse(), len(first))
		}
		time.Sleep(time.Millisecond) // the upload is a goroutine of its own: poll what it holds
	}

	second := body(200 << 10)
	rec := post(strings.NewReader(second), len(second))
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != "1" ||
		!strings.Contains(rec.Body.String(), `"message":"The server is receiving too much data at once. Please try again later."`) {
		t.Fatalf("second upload while the budget is spent: %d %s %v", rec.Code, rec.Body, rec.Header())
	}
	if _, err := pw.Write([]byte(first[len(first)-10:])); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	if rec := <-done; rec.Code != http.StatusOK {
		t.Fatalf("first upload: %d %s", rec.Code, rec.Body)
	}
	if rec := post(strings.NewReader(second), len(second)); rec.Code != http.StatusOK {
		t.Fatalf("second upload after the first: %d %s", rec.Code, rec.Body)
	}
	if budget.InUse() != 0 {
		t.Fatalf("%d bytes still held after every request ended", budget.InUse())
	}
	// A body larger than the whole budget can never fit: 413, at once.
	big := body(2 << 20)
	if rec := post(bytes.NewReader([]byte(big)), len(big)); rec.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("body over the whole budget: %d %s", rec.Code, rec.Body)
	}
}

// Issue 10, point 1: the mode, the action and the key may come in the first 64 KB of a large
// body; one that names them only past the head is refused with 400, whatever the rest says.
func TestLargeBodiesNameTheCallerInTheirHead(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("enterprise")
	pad := strings.Repeat("x", 100<<10)
	jsonType := http.Header{"Content-Type": {"application/json"}}
	// In the head: read whole after the key, and applied, a member past the head too (a write takes
	// no parameter it does not declare: the padding is white space).
	space := strings.Repeat(" ", 100<<10)
	env.Do(http.MethodPost, "/api", `{"mode":"profile","action":"update","api_key":"`+acct.Key+`","first_name":"Ada",`+space+`"phone":"+1 555"}`, jsonType).
		Expect(t, http.StatusOK, "Profile updated successfully")
	if p := env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": acct.Key}).DataMap(t); p["first_name"] != "Ada" || p["phone"] != "+1 555" {
		t.Fatalf("first_name %v, phone %v", p["first_name"], p["phone"])
	}
	// A parameter the write does not take, past the head: the whole body is read and refused.
	env.Do(http.MethodPost, "/api", `{"mode":"profile","action":"update","api_key":"`+acct.Key+`","first_name":"Bob","pad":"`+pad+`"}`, jsonType).
		Expect(t, http.StatusBadRequest, "Unknown parameter: pad. This action accepts: bio, pfp, first_name, last_name, phone, address, mode, action, api_key")
	// A form alike.
	env.Do(http.MethodPost, "/api", "mode=profile&action=view&api_key="+acct.Key+"&pad="+pad, http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}).
		Expect(t, http.StatusOK, "Profile retrieved successfully")
	// The key only past the head: unknown when it is needed.
	env.Do(http.MethodPost, "/api", `{"mode":"profile","action":"view","pad":"`+pad+`","api_key":"`+acct.Key+`"}`, jsonType).
		Expect(t, http.StatusUnauthorized, "Invalid or expired API key")
	// The key in a header, and an action past the head that differs from the query's.
	env.Do(http.MethodPost, "/api?mode=profile&action=view", `{"pad":"`+pad+`","action":"stats"}`, http.Header{"Content-Type": {"application/json"}, "X-Api-Key": {acct.Key}}).
		Expect(t, http.StatusBadRequest, "action must be in the query string or the first 65536 bytes of the body")
	// Chunked (no Content-Length): read on as it comes, to the plan's cap (3 MB of enterprise's 50).
	big := `{"mode":"profile","action":"update","api_key":"` + acct.Key + `",` + strings.Repeat(" ", 3<<20) + `"last_name":"Lovelace"}`
	req := httptest.NewRequest(http.MethodPost, "/api", struct{ io.Reader }{strings.NewReader(big)})
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	env.Echo.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("chunked 3 MB: %d %s", rec.Code, rec.Body)
	}
	if name := env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": acct.Key}).DataMap(t)["last_name"]; name != "Lovelace" {
		t.Fatalf("last_name %v", name)
	}
	// Without a key, no more than the head is accepted.
	env.Do(http.MethodPost, "/api?mode=auth", `{"email":"a@example.com","password":"`+pad+`"}`, jsonType).
		Expect(t, http.StatusRequestEntityTooLarge, "Payload too large. Requests without an API key may send at most 65536 bytes")
}
