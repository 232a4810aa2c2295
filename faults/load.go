package main

import (
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// A request builder makes the seq-th request of a load (seq counts from 0), so that a load can
// mix actions or make every request unique.
type requestBuilder func(seq int) (*http.Request, error)

// loadOptions shape a load: a fixed rate spread evenly over time, served by a bounded pool of
// workers. When every worker is busy (the gateway hangs), a tick waits in a queue as long as the
// pool, and past that it is skipped and counted: the load stays bounded however the gateway
// behaves, and what was not sent is reported, not hidden.
type loadOptions struct {
	rate    int           // requests a second
	workers int           // requests in flight at most
	timeout time.Duration // the client's deadline per request; past it the request has no answer
	count   int           // send exactly this many requests, none skipped (0: until halted, skipping when all workers wait)
	build   requestBuilder
}

// result is one request as the client saw it.
type result struct {
	start, end time.Time
	status     int    // 0: no answer (refused, reset, the client's deadline)
	retryAfter string // the Retry-After header, on error answers
	message    string // the envelope's message, on error answers
	err        string // no answer: why
}

func (r result) latency() time.Duration { return r.end.Sub(r.start) }
func (r result) ok() bool               { return r.status >= 200 && r.status < 300 }

// load is a running load.
type load struct {
	opts    loadOptions
	client  *http.Client
	stop    chan struct{}
	done    chan struct{} // closed when every sent request has its result
	skipped atomic.Int64

	mu      sync.Mutex
	results []result
}

// newLoad makes a load that has not started: its client, and where its results go.
func newLoad(opts loadOptions) *load {
	return &load{
		opts: opts,
		client: &http.Client{Timeout: opts.timeout, Transport: &http.Transport{
			MaxIdleConns: opts.workers, MaxIdleConnsPerHost: opts.workers, IdleConnTimeout: time.Minute,
			DisableCompression: true,
		}},
		stop: make(chan struct{}),
		done: make(chan struct{}),
	}
}

// startLoad starts sending at once.
func startLoad(opts loadOptions) *load {
	l := newLoad(opts)
	queue := make(chan int, opts.workers)
	var wg sync.WaitGroup
	for range opts.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seq := range queue {
				l.send(seq)
			}
		}()
	}
	go func() {
		defer func() { close(queue); wg.Wait(); l.client.CloseIdleConnections(); close(l.done) }()
		interval := time.Second / time.Duration(opts.rate)
		next := time.Now()
		for seq := 0; opts.count == 0 || seq < opts.count; seq++ {
			if opts.count > 0 {
				// A load of a given count sends all of it, late rather than never.
				select {
				case <-l.stop:
					return
				case queue <- seq:
				}
			} else {
				select {
				case <-l.stop:
					return
				case queue <- seq:
				default:
					l.skipped.Add(1)
				}
			}
			next = next.Add(interval)
			if wait := time.Until(next); wait > 0 {
				select {
				case <-l.stop:
					return
				case <-time.After(wait):
				}
			} else if wait < -time.Second {
				next = time.Now() // far behind (the machine stalled): do not burst to catch up
			}
		}
	}()
	return l
}

// send makes one request and records what came back.
func (l *load) send(seq int) {
	req, err := l.opts.build(seq)
	if err != nil {
		l.record(result{start: time.Now(), end: time.Now(), err: err.Error()})
		return
	}
	r := result{start: time.Now()}
	res, err := l.client.Do(req)
	if err != nil {
		r.end, r.err = time.Now(), err.Error()
		l.record(r)
		return
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	res.Body.Close()
	r.end, r.status = time.Now(), res.StatusCode
	if err != nil {
		// The status came but the answer was cut off: the client did not get it.
		r.status, r.err = 0, "reading the body: "+err.Error()
	}
	if r.status >= 300 {
		r.retryAfter = res.Header.Get("Retry-After")
		var env struct {
			Message string `json:"message"`
		}
		if json.Unmarshal(body, &env) == nil {
			r.message = env.Message
		}
	}
	l.record(r)
}

func (l *load) record(r result) {
	l.mu.Lock()
	l.results = append(l.results, r)
	l.mu.Unlock()
}

// wait blocks until a load with a count has sent all its requests and has their results.
func (l *load) wait() []result {
	<-l.done
	return l.finish()
}

// halt stops sending and returns once every request sent has its result (an answer or the
// client's deadline).
func (l *load) halt() []result {
	select {
	case <-l.stop:
	default:
		close(l.stop)
	}
	<-l.done
	return l.finish()
}

func (l *load) finish() []result {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.results
}

// sendSequential sends n requests one after another, each after the answer to the last and gap
// apart: a client that waits for each answer, for scenarios that count single requests.
func sendSequential(n int, gap time.Duration, build requestBuilder) []result {
	l := newLoad(loadOptions{workers: 1, timeout: clientTimeout, build: build})
	defer l.client.CloseIdleConnections()
	for seq := range n {
		l.send(seq)
		time.Sleep(gap)
	}
	return l.finish()
}
