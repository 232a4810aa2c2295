package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"sharepanel/handlers"
	"sharepanel/internal/testenv"
)

// Issue 13, point 4: an action that changes data refuses parameters it does not take (before:
// ignored, so allowed_ips=… silently made an unrestricted key); reads keep ignoring them.
func TestWritesRefuseUnknownParameters(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	acct := env.NewAccount("pro")
	for _, m := range handlers.Routes {
		for _, a := range m.Actions {
			if !a.Write {
				continue
			}
			var names []string
			for _, p := range a.Params {
				names = append(names, p.Name)
			}
			names = append(names, "mode", "action", "api_key")
			want := "Unknown parameter: colour. This action accepts: " + strings.Join(names, ", ")
			res := env.Post(map[string]any{"mode": m.Name, m.Selector: a.Name, "api_key": acct.Key, "colour": "red"})
			res.Expect(t, http.StatusBadRequest, want)
			expectRequestID(t, res)
			// The path form alike, with mode and action still accepted there.
			env.Do(http.MethodPost, handlers.ActionPath(m.Name, a.Name), map[string]any{"mode": m.Name, "action": a.Name, "colour": "red"},
				http.Header{"X-Api-Key": {acct.Key}}).Expect(t, http.StatusBadRequest, want)
		}
	}
	// Several are named together, in order; the query's count as well as the body's.
	env.Do(http.MethodPost, "/api?titel=Acme", map[string]any{"mode": "orgs", "action": "new", "api_key": acct.Key, "contcat": "x"}, nil).
		Expect(t, http.StatusBadRequest, "Unknown parameters: contcat, titel. This action accepts: title, path, contact, mode, action, api_key")
	// Nothing was done.
	if n := len(env.Get(map[string]string{"mode": "orgs", "action": "list", "api_key": acct.Key}).DataList(t)); n != 0 {
		t.Fatalf("%d organizations after refused writes", n)
	}
	before := env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": acct.Key}).DataMap(t)["bio"]
	env.Post(map[string]any{"mode": "profile", "action": "update", "api_key": acct.Key, "bio": "changed", "nickname": "x"}).
		Expect(t, http.StatusBadRequest, "Unknown parameter: nickname. This action accepts: bio, pfp, first_name, last_name, phone, address, mode, action, api_key")
	if after := env.Get(map[string]string{"mode": "profile", "action": "view", "api_key": acct.Key}).DataMap(t)["bio"]; after != before {
		t.Fatalf("bio %v after a refused update, was %v", after, before)
	}
	// mode, action and api_key are always accepted, wherever they come from.
	env.Do(http.MethodPost, "/api?api_key="+acct.Key+"&mode=orgs", map[string]any{"action": "new", "title": "Acme"}, nil).
		Expect(t, http.StatusOK, "Organization created successfully")
	// Reads ignore what they do not take (cache-busters).
	env.Get(map[string]string{"mode": "orgs", "action": "list", "api_key": acct.Key, "_": "1700000000000", "colour": "red"}).
		Expect(t, http.StatusOK, "Organizations retrieved successfully")
	env.Post(map[string]any{"mode": "profile", "action": "view", "api_key": acct.Key, "_": 1}).
		Expect(t, http.StatusOK, "Profile retrieved successfully")
}
