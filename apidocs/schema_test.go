package apidocs_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"sharepanel/apidocs"
	"sharepanel/models"
)

type base struct {
	ID int64 `json:"id"`
}

type sampleView struct {
	base
	Amount  models.Money     `json:"amount"`
	At      models.DateTime  `json:"at"`
	Paid    *models.DateTime `json:"paid_at"`
	Active  models.Flag      `json:"is_active"`
	Details models.JSONText  `json:"details"`
	Note    string           `json:"note,omitempty"`
	Secret  string           `json:"-"`
	Ratio   float64          `json:"ratio"`
	Tags    []string         `json:"tags"`
	Child   *sampleChild     `json:"child"`
	hidden  int              // unexported: not in the JSON
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
