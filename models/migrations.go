package models

import (
	"embed"
	"strings"

	"gorm.io/gorm"
)

// migrations are the schema's steps, oldest first. Add a step at the end; never change or remove
// one that has shipped: databases out there have run it. A step that changes data must keep every
// row (the upgrade test in migrate_test.go loads a database of each earlier version and checks,
// through the API, that everything is still there), and on MySQL, where DDL commits as it goes,
// must be safe to run again after failing halfway.
var migrations = []migration{
	{Version: 1, Name: "initial schema", Up: sqlFile("0001_initial")},
	{Version: 2, Name: "normalised identities: users.email_key, binary collation of emails and usernames", Up: migrateIdentities},
	{Version: 3, Name: "usage rollup: one row per (user, day, key, endpoint, status), per-day and per-key-day summaries, endpoint numbers; api_usage merged into them", Up: usageRollupStep},
	{Version: 4, Name: "totals kept current: account totals, list rows per day, paid invoices per day, counted from the rows", Up: totalsStep},
	{Version: 5, Name: "an index for each list's filter and sort (user, status or flag, time, id)", Up: listIndexesStep},
	{Version: 6, Name: "api_keys.allowed_ips and api_keys.scopes: keys locked to addresses and modes", Up: migrateKeyRestrictions},
	{Version: 7, Name: "idempotency_keys: the kept answers of writes sent with an Idempotency-Key", Up: sqlFile("0007_idempotency_keys")},
	{Version: 8, Name: "usage batches written once", Up: sqlFile("0008_usage_batches")},
	{Version: 20, Name: "api_keys.source: login keys are capped apart", Up: migrateKeySources},
	{Version: 21, Name: "api_usage_days.uncharged_count: requests refused before the limiter, left out of the day it seeds", Up: migrateUnchargedUsage},
	{Version: 22, Name: "list_hours: a deep page finds its hour in one read", Up: listHoursStep},
	{Version: 23, Name: "report_versions: replicas keep the past days of day reports", Up: sqlFile("0023_report_versions")},
	{Version: 24, Name: "search copies: names lowercased on write, in indexes that hold them", Up: searchCopiesStep},
}

// migration is one numbered step.
type migration struct {
	Version int
	Name    string
	Up      func(migrationStep) error
}

// migrationStep is what a step runs on: the transaction (SQLite) or the connection pool (MySQL),
// and which of the two databases it is.
type migrationStep struct {
	db    *gorm.DB
	mysql bool
}

// exec runs one statement.
func (s migrationStep) exec(sql string, args ...any) error { return s.db.Exec(sql, args...).Error }

//go:embed migrations/*.sql
var migrationFiles embed.FS

// sqlFile is a step that runs migrations/<name>.<sqlite|mysql>.sql, statement by statement.
func sqlFile(name string) func(migrationStep) error {
	return func(s migrationStep) error {
		dialect := "sqlite"
		if s.mysql {
			dialect = "mysql"
		}
		text, err := migrationFiles.ReadFile("migrations/" + name + "." + dialect + ".sql")
		if err != nil {
			return err
		}
		for _, stmt := range SplitSQL(string(text), s.mysql) {
			if err := s.exec(stmt); err != nil {
				return err
			}
		}
		return nil
	}
}

// SplitSQL cuts a script into its statements: at each ';' that ends a line outside a string
// literal. Comment lines ("--" at the start of a line) are left out. MySQL escapes quotes in
// literals with a backslash as well as by doubling them; SQLite only doubles them.
func SplitSQL(script string, mysql bool) []string {
	var out []string
	var cur strings.Builder
	inString, escaped := false, false
	for i := 0; i < len(script); i++ {
		ch := script[i]
		if !inString && strings.HasPrefix(script[i:], "--") && (i == 0 || script[i-1] == '\n') {
			end := strings.IndexByte(script[i:], '\n')
			if end < 0 {
				break
			}
			i += end // the newline is kept
			continue
		}
		cur.WriteByte(ch)
		switch {
		case escaped:
			escaped = false
		case inString && mysql && ch == '\\':
			escaped = true
		case ch == '\'':
			inString = !inString // a doubled quote toggles twice
		case !inString && ch == ';' && (i+1 == len(script) || script[i+1] == '\n'):
			if stmt := statementText(cur.String()); stmt != "" {
				out = append(out, stmt)
			}
			cur.Reset()
		}
	}
	if stmt := statementText(cur.String()); stmt != "" {
		out = append(out, stmt)
	}
	return out
}

// statementText is a statement without its ';' and the space around it.
func statementText(s string) string {
	return strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), ";"))
}
