package handlers

import (
	"strings"
	"testing"
)

// A mode or an action listed twice is a bug in the table: the service refuses to start.
func TestDispatchTableRefusesDuplicates(t *testing.T) {
	for name, modes := range map[string][]Mode{
		"mode":   {{Name: "orgs"}, {Name: "orgs"}},
		"action": {{Name: "orgs", Selector: "action", Actions: []Action{{Name: "list"}, {Name: "list"}}}},
	} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), "listed twice") {
					t.Errorf("duplicate %s: recovered %v, want a panic", name, r)
				}
			}()
			newDispatchTable(modes)
		}()
	}
}

// The "Invalid mode" message lists the modes in the table's order: the reference's words.
func TestInvalidModeFollowsTheTable(t *testing.T) {
	want := "Invalid mode. Available modes: auth, profile, orgs, instances, billing, analytics, notifications, api_keys, search, stats"
	if dispatch.invalidMode != want {
		t.Fatalf("got %q\nwant %q", dispatch.invalidMode, want)
	}
}
