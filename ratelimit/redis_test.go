package ratelimit

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func TestRedisKeysHaveTTL(t *testing.T) {
	forEachRedis(t, func(t *testing.T, b *backend) {
		ctx := context.Background()
		l := b.newLimiter().(*Redis)
		key := uniqueKey(t)
		lim := Limits{PerMinute: 10, PerDay: 100}
		d := allow(t, l, key, lim)
		now := d.Minute.Reset.Add(-6 * time.Second) // Redis's clock: one token spent is 6 s to full

		m, day := l.Keys(key)
		if ttl := b.client.PTTL(ctx, m).Val(); ttl <= 0 || ttl > 7*time.Second {
			t.Errorf("bucket TTL %v, want (0, 7s]: full again in 6s, plus 1s", ttl)
		}
		// Until midnight plus a minute, rounded up to the millisecond.
		if ttl, max := b.client.PTTL(ctx, day).Val(), nextMidnight(now).Sub(now)+time.Minute+time.Millisecond; ttl <= 0 || ttl > max {
			t.Errorf("day TTL %v, want (0, %v]", ttl, max)
		}

		// Whatever the calls, no key is left without a TTL.
		for i := range 30 {
			k := key + strconv.Itoa(i%3)
			allow(t, l, k, Limits{PerMinute: i % 4, PerDay: i % 5})
			peek(t, l, k, lim)
		}
		keys := scanKeys(t, b.client, b.prefix)
		if len(keys) < 2 {
			t.Fatalf("found only keys %v", keys)
		}
		for _, k := range keys {
			if ttl := b.client.PTTL(ctx, k).Val(); ttl <= 0 {
				t.Errorf("key %s has TTL %v", k, ttl)
			}
		}
	})
}

// The bucket key expires only once it is full again, so its expiry loses nothing.
func TestRedisBucketExpiresWhenFull(t *testing.T) {
	b := miniredisBackend(t, false)
	l, key := b.newLimiter(), uniqueKey(t)
	lim := Limits{PerMinute: 10}
	for range 10 {
		allow(t, l, key, lim)
	}
	b.setTime(t0.Add(time.Minute))
	b.mr.FastForward(time.Minute + time.Second)
	m, _ := l.(*Redis).Keys(key)
	if b.mr.Exists(m) {
		t.Fatal("full bucket still stored")
	}
	if d := peek(t, l, key, lim); d.Minute.Remaining != 10 {
		t.Fatalf("after expiry: %+v", d)
	}
}

// commandLog records the commands a client sends, as a go-redis hook.
type commandLog struct {
	mu    sync.Mutex
	names []string
}

func (h *commandLog) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *commandLog) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.mu.Lock()
		h.names = append(h.names, cmd.Name())
		h.mu.Unlock()
		return next(ctx, cmd)
	}
}

func (h *commandLog) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.mu.Lock()
		for _, c := range cmds {
			h.names = append(h.names, c.Name())
		}
		h.mu.Unlock()
		return next(ctx, cmds)
	}
}

func (h *commandLog) take() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := h.names
	h.names = nil
	return n
}

func TestRedisOneCommandPerDecision(t *testing.T) {
	forEachRedis(t, func(t *testing.T, b *backend) {
		l := b.newLimiter()
		log := &commandLog{}
		b.client.AddHook(log)
		key := uniqueKey(t)
		lim := Limits{PerMinute: 500, PerDay: 1000}
		allow(t, l, key, lim) // the server may not have the script yet: EVALSHA, then EVAL
		log.take()

		const n = 50
		for range n {
			allow(t, l, key, lim)
		}
		peek(t, l, key, lim)
		if got := log.take(); len(got) != n+1 || strings.Join(got, " ") != strings.TrimSpace(strings.Repeat("evalsha ", n+1)) {
			t.Fatalf("%d decisions sent %d commands: %v", n+1, len(got), got)
		}
	})
}

