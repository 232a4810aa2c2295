package main

import (
	"context"
	"errors"
	"io"
	"log/slog"

	"sharepanel/config"
)

func demoCommand(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	return errors.New("demo: not implemented yet")
}
