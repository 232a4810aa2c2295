package httpkit

import (
	"context"
	"errors"
	"net/http"
	"os"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/sync/semaphore"

	"sharepanel/wire"
)

// BodyBudget bounds the bytes of request bodies that the process holds in memory at once, across
// both APIs and every request: a body's bytes are reserved before they are read and given back when
// its request ends. A request that finds the budget spent waits up to Wait for another to finish,
// then is refused with 503 and Retry-After, so that N concurrent large uploads cannot take more than
// the budget, whatever N is.
type BodyBudget struct {
	total int64
	wait  time.Duration
	sem   *semaphore.Weighted
	used  atomic.Int64
}

// DefaultBodyBudget is the budget when none is configured (SHAREPANEL_MAX_BODY_MEMORY).
const DefaultBodyBudget = 256 << 20

// DefaultBodyWait is how long a request waits for room in the budget before it is refused.
const DefaultBodyWait = 2 * time.Second

// NewBodyBudget returns a budget of total bytes; wait <= 0 takes DefaultBodyWait.
func NewBodyBudget(total int64, wait time.Duration) *BodyBudget {
	if total <= 0 {
		total = DefaultBodyBudget
	}
	if wait <= 0 {
		wait = DefaultBodyWait
	}
	return &BodyBudget{total: total, wait: wait, sem: semaphore.NewWeighted(total)}
}

// Total is the budget's size in bytes.
func (b *BodyBudget) Total() int64 { return b.total }

// InUse is how many bytes are reserved now (for metrics and tests).
func (b *BodyBudget) InUse() int64 { return b.used.Load() }

// Reserve takes n bytes of the budget for c's request, waiting up to the budget's Wait, and gives
// them back when the request ends (Release). A request that needs more than the whole budget is
// refused with 413; one that found no room in time, with 503 and Retry-After.
func (b *BodyBudget) Reserve(c echo.Context, n int64) error {
	if n <= 0 {
		return nil
	}
	if n > b.total {
		return wire.Errorf(wire.ETOOLARGE, "Payload too large. This server holds at most %d bytes of request bodies at once", b.total)
	}
	reqCtx := c.Request().Context()
	ctx, cancel := context.WithTimeout(reqCtx, b.wait)
	defer cancel()
	if err := b.sem.Acquire(ctx, n); err != nil {
		switch {
		case errors.Is(reqCtx.Err(), context.Canceled):
			return reqCtx.Err() // the client went away
		case reqCtx.Err() != nil:
			// The request's own deadline, spent before or while it waited here: whatever made it
			// late (a dependency), not the budget, is the cause.
			return wire.Unavailable(reqCtx.Err())
		}
		c.Response().Header().Set("Retry-After", "1")
		return wire.Errorf(wire.EUNAVAILABLE, "The server is receiving too much data at once. Please try again later.")
	}
	b.used.Add(n)
	held, _ := c.Get(budgetKey).(int64)
	c.Set(budgetKey, held+n)
	return nil
}

// Release gives back everything c's request reserved. It is safe to call more than once.
func (b *BodyBudget) Release(c echo.Context) {
	held, _ := c.Get(budgetKey).(int64)
	if held <= 0 {
		return
	}
	c.Set(budgetKey, int64(0))
	b.used.Add(-held)
	b.sem.Release(held)
}

// Attach makes b the budget of every request through it, for handlers that read their bodies
// themselves (ReserveFor); what a request reserved is given back when it ends.
func (b *BodyBudget) Attach(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Set(attachedKey, b)
		defer b.Release(c)
		return next(c)
	}
}

// ReserveFor reserves n bytes, for c's request, of the budget Attach gave it (none: nothing to do).
func ReserveFor(c echo.Context, n int64) error {
	if b, ok := c.Get(attachedKey).(*BodyBudget); ok {
		return b.Reserve(c, n)
	}
	return nil
}

const attachedKey = "httpkit.attachedBudget"

const budgetKey = "httpkit.bodyBudget"

// BodyReadError is a failed read of a request body as an answer: 408 when the client was too slow
// (the listener's read deadline, SHAREPANEL_READ_TIMEOUT), an http.MaxBytesReader's refusal as it
// is (413), 400 otherwise.
func BodyReadError(err error) error {
	var tooLarge *http.MaxBytesError
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		return wire.Errorf(wire.ETIMEOUT, "Request body not received in time")
	case errors.As(err, &tooLarge):
		return err
	}
	return wire.Errorf(wire.EINVALID, "Could not read the request body")
}
