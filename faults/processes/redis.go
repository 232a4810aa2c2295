package processes

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis is the suite's own redis-server on a port of its own. It keeps nothing on disk (no RDB
// snapshots, no AOF), so a restart always comes back empty, and it accepts DEBUG from local
// clients, which the slow-Redis fault needs.
type Redis struct {
	Port   int
	dir    string
	logDir string
	starts int
	proc   *Proc
	client *redis.Client // the suite's own connection: generous timeouts, it is not under test
}

// StartRedis starts redis-server on port with its working directory in dir and waits until it
// answers PING.
func StartRedis(dir, logDir string, port int) (*Redis, error) {
	r := &Redis{Port: port, dir: dir, logDir: logDir}
	r.client = redis.NewClient(&redis.Options{Addr: r.Addr(), DialTimeout: time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 5 * time.Second, MaxRetries: -1})
	if err := r.Start(); err != nil {
		r.client.Close()
		return nil, err
	}
	return r, nil
}

// Addr is host:port.
func (r *Redis) Addr() string { return "127.0.0.1:" + strconv.Itoa(r.Port) }

// URL is what SHAREPANEL_REDIS_URL takes.
func (r *Redis) URL() string { return "redis://" + r.Addr() + "/0" }

// Start (re)starts the server, empty, and waits until it answers.
func (r *Redis) Start() error {
	if r.proc != nil && !r.proc.Exited() {
		return fmt.Errorf("redis on %d is running already", r.Port)
	}
	if err := PortFree(r.Port); err != nil {
		return err
	}
	r.starts++
	args := []string{"--port", strconv.Itoa(r.Port), "--bind", "127.0.0.1", "--dir", r.dir,
		"--save", "", "--appendonly", "no", "--enable-debug-command", "local", "--daemonize", "no"}
	p, err := Start("redis-server", filepath.Join(r.logDir, "redis.log"), "redis-server", args, nil)
	if err != nil {
		return err
	}
	r.proc = p
	return waitUntil(10*time.Second, p, func(ctx context.Context) error { return r.client.Ping(ctx).Err() })
}

// Kill ends the server with SIGKILL.
func (r *Redis) Kill() { r.proc.Kill() }

// Stop ends the server with SIGTERM (SIGKILL after 10 s) and closes the suite's connection.
func (r *Redis) Stop() {
	r.proc.Terminate(10 * time.Second)
	r.client.Close()
}

// Pid is the running server's process ID.
func (r *Redis) Pid() int { return r.proc.Pid() }

// Sleep blocks the server for d with DEBUG SLEEP: it answers nobody meanwhile. It returns when the
// server answers again.
func (r *Redis) Sleep(ctx context.Context, d time.Duration) error {
	return r.client.Do(ctx, "DEBUG", "SLEEP", strconv.FormatFloat(d.Seconds(), 'f', 3, 64)).Err()
}

// WaitAsleep waits up to d until the server stops answering (a DEBUG SLEEP sent on another
// connection has begun).
func (r *Redis) WaitAsleep(d time.Duration) error {
	probe := redis.NewClient(&redis.Options{Addr: r.Addr(), MaxRetries: -1, PoolSize: 1,
		DialTimeout: 20 * time.Millisecond, ReadTimeout: 20 * time.Millisecond, WriteTimeout: 20 * time.Millisecond})
	defer probe.Close()
	for deadline := time.Now().Add(d); time.Now().Before(deadline); {
		if probe.Ping(context.Background()).Err() != nil {
			return nil
		}
		time.Sleep(5 * time.Millisecond)
	}
	return fmt.Errorf("redis on %d still answering %s after DEBUG SLEEP", r.Port, d)
}

// Keys is the number of keys in database 0.
func (r *Redis) Keys(ctx context.Context) (int64, error) { return r.client.DBSize(ctx).Result() }

// Flush empties the server (the suite's own: nobody else uses it) between scenarios.
func (r *Redis) Flush(ctx context.Context) error { return r.client.FlushAll(ctx).Err() }

// Exited reports whether the server is down (killed, or stopped).
func (r *Redis) Exited() bool { return r.proc == nil || r.proc.Exited() }
