package ratelimit

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// stallServer speaks just enough RESP for go-redis to connect (HELLO refused, so RESP2; CLUSTER
// SLOTS naming itself), then reads script calls and never answers them. It shows how often a
// client sends a command that times out.
type stallServer struct {
	ln      net.Listener
	wg      sync.WaitGroup
	mu      sync.Mutex
	scripts int
	conns   []net.Conn
}

func startStallServer(t *testing.T) *stallServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &stallServer{ln: ln}
	s.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns = append(s.conns, c)
			s.mu.Unlock()
			s.wg.Go(func() { s.serve(c) })
		}
	})
	t.Cleanup(s.stop)
	return s
}

func (s *stallServer) Addr() string { return s.ln.Addr().String() }

// stop closes everything and waits for the connections' goroutines, so that ScriptCalls is final.
func (s *stallServer) stop() {
	s.ln.Close()
	s.mu.Lock()
	for _, c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// ScriptCalls is the number of EVAL/EVALSHA commands received; call it after stop.
func (s *stallServer) ScriptCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.scripts
}

func (s *stallServer) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	port := s.ln.Addr().(*net.TCPAddr).Port
	for {
		args, err := readCommand(r)
		if err != nil {
			return
		}
		var reply string
		switch name := strings.ToLower(args[0]); {
		case name == "eval" || name == "evalsha":
			s.mu.Lock()
			s.scripts++
			s.mu.Unlock()
			continue // never answer
		case name == "hello":
			reply = "-ERR unknown command 'HELLO'\r\n"
		case name == "cluster" && len(args) > 1 && strings.EqualFold(args[1], "slots"):
			reply = fmt.Sprintf("*1\r\n*3\r\n:0\r\n:16383\r\n*2\r\n$9\r\n127.0.0.1\r\n:%d\r\n", port)
		default:
			reply = "+OK\r\n"
		}
		if _, err := io.WriteString(c, reply); err != nil {
			return
		}
	}
}

// readCommand reads one RESP array of bulk strings.
func readCommand(r *bufio.Reader) ([]string, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(line, "*") {
		return nil, fmt.Errorf("not an array: %q", line)
	}
	n, err := strconv.Atoi(strings.TrimSpace(line[1:]))
	if err != nil {
		return nil, err
	}
	args := make([]string, n)
	for i := range args {
		if line, err = r.ReadString('\n'); err != nil {
			return nil, err
		}
		size, err := strconv.Atoi(strings.TrimSpace(line[1:]))
		if err != nil {
			return nil, err
		}
		buf := make([]byte, size+2)
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, err
		}
		args[i] = string(buf[:size])
	}
	return args, nil
}
