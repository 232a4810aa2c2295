package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sharepanel/config"
)

// The service as serve wires it from the environment, on real listeners (issue 10): what only the
// wiring decides is tested here, through HTTP and raw sockets.

// served is a running serve: its listeners' addresses.
type served struct {
	user, admin string
}

// startServe runs serve with env (over a fresh SQLite database and free loopback ports) until the
// test ends. before runs other commands on the same configuration first (user add).
func startServe(t *testing.T, env map[string]string, before ...[]string) served {
	t.Helper()
	s := served{user: freeAddr(t), admin: freeAddr(t)}
	vars := map[string]string{
		"SHAREPANEL_DATABASE_URL":     "sqlite://" + filepath.Join(t.TempDir(), "serve.db"),
		"SHAREPANEL_ADDR":             s.user,
		"SHAREPANEL_ADMIN_ADDR":       s.admin,
		"SHAREPANEL_LOG_FORMAT":       "text",
		"SHAREPANEL_LOG_LEVEL":        "error",
		"SHAREPANEL_SHUTDOWN_TIMEOUT": "2s",
	}
	for k, v := range env {
		vars[k] = v
	}
	getenv := func(k string) string { return vars[k] }
	for _, args := range before {
		if err := run(args, getenv, io.Discard, io.Discard); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		t.Fatal(err)
	}
	log, closeLog := newLogger(cfg, io.Discard)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, log) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		closeLog()
	})
	// The listeners are up once the user API answers /healthz and the admin listener accepts: a
	// bounded poll on a server that is starting.
	deadline := time.Now().Add(20 * time.Second)
	// No keep-alive: an idle pooled connection would hold one of the listener's connections.
	poll := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	for {
		res, err := poll.Get("http://" + s.user + "/healthz")
		if err == nil {
			res.Body.Close()
			var conn net.Conn
			if conn, err = net.Dial("tcp", s.admin); err == nil {
				conn.Close()
				return s
			}
		}
		select {
		case err := <-done:
			t.Fatalf("serve stopped: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not answer within 20 s: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Point 11: CORS is off on the admin API unless SHAREPANEL_ADMIN_CORS_ORIGINS names origins (the
// user API's default "*" applied to it too); the user API keeps its own setting.
func TestServeAdminCORSIsOffByDefault(t *testing.T) {
	preflight := func(addr, path, origin string) http.Header {
		req, _ := http.NewRequest(http.MethodOptions, "http://"+addr+path, nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", http.MethodPost)
		req.Header.Set("Access-Control-Request-Headers", "Authorization, Content-Type")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.Header
	}
	s := startServe(t, nil)
	if h := preflight(s.admin, "/api/users", "https://evil.example"); h.Get("Access-Control-Allow-Origin") != "" || h.Get("Access-Control-Allow-Headers") != "" {
		t.Fatalf("admin API preflight from any origin, by default: %v", h)
	}
	if h := preflight(s.user, "/api", "https://dashboard.example"); h.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("user API preflight: %v", h)
	}
	s = startServe(t, map[string]string{"SHAREPANEL_ADMIN_CORS_ORIGINS": "https://console.example"})
	if h := preflight(s.admin, "/api/users", "https://console.example"); h.Get("Access-Control-Allow-Origin") != "https://console.example" {
		t.Fatalf("admin API preflight from the named origin: %v", h)
	}
	if h := preflight(s.admin, "/api/users", "https://evil.example"); h.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("admin API preflight from another origin: %v", h)
	}
}

// Point 11: the docs' servers come from SHAREPANEL_PUBLIC_URL, or are "/": never the Host header.
func TestServeDocsIgnoreTheHostHeader(t *testing.T) {
	servers := func(addr string) (string, string) {
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/docs/openapi.json", nil)
		req.Host = "evil.example"
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		var doc struct {
			Servers []struct{ URL string } `json:"servers"`
		}
		if err := json.Unmarshal(body, &doc); err != nil || len(doc.Servers) == 0 {
			t.Fatalf("%v %.200s", err, body)
		}
		if bytes.Contains(body, []byte("evil.example")) {
			t.Errorf("the Host header is in the document served by %s", addr)
		}
		return doc.Servers[0].URL, string(body)
	}
	s := startServe(t, nil, []string{"config", "update", "api", "on"})
	if got, _ := servers(s.user); got != "/" {
		t.Errorf("user API docs server %q, want /", got)
	}
	if got, _ := servers(s.admin); got != "/" {
		t.Errorf("admin API docs server %q, want /", got)
	}
	s = startServe(t, map[string]string{"SHAREPANEL_PUBLIC_URL": "https://api.example.com/"})
	got, body := servers(s.user)
	if got != "https://api.example.com" || !strings.Contains(body, `curl \"https://api.example.com/api?mode=auth`) {
		t.Errorf("user API docs server %q with a public URL", got)
	}
}

// Point 4: SHAREPANEL_READ_TIMEOUT bounds the time a request, body included, may take to arrive:
// a body that stalls, and one that trickles a byte at a time, are cut off with 408.
func TestServeReadTimeout(t *testing.T) {
	s := startServe(t, map[string]string{"SHAREPANEL_READ_TIMEOUT": "500ms"})
	for name, trickle := range map[string]bool{"stalled": false, "trickle": true} {
		t.Run(name, func(t *testing.T) {
			conn, err := net.Dial("tcp", s.user)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			// A guard against a hung test only: the server's deadline is what ends the request.
			_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
			head := "POST /api?mode=profile&action=update HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"bio\":\""
			if _, err := conn.Write([]byte(head)); err != nil {
				t.Fatal(err)
			}
			answered := make(chan *http.Response, 1)
			go func() {
				res, _ := http.ReadResponse(bufio.NewReader(conn), nil)
				answered <- res
			}()
			var res *http.Response
			if trickle {
				tick := time.NewTicker(100 * time.Millisecond) // the client's pace, not a wait for the server
				defer tick.Stop()
			send:
				for sent := 0; sent < 990; sent++ {
					select {
					case res = <-answered:
						break send
					case <-tick.C:
						if _, err := conn.Write([]byte("x")); err != nil {
							res = <-answered
							break send
						}
					}
				}
			} else {
				res = <-answered
			}
			if res == nil {
				t.Fatal("the connection ended without an answer")
			}
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != http.StatusRequestTimeout || !strings.Contains(string(body), `"message":"Request body not received in time"`) {
				t.Fatalf("%d %s", res.StatusCode, body)
			}
			// And the server closes the connection.
			if _, err := conn.Read(make([]byte, 1)); !errors.Is(err, io.EOF) && !isReset(err) {
				t.Fatalf("after the 408 the connection is still open: %v", err)
			}
		})
	}
}

func isReset(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && !op.Timeout()
}

// Point 4: SHAREPANEL_MAX_CONNS caps each listener's connections: past it, a connection is answered
// 503 with Retry-After at once; when one closes, the next is served.
func TestServeMaxConns(t *testing.T) {
	s := startServe(t, map[string]string{"SHAREPANEL_MAX_CONNS": "2"})
	get := func(conn net.Conn) *http.Response {
		_ = conn.SetDeadline(time.Now().Add(20 * time.Second)) // a guard only
		if _, err := conn.Write([]byte("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")); err != nil {
			return nil
		}
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			return nil
		}
		_, _ = io.Copy(io.Discard, res.Body)
		return res
	}
	var held []net.Conn
	deadline := time.Now().Add(10 * time.Second)
	for len(held) < 2 { // two keep-alive connections the server has accepted
		conn, err := net.Dial("tcp", s.user)
		if err != nil {
			t.Fatal(err)
		}
		res := get(conn)
		if res != nil && res.StatusCode == http.StatusServiceUnavailable && time.Now().Before(deadline) {
			// The start-up poll's connection may not be closed on the server's side yet: a
			// bounded wait for its slot.
			conn.Close()
			time.Sleep(20 * time.Millisecond)
			continue
		}
		defer conn.Close()
		if res == nil || res.StatusCode != http.StatusOK {
			t.Fatalf("connection %d: %v", len(held)+1, res)
		}
		held = append(held, conn)
	}
	third, err := net.Dial("tcp", s.user)
	if err != nil {
		t.Fatal(err)
	}
	defer third.Close()
	res := get(third)
	if res == nil || res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") != "1" {
		t.Fatalf("third connection: %v", res)
	}
	// The admin listener has its own cap.
	if res, err := http.Get("http://" + s.admin + "/docs/index.html"); err != nil {
		t.Fatal(err)
	} else {
		res.Body.Close()
	}
	held[0].Close()
	// The server notices the close on its own schedule: poll until a new connection is served.
	deadline = time.Now().Add(10 * time.Second)
	for {
		conn, err := net.Dial("tcp", s.user)
		if err != nil {
			t.Fatal(err)
		}
		res := get(conn)
		conn.Close()
		if res != nil && res.StatusCode == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no connection served after one of the two closed: %v", res)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Point 6: with SHAREPANEL_RATELIMIT_ON_REDIS_ERROR=open and Redis unreachable, password guessing
// is still limited: the login limits fall back to the in-process limiter whatever the mode.
func TestServeLoginLimitsSurviveRedisOpenMode(t *testing.T) {
	s := startServe(t, map[string]string{
		"SHAREPANEL_REDIS_URL":                "redis://127.0.0.1:18601", // nothing listens there (this branch's port range)
		"SHAREPANEL_RATELIMIT_ON_REDIS_ERROR": "open",
	}, []string{"user", "add", "--email", "guess@example.com", "--password", "right-password-1", "--plan", "free"})
	login := func(password string) int {
		res, err := http.Get("http://" + s.user + "/api?mode=auth&email=guess@example.com&password=" + url.QueryEscape(password))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	// Five failures a minute per email: a burst of five, then one more every 12 s. Each login checks
	// a bcrypt hash, which under the race detector on a loaded machine can take seconds, so the
	// refills that the time taken allows are counted, not assumed away.
	start := time.Now()
	for i := range 5 {
		if code := login("wrong-password"); code != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d", i+1, code)
		}
	}
	refused := 0
	for i := range 55 {
		switch code := login("wrong-password"); code {
		case http.StatusTooManyRequests:
			refused++
		case http.StatusUnauthorized: // a refill, checked below
		default:
			t.Fatalf("wrong password %d past the limit: %d", i+6, code)
		}
	}
	refills := int(time.Since(start)/(12*time.Second)) + 1
	if refused < 55-refills {
		t.Fatalf("%d of 55 wrong passwords past the limit refused; at most %d refills in %s", refused, refills, time.Since(start).Round(time.Second))
	}
	if time.Since(start) < 12*time.Second { // no refill can have come yet
		if code := login("right-password-1"); code != http.StatusTooManyRequests {
			t.Fatalf("right password on a locked account: %d", code)
		}
	}
}
