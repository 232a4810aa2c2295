package httpkit

import (
	"log/slog"
	"sync"
	"time"
)

// unavailableLogInterval is how often, at most, a request failing for a dependency is logged.
const unavailableLogInterval = 10 * time.Second

// sampledLog writes the first of a run of dependency failures at once, with its cause, and then
// at most one line per interval, which counts the failures it stands for. An outage of a minute
// at 1,000 requests a second is 7 lines, not 60,000 (each request still has its access-log line).
type sampledLog struct {
	log   *slog.Logger
	every time.Duration

	mu         sync.Mutex
	last       time.Time // when a line was last written
	suppressed int       // failures since then, not written
}

// add records one failed request.
func (s *sampledLog) add(requestID string, err error) {
	now := time.Now()
	s.mu.Lock()
	if !s.last.IsZero() && now.Sub(s.last) < s.every {
		s.suppressed++
		s.mu.Unlock()
		return
	}
	suppressed := s.suppressed
	s.last, s.suppressed = now, 0
	s.mu.Unlock()
	s.log.Warn("dependency unavailable: answering 503", "request_id", requestID, "err", err,
		"failed_since_last_line", suppressed, "sampled_every", s.every.String())
}
