package ratelimit

import (
	"context"
	"crypto/sha1"
	_ "embed"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

//go:embed allow.lua
var allowScript string

// RedisOptions configure NewRedis. The zero value is ready to use.
type RedisOptions struct {
	// Prefix starts every key (default "rl:"). It must not contain '{' or '}', which would move
	// the hash tag away from the caller key.
	Prefix string
	// Timeout bounds one decision, dial and pool wait included (default 100ms), so that a sick
	// Redis answers with an error quickly instead of holding the request.
	Timeout time.Duration
}

// Redis is the Limiter shared by all gateway replicas. One decision is one EVALSHA of allow.lua
// (EVAL when the server has lost the script), on Redis's own clock.
//
// A caller key k is stored as <prefix>{k}:m (the minute bucket) and <prefix>{k}:d (the daily
// count): one hash tag, so both live in one Redis Cluster slot.
//
// The client should not retry commands (a retried script may charge twice) and should time out
// quickly; NewRedisClient builds one like that. The script needs Redis 4.0 or later (HSET with
// several fields); it is tested on Redis 7.0 and Redis Cluster.
type Redis struct {
	client  redis.UniversalClient
	prefix  string
	timeout time.Duration
	sha     string
}

// NewRedis returns a limiter on client. It does not contact Redis: the first decision loads
// the script.
func NewRedis(client redis.UniversalClient, opts RedisOptions) (*Redis, error) {
	if opts.Prefix == "" {
		opts.Prefix = "rl:"
	}
	if strings.ContainsAny(opts.Prefix, "{}") {
		return nil, fmt.Errorf("ratelimit: key prefix %q must not contain braces", opts.Prefix)
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 100 * time.Millisecond
	}
	sum := sha1.Sum([]byte(allowScript))
	return &Redis{client: client, prefix: opts.Prefix, timeout: opts.Timeout, sha: hex.EncodeToString(sum[:])}, nil
}

// Allow implements Limiter.
func (r *Redis) Allow(ctx context.Context, key string, limits Limits) (Decision, error) {
	return r.decide(ctx, key, limits, true)
}

// Peek implements Checker.
func (r *Redis) Peek(ctx context.Context, key string, limits Limits) (Decision, error) {
	return r.decide(ctx, key, limits, false)
}

// Keys returns the Redis keys that hold key's state, for tests and for operators.
func (r *Redis) Keys(key string) (minute, day string) {
	base := r.prefix + "{" + key + "}:"
	return base + "m", base + "d"
}

func (r *Redis) decide(ctx context.Context, key string, limits Limits, charge bool) (Decision, error) {
	if err := checkKey(key); err != nil {
		return Decision{}, err
	}
	if limits.PerMinute <= 0 && limits.PerDay <= 0 {
		return Decision{Allowed: true, Backend: "redis"}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()

	m, d := r.Keys(key)
	flag := "0"
	if charge {
		flag = "1"
	}
	args := []any{2, m, d, limits.PerMinute, limits.PerDay, flag}

	res, err := r.run(ctx, "evalsha", r.sha, args)
	if redis.HasErrorPrefix(err, "NOSCRIPT") {
		// The script cache was flushed or this server never saw the script. EVAL was not run
		// by the refused EVALSHA, so sending it now cannot charge twice; it caches the script
		// for the calls that follow.
		res, err = r.run(ctx, "eval", allowScript, args)
	}
	if err != nil {
		return Decision{}, fmt.Errorf("ratelimit: redis: %w", err)
	}
	if len(res) != 6 {
		return Decision{}, fmt.Errorf("ratelimit: redis: script returned %d values, want 6", len(res))
	}
	v := verdict{
		allowed: res[0] == 1,
		tokens:  res[1],
		fullIn:  res[2],
		used:    res[3],
		retry:   res[4],
		now:     res[5],
	}
	return v.decision(limits, "redis"), nil
}

// run sends one script command, marked so that no layer of go-redis sends it again: a command
// that timed out may have run, and a second run would charge the caller twice.
func (r *Redis) run(ctx context.Context, name, script string, args []any) ([]int64, error) {
	cmd := onceCmd{redis.NewCmd(ctx, append([]any{name, script}, args...)...)}
	if err := r.client.Process(ctx, cmd); err != nil {
		return nil, err
	}
	return cmd.Int64Slice()
}

// onceCmd is a command go-redis must not retry. MaxRetries covers a single client, but the
// cluster client retries network errors on its own, unless the command says NoRetry.
type onceCmd struct{ *redis.Cmd }

// NoRetry implements redis.Cmder.
func (onceCmd) NoRetry() bool { return true }

// Clone implements redis.Cmder, keeping the mark on copies.
func (c onceCmd) Clone() redis.Cmder { return onceCmd{c.Cmd.Clone().(*redis.Cmd)} }
