package testenv

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"
	"gorm.io/gorm"

	"sharepanel/models"
)

// SQLLog records the statements a store runs (through gorm callbacks), so that a test can say how
// many queries a request costs and which.
type SQLLog struct {
	mu      sync.Mutex
	reads   []string       // SQL of each query (Find, First, Scan, Row, Raw)
	full    []string       // the same with their arguments written in (Dialector.Explain)
	inserts map[string]int // INSERT statements by table
	rows    map[string]int64
}

// LogSQL starts recording the statements of s. Callbacks cannot be removed, so the log lives as
// long as the store (one test's).
func LogSQL(t testing.TB, s *models.Store) *SQLLog {
	t.Helper()
	l := &SQLLog{inserts: map[string]int{}, rows: map[string]int64{}}
	cb := s.DB().Callback()
	read := func(db *gorm.DB) {
		l.mu.Lock()
		l.reads = append(l.reads, db.Statement.SQL.String())
		l.full = append(l.full, db.Dialector.Explain(db.Statement.SQL.String(), db.Statement.Vars...))
		l.mu.Unlock()
	}
	create := func(db *gorm.DB) {
		if db.Error != nil {
			return
		}
		l.mu.Lock()
		l.inserts[db.Statement.Table]++
		l.rows[db.Statement.Table] += db.Statement.RowsAffected
		l.mu.Unlock()
	}
	for _, err := range []error{
		cb.Query().After("gorm:query").Register("testenv:log_query", read),
		cb.Row().After("gorm:row").Register("testenv:log_row", read),
		cb.Raw().After("gorm:raw").Register("testenv:log_raw", read),
		cb.Create().After("gorm:create").Register("testenv:log_create", create),
	} {
		if err != nil {
			t.Fatalf("register SQL log: %v", err)
		}
	}
	return l
}

// Reset forgets what was recorded.
func (l *SQLLog) Reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reads, l.full, l.inserts, l.rows = nil, nil, map[string]int{}, map[string]int64{}
}

// ReadsWithArgs returns the queries run since the last Reset with their arguments written in, as
// the database could run them again (EXPLAIN, ANALYZE).
func (l *SQLLog) ReadsWithArgs() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.full...)
}

// Reads returns the SQL of the queries run since the last Reset.
func (l *SQLLog) Reads() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.reads...)
}

// ReadsMentioning counts the queries whose SQL contains s (e.g. a table name).
func (l *SQLLog) ReadsMentioning(s string) int {
	n := 0
	for _, q := range l.Reads() {
		if strings.Contains(q, s) {
			n++
		}
	}
	return n
}

// Inserts returns the INSERT statements into table since the last Reset, and the rows they wrote.
func (l *SQLLog) Inserts(table string) (statements int, rows int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.inserts[table], l.rows[table]
}

// RedisLog counts the commands a Redis client sends, by name, through a go-redis hook. Commands
// sent in a pipeline count one each.
type RedisLog struct {
	mu    sync.Mutex
	calls map[string]int
}

// LogRedis starts counting the commands of c.
func LogRedis(c redis.UniversalClient) *RedisLog {
	l := &RedisLog{calls: map[string]int{}}
	c.AddHook(l)
	return l
}

// Count is the number of commands named name (lower case) since the last Reset; "" counts all.
func (l *RedisLog) Count(name string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if name != "" {
		return l.calls[name]
	}
	n := 0
	for _, c := range l.calls {
		n += c
	}
	return n
}

// Reset forgets the counts.
func (l *RedisLog) Reset() {
	l.mu.Lock()
	l.calls = map[string]int{}
	l.mu.Unlock()
}

func (l *RedisLog) add(cmds ...redis.Cmder) {
	l.mu.Lock()
	for _, c := range cmds {
		l.calls[strings.ToLower(c.Name())]++
	}
	l.mu.Unlock()
}

// DialHook implements redis.Hook.
func (l *RedisLog) DialHook(next redis.DialHook) redis.DialHook { return next }

// ProcessHook implements redis.Hook.
func (l *RedisLog) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		l.add(cmd)
		return next(ctx, cmd)
	}
}

// ProcessPipelineHook implements redis.Hook.
func (l *RedisLog) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		l.add(cmds...)
		return next(ctx, cmds)
	}
}
