// Package models is the only package that touches the database. Every function that reads or
// writes user data takes the caller's user ID and is scoped by it; business rules (plan limits,
// who may delete an organization) live next to the data they guard, one transaction per call.
package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"golang.org/x/crypto/bcrypt"
	"gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
	"gorm.io/plugin/dbresolver"

	"sharepanel/wire"
)

// Store is the database. One concrete type for both MySQL/MariaDB and SQLite.
type Store struct {
	db    *gorm.DB
	log   *slog.Logger
	Keys  *KeyCache  // API key → principal, in process
	Plans *PlanCache // plan limits, in process
	mysql bool
	// readers are SQLite's read-only connections (nil on MySQL and for :memory:), which
	// dbresolver hands every read outside a transaction.
	readers *sql.DB
	// PasswordCost is the bcrypt cost of new password hashes: bcrypt's default (10, about 50 ms a
	// check), which is what makes guessing slow. Tests lower it; checks use each hash's own cost.
	PasswordCost int
	// DefaultCurrency is the currency setting's value until an operator changes it: the configured
	// SHAREPANEL_CURRENCY (wire.DefaultCurrency when the store is opened).
	DefaultCurrency string

	// Broadcast carries this replica's cache invalidations to the others (nil: one replica, or no
	// Redis): see Invalidate.
	Broadcast Broadcaster

	settings  settingsCache                     // runtime settings (setting.go)
	endpoints endpointRegistry                  // endpoint numbers of the usage summaries (usage_write.go)
	reports   keptCache[reportKey, reportEntry] // the past days of day reports this replica read (reports.go)
	seeks     keptCache[seekKey, *keptSeek]     // the deep-page seeks this replica read (seeks.go)
}

// Options tune how Open talks to the database. Zero values take the defaults.
type Options struct {
	// ConnectTimeout bounds establishing one connection, handshake included (MySQL's DSN
	// timeout; default 5s). A URL that sets timeout= itself wins.
	ConnectTimeout time.Duration
	// IOTimeout bounds each read and write on a MySQL connection (the DSN's readTimeout and
	// writeTimeout; default 30s): a safety net under the request's own deadline, for calls made
	// without one. A long migration needs more (sharepanel migrate raises it). The URL wins.
	IOTimeout time.Duration
	// BusyTimeout is how long an SQLite write waits for another process's write lock (default
	// 5s); Store.tx then retries a transaction that still found it busy, within its deadline.
	BusyTimeout time.Duration
}

func (o Options) withDefaults() Options {
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = 5 * time.Second
	}
	if o.IOTimeout <= 0 {
		o.IOTimeout = 30 * time.Second
	}
	if o.BusyTimeout <= 0 {
		o.BusyTimeout = 5 * time.Second
	}
	return o
}

// sqliteReaders is the size of SQLite's pool of read-only connections: in WAL mode readers never
// wait for the writer, so reads go on while the one writer connection waits for a lock.
const sqliteReaders = 4

// Open connects to url with the default Options: "sqlite://relative.db", "sqlite:///abs/path.db",
// "sqlite://:memory:" or "mysql://user:pass@host:port/db". It does not migrate.
func Open(ctx context.Context, rawURL string, log *slog.Logger) (*Store, error) {
	return OpenWith(ctx, rawURL, log, Options{})
}

