package main

// The adapter between the dispatch table and the generators' model: the only file of sdk/gen
// that knows the table's Go shape. When the table changes shape, this is the file to change.

import (
	"reflect"
	"slices"

	"sharepanel/handlers"
	"sharepanel/wire"
)

// loadTable reads the user API's dispatch table.
func loadTable() (*API, error) { return fromRoutes(handlers.Routes) }

// fromRoutes converts the table into the model, in the table's order (the reference's), result
// types resolved.
func fromRoutes(routes []handlers.Mode) (*API, error) {
	api := &API{}
	for _, hm := range routes {
		m := &Mode{Name: hm.Name, Selector: hm.Selector, Public: hm.Public}
		for _, ha := range hm.Actions {
			a := &Action{Mode: m, Name: ha.Name, Summary: ha.Summary, Write: ha.Write}
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
			if hp.Max < wire.MaxSafeInt {
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
