package models_test

import (
	"fmt"
	"testing"

	"sharepanel/models"
)

// The cost of a key's restrictions on every request it makes (issue 13): none without them; a
// 20-entry allowlist parses the client address once and tests it against each entry.
func BenchmarkAllowlistAllows(b *testing.B) {
	twenty := ""
	for i := range 19 {
		twenty += fmt.Sprintf("10.%d.0.0/16,", i)
	}
	list, err := models.ParseAllowlist(twenty + "2001:db8::/32")
	if err != nil || len(list) != 20 {
		b.Fatalf("%d entries, %v", len(list), err)
	}
	for _, c := range []struct {
		name string
		list models.Allowlist
		ip   string
		want bool
	}{
		{"none", nil, "203.0.113.9", true},
		{"20-entries/last-matches-v6", list, "2001:db8::7", true},
		{"20-entries/none-matches-v4", list, "203.0.113.9", false},
		{"20-entries/first-matches-v4", list, "10.0.1.2", true},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if c.list.Allows(c.ip) != c.want {
					b.Fatal("wrong answer")
				}
			}
		})
	}
}

func BenchmarkScopesCheck(b *testing.B) {
	scopes, err := models.ParseScopes("orgs:write,billing:read,instances:write", []string{"profile", "orgs", "instances", "billing"})
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		scopes models.Scopes
	}{{"none", nil}, {"three-modes", scopes}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if c.scopes.Check("instances", true) != nil {
					b.Fatal("refused")
				}
			}
		})
	}
}
