package models

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
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
	// Uncharged is a request refused before the rate limiter (a key used from outside its
	// allowlist): usage like any other in the reports, but not part of the day the limiter seeds
	// from the database (RequestsToday), so that requests nobody was charged for cannot fill it.
	Uncharged bool
}

// UsageRecorder aggregates usage records in memory and writes them in batches, so that recording
// adds no database write to a request: each flush upserts one api_usage_rollup row per group
// (user, key, endpoint, UTC day, status code) — adding the group's request count and total
// duration, keeping its newest time — and the per-day and per-key-day summaries the reports read
// (usage_write.go). It also keeps api_keys.last_used_at, written at most once a minute per key,
// and drains rows earlier versions wrote to api_usage.
//
// Each batch is written in one transaction together with its id (usage_batches), so a batch is
// counted once whatever fails: a flush that fails before its commit is rolled back and its groups
// wait for the next one, merged with those recorded meanwhile; a batch whose commit went
// unanswered may have been written, so it keeps its id and is tried again as it is (the id, if it
// is there, says it was). Close writes what is left; what it cannot write in time it spools to a
// file (usage_spool.go) that the next start replays, by the same ids.
type UsageRecorder struct {
	store     *Store
	log       *slog.Logger
	interval  time.Duration
	maxGroups int
	// SpoolDir is where Close spools what it could not write, and where LoadSpool looks.
	SpoolDir string

	mu       sync.Mutex
	groups   map[usageGroup]*usageTotals // recorded, not in a batch yet
	pending  int                         // requests in groups
	keysUsed map[int64]time.Time         // since the last flush
	dropped  int                         // since the last flush, for its log line
	unsent   []*usageBatch               // batches made and not known to be written, oldest first
	// waitingSince is when the oldest record not known to be written was recorded (at the latest);
	// zero when none waits. Lag reads it.
	waitingSince time.Time
	spooled      map[string]int // spool file → its batches still unsent

	lastWritten map[int64]time.Time // last_used_at as last written, per key (under flushMu)
	lastPrune   time.Time           // usage_batches pruned (under flushMu)
	lastDrain   time.Time           // api_usage last looked at (under flushMu)
	kick        chan struct{}
	flushMu     sync.Mutex // one flush at a time, so batches stay in order

	// abort ends every flush in progress: Close cancels it before its own deadline, so that a flush
	// stuck on a frozen database leaves time to spool.
	abort     context.Context
	abortNow  context.CancelFunc
	failingAt time.Time // when flushes began failing (zero: they succeed); under flushMu
	lastWarn  time.Time

	written, rows, inserts atomic.Int64 // totals, for Stats
	droppedTotal           atomic.Int64 // records never written: too many groups waiting, or a failed spool
	spooledTotal           atomic.Int64 // records written to a spool file
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
	uncharged     int64 // of count, those refused before the limiter (UsageRecord.Uncharged)
	last          time.Time
}

// add merges o into t.
func (t *usageTotals) add(o usageTotals) {
	t.count += o.count
	t.micros += o.micros
	t.uncharged += o.uncharged
	if o.last.After(t.last) {
		t.last = o.last
	}
}

// usageBatch is groups written together, in one transaction, under one id: at most
// usageBatchRows groups when made here (a spool's may hold more).
type usageBatch struct {
	id     string
	groups map[usageGroup]*usageTotals
	file   string // the spool file it was read from; "" when made by this process
}

func (b *usageBatch) requests() int64 {
	var n int64
	for _, t := range b.groups {
		n += t.count
	}
	return n
}

// UsageBatch is the id of a batch of usage rows, written in the same transaction as the rows; kept
// for usageBatchRetention, which bounds how late a spool may be replayed without risk of counting
// an unanswered batch twice.
type UsageBatch struct {
	ID        string    `gorm:"primaryKey;size:36"`
	CreatedAt time.Time `gorm:"not null;index:idx_usage_batches_created_at"`
}

// TableName is usage_batches.
func (UsageBatch) TableName() string { return "usage_batches" }

