package wire

import (
	"database/sql/driver"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// DateTimeLayout is how date-times appear in API data: UTC, to the second.
const DateTimeLayout = "2006-01-02 15:04:05"

// DateTime is a point in time stored as a DATETIME column and shown as "YYYY-MM-DD HH:MM:SS" UTC.
// Nullable columns use *DateTime, which marshals to null.
type DateTime time.Time

// Now returns the current time as a DateTime, truncated to the second the API shows.
func Now() DateTime { return DateTime(time.Now().UTC().Truncate(time.Second)) }

// Time returns t as a time.Time in UTC.
func (t DateTime) Time() time.Time { return time.Time(t).UTC() }

// MarshalJSON renders the API's date-time format (in one allocation: a page has a hundred).
func (t DateTime) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, len(DateTimeLayout)+2)
	b = append(b, '"')
	b = t.Time().AppendFormat(b, DateTimeLayout)
	return append(b, '"'), nil
}

// UnmarshalJSON accepts the API's format (used by backups).
func (t *DateTime) UnmarshalJSON(b []byte) error {
	s, err := strconv.Unquote(string(b))
	if err != nil {
		return err
	}
	v, err := time.ParseInLocation(DateTimeLayout, s, time.UTC)
	if err != nil {
		return err
	}
	*t = DateTime(v)
	return nil
}

// Value stores the time in UTC.
func (t DateTime) Value() (driver.Value, error) { return t.Time(), nil }

// Scan reads what either driver returns for a DATETIME column.
func (t *DateTime) Scan(v any) error {
	switch x := v.(type) {
	case time.Time:
		*t = DateTime(x.UTC())
		return nil
	case []byte:
		return t.parse(string(x))
	case string:
		return t.parse(x)
	}
	return fmt.Errorf("models.DateTime: cannot scan %T", v)
}

func (t *DateTime) parse(s string) error {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02"} {
		if v, err := time.Parse(layout, s); err == nil {
			*t = DateTime(v.UTC())
			return nil
		}
	}
	return fmt.Errorf("models.DateTime: cannot parse %q", s)
}

// GormDataType makes the migrator create a DATETIME column.
func (DateTime) GormDataType() string { return "time" }

// Money is an amount in cents, stored as DECIMAL(12,2) and shown as a JSON number with two
// decimals. Arithmetic is integer; floats appear only where a driver hands one back (SQLite sums),
// and are rounded to the cent at once.
type Money int64

// String renders 12.30 as "12.30".
func (m Money) String() string { return string(m.appendDecimal(make([]byte, 0, 24))) }

// MarshalJSON renders a JSON number with two decimals.
func (m Money) MarshalJSON() ([]byte, error) { return m.appendDecimal(make([]byte, 0, 24)), nil }

// appendDecimal appends m with two decimals, without fmt: a page of invoices has a hundred amounts.
func (m Money) appendDecimal(b []byte) []byte {
	u := uint64(m)
	if m < 0 {
		b = append(b, '-')
		u = -u // the magnitude, exact for the smallest int64 too
	}
	b = strconv.AppendUint(b, u/100, 10)
	cents := u % 100
	return append(b, '.', byte('0'+cents/10), byte('0'+cents%10))
}

// UnmarshalJSON accepts a JSON number or string.
func (m *Money) UnmarshalJSON(b []byte) error {
	v, err := ParseMoney(strings.Trim(string(b), `"`))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// Value stores the decimal text, exact on MySQL.
func (m Money) Value() (driver.Value, error) { return m.String(), nil }

// Scan reads a DECIMAL (text on MySQL), a REAL or INTEGER (SQLite), or NULL (a SUM of no rows).
func (m *Money) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*m = 0
	case float64:
		*m = Money(math.Round(x * 100))
	case int64:
		*m = Money(x * 100)
	case []byte:
		return m.scanText(string(x))
	case string:
		return m.scanText(x)
	default:
		return fmt.Errorf("models.Money: cannot scan %T", v)
	}
	return nil
}

func (m *Money) scanText(s string) error {
	v, err := ParseMoney(s)
	*m = v
	return err
}

