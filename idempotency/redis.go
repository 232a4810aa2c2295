// Package idempotency keeps the records of writes sent with an Idempotency-Key in Redis (a single
// server or Redis Cluster), for every replica: the store the user API uses when Redis is
// configured (handlers.IdempotencyStore; without Redis, the database's models.IdempotencyRecords).
//
// A record is one Redis string with a TTL: while its request runs, the claim ("P", its token and
// the request's fingerprint), which lasts a lease; then the answer ("D", the fingerprint, the
// status and the sealed body), kept for the TTL. Claiming is one script call (one round trip), and
// so is storing the answer; each touches one key, whose whole name is a hash tag, so it works on
// Redis Cluster.
package idempotency

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"sharepanel/models"
	"sharepanel/wire"
)

var (
	//go:embed claim.lua
	claimSource string
	//go:embed complete.lua
	completeSource string
	//go:embed release.lua
	releaseSource string

	claimScript    = redis.NewScript(claimSource)
	completeScript = redis.NewScript(completeSource)
	releaseScript  = redis.NewScript(releaseSource)
)

// Options configure Redis. Zero values take the defaults.
type Options struct {
	Prefix  string        // of every record's name; default "sharepanel:idem:"
	TTL     time.Duration // an answer's; default 24h
	Lease   time.Duration // a claim's; default 1m
	Timeout time.Duration // of each call; default 1s (the request's own deadline applies too)
}

// Redis keeps Idempotency-Key records in Redis.
type Redis struct {
	client redis.UniversalClient
	opts   Options
}

// NewRedis returns a store on client. It does not contact Redis.
func NewRedis(client redis.UniversalClient, opts Options) (*Redis, error) {
	if opts.Prefix == "" {
		opts.Prefix = "sharepanel:idem:"
	}
	if strings.ContainsAny(opts.Prefix, "{}") {
		return nil, fmt.Errorf("idempotency: key prefix %q must not contain braces", opts.Prefix)
	}
	if opts.TTL <= 0 {
		opts.TTL = 24 * time.Hour
	}
	if opts.Lease <= 0 {
		opts.Lease = time.Minute
	}
	if opts.Timeout <= 0 {
		opts.Timeout = time.Second
	}
	return &Redis{client: client, opts: opts}, nil
}

// Key is the Redis key of an account's record: its whole name is the hash tag, so that records
// spread over a cluster's slots and each script touches one slot.
func (r *Redis) Key(userID int64, keyHash string) string {
	return r.opts.Prefix + "{" + strconv.FormatInt(userID, 10) + ":" + keyHash + "}"
}

// Record encodings.
const (
	inProgress = 'P' // then the token (32) and the fingerprint (64)
	done       = 'D' // then the fingerprint (64), the status (3 digits) and the body
	tokenLen   = 32
	fpLen      = 64
)

func claimValue(token, fingerprint string) string { return claimHead(token) + fingerprint }

// Claim implements handlers.IdempotencyStore: one script call.
func (r *Redis) Claim(ctx context.Context, userID int64, keyHash, fingerprint string) (models.IdempotencyClaim, error) {
	if len(fingerprint) != fpLen {
		return models.IdempotencyClaim{}, fmt.Errorf("idempotency: a fingerprint is %d characters, not %d", fpLen, len(fingerprint))
	}
	ctx, cancel := context.WithTimeout(ctx, r.opts.Timeout)
	defer cancel()
	token := models.NewIdemToken()
	held, err := claimScript.Run(ctx, r.client, []string{r.Key(userID, keyHash)}, claimValue(token, fingerprint), r.opts.Lease.Milliseconds()).Text()
	if errors.Is(err, redis.Nil) {
		return models.IdempotencyClaim{Claimed: true, Token: token}, nil
	}
	if err != nil {
		return models.IdempotencyClaim{}, unavailable(err)
	}
	return decode(held)
}

// decode reads a record that holds a key.
func decode(v string) (models.IdempotencyClaim, error) {
	switch {
	case len(v) == 1+tokenLen+fpLen && v[0] == inProgress:
		return models.IdempotencyClaim{Fingerprint: v[1+tokenLen:]}, nil
	case len(v) >= 1+fpLen+3 && v[0] == done:
		status, err := strconv.Atoi(v[1+fpLen : 1+fpLen+3])
		if err == nil {
			return models.IdempotencyClaim{Fingerprint: v[1 : 1+fpLen], Done: true, Status: status, Body: []byte(v[1+fpLen+3:])}, nil
		}
	}
	return models.IdempotencyClaim{}, fmt.Errorf("idempotency: a record of %d bytes is not one this gateway writes", len(v))
}

// Complete implements handlers.IdempotencyStore: one script call.
func (r *Redis) Complete(ctx context.Context, userID int64, keyHash, token string, status int, body []byte) error {
	if status < 100 || status > 999 {
		return fmt.Errorf("idempotency: status %d", status)
	}
	ctx, cancel := context.WithTimeout(ctx, r.opts.Timeout)
	defer cancel()
	answer := strconv.Itoa(status) + string(body)
	kept, err := completeScript.Run(ctx, r.client, []string{r.Key(userID, keyHash)}, claimHead(token), answer, r.opts.TTL.Milliseconds()).Int()
	if err != nil {
		return unavailable(err)
	}
	if kept != 1 {
		return errors.New("idempotency: the claim is no longer this request's (its lease ended)")
	}
	return nil
}

// Release implements handlers.IdempotencyStore: one script call.
func (r *Redis) Release(ctx context.Context, userID int64, keyHash, token string) error {
	ctx, cancel := context.WithTimeout(ctx, r.opts.Timeout)
	defer cancel()
	if err := releaseScript.Run(ctx, r.client, []string{r.Key(userID, keyHash)}, claimHead(token)).Err(); err != nil {
		return unavailable(err)
	}
	return nil
}

// claimHead is the start of a claim's record: what Complete and Release recognise it by.
func claimHead(token string) string { return string(rune(inProgress)) + token }

// unavailable is a Redis failure as the 503 every dependency failure is.
func unavailable(err error) error {
	return wire.Unavailable(fmt.Errorf("idempotency: redis: %w", err))
}
