package models

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"

	"sharepanel/wire"
)

// UsageRecord is one /api request as the request path hands it over.
type UsageRecord struct {
	UserID   int64
	KeyID    int64
	Endpoint string
	Status   int
	Duration time.Duration
	At       time.Time
}

// UsageRecorder aggregates usage records in memory and writes them in batches, so that recording
// adds no database write to a request: each flush upserts one api_usage_rollup row per group
// (user, key, endpoint, UTC day, status code) — adding the group's request count and total
// duration, keeping its newest time — and the per-day and per-key-day summaries the reports read
// (usage_write.go). It also keeps api_keys.last_used_at, written at most once a minute per key,
// and drains rows earlier versions wrote to api_usage. Run flushes on a timer and once more when
// its context ends, so a clean stop loses nothing.
type UsageRecorder struct {
	store     *Store
	log       *slog.Logger
	interval  time.Duration
	maxGroups int

	mu          sync.Mutex
	groups      map[usageGroup]*usageTotals
	pending     int                 // requests in groups
	keysUsed    map[int64]time.Time // since the last flush
	lastWritten map[int64]time.Time // last_used_at as last written, per key
	dropped     int
	kick        chan struct{}
	flushMu     sync.Mutex // one flush at a time, so batches stay in order

	written, rows, inserts atomic.Int64 // totals, for Stats
	lastDrain              time.Time    // when api_usage was last looked at (flushMu)
}

// usageGroup is what one api_usage_rollup row stands for. The day is counted in days since
// the Unix epoch (UTC), so that recording formats no date.
type usageGroup struct {
	userID, keyID int64
	endpoint      string
	day           int64
	status        int
}

// usageTotals are a group's requests so far.
type usageTotals struct {
	count, micros int64
	last          time.Time
}

// add merges o into t.
func (t *usageTotals) add(o usageTotals) {
	t.count += o.count
	t.micros += o.micros
	if o.last.After(t.last) {
		t.last = o.last
	}
}

// usageBatchRows is how many groups one batch (one transaction, one upsert statement per table)
// carries.
const usageBatchRows = 500

// legacyDrainEvery is how often a flush looks for rows that older versions wrote to api_usage.
const legacyDrainEvery = 10 * time.Second

// UsageStats are a recorder's totals since it was made.
type UsageStats struct {
	Written int64 // requests written to the database
	Rows    int64 // group upserts: rollup rows inserted or added to (a group a flush wrote counts once)
	Inserts int64 // batches, each one transaction of three upserts (rollup, day summary, key-day summary)
}

// Stats returns the recorder's totals: Written/Inserts is how many requests one batch carries.
func (r *UsageRecorder) Stats() UsageStats {
	return UsageStats{Written: r.written.Load(), Rows: r.rows.Load(), Inserts: r.inserts.Load()}
}

// NewUsageRecorder returns a recorder that flushes every interval (default 1s) or when maxGroups
// groups wait; past 100 × maxGroups waiting groups (the database is down), requests of new groups
// are dropped and counted rather than exhausting memory (those of waiting groups are still counted).
func (s *Store) NewUsageRecorder(log *slog.Logger, interval time.Duration, maxGroups int) *UsageRecorder {
	if interval <= 0 {
		interval = time.Second
	}
	if maxGroups <= 0 {
		maxGroups = 1000
	}
	return &UsageRecorder{store: s, log: log, interval: interval, maxGroups: maxGroups, groups: map[usageGroup]*usageTotals{},
		keysUsed: map[int64]time.Time{}, lastWritten: map[int64]time.Time{}, kick: make(chan struct{}, 1)}
}

// Record counts one request into its group. It never blocks on the database.
func (r *UsageRecorder) Record(rec UsageRecord) {
	at := rec.At.UTC()
	g := usageGroup{userID: rec.UserID, keyID: rec.KeyID, endpoint: rec.Endpoint, day: at.Unix() / 86400, status: rec.Status}
	micros := rec.Duration.Microseconds()
	r.mu.Lock() // every request takes it: only a map update under it
	t := r.groups[g]
	if t == nil {
		if len(r.groups) >= 100*r.maxGroups {
			r.dropped++
			r.mu.Unlock()
			return
		}
		t = &usageTotals{}
		r.groups[g] = t
	}
	t.count++
	t.micros += micros
	if at.After(t.last) {
		t.last = at
	}
	r.pending++
	if rec.KeyID != 0 {
		r.keysUsed[rec.KeyID] = at
	}
	full := len(r.groups) >= r.maxGroups
	r.mu.Unlock()
	if full {
		select {
		case r.kick <- struct{}{}:
		default:
		}
	}
}

// Pending is the number of requests waiting to be written.
func (r *UsageRecorder) Pending() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.pending
}

