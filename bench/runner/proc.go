package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// servicePIDs finds the MariaDB server and the Redis server listening on redisPort, to read their
// CPU time around each run (only read: they are not ours). 0 when not found.
func servicePIDs(redisPort string) (mariadb, redis int) {
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if err != nil {
			continue
		}
		cmd := strings.ReplaceAll(string(b), "\x00", " ")
		switch {
		case strings.Contains(cmd, "mariadbd") || strings.Contains(cmd, "mysqld"):
			mariadb = pid
		case strings.Contains(cmd, "redis-server") && strings.Contains(cmd, ":"+redisPort):
			redis = pid
		}
	}
	return mariadb, redis
}

// logStats reads the gateway's log: the counters of its "usage recorder stopped" line, and how
// often the limiter fell back from Redis (a call slower than SHAREPANEL_REDIS_TIMEOUT).
func logStats(logPath string) (records, rows, inserts, fallbacks int64) {
	f, err := os.Open(logPath)
	if err != nil {
		return 0, 0, 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.Contains(line, "Redis unavailable, falling back") {
			fallbacks++
		}
		if !strings.Contains(line, "usage recorder stopped") {
			continue
		}
		var v struct {
			Records int64 `json:"records"`
			Rows    int64 `json:"rows"`
			Inserts int64 `json:"inserts"`
		}
		if json.Unmarshal([]byte(line), &v) == nil {
			records, rows, inserts = v.Records, v.Rows, v.Inserts
		}
	}
	return records, rows, inserts, fallbacks
}

// cpuProfile saves a CPU profile of the gateway over most of a measured run.
func cpuProfile(addr, dir, name string, conns int, run time.Duration) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	secs := max(int(run/time.Second)-2, 1)
	time.Sleep(time.Second)
	res, err := http.Get(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", addr, secs))
	if err != nil {
		return err
	}
	defer res.Body.Close()
	path := filepath.Join(dir, fmt.Sprintf("%s-c%d.pprof", name, conns))
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(f, res.Body)
	return err
}

// probe sends one request and returns its status and headers: a check that the scenario answers
// what it should before it is loaded.
func probe(ctx context.Context, url, key string) (int, http.Header, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, nil, err
	}
	if key != "" {
		req.Header.Set("X-API-Key", key)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	res.Body.Close()
	return res.StatusCode, res.Header, nil
}
