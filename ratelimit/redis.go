package ratelimit

import (
	"context"
	"crypto/sha1"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

//go:embed allow.lua
var allowScript string

//go:embed merge.lua
var mergeScript string

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
	client   redis.UniversalClient
	prefix   string
	timeout  time.Duration
	sha      string
	mergeSHA string
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
	msum := sha1.Sum([]byte(mergeScript))
	return &Redis{client: client, prefix: opts.Prefix, timeout: opts.Timeout, sha: hex.EncodeToString(sum[:]),
		mergeSHA: hex.EncodeToString(msum[:])}, nil
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
	d, _, err := r.decideSeeded(ctx, key, limits, charge, noSeed)
	return d, err
}

// Seeds of the daily count (allow.lua's ARGV[4]) other than a number of requests.
const (
	noSeed  = -2 // a missing count starts from 0
	askSeed = -1 // a missing count is errNeedSeed
)

// errNeedSeed is decideSeeded's answer to askSeed when Redis has no count for today: nothing was
// charged or written.
var errNeedSeed = errors.New("ratelimit: redis has no daily count to charge: seed it")

// decideSeeded is one decision, with seed for a missing daily count (noSeed, askSeed, or the
// requests to start from), and the verdict behind it.
func (r *Redis) decideSeeded(ctx context.Context, key string, limits Limits, charge bool, seed int64) (Decision, verdict, error) {
	if err := checkKey(key); err != nil {
		return Decision{}, verdict{}, err
	}
	if limits.PerMinute <= 0 && limits.PerDay <= 0 {
		return Decision{Allowed: true, Backend: "redis"}, verdict{allowed: true}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()

	m, d := r.Keys(key)
	flag := "0"
	if charge {
		flag = "1"
	}
	args := []any{2, m, d, limits.PerMinute, limits.PerDay, flag, seed}

	res, err := r.script(ctx, r.sha, allowScript, args)
	if err != nil {
		return Decision{}, verdict{}, fmt.Errorf("ratelimit: redis: %w", err)
	}
	if len(res) != 6 {
		return Decision{}, verdict{}, fmt.Errorf("ratelimit: redis: script returned %d values, want 6", len(res))
	}
	if res[0] == -1 {
		return Decision{}, verdict{}, errNeedSeed
	}
	v := verdict{
		allowed: res[0] == 1,
		tokens:  res[1],
		fullIn:  res[2],
		used:    res[3],
		retry:   res[4],
		now:     res[5],
	}
	return v.decision(limits, "redis"), v, nil
}

// script runs a script by SHA, or whole when the server has lost it (NOSCRIPT): EVAL was not run
// by the refused EVALSHA, so sending it now cannot charge twice; it caches the script for the
// calls that follow.
func (r *Redis) script(ctx context.Context, sha, body string, args []any) ([]int64, error) {
	res, err := r.run(ctx, "evalsha", sha, args)
	if redis.HasErrorPrefix(err, "NOSCRIPT") {
		res, err = r.run(ctx, "eval", body, args)
	}
	return res, err
}

// addDay adds n requests of day (days since the epoch) to key's daily count, unless Redis has
// no count for that day or seeded it from the database after since (µs on Redis's clock): see
// merge.lua. It reports whether it added them.
func (r *Redis) addDay(ctx context.Context, key string, n, day, since int64) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	_, d := r.Keys(key)
	res, err := r.script(ctx, r.mergeSHA, mergeScript, []any{1, d, n, day, since})
	if err != nil {
		return false, fmt.Errorf("ratelimit: redis: %w", err)
	}
	return len(res) == 1 && res[0] == 1, nil
}

// run sends one script command, marked so that no layer of go-redis sends it again: a command
// that timed out may have run, and a second run would charge the caller twice.
func (r *Redis) run(ctx context.Context, name, script string, args []any) ([]int64, error) {
	cmd := onceCmd{redis.NewCmd(ctx, append([]any{name, script}, args...)...)}
	if err := r.client.Process(ctx, cmd); err != nil {
		return nil, err
	}
	if n, err := cmd.Int64(); err == nil { // merge.lua answers one number
		return []int64{n}, nil
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
