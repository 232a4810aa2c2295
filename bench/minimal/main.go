// Command minimal is the load benchmark's floor for a correct gateway: per request it hashes the
// API key, finds it in an in-process map, runs the two-window limiter script once on Redis, selects
// the account's row by primary key with gorm (same driver, pool and prepared statements as the
// gateway), and answers the profile envelope. No middleware, no logging, no usage recording: the
// I/O every authenticated request must do, and as little else as possible.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	_ "net/http/pprof" // on http.DefaultServeMux, served only with -pprof
	"os"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"sharepanel/handlers"
	"sharepanel/models"
	"sharepanel/ratelimit"
)

type principal struct {
	userID int64
	planID int64
}

func main() {
	addr := flag.String("addr", "127.0.0.1:39102", "listen address")
	dbURL := flag.String("db", "", "database URL (seeded by bench/seed)")
	redisURL := flag.String("redis", "redis://127.0.0.1:6379/9", "Redis URL")
	pprofAddr := flag.String("pprof", "", "serve net/http/pprof on this address (for profiles under load)")
	timeout := flag.Duration("timeout", 50*time.Millisecond, "deadline of one limiter call to Redis, as SHAREPANEL_REDIS_TIMEOUT")
	flag.Parse()
	if *pprofAddr != "" {
		go func() { _ = http.ListenAndServe(*pprofAddr, nil) }()
	}
	if err := run(*addr, *dbURL, *redisURL, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "minimal:", err)
		os.Exit(1)
	}
}

func run(addr, dbURL, redisURL string, timeout time.Duration) error {
	ctx := context.Background()
	store, err := models.Open(ctx, dbURL, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	db := store.DB()

	// Every key and plan, loaded once: the map lookup is all the per-request key work there is.
	var rows []struct {
		KeyHash string
		UserID  int64
		PlanID  int64
	}
	if err := db.Table("api_keys AS k").Select("k.key_hash, k.user_id, u.plan_id").
		Joins("JOIN users u ON u.id = k.user_id").Scan(&rows).Error; err != nil {
		return err
	}
	keys := make(map[string]principal, len(rows))
	for _, r := range rows {
		keys[r.KeyHash] = principal{r.UserID, r.PlanID}
	}
	var planList []models.Plan
	if err := db.Find(&planList).Error; err != nil {
		return err
	}
	plans := make(map[int64]models.Plan, len(planList))
	for _, p := range planList {
		plans[p.ID] = p
	}

	client, err := ratelimit.NewRedisClientTimeout(redisURL, timeout) // as the gateway builds it
	if err != nil {
		return err
	}
	limiter, err := ratelimit.NewRedis(client, ratelimit.RedisOptions{Prefix: "rlmin:", Timeout: timeout})
	if err != nil {
		return err
	}

	fail := func(c echo.Context, status int, msg string) error {
		return c.JSON(status, handlers.Envelope{Status: "error", Message: msg, Timestamp: time.Now().UTC().Format(handlers.TimestampLayout)})
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/healthz", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
	e.Any("/api", func(c echo.Context) error {
		r := c.Request()
		secret := r.Header.Get("X-API-Key")
		p, ok := keys[models.HashKey(secret)]
		if !ok {
			return fail(c, http.StatusUnauthorized, "Invalid or expired API key")
		}
		plan := plans[p.planID]
		d, err := limiter.Allow(r.Context(), "u:"+strconv.FormatInt(p.userID, 10),
			ratelimit.Limits{PerMinute: plan.RequestsPerMinute, PerDay: plan.RequestsPerDay})
		if err != nil {
			return fail(c, http.StatusServiceUnavailable, "Rate limiting is unavailable. Please try again later.")
		}
		if !d.Allowed {
			return fail(c, http.StatusTooManyRequests, "Rate limit exceeded. Please try again later.")
		}
		var u models.User
		if err := db.WithContext(r.Context()).First(&u, p.userID).Error; err != nil {
			return fail(c, http.StatusInternalServerError, "Internal server error")
		}
		return c.JSON(http.StatusOK, handlers.Envelope{Status: "success", Message: "Profile retrieved successfully",
			Timestamp: time.Now().UTC().Format(handlers.TimestampLayout), Data: &models.Profile{
				ID: u.ID, Username: u.Username, Email: u.Email, Bio: u.Bio, Pfp: u.Pfp, Plan: plan.Name,
				OrgLimit: plan.OrgLimit, InstanceLimit: plan.InstanceLimit, Verified: u.Verified, Balance: u.Balance,
				CreatedAt: u.CreatedAt, FileLimit: plan.FileLimit, StorageLimit: plan.StorageLimit,
				FirstName: u.FirstName, LastName: u.LastName, Phone: u.Phone, Address: u.Address}})
	})
	srv := &http.Server{Addr: addr, Handler: e, ReadHeaderTimeout: 10 * time.Second}
	return srv.ListenAndServe()
}
