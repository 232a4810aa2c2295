package cli

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Info lines wait in the buffer; a warning writes them out with itself; Close writes the rest.
func TestLogWriterFlushesWarningsAtOnceAndTheRestOnClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lw := newLogWriter(f, time.Hour) // no timer flush during the test
	log := slog.New(logFlusher{slog.NewJSONHandler(lw, nil), lw}).With("replica", "a")
	written := func() string {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	log.Info("first")
	if got := written(); got != "" {
		t.Fatalf("an info line was written at once: %q", got)
	}
	log.Warn("second")
	if got := written(); !strings.Contains(got, `"msg":"first"`) || !strings.Contains(got, `"msg":"second"`) || !strings.Contains(got, `"replica":"a"`) {
		t.Fatalf("after a warning: %q", got)
	}
	log.Info("third")
	if strings.Contains(written(), "third") {
		t.Fatal("the info line after the warning was written at once")
	}
	if err := lw.Close(); err != nil {
		t.Fatal(err)
	}
	if got := written(); strings.Count(got, "\n") != 3 || !strings.Contains(got, `"msg":"third"`) {
		t.Fatalf("after Close: %q", got)
	}
}