const (
	// usageBatchRows is how many groups a batch made here carries: one transaction, one upsert
	// statement per table, and row locks held only that long.
	usageBatchRows = 500
	// legacyDrainEvery is how often a flush looks for rows that older versions wrote to api_usage.
	legacyDrainEvery = 10 * time.Second
	// usageBatchRetention is how long batch ids are kept; older ones are deleted hourly.
	usageBatchRetention = 7 * 24 * time.Hour
	// flushTimeout bounds one periodic flush.
	flushTimeout = 30 * time.Second
	// failureLogEvery spaces the log lines of a run of failed flushes.
	failureLogEvery = 30 * time.Second
)

// UsageStats are a recorder's totals since it was made.
type UsageStats struct {
	Written int64 // requests written to the database
	Rows    int64 // group upserts: rollup rows inserted or added to (a group a flush wrote counts once)
	Inserts int64 // batches, each one transaction of three upserts (rollup, day summary, key-day summary)
	Dropped int64 // requests never written: too many groups waiting (the database down), or a spool that failed
	Spooled int64 // requests written to a spool file by Close
}

// Stats returns the recorder's totals: Written/Inserts is how many requests one batch carries.
func (r *UsageRecorder) Stats() UsageStats {
	return UsageStats{Written: r.written.Load(), Rows: r.rows.Load(), Inserts: r.inserts.Load(),
		Dropped: r.droppedTotal.Load(), Spooled: r.spooledTotal.Load()}
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
	abort, abortNow := context.WithCancel(context.Background())
	return &UsageRecorder{store: s, log: log, interval: interval, maxGroups: maxGroups, SpoolDir: ".",
		groups: map[usageGroup]*usageTotals{}, keysUsed: map[int64]time.Time{}, spooled: map[string]int{},
		lastWritten: map[int64]time.Time{}, kick: make(chan struct{}, 1), abort: abort, abortNow: abortNow}
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
			r.droppedTotal.Add(1)
			return
		}
		t = &usageTotals{}
		r.groups[g] = t
	}
	t.count++
	t.micros += micros
	if rec.Uncharged {
		t.uncharged++
	}
	if at.After(t.last) {
		t.last = at
	}
	if r.waitingSince.IsZero() {
		r.waitingSince = time.Now()
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

// Lag is how long the oldest record not yet written has waited (zero when none waits): how far
// behind the database's usage is.
func (r *UsageRecorder) Lag() time.Duration {
	r.mu.Lock()
	since := r.waitingSince
	r.mu.Unlock()
	if since.IsZero() {
		return 0
	}
	return time.Since(since)
}

// Pending is the number of requests waiting to be written, in batches or not.
func (r *UsageRecorder) Pending() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := r.pending
	for _, b := range r.unsent {
		n += int(b.requests())
	}
	return n
}

// Run flushes every interval, or as soon as maxGroups groups wait, until ctx ends. Close writes
// what is left.
func (r *UsageRecorder) Run(ctx context.Context) {
	t := time.NewTicker(r.interval)
	defer t.Stop()
	if r.Pending() > 0 { // a spool read at the start: replay it now
		select {
		case r.kick <- struct{}{}:
		default:
		}
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-r.kick:
		}
		// Not ctx: a stop must not abort a batch half-written. Close aborts it if it must.
		flushCtx, cancel := context.WithTimeout(r.abort, flushTimeout)
		err := r.Flush(flushCtx)
		cancel()
		r.logFlush(err)
	}
}

// logFlush logs the first failure of a run, then one line every failureLogEvery while it lasts,
// and the recovery: one line per second of an outage would bury everything else.
func (r *UsageRecorder) logFlush(err error) {
	r.flushMu.Lock()
	defer r.flushMu.Unlock()
	now := time.Now()
	switch {
	case err == nil && !r.failingAt.IsZero():
		r.log.Info("usage: flushes succeed again", "failed_for", now.Sub(r.failingAt).Round(time.Second).String())
		r.failingAt = time.Time{}
	case err != nil && r.failingAt.IsZero():
		r.failingAt, r.lastWarn = now, now
		r.log.Warn("usage: flush failed; will retry", "err", err, "pending", r.Pending())
	case err != nil && now.Sub(r.lastWarn) >= failureLogEvery:
		r.lastWarn = now
		r.log.Warn("usage: flushes still failing; will retry", "err", err, "pending", r.Pending(),
			"failing_for", now.Sub(r.failingAt).Round(time.Second).String())
	}
}

