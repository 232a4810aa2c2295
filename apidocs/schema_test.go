package apidocs_test

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"sharepanel/apidocs"
	"sharepanel/wire"
)

type base struct {
	ID int64 `json:"id"`
}

type sampleView struct {
	base
	Amount  wire.Money     `json:"amount"`
	At      wire.DateTime  `json:"at"`
	Paid    *wire.DateTime `json:"paid_at"`
	Active  wire.Flag      `json:"is_active"`
	Details wire.JSONText  `json:"details"`
	Note    string         `json:"note,omitempty"`
	Secret  string         `json:"-"`
	Ratio   float64        `json:"ratio"`
	Tags    []string       `json:"tags"`
	Child   *sampleChild   `json:"child"`
	hidden  int            // unexported: not in the JSON
}

type sampleChild struct {
	Name string `json:"name"`
}

var _ = sampleView{hidden: 0}

func marshal(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestReflectorMapsTheGatewaysTypes(t *testing.T) {
	schemas := map[string]*apidocs.Schema{}
	r := apidocs.NewReflector(schemas)
	ref := r.For(reflect.TypeFor[[]sampleView]())
	if ref.Type != "array" || ref.Items.Ref != "#/components/schemas/SampleView" {
		t.Fatalf("list schema %+v", ref)
	}
	s := marshal(t, schemas["SampleView"])
	props := s["properties"].(map[string]any)
	want := map[string]string{
		"id":        `{"format":"int64","type":"integer"}`,
		"amount":    `"type":"number"`,
		"at":        `"pattern":"^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$","type":"string"`,
		"paid_at":   `"type":["string","null"]`,
		"is_active": `"enum":[0,1],"type":"integer"`,
		"details":   `"type":"object"`,
		"note":      `{"type":"string"}`,
		"ratio":     `{"type":"number"}`,
		"tags":      `{"items":{"type":"string"},"type":"array"}`,
		"child":     `{"anyOf":[{"$ref":"#/components/schemas/SampleChild"},{"type":"null"}]}`,
	}
	for name, frag := range want {
		b, _ := json.Marshal(props[name])
		if !strings.Contains(string(b), frag) {
			t.Errorf("%s: %s lacks %s", name, b, frag)
		}
	}
	if len(props) != len(want) {
		t.Errorf("properties %v: json:\"-\" and unexported fields must be left out, embedded ones promoted", props)
	}
	required, _ := json.Marshal(s["required"])
	if strings.Contains(string(required), `"note"`) || !strings.Contains(string(required), `"paid_at"`) {
		t.Errorf("required %s: omitempty fields are optional, nullable ones still always written", required)
	}
	if schemas["SampleChild"] == nil {
		t.Error("nested named struct not registered")
	}
}

func TestPropertiesKeepTheirOrderAndExtensions(t *testing.T) {
	s := &apidocs.Schema{Type: "object", Properties: apidocs.Properties{
		{Name: "mode", Schema: &apidocs.Schema{Const: "orgs"}},
		{Name: "action", Schema: &apidocs.Schema{Const: "new"}},
		{Name: "api_key", Schema: &apidocs.Schema{Type: "string"}},
	}, Ext: map[string]any{"x-mode": "orgs"}}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	if !strings.Contains(got, `"properties":{"mode":{"const":"orgs"},"action":{"const":"new"},"api_key":{"type":"string"}}`) || !strings.Contains(got, `"x-mode":"orgs"`) {
		t.Fatalf("got %s", got)
	}
}

// flexible is a request field that gives its own schema.
type flexible string

func (flexible) JSONSchema() *apidocs.Schema {
	return &apidocs.Schema{Type: []string{"integer", "string"}, Description: "A number or its digits."}
}

type taggedBody struct {
	Count  flexible    `json:"count" doc:"How many."`
	Status string      `json:"status,omitempty" enum:"on,off" doc:"The switch."`
	Child  sampleChild `json:"child" doc:"not on a $ref"`
}

func TestReflectorTagsAndSchemers(t *testing.T) {
	schemas := map[string]*apidocs.Schema{}
	apidocs.NewReflector(schemas).For(reflect.TypeFor[taggedBody]())
	got, _ := json.Marshal(schemas["TaggedBody"])
	for _, want := range []string{
		`"count":{"description":"How many. A number or its digits.","type":["integer","string"]}`,
		`"status":{"description":"The switch.","type":"string","enum":["on","off"]}`,
		`"child":{"$ref":"#/components/schemas/SampleChild"}`,
		`"required":["count","child"]`,
	} {
		if !strings.Contains(string(got), want) {
			t.Errorf("%s lacks %s", got, want)
		}
	}
}

// TestReflectorsShareIdenticalSchemas: a second reflector over the same components (the admin
// API's, after the user API's) reuses a schema of the same name when it is the same, and prefixes
// the package's name when it differs.
func TestReflectorsShareIdenticalSchemas(t *testing.T) {
	schemas := map[string]*apidocs.Schema{}
	apidocs.NewReflector(schemas).For(reflect.TypeFor[sampleChild]())
	schemas["SampleView"] = &apidocs.Schema{Type: "object", Description: "another type of the same name"}
	r := apidocs.NewReflector(schemas)
	if ref := r.For(reflect.TypeFor[sampleChild]()); ref.Ref != "#/components/schemas/SampleChild" {
		t.Errorf("identical schema not shared: %+v", ref)
	}
	if ref := r.For(reflect.TypeFor[sampleView]()); ref.Ref != "#/components/schemas/Apidocs_testSampleView" {
		t.Errorf("different schema of a taken name: %+v", ref)
	}
	if len(schemas) != 3 || schemas["SampleView"].Description != "another type of the same name" {
		t.Errorf("components %v", slices.Sorted(maps.Keys(schemas)))
	}
}
