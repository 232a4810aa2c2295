package httpkit

import (
	"io"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// LimitConns returns l serving at most max connections at once (SHAREPANEL_MAX_CONNS). A
// connection past the cap is accepted, answered at once with 503, Retry-After and refusal's body
// (JSON in the API's error shape), and closed: the client learns to come back instead of waiting in
// the kernel's queue, and slow clients cannot hold every descriptor the process has.
func LimitConns(l net.Listener, max int, refusal func() []byte) net.Listener {
	return &connLimit{Listener: l, slots: make(chan struct{}, max), refusal: refusal}
}

type connLimit struct {
	net.Listener
	slots    chan struct{}
	refusal  func() []byte
	refusing atomic.Int64 // refusals being written now
}

// maxRefusing bounds the refusals written at once; past it, a connection is closed unanswered.
const maxRefusing = 1024

// Accept returns the next connection within the cap, refusing those past it.
func (l *connLimit) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		select {
		case l.slots <- struct{}{}:
			return &limitedConn{Conn: c, release: func() { <-l.slots }}, nil
		default:
			if l.refusing.Add(1) > maxRefusing {
				l.refusing.Add(-1)
				_ = c.Close()
				continue
			}
			go l.refuse(c)
		}
	}
}

// refuse answers 503 and closes, after reading what the client sent for a moment, so that the
// close does not reset the connection before the client has read the answer.
func (l *connLimit) refuse(c net.Conn) {
	defer l.refusing.Add(-1)
	defer c.Close()
	body := l.refusal()
	head := "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\nConnection: close\r\n" +
		"Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n"
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write(append([]byte(head), body...)); err != nil {
		return
	}
	if tcp, ok := c.(*net.TCPConn); ok {
		_ = tcp.CloseWrite()
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(c, 64<<10))
}

// limitedConn gives its slot back when it is closed (once, however often Close is called).
type limitedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
