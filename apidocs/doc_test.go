package apidocs_test

import (
	"encoding/json"
	"strings"
	"testing"

	"sharepanel/apidocs"
)

// TestPathsKeepTheOrderTheyWereAdded: paths set directly come first, sorted; then AddPath's, in
// the order added, which is the order viewers list the operations in.
func TestPathsKeepTheOrderTheyWereAdded(t *testing.T) {
	doc := &apidocs.Document{Paths: map[string]*apidocs.PathItem{"/b": {}, "/a": {}}}
	for _, p := range []string{"/z", "/c", "/y"} {
		doc.AddPath(p, &apidocs.PathItem{Summary: p})
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"paths":{"/a":{},"/b":{},"/z":{"summary":"/z"},"/c":{"summary":"/c"},"/y":{"summary":"/y"}}`) {
		t.Fatalf("paths out of order: %s", b)
	}
	var back map[string]any
	if err := json.Unmarshal(b, &back); err != nil || len(back["paths"].(map[string]any)) != 5 || strings.Count(string(b), `"paths"`) != 1 {
		t.Fatalf("%v: %s", err, b)
	}
}
