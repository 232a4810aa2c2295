package main

import (
	"context"
	"crypto/rand"
	"math/big"
	"net/http"
)

// forgedCount is how many forged keys the forged-keys scenario sends.
const forgedCount = 10_000

// forgedKeys: 10,000 requests, each with a random well-formed key of the shape keys are issued in
// (sp_ + 49 base62 characters, like real ones; a forger copies the look, not the checksum it
// cannot know is there), counting the statements MariaDB ran meanwhile.
// Done when they cost the database nothing: 0 statements.
func forgedKeys(s *suite, r *row) {
	gw, err := s.gateway(r.name, s.mysqlEnv(r.name))
	if err != nil {
		r.broken(err)
		return
	}
	defer stopGateway(gw, r)
	ctx := context.Background()
	counters := []string{"Questions", "Com_select", "Com_stmt_execute"}
	status, err := s.maria.StatusReader(ctx)
	if err != nil {
		r.broken(err)
		return
	}
	defer status.Close()
	// Reading the counters is a statement too: two reads back to back give the cost of one.
	s0, err := status.Read(ctx, counters...)
	if err != nil {
		r.broken(err)
		return
	}
	s1, err := status.Read(ctx, counters...)
	if err != nil {
		r.broken(err)
		return
	}
	ld := startLoad(loadOptions{rate: 1000, workers: 16, timeout: clientTimeout, count: forgedCount, build: func(int) (*http.Request, error) {
		req, err := http.NewRequest(http.MethodGet, gw.URL()+"/api?mode=profile&action=view", nil)
		if req != nil {
			req.Header.Set("X-API-Key", forgedKey())
		}
		return req, err
	}})
	rs := ld.wait()
	s2, err := status.Read(ctx, counters...)
	if err != nil {
		r.broken(err)
		return
	}
	t := r.fill(rs, ld.skipped.Load())
	delta := func(name string) int64 { return s2[name] - s1[name] - (s1[name] - s0[name]) }
	r.note("MariaDB for %d forged keys: Questions +%d, Com_select +%d, Com_stmt_execute +%d", t.requests,
		delta("Questions"), delta("Com_select"), delta("Com_stmt_execute"))
	r.check(delta("Questions") == 0, "%d database statements for %d forged keys, want 0", delta("Questions"), t.requests)
	r.check(t.byStatus[http.StatusUnauthorized]+t.byStatus[http.StatusTooManyRequests] == t.requests,
		"answers other than 401 and 429 to forged keys: %s", t.errorsText())
}

// forgedKey is a key of the real keys' shape that nobody was given: "sp_" and 49 random base62
// characters (keys issued since issue 12 are sp_ + 43 base62 + a 6-character checksum).
func forgedKey() string {
	const alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	b := make([]byte, 49)
	for i := range b {
		n, _ := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		b[i] = alphabet[n.Int64()]
	}
	return "sp_" + string(b)
}
