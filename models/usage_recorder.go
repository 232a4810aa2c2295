package models

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
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

// UsageRecorder buffers usage records and writes them in batches, so that recording adds no
// database write to a request. It also keeps api_keys.last_used_at, written at most once a
// minute per key. Run flushes on a timer and once more when its context ends, so a clean stop
// loses nothing.
type UsageRecorder struct {
	store    *Store
	log      *slog.Logger
	interval time.Duration
	maxBuf   int

	mu          sync.Mutex
	buf         []APIUsage
	keysUsed    map[int64]time.Time // since the last flush
	lastWritten map[int64]time.Time // last_used_at as last written, per key
	dropped     int
	kick        chan struct{}
	flushMu     sync.Mutex // one flush at a time, so batches stay in order

	written, inserts atomic.Int64 // totals, for Stats
}

// usageBatchRows is how many records one INSERT statement carries.
const usageBatchRows = 500

// UsageStats are a recorder's totals since it was made.
type UsageStats struct {
	Written int64 // records written to the database
	Inserts int64 // INSERT statements that wrote them
}

// Stats returns the recorder's totals: Written/Inserts is how many requests one write carries.
func (r *UsageRecorder) Stats() UsageStats {
	return UsageStats{Written: r.written.Load(), Inserts: r.inserts.Load()}
}

// NewUsageRecorder returns a recorder that flushes every interval (default 1s) or when maxBuf
// records wait; past 100 × maxBuf waiting records (the database is down), new ones are dropped and
// counted rather than exhausting memory.
func (s *Store) NewUsageRecorder(log *slog.Logger, interval time.Duration, maxBuf int) *UsageRecorder {
	if interval <= 0 {
		interval = time.Second
	}
	if maxBuf <= 0 {
		maxBuf = 1000
	}
	return &UsageRecorder{store: s, log: log, interval: interval, maxBuf: maxBuf,
		keysUsed: map[int64]time.Time{}, lastWritten: map[int64]time.Time{}, kick: make(chan struct{}, 1)}
}

// Record queues one request. It never blocks on the database.
func (r *UsageRecorder) Record(rec UsageRecord) {
	at := rec.At.UTC()
	row := APIUsage{UserID: rec.UserID, KeyID: rec.KeyID, Endpoint: rec.Endpoint, StatusCode: rec.Status,
		DurationMicros: rec.Duration.Microseconds(), Day: at.Format("2006-01-02"), CreatedAt: DateTime(at.Truncate(time.Second))}
	r.mu.Lock() // every request takes it: only the append under it
	if len(r.buf) >= 100*r.maxBuf {
		r.dropped++
		r.mu.Unlock()
		return
	}
	r.buf = append(r.buf, row)
	if rec.KeyID != 0 {
		r.keysUsed[rec.KeyID] = at
	}
	full := len(r.buf) >= r.maxBuf
	r.mu.Unlock()
	if full {
		select {
		case r.kick <- struct{}{}:
		default:
		}
	}
}

// Pending is the number of records waiting to be written.
func (r *UsageRecorder) Pending() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.buf)
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
			r.log.Info("usage recorder stopped", "records", st.Written, "inserts", st.Inserts)
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

// Flush writes every waiting record now, in batches, and the last_used_at of keys due for it.
// Records that fail to write stay queued for the next flush.
func (r *UsageRecorder) Flush(ctx context.Context) error {
	r.flushMu.Lock()
	defer r.flushMu.Unlock()
	r.mu.Lock()
	batch, used, dropped := r.buf, r.keysUsed, r.dropped
	r.buf, r.keysUsed, r.dropped = nil, map[int64]time.Time{}, 0
	r.mu.Unlock()
	if dropped > 0 {
		r.log.Error("usage: buffer full, records dropped", "dropped", dropped)
	}
	if len(batch) > 0 {
		if err := r.store.db.WithContext(ctx).CreateInBatches(batch, usageBatchRows).Error; err != nil {
			r.requeue(batch, used)
			return err
		}
		r.written.Add(int64(len(batch)))
		r.inserts.Add(int64((len(batch) + usageBatchRows - 1) / usageBatchRows))
	}
	return r.writeLastUsed(ctx, used)
}

func (r *UsageRecorder) requeue(batch []APIUsage, used map[int64]time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.buf = append(batch, r.buf...)
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
		Update("last_used_at", DateTime(newest.UTC().Truncate(time.Second))).Error
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
