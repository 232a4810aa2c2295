// Package sqldump writes a database as SQL that loads back exactly: the upgrade tests' fixtures
// (internal/schemafixture), and the schemas the tests compare.
package sqldump

import (
	"fmt"
	"regexp"
	"strings"

	"gorm.io/gorm"
)

// Dumper writes a database as SQL: each table's CREATE statement as the database reports it, its
// indexes (SQLite keeps them apart), then every row as an INSERT of literals the database quoted
// itself (SQLite's quote(), MySQL's QUOTE()), so that the dump loads back exactly. Statements end
// with ";" at the end of a line; string literals may span lines.
type Dumper struct {
	DB    *gorm.DB
	MySQL bool
}

// Tables lists the tables in creation order, so that inserts meet their foreign keys' rows first.
func (d Dumper) Tables() ([]string, error) {
	var names []string
	q := "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
	if d.MySQL {
		// InnoDB has no creation order to ask for: the one foreign key gives it (plans, then users),
		// then the rest by name. Not create_time: an ALTER that rebuilds a table (migration 24's on
		// instances) gives it a new one, and a dump loaded back in one second would list the tables
		// in another order.
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()
			ORDER BY CASE table_name WHEN 'plans' THEN 0 WHEN 'users' THEN 1 ELSE 2 END, table_name`
	}
	err := d.DB.Raw(q).Scan(&names).Error
	return names, err
}

// autoIncrement is MySQL's table option that carries the next ID: not part of a schema.
var autoIncrement = regexp.MustCompile(` AUTO_INCREMENT=\d+`)

// Dump returns the tables' schema (with SQLite's indexes) and their rows, as SQL.
func (d Dumper) Dump(tables []string) (ddl, data string, err error) {
	var schema, rows strings.Builder
	for _, t := range tables {
		create, err := d.create(t)
		if err != nil {
			return "", "", err
		}
		schema.WriteString(create + ";\n")
		if err := d.rows(t, &rows); err != nil {
			return "", "", err
		}
	}
	if !d.MySQL {
		var indexes []string
		err := d.DB.Raw("SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY rowid").Scan(&indexes).Error
		if err != nil {
			return "", "", err
		}
		for _, ix := range indexes {
			schema.WriteString(ix + ";\n")
		}
	}
	return schema.String(), rows.String(), nil
}

func (d Dumper) create(table string) (string, error) {
	if !d.MySQL {
		var sql string
		err := d.DB.Raw("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", table).Scan(&sql).Error
		return sql, err
	}
	var row struct {
		Table       string `gorm:"column:Table"`
		CreateTable string `gorm:"column:Create Table"`
	}
	if err := d.DB.Raw("SHOW CREATE TABLE `" + table + "`").Scan(&row).Error; err != nil {
		return "", err
	}
	return autoIncrement.ReplaceAllString(row.CreateTable, ""), nil
}

// rows writes an INSERT per row, ordered by the first column (the primary key). Columns the
// database generates (instances.search_name, search_path) are left out: loading the rows makes
// them again, and MySQL refuses a value for one (error 1906). SQLite's table_info does not list
// them; MySQL's information_schema does, with their expression (NULL or empty for other columns).
func (d Dumper) rows(table string, w *strings.Builder) error {
	var columns []string
	q := "SELECT name FROM pragma_table_info(?) ORDER BY cid"
	if d.MySQL {
		q = "SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ?" +
			" AND COALESCE(generation_expression, '') = '' ORDER BY ordinal_position"
	}
	if err := d.DB.Raw(q, table).Scan(&columns).Error; err != nil {
		return err
	}
	quote, sep, ident := "quote", " || ',' || ", `"%s"`
	if d.MySQL {
		quote, sep, ident = "QUOTE", ", ',', ", "`%s`"
	}
	literals := make([]string, len(columns))
	names := make([]string, len(columns))
	for i, c := range columns {
		names[i] = fmt.Sprintf(ident, c)
		// QUOTE(NULL) is the word NULL in both.
		literals[i] = quote + "(" + names[i] + ")"
	}
	expr := strings.Join(literals, sep)
	if d.MySQL {
		expr = "CONCAT(" + expr + ")"
	}
	var values []string
	err := d.DB.Raw(fmt.Sprintf("SELECT %s FROM %s ORDER BY %s", expr, fmt.Sprintf(ident, table), names[0])).Scan(&values).Error
	if err != nil {
		return err
	}
	for _, v := range values {
		fmt.Fprintf(w, "INSERT INTO %s (%s) VALUES (%s);\n", fmt.Sprintf(ident, table), strings.Join(names, ", "), v)
	}
	return nil
}
