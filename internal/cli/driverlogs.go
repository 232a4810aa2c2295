package cli

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"

	mysqldriver "github.com/go-sql-driver/mysql"
	"github.com/redis/go-redis/v9"
)

// routeDriverLogs sends what go-redis and the MySQL driver log on their own (plain text on stderr
// by default, which breaks a JSON log stream) through log, as warnings tagged with their source.
// Both libraries keep one logger per process; it is set once, to adapters that write to the
// logger given last (a process runs one command; tests run several).
func routeDriverLogs(log *slog.Logger) {
	driverLog.Store(log)
	driverLogsOnce.Do(func() {
		redis.SetLogger(redisLog{})
		_ = mysqldriver.SetLogger(mysqlLog{})
	})
}

var (
	driverLog      atomic.Pointer[slog.Logger]
	driverLogsOnce sync.Once
)

// redisLog is go-redis's logging interface on slog.
type redisLog struct{}

func (redisLog) Printf(ctx context.Context, format string, v ...any) {
	driverLog.Load().WarnContext(ctx, strings.TrimSpace(fmt.Sprintf(format, v...)), "source", "go-redis")
}

// mysqlLog is the MySQL driver's logging interface on slog.
type mysqlLog struct{}

func (mysqlLog) Print(v ...any) {
	driverLog.Load().Warn(strings.TrimSpace(fmt.Sprint(v...)), "source", "mysql-driver")
}
