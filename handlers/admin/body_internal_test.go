package admin

import (
	"encoding/json"
	"testing"

	"sharepanel/wire"
)

// The request types are the parser: required fields, optional pointers, and the value types
// that take a JSON number or its text.
func TestBindReadsTheRequestTypes(t *testing.T) {
	parse := func(body string) fields {
		var f fields
		if err := json.Unmarshal([]byte(body), &f); err != nil {
			t.Fatal(err)
		}
		return f
	}
	var b newInstanceBody
	if err := parse(`{"name": "Shop", "type": "SNCS", "org_id": "7"}`).bind(&b); err != nil {
		t.Fatal(err)
	}
	if b.Name != "Shop" || b.OrgID == nil || *b.OrgID != 7 || b.Path != "" {
		t.Fatalf("bound %+v", b)
	}

	var p planBody
	if err := parse(`{"price": 7.5, "requests_per_day": 100, "description": 12}`).bind(&p); err != nil {
		t.Fatal(err)
	}
	if p.Price == nil || wire.Money(*p.Price) != 750 || *p.RequestsPerDay != 100 || *p.Description != "12" || p.Name != nil || p.OrgLimit != nil {
		t.Fatalf("bound %+v", p)
	}

	for body, want := range map[string]string{
		`{"type": "SNCS"}`:                                "Instance name is required and must be at most 255 characters",
		`{"name": "Shop", "type": " "}`:                   "type is required (SNCS or SMS)",
		`{"name": "Shop", "type": "SNCS", "org_id": "x"}`: "org_id must be an integer",
		`{"name": ["Shop"], "type": "SNCS"}`:              "name must be a string",
	} {
		var b newInstanceBody
		if err := parse(body).bind(&b); wire.ErrorMessage(err) != want {
			t.Errorf("%s: %v, want %q", body, err, want)
		}
	}
	var inv newInvoiceBody
	if err := parse(`{"amount": "1.234"}`).bind(&inv); wire.ErrorMessage(err) != "amount must be an amount such as 10.00" {
		t.Errorf("amount: %v", err)
	}
	var all notifyAllBody
	if err := parse(`{"all": "maybe", "title": "x"}`).bind(&all); wire.ErrorMessage(err) != "all must be true or false" {
		t.Errorf("flag: %v", err)
	}
}
