package handlers

import "errors"

// errNotImplemented marks handlers still being written (removed when the last one lands).
var errNotImplemented = errors.New("not implemented")
