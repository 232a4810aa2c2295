package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// build is what this binary knows of its making, from runtime/debug.ReadBuildInfo: the module
// version ("(devel)" for a build from a checkout), the VCS revision and its time (the commit's: Go
// records no other build time), and whether the tree had uncommitted changes.
type build struct {
	Version, Revision, Time, GoVersion string
	Modified                           bool
}

func readBuild() build {
	b := build{Version: "(unknown)", Revision: "unknown", Time: "unknown", GoVersion: runtime.Version()}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	b.Version = info.Main.Version
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Revision = s.Value
		case "vcs.time":
			b.Time = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

// String is how `sharepanel version` prints it.
func (b build) String() string {
	rev := b.Revision
	if b.Modified {
		rev += " (modified)"
	}
	return fmt.Sprintf("sharepanel %s\nrevision %s\nbuilt from a commit of %s\n%s", b.Version, rev, b.Time, b.GoVersion)
}
