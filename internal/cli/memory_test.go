package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The pre-auth memory test (issue 10, point 1): a real sharepanel process gets 8 parallel 50 MB
// bodies each with no key, with an unknown mode, with a bad key and with a valid free-plan key,
// half of them with Content-Length and half chunked. Its peak resident memory, read from
// /proc/PID/status after resetting the high-water mark, grows by less than 64 MB: the gateway reads
// at most 64 KB of a body before it knows the caller, and no more than the caller's plan allows
// after. Before the fix it read every body whole (the issue measured 30 MB → 678 MB).
func TestPreAuthBodiesKeepMemoryBounded(t *testing.T) {
	if _, err := os.Stat("/proc/self/clear_refs"); err != nil {
		t.Skip("needs Linux /proc to read a process's memory")
	}
	srv := startBinary(t)
	key := srv.login(t)

	// Warm up: every code path once, so that what is measured is the bodies, not first use.
	for _, req := range []bodyRequest{
		{query: "mode=profile&action=view", header: "X-API-Key: " + key, size: 1 << 10},
		{query: "mode=profile&action=view", size: 1 << 10},
		{query: "mode=profile&action=view", header: "X-API-Key: sp_bad", size: 1 << 10, chunked: true},
	} {
		req.send(srv.addr)
	}
	if err := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", srv.pid()), []byte("5"), 0); err != nil {
		t.Skipf("cannot reset the process's peak memory: %v", err)
	}
	before := srv.memory(t, "VmRSS")

	const size = 50 << 20
	kinds := []struct {
		name   string
		req    bodyRequest
		status int
	}{
		{"no key", bodyRequest{query: "mode=profile&action=update"}, http.StatusUnauthorized},
		{"unknown mode", bodyRequest{query: "mode=nosuch"}, http.StatusBadRequest},
		{"bad key", bodyRequest{query: "mode=profile&action=update", header: "X-API-Key: sp_" + strings.Repeat("A", 43)}, http.StatusUnauthorized},
		{"free key", bodyRequest{query: "mode=profile&action=update", header: "X-API-Key: " + key}, http.StatusRequestEntityTooLarge},
	}
	var wg sync.WaitGroup
	results := make([][]int, len(kinds))
	for k, kind := range kinds {
		results[k] = make([]int, 8)
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req := kind.req
				req.size, req.chunked = size, i%2 == 1
				results[k][i] = req.send(srv.addr)
			}()
		}
	}
	wg.Wait()
	peak := srv.memory(t, "VmHWM")
	for k, kind := range kinds {
		for i, got := range results[k] {
			if got != kind.status {
				t.Errorf("%s #%d (chunked %v): status %d, want %d", kind.name, i, i%2 == 1, got, kind.status)
			}
		}
	}
	t.Logf("resident memory before %d MB, peak during %d parallel 50 MB bodies %d MB (grew %d MB)",
		before>>20, 8*len(kinds), peak>>20, (peak-before)>>20)
	if grew := peak - before; grew >= 64<<20 {
		t.Fatalf("peak resident memory grew by %d MB (from %d MB to %d MB), want less than 64 MB", grew>>20, before>>20, peak>>20)
	}
}

// binaryServer is a sharepanel process started by a test.
type binaryServer struct {
	bin, addr string
	cmd       *exec.Cmd
	env       []string
}

func (s *binaryServer) pid() int { return s.cmd.Process.Pid }

