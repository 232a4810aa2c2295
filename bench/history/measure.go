package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"
)

// account is one of the two measured accounts: its key and the IDs its parameters need.
type account struct {
	Name string // "demo", "one-year"
	key  string
	ids  map[string]string
}

// cell is one endpoint on one account: its URL and the latencies measured.
type cell struct {
	acct  *account
	ep    endpoint
	url   string
	lat   []time.Duration
	bytes int // size of the last answer's body
}

// client sends the benchmark's requests: keep-alive connections to the gateway, as many as the
// concurrency, and no compression (the answer is read whole either way).
type client struct {
	base string // http://host:port
	http *http.Client
}

func newClient(addr string, conns int) *client {
	tr := &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, DisableCompression: true, IdleConnTimeout: time.Minute}
	return &client{base: "http://" + addr, http: &http.Client{Transport: tr, Timeout: 2 * time.Minute}}
}

// get sends GET /api?query with the key and reads the whole answer; it returns the time from
// sending to the last byte, the body, and an error unless the answer is a 200.
func (c *client) get(ctx context.Context, key, query string) (time.Duration, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/api?"+query, nil)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("X-API-Key", key)
	began := time.Now()
	res, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	body, err := io.ReadAll(res.Body)
	took := time.Since(began)
	res.Body.Close()
	if err != nil {
		return 0, nil, err
	}
	if res.StatusCode != http.StatusOK {
		return 0, nil, fmt.Errorf("GET /api?%s: %d %.200s", query, res.StatusCode, body)
	}
	return took, body, nil
}

// data decodes the envelope of a successful answer and returns its data.
func data(body []byte) (any, error) {
	var env struct {
		Status string `json:"status"`
		Data   any    `json:"data"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, err
	}
	if env.Status != "success" {
		return nil, fmt.Errorf("status %q", env.Status)
	}
	return env.Data, nil
}

// discover finds the IDs the endpoints' parameters need, through the API as a client would: the
// account's first organization, instance and invoice, and the ID of the key it calls with.
func discover(ctx context.Context, c *client, a *account) error {
	a.ids = map[string]string{}
	first := func(name, query string, match func(map[string]any) bool) error {
		_, body, err := c.get(ctx, a.key, query)
		if err != nil {
			return err
		}
		d, err := data(body)
		if err != nil {
			return fmt.Errorf("%s: %w", query, err)
		}
		list, _ := d.([]any)
		for _, item := range list {
			m, _ := item.(map[string]any)
			if id, ok := m["id"].(float64); ok && match(m) {
				a.ids[name] = strconv.FormatInt(int64(id), 10)
				return nil
			}
		}
		return fmt.Errorf("%s account: %s lists no %s to measure with", a.Name, query, name)
	}
	anyItem := func(map[string]any) bool { return true }
	if err := first("org", "mode=orgs&action=list", anyItem); err != nil {
		return err
	}
	if err := first("instance", "mode=instances&action=list", anyItem); err != nil {
		return err
	}
	if err := first("invoice", "mode=billing&action=invoices", anyItem); err != nil {
		return err
	}
	return first("key", "mode=api_keys&action=list", func(m map[string]any) bool { return m["key_prefix"] == a.key[:10] })
}

// settings are how much to measure.
type settings struct {
	samples     int           // per cell
	rounds      int           // the samples are taken in this many rounds over all cells
	warmup      int           // unmeasured requests per cell first
	budget      time.Duration // at most this much time per cell (over all rounds); at least one request a round
	concurrency int           // requests in flight per cell
}

// measureAll warms every cell up, then takes the samples in rounds: each round visits every
// cell of every account in turn, so that a drift in the shared machine's load touches all
// endpoints alike, and each ratio compares latencies measured over the same minutes.
func measureAll(ctx context.Context, c *client, cells []*cell, s settings, progress func(string, ...any)) error {
	perRound := s.budget / time.Duration(s.rounds)
	for _, cl := range cells {
		began := time.Now()
		for i := 0; i < s.warmup && (i == 0 || time.Since(began) < perRound); i++ {
			_, body, err := c.get(ctx, cl.acct.key, cl.url)
			if err != nil {
				return fmt.Errorf("%s account: %w", cl.acct.Name, err)
			}
			if _, err := data(body); err != nil {
				return fmt.Errorf("%s account, %s: %w", cl.acct.Name, cl.ep.Label(), err)
			}
			cl.bytes = len(body)
		}
	}
	for round := range s.rounds {
		progress("round %d of %d", round+1, s.rounds)
		quota := s.samples / s.rounds
		if round < s.samples%s.rounds {
			quota++
		}
		for _, cl := range cells {
			lat, err := sample(ctx, c, cl, quota, perRound, s.concurrency)
			if err != nil {
				return fmt.Errorf("%s account: %w", cl.acct.Name, err)
			}
			cl.lat = append(cl.lat, lat...)
		}
	}
	return nil
}

// sample sends up to n requests for the cell, from conc workers each sending one after the
// other, and stops early when budget is spent (each worker sends at least one).
func sample(ctx context.Context, c *client, cl *cell, n int, budget time.Duration, conc int) ([]time.Duration, error) {
	conc = max(1, min(conc, n))
	var (
		mu   sync.Mutex
		out  []time.Duration
		next int
		fail error
	)
	began := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for sent := 0; ; sent++ {
				mu.Lock()
				if next >= n || fail != nil || (sent > 0 && time.Since(began) >= budget) {
					mu.Unlock()
					return
				}
				next++
				mu.Unlock()
				took, _, err := c.get(ctx, cl.acct.key, cl.url)
				mu.Lock()
				if err != nil && fail == nil {
					fail = err
				}
				out = append(out, took)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return out, fail
}

// percentile is the nearest-rank p-th percentile (0 < p ≤ 100) of the latencies: the smallest
// value that at least p% of them do not exceed. Zero for none.
func percentile(lat []time.Duration, p float64) time.Duration {
	if len(lat) == 0 {
		return 0
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	rank := int(math.Ceil(float64(len(s))*p/100 - 1e-9)) // the epsilon keeps float noise from adding one
	return s[min(max(rank, 1), len(s))-1]
}
