// Command bare is the load benchmark's ceiling: an echo server that answers every request with a
// fixed profile envelope, encoded per request exactly as the gateway encodes one. What it does is
// what HTTP and JSON cost on this machine; nothing is looked up.
package main

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/labstack/echo/v4"

	"sharepanel/handlers"
	"sharepanel/models"
	"sharepanel/wire"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:39101", "listen address")
	flag.Parse()
	profile := &models.Profile{ID: 1, Username: "bench00001", Email: "bench00001@bench.example.com", Plan: "bench",
		OrgLimit: 1, InstanceLimit: 1, Verified: true, CreatedAt: wire.Now(), FileLimit: 1000, StorageLimit: 100}

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/healthz", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
	e.Any("/api", func(c echo.Context) error {
		return c.JSON(http.StatusOK, handlers.Envelope{Status: "success", Message: "Profile retrieved successfully",
			Timestamp: time.Now().UTC().Format(handlers.TimestampLayout), Data: profile})
	})
	srv := &http.Server{Addr: *addr, Handler: e, ReadHeaderTimeout: 10 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		fmt.Fprintln(os.Stderr, "bare:", err)
		os.Exit(1)
	}
}
