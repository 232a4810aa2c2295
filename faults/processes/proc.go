// Package processes starts the processes the fault suite owns — its own redis-server, its own
// mariadbd and the gateways under test — and injects faults into them by signal: kill, freeze
// (SIGSTOP), thaw (SIGCONT), terminate. It only ever signals processes it started itself, by their
// PID, and KillAll ends whatever is left when the suite stops early.
package processes

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Proc is one started process, its output going to a log file.
type Proc struct {
	Name    string
	LogPath string

	cmd     *exec.Cmd
	logFile *os.File
	done    chan struct{} // closed when the process has exited and been reaped
	state   *os.ProcessState
	frozen  atomic.Bool
}

// live are the processes started and not yet exited, for KillAll.
var (
	liveMu sync.Mutex
	live   = map[*Proc]struct{}{}
)

// BaseEnv is the environment every child gets before its own settings: enough to find programs
// and a home, nothing of the caller's SHAREPANEL_* settings.
func BaseEnv() []string {
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	if tmp := os.Getenv("TMPDIR"); tmp != "" {
		env = append(env, "TMPDIR="+tmp)
	}
	return env
}

// Start runs bin with args and env (nil: the caller's environment), stdout and stderr appended to
// logPath. The child gets a process group of its own, so that a Ctrl-C meant for the suite reaches
// only the suite, which then ends its children itself.
func Start(name, logPath, bin string, args, env []string) (*Proc, error) {
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &Proc{Name: name, LogPath: logPath, cmd: cmd, logFile: f, done: make(chan struct{})}
	liveMu.Lock()
	live[p] = struct{}{}
	liveMu.Unlock()
	go func() {
		_ = cmd.Wait()
		p.state = cmd.ProcessState
		f.Close()
		liveMu.Lock()
		delete(live, p)
		liveMu.Unlock()
		close(p.done)
	}()
	return p, nil
}

// Pid is the process's ID.
func (p *Proc) Pid() int { return p.cmd.Process.Pid }

// Done is closed once the process has exited.
func (p *Proc) Done() <-chan struct{} { return p.done }

// Exited reports whether the process has exited.
func (p *Proc) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Signal sends sig, unless the process has exited already.
func (p *Proc) Signal(sig syscall.Signal) error {
	if p.Exited() {
		return errors.New(p.Name + " has exited")
	}
	return p.cmd.Process.Signal(sig)
}

// Freeze stops the process (SIGSTOP): it keeps its sockets, and the kernel keeps accepting
// connections into its backlog, but it answers nothing until Thaw.
func (p *Proc) Freeze() error {
	if err := p.Signal(syscall.SIGSTOP); err != nil {
		return err
	}
	p.frozen.Store(true)
	return nil
}

// Thaw lets a frozen process run again (SIGCONT). Thawing a running process does nothing.
func (p *Proc) Thaw() error {
	if !p.frozen.Swap(false) {
		return nil
	}
	return p.Signal(syscall.SIGCONT)
}

// Kill sends SIGKILL and waits until the process is gone.
func (p *Proc) Kill() {
	_ = p.Signal(syscall.SIGKILL) // fails only when it has exited already: then done closes anyway
	<-p.done
	p.frozen.Store(false)
}

// WaitExit waits up to d for the process to exit and reports whether it did.
func (p *Proc) WaitExit(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-p.done:
		return true
	case <-t.C:
		return false
	}
}

// Terminate sends SIGTERM and waits up to grace for the exit; past it, SIGKILL. It returns how
// long the process took to exit after the SIGTERM and whether it had to be killed.
func (p *Proc) Terminate(grace time.Duration) (time.Duration, bool) {
	start := time.Now()
	if p.Signal(syscall.SIGTERM) != nil {
		return 0, false
	}
	if p.WaitExit(grace) {
		return time.Since(start), false
	}
	p.Kill()
	return time.Since(start), true
}

// ExitCode is the exit status of an exited process: -1 while it runs or when a signal ended it.
func (p *Proc) ExitCode() int {
	if !p.Exited() || p.state == nil {
		return -1
	}
	return p.state.ExitCode()
}

// ExitDescription says how the process ended: "exit status 1", "signal: killed", or "running".
func (p *Proc) ExitDescription() string {
	if !p.Exited() || p.state == nil {
		return "running"
	}
	return p.state.String()
}

// KillAll ends every process this package started that is still running: thawed first, so that a
// frozen process can die, then SIGKILL. For an early stop of the suite; scenarios stop their
// processes themselves.
func KillAll() {
	liveMu.Lock()
	procs := make([]*Proc, 0, len(live))
	for p := range live {
		procs = append(procs, p)
	}
	liveMu.Unlock()
	for _, p := range procs {
		_ = p.Thaw()
		p.Kill()
	}
}

// waitUntil polls ready every 100 ms until it succeeds, p exits, or d has passed.
func waitUntil(d time.Duration, p *Proc, ready func(context.Context) error) error {
	deadline := time.Now().Add(d)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := ready(ctx)
		cancel()
		switch {
		case err == nil:
			return nil
		case p.Exited():
			return fmt.Errorf("%s exited (%s) before it was ready; see %s", p.Name, p.ExitDescription(), p.LogPath)
		case time.Now().After(deadline):
			return fmt.Errorf("%s not ready after %s (%v); see %s", p.Name, d, err, p.LogPath)
		}
		select {
		case <-p.done:
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// PortFree fails when something listens on 127.0.0.1:port already (a process left over from an
// interrupted run would otherwise be tested in place of ours).
func PortFree(port int) error {
	c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), 500*time.Millisecond)
	if err != nil {
		return nil
	}
	c.Close()
	return fmt.Errorf("port %d is in use already", port)
}