// Close writes what is waiting, within ctx, and spools to SpoolDir what it could not write: it
// stops flushes in progress shortly before ctx's deadline to leave time for the spool. Records
// that arrive after Close are not written. It returns an error only when records were lost.
func (r *UsageRecorder) Close(ctx context.Context) error {
	const spoolMargin = 300 * time.Millisecond
	flushCtx, cancel := ctx, context.CancelFunc(func() {})
	if dl, ok := ctx.Deadline(); ok {
		flushCtx, cancel = context.WithDeadline(ctx, dl.Add(-spoolMargin))
		stop := context.AfterFunc(flushCtx, r.abortNow) // a periodic flush in progress ends too
		defer stop()
	}
	err := r.Flush(flushCtx)
	cancel()
	r.abortNow()
	st := r.Stats()
	if err == nil {
		r.log.Info("usage recorder stopped", "records", st.Written, "rows", st.Rows, "inserts", st.Inserts)
		return nil
	}
	path, n, serr := r.spool()
	if serr != nil {
		r.droppedTotal.Add(int64(n))
		r.log.Error("usage: final flush failed and the spool could not be written: records lost", "flush_err", err, "err", serr, "lost", n)
		return serr
	}
	r.log.Warn("usage: final flush failed; spooled for the next start", "err", err, "spooled", n, "file", path,
		"records", st.Written)
	return nil
}

// Flush writes what is waiting: the batches not known to be written, oldest first, each with its
// own id, then the groups recorded since, as new batches of usageBatchRows groups (only once every
// older batch is written, so that at most one batch made here is ever unanswered). Then the
// last_used_at of keys due for it. A flush that wrote also moves, every legacyDrainEvery, the rows
// older versions wrote to api_usage into the rollup.
func (r *UsageRecorder) Flush(ctx context.Context) error {
	r.flushMu.Lock()
	defer r.flushMu.Unlock()
	began := time.Now()
	made, wrote := false, false
	for {
		r.mu.Lock()
		var b *usageBatch
		if len(r.unsent) == 0 && !made && len(r.groups) > 0 {
			r.unsent = append(r.unsent, splitBatches(r.groups)...)
			r.groups, r.pending = map[usageGroup]*usageTotals{}, 0
			made = true
		}
		if len(r.unsent) > 0 {
			b = r.unsent[0]
		} else if r.pending == 0 { // everything is written
			r.waitingSince = time.Time{}
		} else if r.waitingSince.Before(began) { // what waits was recorded after this flush began
			r.waitingSince = began
		}
		dropped := r.dropped
		r.dropped = 0
		r.mu.Unlock()
		if dropped > 0 {
			r.log.Error("usage: too many groups waiting, records dropped", "dropped", dropped)
		}
		if b == nil {
			break
		}
		if err := r.write(ctx, b); err != nil {
			return err
		}
		wrote = true
	}
	r.mu.Lock()
	used := r.keysUsed
	r.keysUsed = map[int64]time.Time{}
	r.mu.Unlock()
	if err := r.writeLastUsed(ctx, used); err != nil {
		r.requeueUsed(used)
		return err
	}
	if wrote { // an idle gateway sends the database nothing
		r.prune(ctx)
		r.drainLegacy(ctx)
	}
	return nil
}

// splitBatches cuts groups into batches of at most usageBatchRows groups, each with a new id.
func splitBatches(groups map[usageGroup]*usageTotals) []*usageBatch {
	if len(groups) <= usageBatchRows {
		return []*usageBatch{{id: uuid.NewString(), groups: groups}}
	}
	var out []*usageBatch
	var b *usageBatch
	for g, t := range groups {
		if b == nil || len(b.groups) == usageBatchRows {
			b = &usageBatch{id: uuid.NewString(), groups: make(map[usageGroup]*usageTotals, usageBatchRows)}
			out = append(out, b)
		}
		b.groups[g] = t
	}
	return out
}

// errUnanswered marks a batch whose commit got no answer: it may have been written.
var errUnanswered = errors.New("usage batch commit unanswered")

