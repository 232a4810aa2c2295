package ratelimit_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"sharepanel/ratelimit"
)

// The wiring of main.go: Redis when configured, the in-process limiter behind it.
func ExampleNewFailover() {
	client, err := ratelimit.NewRedisClient("redis://127.0.0.1:6379/0") // or redis+cluster://h1:7001,h2:7002
	if err != nil {
		panic(err)
	}
	defer client.Close()
	shared, err := ratelimit.NewRedis(client, ratelimit.RedisOptions{})
	if err != nil {
		panic(err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	limiter, err := ratelimit.NewFailover(shared, ratelimit.NewMemory(ratelimit.MemoryOptions{}), ratelimit.ModeLocal, logger)
	if err != nil {
		panic(err)
	}

	// Per request, with the caller's plan:
	d, err := limiter.Allow(context.Background(), "key:42", ratelimit.Limits{PerMinute: 10, PerDay: 100})
	switch {
	case errors.Is(err, ratelimit.ErrUnavailable):
		// 503 (only in ModeClosed)
	case err != nil:
		// 500
	case !d.Allowed:
		// d.WriteHeaders(h), then 429
	}
}

func ExampleDecision_WriteHeaders() {
	now := time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)
	m := ratelimit.NewMemory(ratelimit.MemoryOptions{Now: func() time.Time { return now }})
	plan := ratelimit.Limits{PerMinute: 2, PerDay: 100}
	for range 3 {
		d, _ := m.Allow(context.Background(), "key:42", plan)
		h := http.Header{}
		d.WriteHeaders(h)
		fmt.Println(d.Allowed, h.Get("X-RateLimit-Limit"), h.Get("X-RateLimit-Remaining"), h.Get("X-RateLimit-Reset"), h.Values("Retry-After"))
	}
	// Output:
	// true 2 1 1741608030 []
	// true 2 0 1741608060 []
	// false 2 0 1741608060 [30]
}
