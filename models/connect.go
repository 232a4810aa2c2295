package models

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Connect opens the database like OpenWith, trying again with backoff (0.5 s doubling to 5 s)
// until it answers or timeout has passed, and logs each failed attempt. Each attempt is bounded
// (a quarter of timeout, between 1 s and 5 s): a database that accepts connections and never
// answers (frozen) costs an attempt that long. ctx ending (SIGTERM, SIGINT) ends the wait at once.
// The error names the database and says how long it was tried.
func Connect(ctx context.Context, rawURL string, log *slog.Logger, opts Options, timeout time.Duration) (*Store, error) {
	start := time.Now()
	deadline := start.Add(timeout)
	perAttempt := min(max(timeout/4, time.Second), 5*time.Second)
	backoff := 500 * time.Millisecond
	for attempt := 1; ; attempt++ {
		s, err := openAttempt(ctx, rawURL, log, opts, min(perAttempt, time.Until(deadline)))
		if err == nil {
			if attempt > 1 {
				log.Info("database reachable", "attempt", attempt, "after", time.Since(start).Round(time.Millisecond).String())
			}
			return s, nil
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("stopped while waiting for the database (%s in %s): %w",
				attempts(attempt), time.Since(start).Round(time.Millisecond), ctx.Err())
		}
		if errors.Is(err, errBadDatabaseURL) {
			return nil, err
		}
		wait := min(backoff, time.Until(deadline))
		if wait <= 0 {
			return nil, fmt.Errorf("database not reachable within SHAREPANEL_DB_STARTUP_TIMEOUT (%s, %s): %w", timeout, attempts(attempt), err)
		}
		log.Warn("database not reachable yet; trying again", "attempt", attempt, "err", err,
			"retry_in", wait.Round(time.Millisecond).String(), "gives_up_in", time.Until(deadline).Round(time.Millisecond).String())
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("stopped while waiting for the database (%s in %s): %w",
				attempts(attempt), time.Since(start).Round(time.Millisecond), ctx.Err())
		case <-time.After(wait):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

// openAttempt is one OpenWith bounded by d. Opening may block without a context where it is
// out of our hands (the MySQL driver's version query in gorm.Open), so the attempt runs apart
// and is abandoned past d; an abandoned attempt that succeeds later closes its store.
func openAttempt(ctx context.Context, rawURL string, log *slog.Logger, opts Options, d time.Duration) (*Store, error) {
	if d <= 0 {
		return nil, context.DeadlineExceeded
	}
	actx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	type result struct {
		s   *Store
		err error
	}
	done := make(chan result, 1)
	go func() {
		s, err := OpenWith(actx, rawURL, log, opts)
		done <- result{s, err}
	}()
	select {
	case r := <-done:
		return r.s, r.err
	case <-actx.Done():
		go func() {
			if r := <-done; r.s != nil {
				_ = r.s.Close()
			}
		}()
		return nil, fmt.Errorf("no answer within %s: %w", d.Round(time.Millisecond), actx.Err())
	}
}

func attempts(n int) string {
	if n == 1 {
		return "1 attempt"
	}
	return fmt.Sprintf("%d attempts", n)
}