// ParseMoney parses a decimal such as "12", "12.3" or "-12.34" exactly. More than two decimals is
// an error rather than a silent rounding.
func ParseMoney(s string) (Money, error) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	whole, frac, _ := strings.Cut(s, ".")
	frac = strings.TrimRight(frac, "0")
	if whole == "" && frac == "" || len(frac) > 2 || len(whole) > 10 {
		return 0, fmt.Errorf("invalid amount %q", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	if whole == "" {
		whole = "0"
	}
	w, err1 := strconv.ParseUint(whole, 10, 63)
	f, err2 := strconv.ParseUint(frac, 10, 63)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("invalid amount %q", s)
	}
	v := Money(w*100 + f)
	if neg {
		v = -v
	}
	return v, nil
}

// Flag is a boolean column shown as the integer 0 or 1, as the reference does.
type Flag bool

// MarshalJSON renders 0 or 1.
func (f Flag) MarshalJSON() ([]byte, error) {
	if f {
		return []byte("1"), nil
	}
	return []byte("0"), nil
}

// UnmarshalJSON accepts 0/1 and true/false.
func (f *Flag) UnmarshalJSON(b []byte) error {
	s := string(b)
	*f = Flag(s == "1" || s == "true")
	return nil
}

// Value stores a boolean.
func (f Flag) Value() (driver.Value, error) { return bool(f), nil }

// Scan reads a boolean, whichever way the driver spells it.
func (f *Flag) Scan(v any) error {
	switch x := v.(type) {
	case bool:
		*f = Flag(x)
	case int64:
		*f = x != 0
	case []byte:
		*f = len(x) > 0 && x[0] != '0'
	case nil:
		*f = false
	default:
		return fmt.Errorf("models.Flag: cannot scan %T", v)
	}
	return nil
}

// GormDataType makes the migrator create a boolean column.
func (Flag) GormDataType() string { return "bool" }

// JSONText is a JSON document kept in a TEXT column and shown as itself (an object, not a string).
type JSONText string

// MarshalJSON emits the stored document, or {} when there is none.
func (j JSONText) MarshalJSON() ([]byte, error) {
	if j == "" {
		return []byte("{}"), nil
	}
	return []byte(j), nil
}

// UnmarshalJSON keeps the raw document.
func (j *JSONText) UnmarshalJSON(b []byte) error {
	*j = JSONText(b)
	return nil
}

// Page is a checked limit and offset.
type Page struct {
	Limit  int
	Offset int
}

// Paged is one page of a list as its answer describes it: the page asked for, how many items it
// holds, the list's total (-1 when it is not counted) and whether a page follows it.
type Paged struct {
	Page
	Count int
	Total int64
	More  bool
}

// PageOf describes a page of count items of a list of total items (-1: not counted, and then
// more says whether a page follows).
func PageOf(p Page, count int, total int64, more bool) Paged {
	if total >= 0 {
		more = int64(p.Offset)+int64(count) < total
	}
	return Paged{Page: p, Count: count, Total: total, More: more}
}

// Paging bounds, the same in both APIs: limit 1–MaxLimit (DefaultLimit when absent), offset 0 or
// more, up to MaxSafeInt.
const (
	DefaultLimit = 50
	MaxLimit     = 500
	// MaxSafeInt is the largest integer a JavaScript client holds exactly: the bound of integer
	// parameters that have no bound of their own.
	MaxSafeInt = 1<<53 - 1
)

// ParsePage reads limit and offset as both APIs take them; an empty one takes its default.
func ParsePage(limit, offset string) (Page, error) {
	p := Page{Limit: DefaultLimit}
	if limit = strings.TrimSpace(limit); limit != "" {
		n, err := strconv.Atoi(limit)
		if err != nil || n < 1 || n > MaxLimit {
			return p, Errorf(EINVALID, "limit must be an integer between 1 and %d", MaxLimit)
		}
		p.Limit = n
	}
	if offset = strings.TrimSpace(offset); offset != "" {
		n, err := strconv.ParseInt(offset, 10, 64)
		if err != nil || n < 0 || n > MaxSafeInt {
			return p, Errorf(EINVALID, "offset must be a non-negative integer")
		}
		p.Offset = int(n)
	}
	return p, nil
}

// ParseFlag reads a yes/no value as both APIs take it: true/false, 1/0, yes/no or on/off, in any
// case; empty is false. ok is false for anything else.
func ParseFlag(s string) (value, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "true", "yes", "on":
		return true, true
	case "0", "false", "no", "off", "":
		return false, true
	}
	return false, false
}

// DefaultCurrency is the currency balances are shown in when nothing else is configured.
const DefaultCurrency = "USD"
