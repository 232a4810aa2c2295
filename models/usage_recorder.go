package models

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

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
// adds no database write to a request: each flush writes one api_usage row per group (user, key,
// endpoint, UTC day, status code) with the group's request count, total duration and newest time.
// It also keeps api_keys.last_used_at, written at most once a minute per key. Run flushes on a
// timer and once more when its context ends, so a clean stop loses nothing.
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
}

// usageGroup is what one api_usage row of a flush stands for. The day is counted in days since
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

// usageBatchRows is how many rows (groups) one INSERT statement carries.
const usageBatchRows = 500

// UsageStats are a recorder's totals since it was made.
type UsageStats struct {
	Written int64 // requests written to the database
	Rows    int64 // api_usage rows that hold them
	Inserts int64 // INSERT statements that wrote the rows
}

// Stats returns the recorder's totals: Written/Inserts is how many requests one write carries.
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

// Flush writes every waiting group now, one row each, in batches, and the last_used_at of keys due
// for it. Each INSERT is one statement, so it is written whole or not at all: groups whose INSERT
// fails are merged back into the waiting ones for the next flush, and those already written are not.
func (r *UsageRecorder) Flush(ctx context.Context) error {
	r.flushMu.Lock()
	defer r.flushMu.Unlock()
	r.mu.Lock()
	groups, used, dropped := r.groups, r.keysUsed, r.dropped
	r.groups, r.pending, r.keysUsed, r.dropped = map[usageGroup]*usageTotals{}, 0, map[int64]time.Time{}, 0
	r.mu.Unlock()
	if dropped > 0 {
		r.log.Error("usage: too many groups waiting, records dropped", "dropped", dropped)
	}
	if len(groups) > 0 {
		keys := make([]usageGroup, 0, len(groups))
		rows := make([]APIUsage, 0, len(groups))
		now := wire.DateTime(time.Now().UTC().Truncate(time.Second))
		for g, t := range groups {
			keys = append(keys, g)
			rows = append(rows, APIUsage{UserID: g.userID, KeyID: g.keyID, Endpoint: g.endpoint, StatusCode: g.status,
				Day: time.Unix(g.day*86400, 0).UTC().Format("2006-01-02"), RequestCount: t.count, TotalDurationMicros: t.micros,
				LastAt: wire.DateTime(t.last.Truncate(time.Second)), CreatedAt: now})
		}
		for i := 0; i < len(rows); i += usageBatchRows {
			end := min(i+usageBatchRows, len(rows))
			if err := r.store.db.WithContext(ctx).Create(rows[i:end]).Error; err != nil {
				for _, g := range keys[:i] {
					delete(groups, g)
				}
				r.requeue(groups, used)
				return err
			}
			var n int64
			for _, row := range rows[i:end] {
				n += row.RequestCount
			}
			r.written.Add(n)
			r.rows.Add(int64(end - i))
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
