package models_test

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"sharepanel/internal/testenv"
	"sharepanel/models"
)

// frozenServer accepts connections and never answers, like a database stopped with SIGSTOP (the
// kernel still completes the TCP handshake). accepted is closed at the first connection.
func frozenServer(t *testing.T) (addr string, accepted <-chan struct{}) {
	t.Helper()
	first := make(chan struct{})
	var once sync.Once
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			once.Do(func() { close(first) })
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	return ln.Addr().String(), first
}

// logLines collects log lines from any goroutine.
type logLines struct {
	mu    sync.Mutex
	lines []string
	first chan struct{} // closed at the first line
	once  sync.Once
}

func newLogLines() *logLines { return &logLines{first: make(chan struct{})} }

func (l *logLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	l.lines = append(l.lines, strings.TrimSpace(string(p)))
	l.mu.Unlock()
	l.once.Do(func() { close(l.first) })
	return len(p), nil
}

func (l *logLines) about(word string) (n int, all string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, line := range l.lines {
		if strings.Contains(line, word) {
			n++
		}
	}
	return n, strings.Join(l.lines, "\n")
}

// A start with the database frozen tries again with backoff, logs each attempt (never the URL's
// password), and gives up when SHAREPANEL_DB_STARTUP_TIMEOUT is over, saying so.
func TestConnectGivesUpOnAFrozenDatabase(t *testing.T) {
	addr, _ := frozenServer(t)
	logs := newLogLines()
	_, err := models.Connect(context.Background(), "mysql://sp:s3cret-pw@"+addr+"/sp", slog.New(slog.NewJSONHandler(logs, nil)), models.Options{}, 3*time.Second)
	if err == nil || !strings.Contains(err.Error(), "database not reachable within SHAREPANEL_DB_STARTUP_TIMEOUT (3s, 3 attempts)") {
		t.Fatalf("error %v", err)
	}
	n, all := logs.about("database not reachable yet")
	if n != 2 || strings.Contains(all+err.Error(), "s3cret-pw") {
		t.Fatalf("%d lines about the attempts (want 2, one per attempt but the last), or the password logged:\n%s", n, all)
	}
}

// SIGTERM or SIGINT (the context) ends the wait at once, however long the start-up timeout, even in
// the middle of an attempt (here: the MySQL handshake with a frozen server).
func TestConnectStopsWhenTold(t *testing.T) {
	addr, accepted := frozenServer(t)
	logs := newLogLines()
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-accepted; cancel() }()
	_, err := models.Connect(ctx, "mysql://sp:pw@"+addr+"/sp", slog.New(slog.NewJSONHandler(logs, nil)), models.Options{}, time.Hour)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "stopped while waiting for the database") {
		t.Fatalf("error %v", err)
	}
}

// A database that comes up during the wait is used: here an SQLite file whose directory appears
// after the first attempts failed.
func TestConnectWaitsForTheDatabase(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "later")
	logs := newLogLines()
	go func() {
		<-logs.first
		_ = os.Mkdir(dir, 0o755)
	}()
	s, err := models.Connect(context.Background(), "sqlite://"+filepath.Join(dir, "sp.db"), slog.New(slog.NewJSONHandler(logs, nil)), models.Options{}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n, all := logs.about("database reachable"); n != 1 {
		t.Fatalf("no line saying the database answered:\n%s", all)
	}
}

// A URL that cannot work is not tried again.
func TestConnectRefusesABadURLAtOnce(t *testing.T) {
	logs := newLogLines()
	_, err := models.Connect(context.Background(), "postgres://x", slog.New(slog.NewJSONHandler(logs, nil)), models.Options{}, time.Hour)
	if err == nil || !strings.Contains(err.Error(), "must start with sqlite:// or mysql://") {
		t.Fatalf("error %v", err)
	}
	if n, _ := logs.about("trying again"); n != 0 {
		t.Fatal("a bad URL was tried again")
	}
}

// On SQLite, reads do not wait for the one writer connection: a transaction holding it (waiting
// for another process's lock, say) leaves every read free.
func TestSQLiteReadsDoNotWaitForTheWriter(t *testing.T) {
	if testenv.IsMySQL() {
		t.Skip("SQLite's pools")
	}
	s := testenv.NewStore(t)
	u := billingUser(t, s, "reader@example.com")
	holding, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- s.DB().Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec("UPDATE users SET bio = 'held' WHERE id = ?", u.ID).Error; err != nil {
				return err
			}
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding
	// Bounded, so that a read stuck behind the writer fails instead of hanging the test.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	p, err := s.ProfileOf(ctx, u.ID)
	cancel()
	close(release)
	if err != nil || p.Email != "reader@example.com" {
		t.Fatalf("a read while the writer is held: %+v, %v", p, err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
