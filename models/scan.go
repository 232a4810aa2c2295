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
	f, ok := z.field, false
	switch {
	case src == nil:
		f.SetZero()
		return nil
	case f.Kind() == reflect.String:
		var v string
		v, ok = valueText(src)
		f.SetString(v)
	case f.CanInt():
		var v int64
		v, ok = valueInt(src)
		f.SetInt(v)
	case f.CanFloat():
		var v float64
		v, ok = valueFloat(src)
		f.SetFloat(v)
	case f.Kind() == reflect.Bool:
		var v bool
		v, ok = valueBool(src)
		f.SetBool(v)
	}
	if !ok {
		return fmt.Errorf("models: cannot scan %T into %s", src, f.Type())
	}
	return nil
}

// valueText, valueInt, valueFloat and valueBool read a value as either driver hands it (an integer
// as int64, a DECIMAL as text from MySQL and a float from SQLite, a string as text, NULL as nil,
// which reads as zero but for text); ok is false when it does not read as asked.
func valueText(v any) (string, bool) {
	switch x := v.(type) {
	case []byte:
		return string(x), true
	case string:
		return x, true
	}
	return "", false
}

func valueInt(v any) (int64, bool) {
	if x, ok := v.(int64); ok {
		return x, true
	}
	return fromText(v, func(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) })
}

func valueFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int64:
		return float64(x), true
	}
	return fromText(v, func(s string) (float64, error) { return strconv.ParseFloat(s, 64) })
}

func valueBool(v any) (bool, bool) {
	if x, ok := v.(int64); ok {
		return x != 0, true
	}
	if x, ok := v.(bool); ok {
		return x, true
	}
	return fromText(v, strconv.ParseBool)
}

// fromText reads a value that is not of a number's own type: NULL as zero, text with parse.
func fromText[T any](v any, parse func(string) (T, error)) (T, bool) {
	var zero T
	if v == nil {
		return zero, true
	}
	if s, ok := valueText(v); ok {
		x, err := parse(s)
		return x, err == nil
	}
	return zero, false
}

var (
	scanTargets sync.Map // type and columns → []target
	schemas     sync.Map // gorm's schema cache for targetsOf
)

// cells are one row's values as the driver hands them (database/sql's fast path: no conversion
// through reflection), read by column as valueInt and the others read them. The first value that
// does not read as asked is kept in err (and reads as zero).
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

func (c *cells) text(i int) string { return read(c, i, valueText) }

func (c *cells) int(i int) int64 { return read(c, i, valueInt) }

func (c *cells) float(i int) float64 { return read(c, i, valueFloat) }

// read reads column i with as, and keeps the first failure in c.err.
func read[T any](c *cells, i int, as func(any) (T, bool)) T {
	v, ok := as(c.v[i])
	if !ok {
		c.fail(i)
	}
	return v
}

func (c *cells) fail(i int) {
	if c.err == nil {
		c.err = fmt.Errorf("models: column %d: cannot read %T", i, c.v[i])
	}
}
