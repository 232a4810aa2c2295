package models

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	mysqldriver "github.com/go-sql-driver/mysql"
	"gorm.io/gorm"

	"sharepanel/wire"
)

// A database that is down, frozen, overloaded or too slow for the request's deadline is not a bug
// of the request: its error becomes wire's EUNAVAILABLE (503 with Retry-After, "Service
// temporarily unavailable"), with the driver's error as the cause for the log. It happens in one
// place: every error gorm records passes the dialector's Translate (gorm.Config.TranslateError),
// and unavailableDialector adds this mapping to the driver's own. (Only a *sql.Row taken from gorm
// reports its error outside gorm: scanRow; and Store.Ping, which uses the pool directly.)

// unavailableDialector is the driver's dialector with Translate extended. It forwards the optional
// interfaces gorm looks for on a dialector (savepoints, Apply), which embedding alone would hide.
type unavailableDialector struct{ gorm.Dialector }

// Translate implements gorm.ErrorTranslator: the driver's translation (duplicate keys, ...), then
// dependency failures to EUNAVAILABLE.
func (d unavailableDialector) Translate(err error) error {
	if t, ok := d.Dialector.(gorm.ErrorTranslator); ok {
		err = t.Translate(err)
	}
	return unavailable(err)
}

// SavePoint implements gorm.SavePointerDialectorInterface.
func (d unavailableDialector) SavePoint(tx *gorm.DB, name string) error {
	if sp, ok := d.Dialector.(gorm.SavePointerDialectorInterface); ok {
		return sp.SavePoint(tx, name)
	}
	return gorm.ErrUnsupportedDriver
}

// RollbackTo implements gorm.SavePointerDialectorInterface.
func (d unavailableDialector) RollbackTo(tx *gorm.DB, name string) error {
	if sp, ok := d.Dialector.(gorm.SavePointerDialectorInterface); ok {
		return sp.RollbackTo(tx, name)
	}
	return gorm.ErrUnsupportedDriver
}

// Apply lets the driver adjust gorm's configuration, as gorm.Open would without the wrapper.
func (d unavailableDialector) Apply(c *gorm.Config) error {
	if a, ok := d.Dialector.(interface{ Apply(*gorm.Config) error }); ok {
		return a.Apply(c)
	}
	return nil
}

// scanRow is row.Scan for the few reads that take a *sql.Row from gorm (Row()): its error comes
// from database/sql after gorm is done, so it gets the same mapping here.
func scanRow(row *sql.Row, dest ...any) error {
	return unavailable(row.Scan(dest...))
}

// unavailable returns err as EUNAVAILABLE when it is a dependency's failure, else err itself.
func unavailable(err error) error {
	if err == nil || !isDependencyFailure(err) {
		return err
	}
	var we *wire.Error
	if errors.As(err, &we) {
		return err // mapped already (an error returned through a transaction)
	}
	return wire.Unavailable(err)
}

// MySQL server errors that say "not now" rather than "not so": too many connections (1040),
// shutting down (1053), lock wait timeout (1205), deadlock (1213), query interrupted (1317),
// connection killed (1927), MariaDB's max_statement_time (1969), MySQL's max_execution_time (3024).
var mysqlUnavailable = map[uint16]bool{1040: true, 1053: true, 1205: true, 1213: true, 1317: true, 1927: true, 1969: true, 3024: true}

// isDependencyFailure tells a failure of the database (or of the time allowed to reach it) from an
// answer: the request's deadline or cancellation, a connection refused, reset, broken or timed
// out, the MySQL errors above, and SQLite's busy or locked database.
func isDependencyFailure(err error) bool {
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled),
		errors.Is(err, driver.ErrBadConn), errors.Is(err, mysqldriver.ErrInvalidConn), errors.Is(err, sql.ErrConnDone),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE), isBusy(err):
		return true
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return true
	}
	var myErr *mysqldriver.MySQLError
	if errors.As(err, &myErr) {
		return mysqlUnavailable[myErr.Number]
	}
	return strings.Contains(err.Error(), "sql: database is closed")
}

// isBusy tells SQLite's SQLITE_BUSY and SQLITE_LOCKED (any extended code) from other errors.
func isBusy(err error) bool {
	var coded interface{ Code() int }
	if !errors.As(err, &coded) {
		return false
	}
	switch coded.Code() & 0xff {
	case 5, 6: // SQLITE_BUSY, SQLITE_LOCKED
		return true
	}
	return false
}
