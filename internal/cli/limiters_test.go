package cli

import (
	"context"
	"log/slog"
	"testing"

	"sharepanel/config"
	"sharepanel/ratelimit"
)

// Without Redis the request limiter is the in-process one, seeded with each caller's day from the
// database: a restarted gateway goes on from the day's usage instead of starting a new day.
func TestEmbeddedRequestLimiterIsSeededFromTheDatabase(t *testing.T) {
	asked := 0
	seed := func(context.Context, string) (int64, error) { asked++; return 5, nil }
	l, err := newLimiters(config.Config{}, slog.New(slog.DiscardHandler), seed, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	d, err := l.Requests.Allow(context.Background(), "u:1", ratelimit.Limits{PerMinute: 100, PerDay: 5})
	if err != nil || d.Allowed || asked != 1 {
		t.Fatalf("a caller whose day the database has used up: %+v, %v, seed asked %d times; want refused after one ask", d, err, asked)
	}
}