// startBinary builds sharepanel, makes a free-plan account and serves on free loopback ports
// until the test ends.
func startBinary(t *testing.T) *binaryServer {
	t.Helper()
	dir := t.TempDir()
	s := &binaryServer{bin: filepath.Join(dir, "sharepanel"), addr: freeAddr(t)}
	build := exec.Command("go", "build", "-o", s.bin, "sharepanel")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	s.env = append(os.Environ(),
		"SHAREPANEL_DATABASE_URL=sqlite://"+filepath.Join(dir, "memory.db"),
		"SHAREPANEL_ADDR="+s.addr, "SHAREPANEL_ADMIN_ADDR="+freeAddr(t),
		"SHAREPANEL_REDIS_URL=", "SHAREPANEL_METRICS_ADDR=", "SHAREPANEL_LOG_LEVEL=error", "SHAREPANEL_LOG_FORMAT=json")
	add := exec.Command(s.bin, "user", "add", "--email", "memory@example.com", "--password", "memory-test-1", "--plan", "free")
	add.Env = s.env
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	s.cmd = exec.Command(s.bin, "serve")
	s.cmd.Env = s.env
	var stderr bytes.Buffer
	s.cmd.Stderr = &stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = s.cmd.Process.Kill()
		_ = s.cmd.Wait()
		if t.Failed() {
			t.Logf("server log:\n%s", stderr.String())
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get("http://" + s.addr + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server did not answer /healthz within 30 s: %v\n%s", err, stderr.String())
		}
		time.Sleep(50 * time.Millisecond) // polling a process that is starting: nothing to wait on
	}
}

// login exchanges the account's password for a key.
func (s *binaryServer) login(t *testing.T) string {
	t.Helper()
	res, err := http.Get("http://" + s.addr + "/api?mode=auth&email=memory@example.com&password=memory-test-1")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var env struct {
		Data struct {
			APIKey string `json:"api_key"`
		} `json:"data"`
	}
	if err := json.NewDecoder(res.Body).Decode(&env); err != nil || env.Data.APIKey == "" {
		t.Fatalf("login: %d %v", res.StatusCode, err)
	}
	return env.Data.APIKey
}

// memory reads one field of /proc/PID/status (VmRSS, VmHWM), in bytes.
func (s *binaryServer) memory(t *testing.T, field string) int64 {
	t.Helper()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.pid()))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatalf("%s: %q", field, line)
			}
			return kb << 10
		}
	}
	t.Fatalf("no %s in /proc/%d/status", field, s.pid())
	return 0
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// bodyRequest is a POST /api with a JSON body of size bytes, sent over a raw connection so that the
// test streams it (never holding it) and reads the answer whenever it comes, even while it is still
// sending, as a client does when a server answers early.
type bodyRequest struct {
	query, header string
	size          int
	chunked       bool
}

// send returns the answer's status, or 0 when there was none.
func (r bodyRequest) send(addr string) int {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return 0
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(2 * time.Minute)) // a guard against a hung test, not a measure
	head := "POST /api?" + r.query + " HTTP/1.1\r\nHost: " + addr + "\r\nContent-Type: application/json\r\n"
	if r.header != "" {
		head += r.header + "\r\n"
	}
	if r.chunked {
		head += "Transfer-Encoding: chunked\r\n\r\n"
	} else {
		head += "Content-Length: " + strconv.Itoa(r.size) + "\r\n\r\n"
	}
	go func() {
		w := bufio.NewWriterSize(conn, 64<<10)
		_, _ = w.WriteString(head)
		_ = r.writeBody(w)
		_ = w.Flush()
	}()
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return 0
	}
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode
}

// writeBody writes {"bio":"xxx…"} of r.size bytes, chunked or not.
func (r bodyRequest) writeBody(w *bufio.Writer) error {
	pad := bytes.Repeat([]byte("x"), 32<<10)
	open, end := []byte(`{"bio":"`), []byte(`"}`)
	write := func(p []byte) error {
		if r.chunked {
			if _, err := fmt.Fprintf(w, "%x\r\n", len(p)); err != nil {
				return err
			}
		}
		if _, err := w.Write(p); err != nil {
			return err
		}
		if r.chunked {
			_, err := w.WriteString("\r\n")
			return err
		}
		return nil
	}
	if err := write(open); err != nil {
		return err
	}
	for left := r.size - len(open) - len(end); left > 0; left -= len(pad) {
		if err := write(pad[:min(left, len(pad))]); err != nil {
			return err
		}
	}
	if err := write(end); err != nil {
		return err
	}
	if r.chunked {
		_, err := w.WriteString("0\r\n\r\n")
		return err
	}
	return nil
}
