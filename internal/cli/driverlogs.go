package cli

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	mysqldriver "github.com/go-sql-driver/mysql"
	"github.com/redis/go-redis/v9"
)

// routeDriverLogs sends what go-redis and the MySQL driver log on their own (plain text on stderr
// by default, which breaks a JSON log stream) through the service's logger, as warnings tagged with
// their source. Both libraries keep one logger per process, so this sets it for the process.
func routeDriverLogs(log *slog.Logger) {
	redis.SetLogger(redisLog{log.With("source", "go-redis")})
	_ = mysqldriver.SetLogger(mysqlLog{log.With("source", "mysql-driver")})
}

// redisLog is go-redis's logging interface on slog.
type redisLog struct{ log *slog.Logger }

func (l redisLog) Printf(ctx context.Context, format string, v ...any) {
	l.log.WarnContext(ctx, strings.TrimSpace(fmt.Sprintf(format, v...)))
}

// mysqlLog is the MySQL driver's logging interface on slog.
type mysqlLog struct{ log *slog.Logger }

func (l mysqlLog) Print(v ...any) {
	l.log.Warn(strings.TrimSpace(fmt.Sprint(v...)))
}
