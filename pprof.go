//go:build pprof

package main

import (
	"net/http"
	_ "net/http/pprof" // registers /debug/pprof on http.DefaultServeMux
	"os"
)

// Built only with -tags pprof (the load benchmark's -pprof flag builds it so): serves
// net/http/pprof on SHAREPANEL_PPROF_ADDR, to profile the gateway under load. Release builds have
// no such listener.
func init() {
	if addr := os.Getenv("SHAREPANEL_PPROF_ADDR"); addr != "" {
		go func() { _ = http.ListenAndServe(addr, nil) }()
	}
}
