package httpkit

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"

	"sharepanel/wire"
)

// A request whose deadline has passed by the time it reserves room for its body is refused for its
// deadline (the dependency that made it late: the standard 503), not told that the server is
// receiving too much data, which would send an operator after the wrong cause.
func TestReserveAfterTheDeadlineIsTheDeadlinesError(t *testing.T) {
	b := NewBodyBudget(1<<20, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 0)
	defer cancel()
	req := httptest.NewRequest(http.MethodPost, "/api", nil).WithContext(ctx)
	c := echo.New().NewContext(req, httptest.NewRecorder())
	err := b.Reserve(c, 100)
	if wire.ErrorCode(err) != wire.EUNAVAILABLE || err.Error() == "" || FailureOf(err, nil).Message != wire.UnavailableMessage {
		t.Fatalf("Reserve past the deadline: %v, want the standard 503", err)
	}
	if b.InUse() != 0 {
		t.Fatalf("%d bytes reserved by a refused request", b.InUse())
	}
}
