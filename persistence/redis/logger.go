package redisstore

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/redis/go-redis/v9"
)

// RouteClientLogs sends go-redis's own log lines (dial failures, pool
// notices) to log at debug level, instead of the standard logger's
// unstructured lines on stderr. They repeat for every dial attempt during
// an outage, which the process already reports once, in its own words,
// when its store health check fails; at debug level they stay available
// for diagnosis. go-redis holds one logger for the whole process, so the
// last call wins.
func RouteClientLogs(log *slog.Logger) {
	redis.SetLogger(clientLog{log: log.With("component", "redis-client")})
}

// clientLog adapts slog to go-redis's logging interface.
type clientLog struct{ log *slog.Logger }

// Printf logs one go-redis message. Its text names addresses and errors,
// never keys or values, so it holds no patient data.
func (l clientLog) Printf(ctx context.Context, format string, v ...any) {
	l.log.DebugContext(ctx, fmt.Sprintf(format, v...))
}
