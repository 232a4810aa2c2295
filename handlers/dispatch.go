package handlers

import "strings"

// route is one action as the request path finds it.
type route struct {
	mode     *Mode
	action   *Action
	endpoint string // Endpoint(mode, action), made once rather than per request
}

// modeRoutes are one mode's actions by name.
type modeRoutes struct {
	mode    *Mode
	actions map[string]route
}

// dispatchTable is Routes indexed by mode and action name, with the "Invalid mode" message, which
// lists the modes in the table's order.
type dispatchTable struct {
	modes       map[string]modeRoutes
	invalidMode string
}

// dispatch is built once from Routes; a mode or action listed twice is a bug and panics at start.
var dispatch = newDispatchTable(Routes)

// scopeModesOf are the modes a key's scopes may name, in the table's order: every mode that takes
// a key (mode=auth takes none).
func scopeModesOf(modes []Mode) []string {
	var out []string
	for _, m := range modes {
		if !m.Public {
			out = append(out, m.Name)
		}
	}
	return out
}

func newDispatchTable(modes []Mode) dispatchTable {
	t := dispatchTable{modes: make(map[string]modeRoutes, len(modes))}
	names := make([]string, 0, len(modes))
	for i := range modes {
		m := &modes[i]
		if _, dup := t.modes[m.Name]; dup {
			panic("handlers: mode " + m.Name + " is listed twice in Routes")
		}
		names = append(names, m.Name)
		mr := modeRoutes{mode: m, actions: make(map[string]route, len(m.Actions))}
		for j := range m.Actions {
			a := &m.Actions[j]
			if _, dup := mr.actions[a.Name]; dup {
				panic("handlers: action " + Endpoint(m.Name, a.Name) + " is listed twice in Routes")
			}
			mr.actions[a.Name] = route{mode: m, action: a, endpoint: Endpoint(m.Name, a.Name)}
		}
		t.modes[m.Name] = mr
	}
	t.invalidMode = "Invalid mode. Available modes: " + strings.Join(names, ", ")
	return t
}
