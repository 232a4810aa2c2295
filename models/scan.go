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
// sql.Scanner where it has one. As Find does, it reads NULL into a plain field as its zero value,
// and skips a column T has no field for (one a later version added, while this one still serves).
func scanAll[T any](db *gorm.DB, rows *sql.Rows, out *[]T, extra ...any) error {
	cols, err := rows.Columns()
	if err != nil {
		return unavailable(err)
	}
	targets, err := targetsOf(db, reflect.TypeFor[T](), cols[:len(cols)-len(extra)])
	if err != nil {
		return err
	}
	dest := make([]any, len(cols))
	copy(dest[len(targets):], extra)
	var skipped any
	nulls := make([]orZero, len(targets))
	for rows.Next() {
		*out = append(*out, *new(T))
		rv := reflect.ValueOf(&(*out)[len(*out)-1]).Elem()
		for i, t := range targets {
			switch {
			case t.index == nil:
				dest[i] = &skipped
			case t.nullable:
				nulls[i] = orZero{rv.FieldByIndex(t.index)}
				dest[i] = &nulls[i]
			default:
				dest[i] = rv.FieldByIndex(t.index).Addr().Interface()
			}
		}
		if err := rows.Scan(dest...); err != nil {
			*out = (*out)[:len(*out)-1]
			return unavailable(err)
		}
	}
	return unavailable(rows.Err())
}

// target is where a column goes: the index of its field (nil: nowhere), and whether the column
// may hold NULL where the field cannot (a plain string or number).
type target struct {
	index    []int
	nullable bool
}

// targetsOf is, for each column, its target in T; kept per type and columns.
func targetsOf(db *gorm.DB, t reflect.Type, cols []string) ([]target, error) {
	key := t.String() + "\x00" + strings.Join(cols, ",")
	if f, ok := scanTargets.Load(key); ok {
		return f.([]target), nil
	}
	s, err := schema.Parse(reflect.New(t).Interface(), &schemas, db.NamingStrategy)
	if err != nil {
		return nil, err
	}
	targets := make([]target, len(cols))
	for i, c := range cols {
		if f := s.LookUpField(c); f != nil {
			ft := f.StructField.Type
			_, scanner := reflect.New(ft).Interface().(sql.Scanner)
			targets[i] = target{index: f.StructField.Index, nullable: !f.NotNull && !f.PrimaryKey && ft.Kind() != reflect.Pointer && !scanner}
		}
	}
	scanTargets.Store(key, targets)
	return targets, nil
}

// orZero scans a value into a plain string, integer, float or bool field, and NULL as its zero.
type orZero struct{ field reflect.Value }

func (z *orZero) Scan(src any) error {
	f := z.field
	switch v := src.(type) {
	case nil:
		f.SetZero()
		return nil
	case []byte:
		return z.text(string(v))
	case string:
		return z.text(v)
	case int64:
		switch {
		case f.CanInt():
			f.SetInt(v)
			return nil
		case f.CanFloat():
			f.SetFloat(float64(v))
			return nil
		case f.Kind() == reflect.Bool:
			f.SetBool(v != 0)
			return nil
		}
	case float64:
		if f.CanFloat() {
			f.SetFloat(v)
			return nil
		}
	case bool:
		if f.Kind() == reflect.Bool {
			f.SetBool(v)
			return nil
		}
	}
	return fmt.Errorf("models: cannot scan %T into %s", src, f.Type())
}

func (z *orZero) text(s string) error {
	f := z.field
	var err error
	switch {
	case f.Kind() == reflect.String:
		f.SetString(s)
	case f.CanInt():
		var n int64
		n, err = strconv.ParseInt(s, 10, 64)
		f.SetInt(n)
	case f.CanFloat():
		var x float64
		x, err = strconv.ParseFloat(s, 64)
		f.SetFloat(x)
	case f.Kind() == reflect.Bool:
		var b bool
		b, err = strconv.ParseBool(s)
		f.SetBool(b)
	default:
		err = fmt.Errorf("models: cannot scan text into %s", f.Type())
	}
	return err
}

var (
	scanTargets sync.Map // type and columns → []target
	schemas     sync.Map // gorm's schema cache for fieldsOf
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
