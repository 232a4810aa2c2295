package handlers_test

import (
	"net/http"
	"net/http/httptest"

	"sharepanel/handlers"
	"sharepanel/internal/testenv"
)

// rawGet sends a GET through the echo instance and returns the recorder: for answers that are not
// the /api envelope (pages, assets, redirects).
func rawGet(env *testenv.Env, target string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	env.Echo.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	return rec
}

// doWithHost sends a GET from remote (ip:port) with the given Host header and extra headers.
func doWithHost(env *testenv.Env, target, remote, host string, h http.Header) *testenv.Response {
	req := httptest.NewRequest(http.MethodGet, target, nil)
	req.Host, req.RemoteAddr = host, remote
	for k, v := range h {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	env.Echo.ServeHTTP(rec, req)
	return &testenv.Response{Code: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
}

// findAction returns a mode of the dispatch table and one of its actions by name; nil when absent.
func findAction(modeName, actionName string) (*handlers.Mode, *handlers.Action) {
	for i := range handlers.Routes {
		if m := &handlers.Routes[i]; m.Name == modeName {
			for j := range m.Actions {
				if m.Actions[j].Name == actionName {
					return m, &m.Actions[j]
				}
			}
			return m, nil
		}
	}
	return nil, nil
}
