package benchkit

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Server is one process a benchmark measures: its command, where it listens and where its
// output goes.
type Server struct {
	Name      string
	Addr      string // host:port of the API
	LogPath   string
	Cmd       *exec.Cmd
	PprofAddr string // where it serves net/http/pprof; empty: nowhere
	logFile   *os.File
	stopOnce  sync.Once
}

// Start runs bin with args and env (PATH and HOME are added), output to logPath, and waits until
// GET /healthz answers 200.
func Start(name, addr, logPath, bin string, args, env []string) (*Server, error) {
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
	s := &Server{Name: name, Addr: addr, LogPath: logPath, Cmd: cmd, logFile: f}
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
			s.Stop()
			return nil, fmt.Errorf("%s did not come up on %s (log: %s)", name, addr, logPath)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Stop sends SIGTERM and waits up to 30 s for a clean exit (the gateway flushes its usage records
// then), SIGKILL after that. Calls after the first do nothing, so a deferred Stop may follow an
// explicit one.
func (s *Server) Stop() { s.stopOnce.Do(s.stop) }

func (s *Server) stop() {
	if s.Cmd.Process == nil {
		return
	}
	_ = s.Cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = s.Cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = s.Cmd.Process.Kill()
		<-done
	}
	s.logFile.Close()
}

// ProcStatus reads a field of /proc/PID/status in kB (VmHWM is the peak resident set).
func (s *Server) ProcStatus(field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.Cmd.Process.Pid))
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

// CPUTime is the process's user + system CPU time so far, from /proc/PID/stat.
func (s *Server) CPUTime() time.Duration { return ProcCPU(s.Cmd.Process.Pid) }

// ProcCPU is a process's user + system CPU time so far; 0 when it cannot be read.
func ProcCPU(pid int) time.Duration {
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
