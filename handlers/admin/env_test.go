package admin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"sharepanel/handlers/admin"
	"sharepanel/internal/testenv"
	"sharepanel/models"
	"sharepanel/ratelimit"
)

// env is the user API and the admin API over one store, the way main wires them.
type env struct {
	*testenv.Env
	Admin *echo.Echo
	Token string // an administrator's token ("root")
}

type envOptions struct {
	Login   *ratelimit.Auth // both APIs'; default: no login limits
	Secret  string
	APIOff  bool
	Deps    func(*admin.Deps)
	Limiter ratelimit.Limiter // of the user API; default unlimited
}

const rootPassword = "root-password-1"

func newEnv(t *testing.T, opts envOptions) *env {
	t.Helper()
	if opts.Login == nil {
		opts.Login = testenv.UnlimitedLogins()
	}
	user := testenv.New(t, testenv.Options{Limiter: opts.Limiter, Login: opts.Login}) // one login limiter, as main wires it
	d := admin.Deps{Store: user.Store, Log: testenv.Logger(t), JWTSecret: opts.Secret, Login: opts.Login,
		CORSOrigins: []string{"*"}}
	if opts.Deps != nil {
		opts.Deps(&d)
	}
	e := &env{Env: user, Admin: admin.New(d)}
	ctx := context.Background()
	if _, err := user.Store.CreateAdmin(ctx, "root", rootPassword); err != nil {
		t.Fatal(err)
	}
	if !opts.APIOff {
		e.setAPI(t, "on")
		e.Token = e.login(t, "root", rootPassword)
	}
	return e
}

// setAPI flips the switch as `sharepanel config update api` does.
func (e *env) setAPI(t *testing.T, v string) {
	t.Helper()
	if _, err := e.Store.UpdateSettings(context.Background(), map[string]string{models.SettingAPI: v}); err != nil {
		t.Fatal(err)
	}
}

// login gets a token through POST /api/.
func (e *env) login(t *testing.T, username, password string) string {
	t.Helper()
	res := e.call(t, http.MethodPost, "/api/", map[string]string{"username": username, "password": password}, "")
	res.expectStatus(t, http.StatusOK)
	tok, _ := res.JSON["access_token"].(string)
	if strings.Count(tok, ".") != 2 {
		t.Fatalf("access_token %q", tok)
	}
	return tok
}

// response is one admin API answer, decoded.
type response struct {
	Code   int
	Header http.Header
	Body   []byte
	JSON   map[string]any
}

// call sends a request to the admin API. body: nil, a string (sent as is, JSON content type), or
// anything else (marshalled to JSON). token "" sends no Authorization header.
func (e *env) call(t *testing.T, method, path string, body any, token string) *response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return e.do(t, req)
}

// do sends a prepared request to the admin API.
func (e *env) do(t *testing.T, req *http.Request) *response {
	t.Helper()
	method, path := req.Method, req.URL.Path
	rec := httptest.NewRecorder()
	e.Admin.ServeHTTP(rec, req)
	res := &response{Code: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
	if len(res.Body) > 0 {
		if err := json.Unmarshal(res.Body, &res.JSON); err != nil {
			t.Fatalf("%s %s: body is not a JSON object: %v: %s", method, path, err, res.Body)
		}
	}
	return res
}

// as calls with the root token.
func (e *env) as(t *testing.T, method, path string, body any) *response {
	t.Helper()
	return e.call(t, method, path, body, e.Token)
}

func (r *response) expectStatus(t *testing.T, code int) {
	t.Helper()
	if r.Code != code {
		t.Fatalf("status %d, want %d; body %s", r.Code, code, r.Body)
	}
}

// ok checks a success: 200 and exactly {"response": …, "success": true}; it returns the response.
func (r *response) ok(t *testing.T) any {
	t.Helper()
	r.expectStatus(t, http.StatusOK)
	if r.JSON["success"] != true || len(r.JSON) != 2 {
		t.Fatalf("success shape: %s", r.Body)
	}
	v, has := r.JSON["response"]
	if !has {
		t.Fatalf("no response: %s", r.Body)
	}
	return v
}

// object is a success whose response is an object.
func (r *response) object(t *testing.T) map[string]any {
	t.Helper()
	m, isMap := r.ok(t).(map[string]any)
	if !isMap {
		t.Fatalf("response is not an object: %s", r.Body)
	}
	return m
}

// items is a success whose response is an array of objects.
func (r *response) items(t *testing.T) []map[string]any {
	t.Helper()
	l, isList := r.ok(t).([]any)
	if !isList {
		t.Fatalf("response is not an array: %s", r.Body)
	}
	out := make([]map[string]any, len(l))
	for i, v := range l {
		out[i], _ = v.(map[string]any)
	}
	return out
}

// expectMessage checks {"response": {"message": msg}, "success": true}.
func (r *response) expectMessage(t *testing.T, msg string) {
	t.Helper()
	if got := r.object(t)["message"]; got != msg {
		t.Fatalf("message %q, want %q; body %s", got, msg, r.Body)
	}
}

// fail checks an error: the status and exactly {"success": false, "error": msg}.
func (r *response) fail(t *testing.T, code int, msg string) {
	t.Helper()
	if r.Code != code || r.JSON["success"] != false || r.JSON["error"] != msg || len(r.JSON) != 3 ||
		r.JSON["request_id"] == "" || r.JSON["request_id"] != r.Header.Get("X-Request-ID") {
		t.Fatalf("got %d %s, want %d %q with the request ID", r.Code, r.Body, code, msg)
	}
}

// createUser makes an account through the admin API and returns a key for it from mode=auth.
func (e *env) createUser(t *testing.T, username, plan string) (email, password, key string) {
	t.Helper()
	email, password = username+"@example.com", "pw-"+username+"-123"
	e.as(t, http.MethodPost, "/api/users", map[string]string{"email": email, "username": username, "password": password, "plan_name": plan}).
		expectMessage(t, "Successfully added user "+username)
	res := e.Get(map[string]string{"mode": "auth", "email": email, "password": password})
	res.Expect(t, http.StatusOK, "Authentication successful")
	key, _ = res.DataMap(t)["api_key"].(string)
	return email, password, key
}

// profile is the user API's profile view for key.
func (e *env) profile(t *testing.T, key string) *testenv.Response {
	t.Helper()
	return e.Get(map[string]string{"mode": "profile", "action": "view", "api_key": key})
}