// After the script cache is lost, the next call still decides (EVALSHA, NOSCRIPT, EVAL), and
// counts on from where it was.
func TestRedisSurvivesScriptFlush(t *testing.T) {
	forEachRedis(t, func(t *testing.T, b *backend) {
		ctx := context.Background()
		l := b.newLimiter().(*Redis)
		key, lim := uniqueKey(t), Limits{PerMinute: 100, PerDay: 1000}
		allow(t, l, key, lim)
		if b.mr != nil {
			if err := b.client.ScriptFlush(ctx).Err(); err != nil {
				t.Fatal(err)
			}
		} else {
			// A shared server's script cache is not ours to flush; a digest it has never seen
			// takes the same path.
			sum := sha1.Sum([]byte(allowScript + "-- " + randHex(t)))
			l.sha = hex.EncodeToString(sum[:])
		}
		log := &commandLog{}
		b.client.AddHook(log)
		d := allow(t, l, key, lim)
		if !d.Allowed || d.Day.Remaining != 998 {
			t.Fatalf("after the flush: %+v", d)
		}
		if got := strings.Join(log.take(), " "); got != "evalsha eval" {
			t.Errorf("commands %q, want \"evalsha eval\"", got)
		}
	})
}

// INFO commandstats on a real server: the server, not the client, counts one script call per
// decision. The server must not run other scripts meanwhile.
func TestRedisOneScriptCallPerDecisionOnServer(t *testing.T) {
	for _, cluster := range []bool{false, true} {
		t.Run(map[bool]string{false: "redis", true: "redis-cluster"}[cluster], func(t *testing.T) {
			b := realRedisBackend(t, cluster)
			l, key := b.newLimiter(), uniqueKey(t)
			lim := Limits{PerMinute: 500, PerDay: 1000}
			allow(t, l, key, lim)
			before := scriptCalls(t, b.client)
			const n = 100
			for range n {
				allow(t, l, key, lim)
			}
			after := scriptCalls(t, b.client)
			if after["evalsha"]-before["evalsha"] != n || after["eval"] != before["eval"] {
				t.Fatalf("%d decisions: server counted evalsha %d→%d, eval %d→%d", n,
					before["evalsha"], after["evalsha"], before["eval"], after["eval"])
			}
		})
	}
}

// scriptCalls sums the calls of EVAL and EVALSHA over every master.
func scriptCalls(t *testing.T, c redis.UniversalClient) map[string]int {
	ctx := context.Background()
	var mu sync.Mutex
	total := map[string]int{}
	collect := func(ctx context.Context, n *redis.Client) error {
		info, err := n.Info(ctx, "commandstats").Result()
		if err != nil {
			return err
		}
		for _, line := range strings.Split(info, "\n") {
			for _, name := range []string{"eval", "evalsha"} {
				rest, ok := strings.CutPrefix(strings.TrimSpace(line), "cmdstat_"+name+":calls=")
				if !ok {
					continue
				}
				calls, _ := strconv.Atoi(strings.Split(rest, ",")[0])
				mu.Lock()
				total[name] += calls
				mu.Unlock()
			}
		}
		return nil
	}
	var err error
	switch c := c.(type) {
	case *redis.ClusterClient:
		err = c.ForEachMaster(ctx, collect)
	case *redis.Client:
		err = collect(ctx, c)
	}
	if err != nil {
		t.Fatal(err)
	}
	return total
}

// A script call that times out is not sent again: it may have run, and a second run would
// charge twice. Checked on the wire, for both kinds of client NewRedisClient builds.
func TestRedisDoesNotRetryAScriptCall(t *testing.T) {
	for _, scheme := range []string{"redis://", "redis+cluster://"} {
		t.Run(scheme, func(t *testing.T) {
			srv := startStallServer(t)
			c, err := NewRedisClient(scheme + srv.Addr() + "?timeout=50ms")
			if err != nil {
				t.Fatal(err)
			}
			r := newTestRedis(t, c, "rl:")
			start := time.Now()
			_, err = r.Allow(context.Background(), "k", Limits{PerMinute: 10})
			elapsed := time.Since(start)
			c.Close()
			srv.stop()
			if err == nil {
				t.Fatal("no error from a server that never answers")
			}
			if n := srv.ScriptCalls(); n != 1 {
				t.Errorf("the script was sent %d times, want once", n)
			}
			if elapsed > time.Second {
				t.Errorf("answered after %v with a 50ms timeout", elapsed)
			}
		})
	}
}

func TestNewRedisRejectsBracesInPrefix(t *testing.T) {
	if _, err := NewRedis(redis.NewClient(&redis.Options{}), RedisOptions{Prefix: "rl:{x}:"}); err == nil {
		t.Fatal("prefix with braces accepted")
	}
}
