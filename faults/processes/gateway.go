package processes

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"time"
)

// Gateway is one sharepanel process under test: the binary built from the checkout, configured
// only through its environment.
type Gateway struct {
	Addr      string // user API, host:port
	AdminAddr string // admin API, host:port
	*Proc
}

// LaunchGateway starts `bin serve` with env and returns at once, ready or not (the start-up
// scenarios watch a gateway that never becomes ready). addr and adminAddr must be what env sets.
func LaunchGateway(name, logPath, bin string, env []string, addr, adminAddr string) (*Gateway, error) {
	p, err := Start(name, logPath, bin, []string{"serve"}, env)
	if err != nil {
		return nil, err
	}
	return &Gateway{Addr: addr, AdminAddr: adminAddr, Proc: p}, nil
}

// StartGateway launches a gateway and waits up to d until GET /healthz answers 200.
func StartGateway(name, logPath, bin string, env []string, addr, adminAddr string, d time.Duration) (*Gateway, error) {
	for _, a := range []string{addr, adminAddr} {
		if err := addrFree(a); err != nil {
			return nil, err
		}
	}
	g, err := LaunchGateway(name, logPath, bin, env, addr, adminAddr)
	if err != nil {
		return nil, err
	}
	if err := waitUntil(d, g.Proc, g.healthy); err != nil {
		g.Kill()
		return nil, err
	}
	return g, nil
}

// URL is the user API's base URL.
func (g *Gateway) URL() string { return "http://" + g.Addr }

// AdminURL is the admin API's base URL.
func (g *Gateway) AdminURL() string { return "http://" + g.AdminAddr }

func (g *Gateway) healthy(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, g.URL()+"/healthz", nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("/healthz answered %d", res.StatusCode)
	}
	return nil
}

// RunCommand runs one of the gateway's commands (`migrate`, `user add`, ...) with env, for at most
// d, and returns its standard output and standard error.
func RunCommand(d time.Duration, bin string, env []string, args ...string) (stdout, stderr string, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	if ctx.Err() != nil {
		err = fmt.Errorf("%v: still running after %s", args, d)
	}
	return out.String(), errOut.String(), err
}

func addrFree(addr string) error {
	_, p, err := net.SplitHostPort(addr)
	port, perr := strconv.Atoi(p)
	if err != nil || perr != nil {
		return fmt.Errorf("address %q: want host:port", addr)
	}
	return PortFree(port)
}
