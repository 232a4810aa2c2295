package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// usageError is a command line that the command does not take: an unknown command, flag or
// argument, a bad flag value, a missing argument. Main prints it with the command's usage and
// exits 2, as command-line tools do.
type usageError struct {
	msg, usage string
}

func (e *usageError) Error() string { return e.msg }

// usageErrorf makes a usageError for the command whose usage is usage.
func usageErrorf(usage, format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...), usage: usage}
}

// parseFlags parses args with fs, which defines the command's flags, and returns the arguments that
// follow them. An undefined flag or a bad value is a usageError; -h or --help prints the usage to
// stdout and returns flag.ErrHelp (exit 0).
func parseFlags(fs *flag.FlagSet, args []string, usage string, stdout io.Writer) ([]string, error) {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			return nil, flag.ErrHelp
		}
		return nil, usageErrorf(usage, "%s", err)
	}
	return fs.Args(), nil
}

// noArgs refuses arguments a command does not take.
func noArgs(args []string, usage string) error {
	if len(args) > 0 {
		return usageErrorf(usage, "unexpected argument %q", args[0])
	}
	return nil
}

// exitCode reports err on stderr and returns the exit code: 0, 1 when the command failed, 2 when
// the command line was wrong (with its usage).
func exitCode(err error, stderr io.Writer) int {
	var ue *usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "sharepanel: %s\n\n%s", ue.msg, strings.TrimLeft(ue.usage, "\n"))
		return 2
	}
	fmt.Fprintln(stderr, "sharepanel:", err)
	return 1
}
