// Command sharepanel is the SharePanel gateway: the user API (/api) and the admin API, in one
// process. The commands and the wiring are in internal/cli; see README.md.
package main

import (
	"os"

	"sharepanel/internal/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:])) }
