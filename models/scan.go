package models

import (
	"database/sql"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"gorm.io/gorm"
	"gorm.io/gorm/schema"
)

// scanAll appends the rows to out, each column into the field of T gorm maps it to, and the
// columns after those (a statement's extra values, e.g. a page's list length) into extra, as
// last read. It is gorm's Find without its reflection per value: on a page of 50 rows that was a
// fifth of a list request's CPU (issue 11); database/sql converts each value, through the field's
// sql.Scanner where it has one, as gorm would.
func scanAll[T any](db *gorm.DB, rows *sql.Rows, out *[]T, extra ...any) error {
	cols, err := rows.Columns()
	if err != nil {
		return unavailable(err)
	}
	fields, err := fieldsOf(db, reflect.TypeFor[T](), cols[:len(cols)-len(extra)])
	if err != nil {
		return err
	}
	dest := make([]any, len(cols))
	copy(dest[len(fields):], extra)
	for rows.Next() {
		var v T
		rv := reflect.ValueOf(&v).Elem()
		for i, index := range fields {
			dest[i] = rv.FieldByIndex(index).Addr().Interface()
		}
		if err := rows.Scan(dest...); err != nil {
			return unavailable(err)
		}
		*out = append(*out, v)
	}
	return unavailable(rows.Err())
}

// fieldsOf is, for each column, the index of T's field it is read into; kept per type and columns.
func fieldsOf(db *gorm.DB, t reflect.Type, cols []string) ([][]int, error) {
	key := t.String() + "\x00" + strings.Join(cols, ",")
	if f, ok := scanFields.Load(key); ok {
		return f.([][]int), nil
	}
	s, err := schema.Parse(reflect.New(t).Interface(), &schemas, db.NamingStrategy)
	if err != nil {
		return nil, err
	}
	fields := make([][]int, len(cols))
	for i, c := range cols {
		f := s.LookUpField(c)
		if f == nil {
			return nil, fmt.Errorf("models: %s has no field for the column %s", t, c)
		}
		fields[i] = f.StructField.Index
	}
	scanFields.Store(key, fields)
	return fields, nil
}

var (
	scanFields sync.Map // type and columns → [][]int
	schemas    sync.Map // gorm's schema cache for fieldsOf
)

// cells are one row's values as the driver hands them (database/sql's fast path: no conversion
// through reflection), read by column: an integer comes as int64 from both drivers, a DECIMAL as
// text from MySQL and a float from SQLite, a string as text. The first value that does not read
// as asked is kept in err (and reads as zero).
type cells struct {
	v   []any
	err error
}

// dest makes room for n columns and returns the pointers to scan into.
func (c *cells) dest(n int) []any {
	c.v = make([]any, n)
	d := make([]any, n)
	for i := range c.v {
		d[i] = &c.v[i]
	}
	return d
}

func (c *cells) text(i int) string {
	switch x := c.v[i].(type) {
	case []byte:
		return string(x)
	case string:
		return x
	}
	c.fail(i)
	return ""
}

func (c *cells) int(i int) int64 {
	switch x := c.v[i].(type) {
	case int64:
		return x
	case nil:
		return 0
	case []byte:
		if n, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return n
		}
	}
	c.fail(i)
	return 0
}

func (c *cells) float(i int) float64 {
	switch x := c.v[i].(type) {
	case float64:
		return x
	case int64:
		return float64(x)
	case nil:
		return 0
	case []byte:
		if f, err := strconv.ParseFloat(string(x), 64); err == nil {
			return f
		}
	}
	c.fail(i)
	return 0
}

func (c *cells) fail(i int) {
	if c.err == nil {
		c.err = fmt.Errorf("models: column %d: cannot read %T", i, c.v[i])
	}
}
