package processes

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// MariaDB is the suite's own mariadbd: a fresh data directory made with mariadb-install-db, its
// own port and socket, root without a password on 127.0.0.1 only. It survives kill -9 and
// restarts on the same data directory, as a production server would (InnoDB crash recovery).
type MariaDB struct {
	Port    int
	dir     string // data directory, socket and pid file live under it
	logPath string
	proc    *Proc
	db      *sql.DB // the suite's connection: not under test, so only used while the server is healthy
}

// StartMariaDB makes a data directory under dir, starts mariadbd on port and waits until it
// accepts connections.
func StartMariaDB(dir, logDir string, port int) (*MariaDB, error) {
	m := &MariaDB{Port: port, dir: dir, logPath: filepath.Join(logDir, "mariadb.log")}
	if err := m.install(); err != nil {
		return nil, err
	}
	// Through gorm's driver, which the gateway uses too: the suite adds no dependency of its own.
	dsn := fmt.Sprintf("root@tcp(%s)/?timeout=2s&readTimeout=20s&writeTimeout=20s&interpolateParams=true", m.Addr())
	// Opened before the server is up: no version query and no ping until Start waits for it.
	gdb, err := gorm.Open(mysql.New(mysql.Config{DSN: dsn, SkipInitializeWithVersion: true}),
		&gorm.Config{Logger: logger.Default.LogMode(logger.Silent), DisableAutomaticPing: true})
	if err != nil {
		return nil, err
	}
	db, err := gdb.DB()
	if err != nil {
		return nil, err
	}
	// No idle connections: one kept across a kill of the server would be found dead (and logged by
	// the driver) on the next use.
	db.SetMaxOpenConns(2)
	db.SetMaxIdleConns(0)
	m.db = db
	if err := m.Start(); err != nil {
		db.Close()
		return nil, err
	}
	return m, nil
}

// Addr is host:port.
func (m *MariaDB) Addr() string { return "127.0.0.1:" + strconv.Itoa(m.Port) }

// URL is what SHAREPANEL_DATABASE_URL takes for database name.
func (m *MariaDB) URL(name string) string { return "mysql://root@" + m.Addr() + "/" + name }

func (m *MariaDB) install() error {
	tool, err := firstInPath("mariadb-install-db", "mysql_install_db")
	if err != nil {
		return err
	}
	u, err := user.Current()
	if err != nil {
		return err
	}
	out, err := exec.Command(tool, "--no-defaults", "--user="+u.Username, "--datadir="+filepath.Join(m.dir, "data"),
		"--auth-root-authentication-method=normal", "--skip-test-db").CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %v\n%s", tool, err, out)
	}
	return nil
}

// Start starts mariadbd on the data directory (again, after Kill or Stop) and waits until it
// accepts connections.
func (m *MariaDB) Start() error {
	if m.proc != nil && !m.proc.Exited() {
		return fmt.Errorf("mariadbd on %d is running already", m.Port)
	}
	if err := PortFree(m.Port); err != nil {
		return err
	}
	bin, err := firstInPath("mariadbd", "/usr/sbin/mariadbd", "mysqld", "/usr/sbin/mysqld")
	if err != nil {
		return err
	}
	u, err := user.Current()
	if err != nil {
		return err
	}
	args := []string{"--no-defaults", "--user=" + u.Username, "--datadir=" + filepath.Join(m.dir, "data"),
		"--port=" + strconv.Itoa(m.Port), "--bind-address=127.0.0.1", "--socket=" + filepath.Join(m.dir, "mysqld.sock"),
		"--pid-file=" + filepath.Join(m.dir, "mysqld.pid"), "--skip-log-bin", "--skip-name-resolve",
		"--max-connections=300", "--innodb-buffer-pool-size=64M",
		// A killed server keeps every committed transaction (the log is written at commit); only
		// an operating-system crash could lose the last second, which no fault here causes.
		"--innodb-flush-log-at-trx-commit=2"}
	p, err := Start("mariadbd", m.logPath, bin, args, nil)
	if err != nil {
		return err
	}
	m.proc = p
	return waitUntil(60*time.Second, p, m.db.PingContext)
}

// Freeze stops the server with SIGSTOP: connections are accepted by the kernel, nothing answers.
func (m *MariaDB) Freeze() error { return m.proc.Freeze() }

// Thaw resumes a frozen server.
func (m *MariaDB) Thaw() error { return m.proc.Thaw() }

// Kill ends the server with SIGKILL.
func (m *MariaDB) Kill() { m.proc.Kill() }

// Stop shuts the server down cleanly (SIGTERM, SIGKILL after 30 s) and closes the suite's connection.
func (m *MariaDB) Stop() {
	_ = m.proc.Thaw()
	m.proc.Terminate(30 * time.Second)
	m.db.Close()
}

// Exec runs statements of the suite's own (create a database, ...).
func (m *MariaDB) Exec(ctx context.Context, query string, args ...any) error {
	_, err := m.db.ExecContext(ctx, query, args...)
	return err
}

// Int runs a query that returns one integer.
func (m *MariaDB) Int(ctx context.Context, query string, args ...any) (int64, error) {
	var n sql.NullInt64
	err := m.db.QueryRowContext(ctx, query, args...).Scan(&n)
	return n.Int64, err
}

// StatusReader reads counters of SHOW GLOBAL STATUS (Questions, Com_select, ...) on one
// connection of its own, held until Close: a connection opened or closed between two reads would
// count among them (a client's Quit is one of the Questions), and the reads are there to count what
// the gateway sends. Each read itself counts once too.
type StatusReader struct{ conn *sql.Conn }

// StatusReader opens the reader's connection.
func (m *MariaDB) StatusReader(ctx context.Context) (*StatusReader, error) {
	conn, err := m.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	return &StatusReader{conn: conn}, nil
}

// Read returns the named counters.
func (r *StatusReader) Read(ctx context.Context, names ...string) (map[string]int64, error) {
	rows, err := r.conn.QueryContext(ctx, "SHOW GLOBAL STATUS WHERE Variable_name IN ('"+strings.Join(names, "','")+"')")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var name, value string
		if err := rows.Scan(&name, &value); err != nil {
			return nil, err
		}
		out[name], _ = strconv.ParseInt(value, 10, 64)
	}
	return out, rows.Err()
}

// Close gives the connection back.
func (r *StatusReader) Close() error { return r.conn.Close() }

// firstInPath returns the first of names found in PATH (or as an existing path).
func firstInPath(names ...string) (string, error) {
	for _, n := range names {
		if strings.Contains(n, "/") {
			if _, err := os.Stat(n); err == nil {
				return n, nil
			}
			continue
		}
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("none of %s is installed", strings.Join(names, ", "))
}

// Exited reports whether the server is down (killed, or stopped).
func (m *MariaDB) Exited() bool { return m.proc == nil || m.proc.Exited() }