// Run flushes until ctx ends, then flushes what is left with a fresh deadline.
func (r *UsageRecorder) Run(ctx context.Context) {
	t := time.NewTicker(r.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			final, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := r.Flush(final); err != nil {
				r.log.Error("usage: final flush failed", "err", err, "lost", r.Pending())
			}
			st := r.Stats()
			r.log.Info("usage recorder stopped", "records", st.Written, "rows", st.Rows, "inserts", st.Inserts)
			return
		case <-t.C:
		case <-r.kick:
		}
		// Not ctx: a stop must not abort a batch half-written; the final flush follows anyway.
		flushCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		if err := r.Flush(flushCtx); err != nil {
			r.log.Error("usage: flush failed; will retry", "err", err, "pending", r.Pending())
		}
		cancel()
	}
}

// Flush writes every waiting group now, in batches of usageBatchRows groups, and the last_used_at
// of keys due for it. Each batch is one transaction, written whole or not at all: groups whose
// batch fails are merged back into the waiting ones for the next flush, and those already written
// are not. Every legacyDrainEvery it also moves rows older versions wrote to api_usage.
func (r *UsageRecorder) Flush(ctx context.Context) error {
	r.flushMu.Lock()
	defer r.flushMu.Unlock()
	if time.Since(r.lastDrain) >= legacyDrainEvery {
		if _, err := r.store.drainLegacy(ctx); err != nil {
			r.log.Error("usage: moving rows of api_usage into the rollup failed; will retry", "err", err)
		} else {
			r.lastDrain = time.Now()
		}
	}
	r.mu.Lock()
	groups, used, dropped := r.groups, r.keysUsed, r.dropped
	r.groups, r.pending, r.keysUsed, r.dropped = map[usageGroup]*usageTotals{}, 0, map[int64]time.Time{}, 0
	r.mu.Unlock()
	if dropped > 0 {
		r.log.Error("usage: too many groups waiting, records dropped", "dropped", dropped)
	}
	if len(groups) > 0 {
		rows := make([]usageRow, 0, len(groups))
		var names []string
		for g, t := range groups {
			rows = append(rows, usageRow{g, *t})
			names = append(names, g.endpoint)
		}
		numbers, err := r.store.endpoints.number(r.store.db.WithContext(ctx), r.log, names)
		if err != nil {
			r.requeue(groups, used)
			return err
		}
		sortUsage(rows)
		now := time.Now()
		for i := 0; i < len(rows); i += usageBatchRows {
			batch := rows[i:min(i+usageBatchRows, len(rows))]
			err := retryDeadlock(func() error {
				return r.store.tx(ctx, func(tx *gorm.DB) error { return writeUsage(tx, batch, numbers, now) })
			})
			if err != nil {
				for _, w := range rows[:i] {
					delete(groups, w.g)
				}
				r.requeue(groups, used)
				return err
			}
			var n int64
			for _, w := range batch {
				n += w.t.count
			}
			r.written.Add(n)
			r.rows.Add(int64(len(batch)))
			r.inserts.Add(1)
		}
	}
	return r.writeLastUsed(ctx, used)
}

// requeue merges groups that were not written, and the keys used, back into the waiting ones.
func (r *UsageRecorder) requeue(groups map[usageGroup]*usageTotals, used map[int64]time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for g, t := range groups {
		r.pending += int(t.count)
		if w := r.groups[g]; w != nil {
			w.add(*t)
		} else {
			r.groups[g] = t
		}
	}
	for k, t := range used {
		if t.After(r.keysUsed[k]) {
			r.keysUsed[k] = t
		}
	}
}

// writeLastUsed sets last_used_at for keys not written within the last minute: one UPDATE per flush.
// All keys of one flush get its newest time; they were all used within the flush interval.
func (r *UsageRecorder) writeLastUsed(ctx context.Context, used map[int64]time.Time) error {
	now := time.Now()
	var due []int64
	var newest time.Time
	for id, at := range used {
		if now.Sub(r.lastWritten[id]) >= time.Minute {
			due = append(due, id)
			if at.After(newest) {
				newest = at
			}
		}
	}
	if len(due) == 0 {
		return nil
	}
	err := r.store.db.WithContext(ctx).Model(&APIKey{}).Where("id IN ?", due).
		Update("last_used_at", wire.DateTime(newest.UTC().Truncate(time.Second))).Error
	if err != nil {
		return err
	}
	for _, id := range due {
		r.lastWritten[id] = now
	}
	if len(r.lastWritten) > 200_000 { // keys unused for long are forgotten; they only cost one more write
		for id, t := range r.lastWritten {
			if now.Sub(t) > time.Minute {
				delete(r.lastWritten, id)
			}
		}
	}
	return nil
}
