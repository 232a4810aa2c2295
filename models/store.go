// Package models is the only package that touches the database. Every function that reads or
// writes user data takes the caller's user ID and is scoped by it; business rules (plan limits,
// who may delete an organization) live next to the data they guard, one transaction per call.
package models

import (
	"context"
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

	"sharepanel/wire"
)

// Store is the database. One concrete type for both MySQL/MariaDB and SQLite.
type Store struct {
	db    *gorm.DB
	log   *slog.Logger
	Keys  *KeyCache  // API key → principal, in process
	Plans *PlanCache // plan limits, in process
	mysql bool
	// PasswordCost is the bcrypt cost of new password hashes: bcrypt's default (10, about 50 ms a
	// check), which is what makes guessing slow. Tests lower it; checks use each hash's own cost.
	PasswordCost int
	// DefaultCurrency is the currency setting's value until an operator changes it: the configured
	// SHAREPANEL_CURRENCY (wire.DefaultCurrency when the store is opened).
	DefaultCurrency string

	settings  settingsCache    // runtime settings (setting.go)
	endpoints endpointRegistry // endpoint numbers of the usage summaries (usage_write.go)
}

// Open connects to url: "sqlite://relative.db", "sqlite:///abs/path.db", "sqlite://:memory:" or
// "mysql://user:pass@host:port/db". It does not migrate.
func Open(ctx context.Context, rawURL string, log *slog.Logger) (*Store, error) {
	dialector, isMySQL, err := dialectorFor(rawURL)
	if err != nil {
		return nil, err
	}
	db, err := gorm.Open(dialector, &gorm.Config{
		Logger:                 logger.Default.LogMode(logger.Silent),
		SkipDefaultTransaction: true, // single statements need no transaction of their own
		PrepareStmt:            true,
		// Bounded: each distinct statement is prepared once per connection on the server, and
		// MySQL refuses more than max_prepared_stmt_count (16,382) in all; 128 × 64 connections fits.
		PrepareStmtMaxSize: 128,
		PrepareStmtTTL:     time.Hour,
		NowFunc:            func() time.Time { return time.Now().UTC().Truncate(time.Second) },
		TranslateError:     true,
	})
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	if isMySQL {
		// A bounded pool whose connections retire well before the server's wait_timeout.
		sqlDB.SetMaxOpenConns(64)
		sqlDB.SetMaxIdleConns(32)
		sqlDB.SetConnMaxLifetime(5 * time.Minute)
		sqlDB.SetConnMaxIdleTime(time.Minute)
	} else {
		// SQLite has one writer; one connection serialises writes instead of failing them with BUSY.
		sqlDB.SetMaxOpenConns(1)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(pingCtx); err != nil {
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	s := &Store{db: db, log: log, mysql: isMySQL, PasswordCost: bcrypt.DefaultCost, DefaultCurrency: wire.DefaultCurrency}
	s.Keys = NewKeyCache(s, KeyCacheOptions{})
	s.Plans = NewPlanCache(s, 5*time.Second)
	return s, nil
}

func dialectorFor(rawURL string) (gorm.Dialector, bool, error) {
	switch {
	case strings.HasPrefix(rawURL, "sqlite://"):
		path := strings.TrimPrefix(rawURL, "sqlite://")
		if path == "" {
			return nil, false, errors.New("sqlite URL needs a path, e.g. sqlite://sharepanel.db")
		}
		dsn := "file:" + path + "?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
		if path != ":memory:" {
			dsn += "&_pragma=journal_mode(WAL)"
		}
		return sqlite.Open(dsn), false, nil
	case strings.HasPrefix(rawURL, "mysql://"):
		u, err := url.Parse(rawURL)
		if err != nil || u.Host == "" || strings.Trim(u.Path, "/") == "" {
			return nil, false, errors.New("mysql URL must look like mysql://user:pass@host:port/db")
		}
		pass, _ := u.User.Password()
		params := url.Values{"parseTime": {"true"}, "charset": {"utf8mb4"}, "loc": {"UTC"}, "time_zone": {"'+00:00'"}}
		for k, v := range u.Query() {
			params[k] = v
		}
		dsn := fmt.Sprintf("%s:%s@tcp(%s)/%s?%s", u.User.Username(), pass, u.Host, strings.Trim(u.Path, "/"), params.Encode())
		return mysql.Open(dsn), true, nil
	}
	return nil, false, errors.New("database URL must start with sqlite:// or mysql://")
}

// Close closes the connection pool.
func (s *Store) Close() error {
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
	return sqlDB.PingContext(ctx)
}

// DB exposes the gorm handle to tests and benchmarks that count queries. Application code goes
// through Store methods.
func (s *Store) DB() *gorm.DB { return s.db }

// tx runs fn in one transaction.
func (s *Store) tx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return s.db.WithContext(ctx).Transaction(fn)
}

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
