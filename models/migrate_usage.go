package models

import (
	"io"
	"log/slog"
)

// usageRollupStep is migration 3: it makes the usage rollup and its summaries
// (migrations/0003_usage_rollup.*.sql), then merges every row of api_usage into them — each
// (user, key, endpoint, status, day) group of many flushes becomes one rollup row holding all its
// requests — and empties api_usage. The move goes in batches, each one transaction that writes its
// rows and deletes them (drainLegacyUsage), so on MySQL a run that stops halfway is completed by
// running it again, and nothing is counted twice or lost.
func usageRollupStep(s migrationStep) error {
	if err := sqlFile("0003_usage_rollup")(s); err != nil {
		return err
	}
	// A registry of its own: on SQLite the numbers are given in the step's transaction, which the
	// store's cache must not remember if it rolls back.
	var reg endpointRegistry
	_, err := drainLegacyUsage(s.db, &reg, slog.New(slog.NewTextHandler(io.Discard, nil)), 20_000, false)
	return err
}
