package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// endpoint is one row of the table: a read action of the user API with representative parameters.
type endpoint struct {
	Mode, Action string
	// Params is a query string; {org}, {instance}, {invoice} and {key} stand for the IDs of the
	// account's first organization, instance and invoice and of the key the benchmark uses.
	Params string
}

// ID names the action as the OpenAPI document's x-actions do: "mode.action", or "mode" alone.
func (e endpoint) ID() string {
	if e.Action == "" {
		return e.Mode
	}
	return e.Mode + "." + e.Action
}

// Label is the endpoint as the table shows it.
func (e endpoint) Label() string {
	var parts []string
	for _, p := range []string{e.Mode, e.Action, strings.ReplaceAll(e.Params, "&", " ")} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " ")
}

// baseline is what every other endpoint is compared with: the cheapest authenticated read.
var baseline = endpoint{Mode: "profile", Action: "view"}

// endpoints are every read action of the user API (coverage checks this against the gateway's own
// table), those whose cost could grow with history several times: short and long periods, the
// first page and a deep one (offsets near the one-year account's end).
var endpoints = []endpoint{
	baseline,
	{Mode: "profile", Action: "stats"},
	{Mode: "orgs", Action: "list"},
	{Mode: "orgs", Action: "view", Params: "org_id={org}"},
	{Mode: "orgs", Action: "members", Params: "org_id={org}"},
	{Mode: "instances", Action: "list"},
	{Mode: "instances", Action: "view", Params: "instance_id={instance}"},
	{Mode: "billing", Action: "balance"},
	{Mode: "billing", Action: "invoices"},
	{Mode: "billing", Action: "invoices", Params: "status=paid"},
	{Mode: "billing", Action: "invoices", Params: "offset=16000"},
	{Mode: "billing", Action: "invoice", Params: "invoice_id={invoice}"},
	{Mode: "billing", Action: "transactions"},
	{Mode: "billing", Action: "transactions", Params: "offset=40000"},
	{Mode: "billing", Action: "purchases"},
	{Mode: "billing", Action: "purchases", Params: "offset=8000"},
	{Mode: "billing", Action: "plans"},
	{Mode: "analytics", Action: "overview"},
	{Mode: "analytics", Action: "usage", Params: "period=30"},
	{Mode: "analytics", Action: "usage", Params: "period=366"},
	{Mode: "analytics", Action: "activity", Params: "offset=0"},
	{Mode: "analytics", Action: "activity", Params: "offset=150000"},
	{Mode: "analytics", Action: "spending", Params: "period=30"},
	{Mode: "analytics", Action: "spending", Params: "period=366"},
	{Mode: "notifications", Action: "list"},
	{Mode: "notifications", Action: "list", Params: "unread_only=true"},
	{Mode: "notifications", Action: "list", Params: "offset=40000"},
	{Mode: "notifications", Action: "unread_count"},
	{Mode: "api_keys", Action: "list"},
	{Mode: "api_keys", Action: "usage", Params: "key_id={key}"},
	{Mode: "stats", Action: "overview"},
	{Mode: "stats", Action: "instances"},
	{Mode: "stats", Action: "organizations"},
	{Mode: "search", Params: "query=site&type=all"},
}

// docAction is an entry of the OpenAPI document's x-actions: the gateway's dispatch table.
type docAction struct {
	Mode     string `json:"mode"`
	Action   string `json:"action"`
	Selector string `json:"selector"`
	Write    bool   `json:"write"`
	Public   bool   `json:"public"`
}

func (d docAction) ID() string { return endpoint{Mode: d.Mode, Action: d.Action}.ID() }

// readActions reads x-actions from an OpenAPI document (/docs/openapi.json) and returns the
// actions that read an account's data: neither writes nor public (mode=auth), by ID.
func readActions(doc []byte) (map[string]docAction, error) {
	var d struct {
		Actions []docAction `json:"x-actions"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, fmt.Errorf("OpenAPI document: %w", err)
	}
	if len(d.Actions) == 0 {
		return nil, fmt.Errorf("OpenAPI document has no x-actions")
	}
	out := map[string]docAction{}
	for _, a := range d.Actions {
		if !a.Write && !a.Public {
			out[a.ID()] = a
		}
	}
	return out, nil
}

// coverage compares the benchmark's endpoints with the gateway's read actions: those it does
// not measure, and those of its own that are not read actions (gone, renamed, or writes).
func coverage(eps []endpoint, reads map[string]docAction) (unmeasured, unknown []string) {
	measured := map[string]bool{}
	for _, e := range eps {
		measured[e.ID()] = true
		if _, ok := reads[e.ID()]; !ok && !slices.Contains(unknown, e.ID()) {
			unknown = append(unknown, e.ID())
		}
	}
	for id := range reads {
		if !measured[id] {
			unmeasured = append(unmeasured, id)
		}
	}
	slices.Sort(unmeasured)
	return unmeasured, unknown
}

// query builds the endpoint's query string for an account: mode, the action under the mode's
// selector (action, or type for stats), the parameters with the account's IDs.
func (e endpoint) query(reads map[string]docAction, ids map[string]string) (string, error) {
	q := url.Values{"mode": {e.Mode}}
	if e.Action != "" {
		a, ok := reads[e.ID()]
		if !ok || a.Selector == "" {
			return "", fmt.Errorf("%s: not a read action with a selector", e.ID())
		}
		q.Set(a.Selector, e.Action)
	}
	params := e.Params
	for name, id := range ids {
		params = strings.ReplaceAll(params, "{"+name+"}", id)
	}
	if strings.Contains(params, "{") {
		return "", fmt.Errorf("%s: no ID for a parameter of %q", e.ID(), params)
	}
	extra, err := url.ParseQuery(params)
	if err != nil {
		return "", fmt.Errorf("%s: %w", e.ID(), err)
	}
	for k, v := range extra {
		q[k] = v
	}
	return q.Encode(), nil
}
