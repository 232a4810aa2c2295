package main

// The adapter between the dispatch table and the generators' model: the only file of sdk/gen
// that knows the table's Go shape. When the table changes shape, this is the file to change.

import (
	"log/slog"
	"reflect"
	"slices"

	"sharepanel/handlers"
)

// modeOrder is the reference's order of modes; a mode the reference does not list comes after
// them, sorted by name.
var modeOrder = []string{"auth", "profile", "orgs", "instances", "billing", "analytics", "notifications", "api_keys", "search", "stats"}

// maxSafeInt is the table's bound for "unbounded" integers (the largest a JavaScript number
// holds exactly): the SDKs treat it as no bound.
const maxSafeInt = 1<<53 - 1

// loadTable reads the user API's dispatch table.
func loadTable() (*API, error) {
	_, api := handlers.New(handlers.Deps{Log: slog.New(slog.DiscardHandler)})
	return fromModes(api.Modes())
}

// fromModes converts the table (mode → action → *Action) into the model: modes in the
// reference's order, actions sorted by name, result types resolved.
func fromModes(modes map[string]*handlers.Mode) (*API, error) {
	names := slices.Clone(modeOrder)
	var extra []string
	for name := range modes {
		if !slices.Contains(names, name) {
			extra = append(extra, name)
		}
	}
	slices.Sort(extra)
	api := &API{}
	for _, name := range append(names, extra...) {
		hm, ok := modes[name]
		if !ok {
			continue
		}
		m := &Mode{Name: name, Selector: hm.Selector, Public: hm.Public}
		actions := make([]string, 0, len(hm.Actions))
		for a := range hm.Actions {
			actions = append(actions, a)
		}
		slices.Sort(actions)
		for _, an := range actions {
			ha := hm.Actions[an]
			a := &Action{Mode: m, Name: an, Summary: ha.Summary, Write: ha.Write}
			for _, hp := range ha.Params {
				a.Params = append(a.Params, convertParam(hp))
			}
			if ha.Response != nil {
				a.resultT = reflect.TypeOf(ha.Response)
			}
			m.Actions = append(m.Actions, a)
		}
		api.Modes = append(api.Modes, m)
	}
	return api, resolveTypes(api)
}

func convertParam(hp handlers.Param) Param {
	p := Param{Name: hp.Name, Required: hp.Required, Enum: slices.Clone(hp.Enum), Default: hp.Default,
		MaxLen: hp.MaxLen, Doc: hp.Doc}
	switch hp.Kind {
	case handlers.KindInt:
		p.Kind = KindInt
		if hp.Min == 0 && hp.Max == 0 { // the table's "a positive ID"
			one := int64(1)
			p.Min = &one
		} else {
			p.Min = &hp.Min
			if hp.Max < maxSafeInt {
				p.Max = &hp.Max
			}
		}
	case handlers.KindFlag:
		p.Kind = KindFlag
	case handlers.KindEnum:
		p.Kind = KindEnum
	case handlers.KindTime:
		p.Kind = KindTime
	default:
		p.Kind = KindString
	}
	return p
}
