package wire

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
)

// Text rules, the same in both APIs: what a stored text parameter may hold.

// CheckText refuses control characters in a text value: C0 controls, DEL and the C1 block. Long
// text (multiline: a bio, a notification's message) may hold tab, newline and carriage return;
// nothing else does. name is the parameter as the message calls it.
func CheckText(name, v string, multiline bool) error {
	for _, r := range v {
		if !isControl(r) || multiline && (r == '\t' || r == '\n' || r == '\r') {
			continue
		}
		if multiline {
			return Errorf(EINVALID, "%s must not contain control characters other than tab and newline", name)
		}
		return Errorf(EINVALID, "%s must not contain control characters", name)
	}
	return nil
}

func isControl(r rune) bool { return r < 0x20 || r >= 0x7f && r < 0xa0 }

// OptText is a text column that is empty when there is nothing to say (NOT NULL DEFAULT ”), shown
// as null then: an activity entry's IP address when no client of the account made the change.
type OptText string

// MarshalJSON renders the text, or null when it is empty.
func (t OptText) MarshalJSON() ([]byte, error) {
	if t == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(t))
}

// UnmarshalJSON reads a string or null (backups).
func (t *OptText) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*t = ""
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*t = OptText(s)
	return nil
}

// Value stores the text ("" when there is none).
func (t OptText) Value() (driver.Value, error) { return string(t), nil }

// Scan reads a text column.
func (t *OptText) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*t = ""
	case string:
		*t = OptText(x)
	case []byte:
		*t = OptText(x)
	default:
		return fmt.Errorf("wire.OptText: cannot scan %T", v)
	}
	return nil
}