// OpenWith is Open with Options. Within ctx it makes one attempt: Connect retries.
func OpenWith(ctx context.Context, rawURL string, log *slog.Logger, opts Options) (*Store, error) {
	opts = opts.withDefaults()
	d, err := dialectorFor(rawURL, opts)
	if err != nil {
		return nil, err
	}
	db, err := gorm.Open(unavailableDialector{d.dialector}, &gorm.Config{
		Logger:                 logger.Default.LogMode(logger.Silent),
		SkipDefaultTransaction: true, // single statements need no transaction of their own
		// MySQL: bounded, since each distinct statement is prepared once per connection on the
		// server, and MySQL refuses more than max_prepared_stmt_count (16,382) in all; 128 × 64
		// connections fits. SQLite: none. gorm prepares a statement on the pool while holding its
		// cache entry, and a transaction that needs the same statement waits for that entry while
		// holding the only writer connection the preparation waits for: a deadlock until the
		// request's deadline (it hung every API request while sharepanel user add ran).
		PrepareStmt:        d.mysql,
		PrepareStmtMaxSize: 128,
		PrepareStmtTTL:     time.Hour,
		NowFunc:            func() time.Time { return time.Now().UTC().Truncate(time.Second) },
		// Every error passes the dialector's Translate (unavailable.go), which turns a dependency's
		// failure into wire's EUNAVAILABLE in one place.
		TranslateError: true,
	})
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	s := &Store{db: db, log: log, mysql: d.mysql, PasswordCost: bcrypt.DefaultCost, DefaultCurrency: wire.DefaultCurrency,
		reports: newKeptCache[reportKey, reportEntry](maxKeptReportDays), seeks: newKeptCache[seekKey, *keptSeek](maxKeptSeekHours)}
	if d.mysql {
		// A bounded pool whose connections retire well before the server's wait_timeout.
		sqlDB.SetMaxOpenConns(64)
		sqlDB.SetMaxIdleConns(32)
		sqlDB.SetConnMaxLifetime(5 * time.Minute)
		sqlDB.SetConnMaxIdleTime(time.Minute)
	} else {
		// SQLite has one writer: one connection serialises this process's writes instead of
		// failing them with BUSY. Reads use connections of their own (below).
		sqlDB.SetMaxOpenConns(1)
		if d.readerDSN != "" {
			if s.readers, err = sql.Open(sqliteDriverName, d.readerDSN); err != nil {
				_ = sqlDB.Close()
				return nil, fmt.Errorf("open database: %w", err)
			}
			s.readers.SetMaxOpenConns(sqliteReaders)
			s.readers.SetMaxIdleConns(sqliteReaders)
			err = db.Use(dbresolver.Register(dbresolver.Config{
				Replicas: []gorm.Dialector{&sqlite.Dialector{DriverName: sqliteDriverName, Conn: s.readers}},
			}))
			if err != nil {
				_ = s.Close()
				return nil, fmt.Errorf("open database: %w", err)
			}
		}
	}
	if err := s.Ping(ctx); err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	s.Keys = NewKeyCache(s, KeyCacheOptions{})
	s.Plans = NewPlanCache(s, 5*time.Second)
	return s, nil
}

// sqliteDriverName is the database/sql name of the pure-Go SQLite driver glebarez/sqlite uses.
const sqliteDriverName = "sqlite"

// dialect is what dialectorFor makes of a URL.
type dialect struct {
	dialector gorm.Dialector
	mysql     bool
	readerDSN string // SQLite on a file: the DSN of the read-only connections
}

func dialectorFor(rawURL string, opts Options) (dialect, error) {
	switch {
	case strings.HasPrefix(rawURL, "sqlite://"):
		path := strings.TrimPrefix(rawURL, "sqlite://")
		if path == "" {
			return dialect{}, fmt.Errorf("%w: sqlite URL needs a path, e.g. sqlite://sharepanel.db", errBadDatabaseURL)
		}
		// Every connection waits for a lock held by another process (the command line, a
		// migration) for up to the busy timeout rather than failing at once; write transactions
		// take the write lock when they begin (BEGIN IMMEDIATE), so one that has read never finds
		// at its first write that another process wrote meanwhile (SQLITE_BUSY_SNAPSHOT, which
		// no busy timeout waits out).
		common := fmt.Sprintf("_pragma=busy_timeout(%d)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)", opts.BusyTimeout.Milliseconds())
		dsn := "file:" + path + "?_txlock=immediate&" + common
		if path == ":memory:" {
			// Each connection would have a database of its own: one connection, no readers.
			return dialect{dialector: sqlite.Open(dsn)}, nil
		}
		dsn += "&_pragma=journal_mode(WAL)"
		return dialect{dialector: sqlite.Open(dsn), readerDSN: "file:" + path + "?" + common + "&_pragma=query_only(1)"}, nil
	case strings.HasPrefix(rawURL, "mysql://"):
		u, err := url.Parse(rawURL)
		if err != nil || u.Host == "" || strings.Trim(u.Path, "/") == "" {
			return dialect{}, fmt.Errorf("%w: mysql URL must look like mysql://user:pass@host:port/db", errBadDatabaseURL)
		}
		pass, _ := u.User.Password()
		params := url.Values{"parseTime": {"true"}, "charset": {"utf8mb4"}, "loc": {"UTC"}, "time_zone": {"'+00:00'"},
			"timeout": {opts.ConnectTimeout.String()}, "readTimeout": {opts.IOTimeout.String()}, "writeTimeout": {opts.IOTimeout.String()}}
		for k, v := range u.Query() {
			params[k] = v
		}
		dsn := fmt.Sprintf("%s:%s@tcp(%s)/%s?%s", u.User.Username(), pass, u.Host, strings.Trim(u.Path, "/"), params.Encode())
		return dialect{dialector: mysql.Open(dsn), mysql: true}, nil
	}
	return dialect{}, fmt.Errorf("%w: database URL must start with sqlite:// or mysql://", errBadDatabaseURL)
}

