package cli

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// logWriter buffers the log for a file or a pipe: a request's access-log line then costs a copy
// instead of a write system call made under the log handler's lock, which every request waits on
// (the benchmark's profile: docs/BENCHMARKS.md). It writes out every interval, whenever 64 KB
// wait, at once after a warning or an error (logFlusher), and when closed, so a clean stop loses
// nothing and a crash at most the last interval's info lines.
type logWriter struct {
	mu   sync.Mutex
	buf  *bufio.Writer
	stop chan struct{}
	done chan struct{}
}

func newLogWriter(w io.Writer, interval time.Duration) *logWriter {
	l := &logWriter{buf: bufio.NewWriterSize(w, 64<<10), stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(l.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-l.stop:
				return
			case <-t.C:
				_ = l.Flush()
			}
		}
	}()
	return l
}

// Write implements io.Writer. slog handlers write one whole line per call.
func (l *logWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// Flush writes out what is buffered.
func (l *logWriter) Flush() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Flush()
}

// Close stops the timer and writes out what is left.
func (l *logWriter) Close() error {
	close(l.stop)
	<-l.done
	return l.Flush()
}

// logFlusher is a slog.Handler that writes the buffer out after every warning and error, so that
// they reach the log at once (and before a crash that may follow).
type logFlusher struct {
	slog.Handler
	w *logWriter
}

func (h logFlusher) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Level >= slog.LevelWarn {
		if ferr := h.w.Flush(); err == nil {
			err = ferr
		}
	}
	return err
}

func (h logFlusher) WithAttrs(attrs []slog.Attr) slog.Handler {
	return logFlusher{h.Handler.WithAttrs(attrs), h.w}
}

func (h logFlusher) WithGroup(name string) slog.Handler {
	return logFlusher{h.Handler.WithGroup(name), h.w}
}