// write writes b, the first of unsent, in one transaction with its id, and takes it off unsent
// once it is known written (now, or before: its id is there). A failure before the commit rolls
// the batch back: a batch made here then goes back to the waiting groups, to be merged with those
// recorded meanwhile. A commit without an answer leaves it unsent as it is.
func (r *UsageRecorder) write(ctx context.Context, b *usageBatch) error {
	now := time.Now().UTC().Truncate(time.Second)
	rows := make([]usageRow, 0, len(b.groups))
	names := make([]string, 0, len(b.groups))
	for g, t := range b.groups {
		rows = append(rows, usageRow{g, *t})
		names = append(names, g.endpoint)
	}
	sortUsage(rows)
	var fnErr error
	ran := false
	// Endpoint numbers are given outside the batch's transaction: a number, once cached, must exist.
	numbers, err := r.store.endpoints.number(r.store.db.WithContext(ctx), r.log, names)
	if err == nil {
		// Store.tx runs it again when it loses a deadlock (replicas upserting the same summary rows).
		err = r.store.tx(ctx, func(tx *gorm.DB) error {
			ran = true
			fnErr = tx.Create(&UsageBatch{ID: b.id, CreatedAt: now}).Error
			var past []int64
			if fnErr == nil {
				past, fnErr = writeUsage(tx, rows, numbers, now)
			}
			if fnErr == nil { // a late request of a day before today: the replicas' kept reports are out of date
				fnErr = bumpReports(tx, past...)
			}
			return fnErr
		})
	}
	written := err == nil
	switch {
	case written:
	case fnErr != nil && isDuplicate(fnErr):
		// Its id is there: an earlier try was written, though its commit was not answered.
	case !ran || fnErr != nil:
		// Rolled back: nothing of it was written.
		if b.file == "" {
			r.mu.Lock()
			r.unsent = r.unsent[1:]
			r.mergeLocked(b.groups)
			r.mu.Unlock()
		}
		return err
	default:
		return errors.Join(errUnanswered, err)
	}
	r.mu.Lock()
	r.unsent = r.unsent[1:]
	var remove string
	if b.file != "" {
		if r.spooled[b.file]--; r.spooled[b.file] == 0 {
			delete(r.spooled, b.file)
			remove = b.file
		}
	}
	r.mu.Unlock()
	if written {
		r.written.Add(b.requests())
		r.rows.Add(int64(len(rows)))
		r.inserts.Add(1)
	}
	if remove != "" {
		r.removeSpool(remove)
	}
	return nil
}

// mergeLocked puts groups back among the waiting ones; the caller holds mu.
func (r *UsageRecorder) mergeLocked(groups map[usageGroup]*usageTotals) {
	for g, t := range groups {
		r.pending += int(t.count)
		if w := r.groups[g]; w != nil {
			w.add(*t)
		} else {
			r.groups[g] = t
		}
	}
}

// requeueUsed merges the keys used back, for the next flush.
func (r *UsageRecorder) requeueUsed(used map[int64]time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for k, t := range used {
		if t.After(r.keysUsed[k]) {
			r.keysUsed[k] = t
		}
	}
}

// writeLastUsed sets last_used_at for keys not written within the last minute: one UPDATE per flush.
// All keys of one flush get its newest time; they were all used within the flush interval. It never
// moves last_used_at back (a spool replayed late).
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
	at := wire.DateTime(newest.UTC().Truncate(time.Second))
	err := r.store.db.WithContext(ctx).Model(&APIKey{}).Where("id IN ? AND (last_used_at IS NULL OR last_used_at < ?)", due, at).
		Update("last_used_at", at).Error
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

// drainLegacy moves what older replicas of a rolling upgrade wrote to api_usage into the rollup,
// every legacyDrainEvery; the caller holds flushMu.
func (r *UsageRecorder) drainLegacy(ctx context.Context) {
	if time.Since(r.lastDrain) < legacyDrainEvery {
		return
	}
	if _, err := r.store.drainLegacy(ctx); err != nil {
		r.log.Warn("usage: moving rows of api_usage into the rollup failed; will retry", "err", err)
		return
	}
	r.lastDrain = time.Now()
}

// prune deletes batch ids past usageBatchRetention, once an hour; the caller holds flushMu.
func (r *UsageRecorder) prune(ctx context.Context) {
	if time.Since(r.lastPrune) < time.Hour {
		return
	}
	r.lastPrune = time.Now()
	err := r.store.db.WithContext(ctx).Where("created_at < ?", time.Now().UTC().Add(-usageBatchRetention)).Delete(&UsageBatch{}).Error
	if err != nil {
		r.log.Warn("usage: pruning old batch ids failed; will retry in an hour", "err", err)
	}
}
