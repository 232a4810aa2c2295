package main

import (
	"bufio"
	"context"
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
	"syscall"
	"time"
)

// server is one process under load: its command, where it listens and where its output goes.
type server struct {
	name      string
	addr      string // host:port of the API
	logPath   string
	cmd       *exec.Cmd
	logFile   *os.File
	pprofAddr string // where it serves net/http/pprof; empty: nowhere
}

// start runs bin with args and env (PATH and HOME are added), output to logPath, and waits until
// GET /healthz answers 200.
func start(name, addr, logPath, bin string, args, env []string) (*server, error) {
	// Something already answering there (a server left over from an interrupted run) would be
	// measured in place of this one.
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		return nil, fmt.Errorf("%s: %s is already in use", name, addr)
	}
	f, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, env...)
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, err
	}
	s := &server{name: name, addr: addr, logPath: logPath, cmd: cmd, logFile: f}
	deadline := time.Now().Add(60 * time.Second)
	for {
		res, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		if time.Now().After(deadline) || cmd.ProcessState != nil {
			s.stop()
			return nil, fmt.Errorf("%s did not come up on %s (log: %s)", name, addr, logPath)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stop sends SIGTERM and waits up to 30 s for a clean exit (the gateway flushes its usage records
// then), SIGKILL after that.
func (s *server) stop() {
	if s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
	s.logFile.Close()
}

// procStatus reads a field of /proc/PID/status in kB (VmHWM is the peak resident set).
func (s *server) procStatus(field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

// cpuTime is the process's user + system CPU time so far, from /proc/PID/stat.
func (s *server) cpuTime() time.Duration { return procCPU(s.cmd.Process.Pid) }

// procCPU is a process's user + system CPU time so far; 0 when it cannot be read.
func procCPU(pid int) time.Duration {
	if pid <= 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name may hold spaces; the fields after its closing parenthesis are fixed.
	fields := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	if len(fields) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	const ticks = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / ticks
}

// servicePIDs finds the MariaDB server and the Redis server listening on redisPort, to read their
// CPU time around each run (only read: they are not ours). 0 when not found.
func servicePIDs(redisPort string) (mariadb, redis int) {
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if err != nil {
			continue
		}
		cmd := strings.ReplaceAll(string(b), "\x00", " ")
		switch {
		case strings.Contains(cmd, "mariadbd") || strings.Contains(cmd, "mysqld"):
			mariadb = pid
		case strings.Contains(cmd, "redis-server") && strings.Contains(cmd, ":"+redisPort):
			redis = pid
		}
	}
	return mariadb, redis
}

// logStats reads the gateway's log: the counters of its "usage recorder stopped" line, and how
// often the limiter fell back from Redis (a call slower than SHAREPANEL_REDIS_TIMEOUT).
func logStats(logPath string) (records, rows, inserts, fallbacks int64) {
	f, err := os.Open(logPath)
	if err != nil {
		return 0, 0, 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.Contains(line, "Redis unavailable, falling back") {
			fallbacks++
		}
		if !strings.Contains(line, "usage recorder stopped") {
			continue
		}
		var v struct {
			Records int64 `json:"records"`
			Rows    int64 `json:"rows"`
			Inserts int64 `json:"inserts"`
		}
		if json.Unmarshal([]byte(line), &v) == nil {
			records, rows, inserts = v.Records, v.Rows, v.Inserts
		}
	}
	return records, rows, inserts, fallbacks
}

// cpuProfile saves a CPU profile of the gateway over most of a measured run.
func cpuProfile(addr, dir, name string, conns int, run time.Duration) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	secs := max(int(run/time.Second)-2, 1)
	time.Sleep(time.Second)
	res, err := http.Get(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", addr, secs))
	if err != nil {
		return err
	}
	defer res.Body.Close()
	path := filepath.Join(dir, fmt.Sprintf("%s-c%d.pprof", name, conns))
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(f, res.Body)
	return err
}

// probe sends one request and returns its status and headers: a check that the scenario answers
// what it should before it is loaded.
func probe(ctx context.Context, url, key string) (int, http.Header, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, nil, err
	}
	if key != "" {
		req.Header.Set("X-API-Key", key)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	res.Body.Close()
	return res.StatusCode, res.Header, nil
}
