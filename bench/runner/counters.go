package main

import (
	"context"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
	"gorm.io/gorm"
)

// counters are the servers' own counts of the work done, read before and after a run: script
// calls on Redis (INFO commandstats) and statements on MariaDB (SHOW GLOBAL STATUS). They count
// the whole server, so anything else running on it meanwhile shows up too.
type counters struct {
	Scripts int64 // EVALSHA + EVAL
	Selects int64 // Com_select (plain and prepared SELECTs)
	Inserts int64 // Com_insert
	Updates int64 // Com_update
}

func (c counters) sub(o counters) counters {
	return counters{c.Scripts - o.Scripts, c.Selects - o.Selects, c.Inserts - o.Inserts, c.Updates - o.Updates}
}

// readCounters reads both servers; a server that is nil or fails leaves its fields at -1.
func readCounters(ctx context.Context, rdb *redis.Client, db *gorm.DB) counters {
	c := counters{Scripts: -1, Selects: -1, Inserts: -1, Updates: -1}
	if rdb != nil {
		if info, err := rdb.Info(ctx, "commandstats").Result(); err == nil {
			c.Scripts = cmdCalls(info, "evalsha") + cmdCalls(info, "eval")
		}
	}
	if db != nil {
		var rows []struct {
			VariableName string `gorm:"column:Variable_name"`
			Value        string `gorm:"column:Value"`
		}
		if db.WithContext(ctx).Raw("SHOW GLOBAL STATUS WHERE Variable_name IN ('Com_select','Com_insert','Com_update')").Scan(&rows).Error == nil {
			for _, r := range rows {
				n, _ := strconv.ParseInt(r.Value, 10, 64)
				switch r.VariableName {
				case "Com_select":
					c.Selects = n
				case "Com_insert":
					c.Inserts = n
				case "Com_update":
					c.Updates = n
				}
			}
		}
	}
	return c
}

// cmdCalls reads calls=N from the cmdstat_<name> line of INFO commandstats.
func cmdCalls(info, name string) int64 {
	for _, line := range strings.Split(info, "\n") {
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), "cmdstat_"+name+":")
		if !ok {
			continue
		}
		for _, f := range strings.Split(rest, ",") {
			if v, ok := strings.CutPrefix(f, "calls="); ok {
				n, _ := strconv.ParseInt(v, 10, 64)
				return n
			}
		}
	}
	return 0
}