// Dialect names the database: "mysql" or "sqlite".
func (s *Store) Dialect() string {
	if s.mysql {
		return "mysql"
	}
	return "sqlite"
}

// errBadDatabaseURL marks a URL no attempt can connect with: Connect does not try again.
var errBadDatabaseURL = errors.New("bad database URL")

// Close closes the connection pools.
func (s *Store) Close() error {
	if s.readers != nil {
		_ = s.readers.Close()
	}
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		return unavailable(err)
	}
	return nil
}

// DB exposes the gorm handle to tests and benchmarks that count queries. Application code goes
// through Store methods.
func (s *Store) DB() *gorm.DB { return s.db }

// tx runs fn in one transaction. On SQLite a transaction that found the write lock taken by
// another process for longer than the busy timeout is tried again, until ctx's deadline (or for
// busyRetry without one): it began with BEGIN IMMEDIATE, so fn had not run. On MySQL a
// transaction InnoDB chose as a deadlock's victim (rolled back whole) is run again, up to
// deadlockRetries times, as InnoDB's manual advises: two writes of one account that lock its rows
// in different orders (a bulk sleep_all and one instance's status, an admin's change and the
// customer's) otherwise answered 503. So fn must be safe to run again: what it fills in outside
// the transaction (a count, a list, a backup) starts afresh at its top. A row it creates from a
// captured pointer keeps the id the rolled-back run was given, which InnoDB never hands out again.
func (s *Store) tx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	var deadline time.Time
	wait := 10 * time.Millisecond
	for deadlocks := 0; ; {
		err := endedWithItsContext(ctx, s.db.WithContext(ctx).Transaction(fn))
		if s.mysql && isDeadlock(err) && deadlocks < deadlockRetries && ctx.Err() == nil {
			deadlocks++
			continue
		}
		if err == nil || s.mysql || !isBusy(err) {
			return err
		}
		if deadline.IsZero() {
			var ok bool
			if deadline, ok = ctx.Deadline(); !ok {
				deadline = time.Now().Add(busyRetry)
			}
		}
		if time.Until(deadline) < wait {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		wait = min(2*wait, 200*time.Millisecond)
	}
}

// endedWithItsContext maps what a transaction whose context ended while it ran fails with to that
// end: database/sql rolls such a transaction back by itself, so its next statement or its commit
// fails with sql.ErrTxDone, which says nothing of the cause. The database did not answer within the
// request's deadline (or the client left): 503, like the deadline's own error.
func endedWithItsContext(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil && errors.Is(err, sql.ErrTxDone) {
		return wire.Unavailable(errors.Join(ctx.Err(), err))
	}
	return err
}

// busyRetry is how long Store.tx keeps trying a busy SQLite transaction whose context has no
// deadline (the command line's).
const busyRetry = 30 * time.Second

// notFound maps gorm's not-found error to the API's, so that handlers never import gorm.
func notFound(err error, message string) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return wire.Errorf(wire.ENOTFOUND, "%s", message)
	}
	return err
}

// isDuplicate reports a unique-constraint violation on either database.
func isDuplicate(err error) bool {
	return errors.Is(err, gorm.ErrDuplicatedKey) ||
		err != nil && (strings.Contains(err.Error(), "UNIQUE constraint failed") || strings.Contains(err.Error(), "Duplicate entry"))
}
