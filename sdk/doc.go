// Package sdk holds the user API's first-party clients — python/, php/ and typescript/ — which
// ./gen generates from the dispatch table (handlers/routes.go). Regenerate them after changing the
// table:
//
//	go generate ./sdk/...
//
// .ci/sdk.sh fails when the committed SDKs differ from what the generator writes. See README.md.
package sdk

//go:generate go run ./gen
