package models

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"sharepanel/wire"
)

// How usage reaches its tables: a batch of groups (one flush's, or rows of the legacy table) is
// upserted into the rollup and both summaries in one transaction, so the three always agree and a
// batch is written whole or not at all. Upserts add counts and durations, keep the newest time and
// OR endpoint sets: each of these is commutative, so replicas flushing the same groups at once
// need no coordination beyond the rows' own locks (rows are written in key order, which keeps
// lock waits from turning into deadlocks; a deadlock fails the batch, which is then retried).

// usageRow is one group and its requests, as a batch carries it.
type usageRow struct {
	g usageGroup
	t usageTotals
}

// dayOf formats a day counted since the Unix epoch as the tables store it.
func dayOf(day int64) string { return time.Unix(day*86400, 0).UTC().Format("2006-01-02") }

// isMySQL tells which database tx is on.
func isMySQL(tx *gorm.DB) bool { return tx.Dialector.Name() == "mysql" }

// incoming is the value an upsert tried to insert into col.
func incoming(mysql bool, col string) string {
	if mysql {
		return "VALUES(" + col + ")"
	}
	return "excluded." + col
}

// upsertSet returns the ON CONFLICT assignments: each column of add is increased by the incoming
// value, each of or OR-ed with it, each of newest set to the later of the two.
func upsertSet(mysql bool, add, or, newest []string) clause.Set {
	var set clause.Set
	for _, c := range add {
		set = append(set, clause.Assignment{Column: clause.Column{Name: c}, Value: gorm.Expr(c + " + " + incoming(mysql, c))})
	}
	for _, c := range or {
		set = append(set, clause.Assignment{Column: clause.Column{Name: c}, Value: gorm.Expr(c + " | " + incoming(mysql, c))})
	}
	greatest := "MAX"
	if mysql {
		greatest = "GREATEST"
	}
	for _, c := range newest {
		set = append(set, clause.Assignment{Column: clause.Column{Name: c}, Value: gorm.Expr(greatest + "(" + c + ", " + incoming(mysql, c) + ")")})
	}
	return set
}

// columns names conflict columns.
func columns(names ...string) []clause.Column {
	out := make([]clause.Column, len(names))
	for i, n := range names {
		out[i] = clause.Column{Name: n}
	}
	return out
}

// writeUsage upserts rows (already sorted by group) into the rollup and the summaries, in tx, and
// returns the accounts it wrote a day before today for (whose report versions the caller adds to,
// reports.go). numbers holds the endpoint numbers of every endpoint of rows.
func writeUsage(tx *gorm.DB, rows []usageRow, numbers map[string]int64, now time.Time) (past []int64, err error) {
	mysql := isMySQL(tx)
	created := wire.DateTime(now.UTC().Truncate(time.Second))
	rollup := make([]UsageRollup, 0, len(rows))
	type dayKey struct {
		user int64
		day  int64
	}
	type keyDayKey struct {
		user, key int64
		day       int64
	}
	days := map[dayKey]*UsageDaySummary{}
	keyDays := map[keyDayKey]*UsageKeyDay{}
	today := now.UTC().Unix() / 86400
	for _, r := range rows {
		day := dayOf(r.g.day)
		if r.g.day < today {
			past = append(past, r.g.userID) // repeats included: bumpReports takes each account once
		}
		last := wire.DateTime(r.t.last.UTC().Truncate(time.Second))
		rollup = append(rollup, UsageRollup{UserID: r.g.userID, Day: day, KeyID: r.g.keyID, Endpoint: r.g.endpoint, StatusCode: r.g.status,
			RequestCount: r.t.count, TotalDurationMicros: r.t.micros, LastAt: last, CreatedAt: created})
		ok, failed := r.t.count, int64(0)
		if r.g.status >= 400 {
			ok, failed = 0, r.t.count
		}
		lo, hi := endpointBits(numbers[r.g.endpoint])
		d := days[dayKey{r.g.userID, r.g.day}]
		if d == nil {
			d = &UsageDaySummary{UserID: r.g.userID, Day: day}
			days[dayKey{r.g.userID, r.g.day}] = d
		}
		d.RequestCount += r.t.count
		d.UnchargedCount += r.t.uncharged
		d.SuccessCount += ok
		d.ErrorCount += failed
		d.TotalDurationMicros += r.t.micros
		d.EndpointsLo, d.EndpointsHi = d.EndpointsLo|lo, d.EndpointsHi|hi
		k := keyDays[keyDayKey{r.g.userID, r.g.keyID, r.g.day}]
		if k == nil {
			k = &UsageKeyDay{UserID: r.g.userID, KeyID: r.g.keyID, Day: day, LastAt: last}
			keyDays[keyDayKey{r.g.userID, r.g.keyID, r.g.day}] = k
		}
		k.RequestCount += r.t.count
		k.SuccessCount += ok
		k.ErrorCount += failed
		k.TotalDurationMicros += r.t.micros
		k.EndpointsLo, k.EndpointsHi = k.EndpointsLo|lo, k.EndpointsHi|hi
		if last.Time().After(k.LastAt.Time()) {
			k.LastAt = last
		}
	}
	err = tx.Clauses(clause.OnConflict{Columns: columns("user_id", "day", "key_id", "endpoint", "status_code"),
		DoUpdates: upsertSet(mysql, []string{"request_count", "total_duration_micros"}, nil, []string{"last_at"})}).
		Create(&rollup).Error
	if err != nil {
		return nil, err
	}
	daySums := make([]UsageDaySummary, 0, len(days))
	for _, d := range days {
		daySums = append(daySums, *d)
	}
	slices.SortFunc(daySums, func(a, b UsageDaySummary) int {
		return cmp.Or(cmp.Compare(a.UserID, b.UserID), cmp.Compare(a.Day, b.Day))
	})
	counts := []string{"request_count", "success_count", "error_count", "total_duration_micros"}
	sets := []string{"endpoints_lo", "endpoints_hi"}
	// uncharged_count only when the batch has uncharged requests: migration 3 moves the old usage
	// through here before migration 21 has added the column (and the old usage has none).
	dayCounts, daysTx := counts, tx.Omit("uncharged_count")
	if slices.ContainsFunc(rows, func(r usageRow) bool { return r.t.uncharged > 0 }) {
		dayCounts, daysTx = append(slices.Clip(counts), "uncharged_count"), tx
	}
	err = daysTx.Clauses(clause.OnConflict{Columns: columns("user_id", "day"), DoUpdates: upsertSet(mysql, dayCounts, sets, nil)}).
		Create(&daySums).Error
	if err != nil {
		return nil, err
	}
	keySums := make([]UsageKeyDay, 0, len(keyDays))
	for _, k := range keyDays {
		keySums = append(keySums, *k)
	}
	slices.SortFunc(keySums, func(a, b UsageKeyDay) int {
		return cmp.Or(cmp.Compare(a.UserID, b.UserID), cmp.Compare(a.KeyID, b.KeyID), cmp.Compare(a.Day, b.Day))
	})
	return past, tx.Clauses(clause.OnConflict{Columns: columns("user_id", "key_id", "day"), DoUpdates: upsertSet(mysql, counts, sets, []string{"last_at"})}).
		Create(&keySums).Error
}

// deadlockRetries is how many times a transaction that lost a deadlock (MySQL) is run again at
// once: by Store.tx, and by retryDeadlock for the transactions made outside it.
const deadlockRetries = 3

// retryDeadlock runs fn, again when it lost a deadlock: for transactions not made by Store.tx
// (the drain of api_usage, which migration 3 runs on its own connection).
func retryDeadlock(fn func() error) error {
	for attempt := 0; ; attempt++ {
		err := fn()
		if !isDeadlock(err) || attempt == deadlockRetries {
			return err
		}
	}
}

// sortUsage orders rows by group: the order their rows are locked in.
func sortUsage(rows []usageRow) {
	slices.SortFunc(rows, func(a, b usageRow) int {
		return cmp.Or(cmp.Compare(a.g.userID, b.g.userID), cmp.Compare(a.g.day, b.g.day), cmp.Compare(a.g.keyID, b.g.keyID),
			cmp.Compare(a.g.endpoint, b.g.endpoint), cmp.Compare(a.g.status, b.g.status))
	})
}

// endpointRegistry caches the endpoint numbers of api_endpoints and gives new names theirs.
type endpointRegistry struct {
	mu      sync.Mutex
	numbers map[string]int64
	warned  bool
}

// number returns the numbers of names, giving the names that have none the next free numbers.
// db must not be inside a transaction that may still roll back: a number, once cached, is taken
// to exist.
func (r *endpointRegistry) number(db *gorm.DB, log *slog.Logger, names []string) (map[string]int64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.numbers == nil {
		r.numbers = map[string]int64{}
	}
	out := make(map[string]int64, len(names))
	var missing []string
	for _, n := range names {
		if id, ok := r.numbers[n]; ok {
			out[n] = id
		} else if !slices.Contains(missing, n) {
			missing = append(missing, n)
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	slices.Sort(missing)
	if err := r.load(db); err != nil {
		return nil, err
	}
	for _, n := range missing {
		for attempt := 0; ; attempt++ {
			if id, ok := r.numbers[n]; ok {
				out[n] = id
				break
			}
			if attempt == 5 {
				return nil, fmt.Errorf("usage: could not number the endpoint %q", n)
			}
			// The next number; another replica numbering at once makes this fail on the primary key
			// or the name, and the next round reads what it wrote.
			err := db.Exec("INSERT INTO api_endpoints (id, name) VALUES (?, ?)", r.next(), n).Error
			if err != nil && !isDuplicate(err) {
				return nil, err
			}
			if err := r.load(db); err != nil {
				return nil, err
			}
		}
	}
	for _, n := range missing {
		if out[n] > maxEndpointNumber && !r.warned {
			r.warned = true
			log.Error("usage: more endpoint names than the usage summaries can tell apart; distinct endpoints are undercounted from here on",
				"endpoint", n, "number", out[n], "max", maxEndpointNumber)
		}
	}
	return out, nil
}

// next is the number after the largest known one.
func (r *endpointRegistry) next() int64 {
	var top int64
	for _, id := range r.numbers {
		top = max(top, id)
	}
	return top + 1
}

// load reads every endpoint number.
func (r *endpointRegistry) load(db *gorm.DB) error {
	var all []UsageEndpoint
	if err := db.Find(&all).Error; err != nil {
		return err
	}
	for _, e := range all {
		r.numbers[e.Name] = e.ID
	}
	return nil
}

// legacyDrainBatch is how many rows of api_usage one drain transaction moves.
const legacyDrainBatch = 5000

// errNewEndpoint stops a drain batch that met an endpoint without a number.
var errNewEndpoint = errors.New("usage: an endpoint without a number")

// drainLegacyUsage moves the rows of api_usage (written by earlier versions) into the rollup and
// the summaries, batch by batch, each batch one transaction that reads its rows locked, writes
// them and deletes them: a row is moved once, by one replica, or not at all. It returns how many
// requests it moved. db is the pool, or a migration's transaction on SQLite. bump adds to the report
// versions of the accounts given past days (not in migration 3, which runs before there are any).
func drainLegacyUsage(db *gorm.DB, reg *endpointRegistry, log *slog.Logger, batch int, bump bool) (int64, error) {
	var moved int64
	for {
		n, rows, err := drainLegacyBatch(db, reg, log, batch, bump)
		if errors.Is(err, errNewEndpoint) {
			var names []string
			if err := db.Model(&APIUsage{}).Distinct("endpoint").Pluck("endpoint", &names).Error; err != nil {
				return moved, err
			}
			if _, err := reg.number(db, log, names); err != nil {
				return moved, err
			}
			continue
		}
		moved += n
		if err != nil || rows < batch {
			return moved, err
		}
	}
}

// drainLegacyBatch moves the oldest batch rows of api_usage; it returns the requests and rows moved.
func drainLegacyBatch(db *gorm.DB, reg *endpointRegistry, log *slog.Logger, batch int, bump bool) (requests int64, rows int, err error) {
	err = retryDeadlock(func() error { requests, rows = 0, 0; return drainLegacyTx(db, reg, batch, bump, &requests, &rows) })
	if err != nil {
		return 0, 0, err
	}
	return requests, rows, nil
}

// drainLegacyTx is one drain transaction; it sets the requests and rows it moved.
func drainLegacyTx(db *gorm.DB, reg *endpointRegistry, batch int, bump bool, requests *int64, rows *int) error {
	return db.Transaction(func(tx *gorm.DB) error {
		var legacy []APIUsage
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Order("id").Limit(batch).Find(&legacy).Error; err != nil {
			return err
		}
		if len(legacy) == 0 {
			return nil
		}
		groups := map[usageGroup]*usageTotals{}
		names := map[string]bool{}
		for _, l := range legacy {
			day, err := time.Parse("2006-01-02", l.Day)
			if err != nil {
				return fmt.Errorf("api_usage row %d: day %q: %w", l.ID, l.Day, err)
			}
			g := usageGroup{userID: l.UserID, keyID: l.KeyID, endpoint: l.Endpoint, day: day.Unix() / 86400, status: l.StatusCode}
			last := l.CreatedAt.Time()
			if l.LastAt != nil {
				last = l.LastAt.Time()
			}
			t := groups[g]
			if t == nil {
				t = &usageTotals{}
				groups[g] = t
			}
			t.add(usageTotals{count: l.RequestCount, micros: l.TotalDurationMicros, last: last})
			names[l.Endpoint] = true
		}
		reg.mu.Lock()
		numbers := make(map[string]int64, len(names))
		for n := range names {
			id, ok := reg.numbers[n]
			if !ok {
				reg.mu.Unlock()
				return errNewEndpoint
			}
			numbers[n] = id
		}
		reg.mu.Unlock()
		out := make([]usageRow, 0, len(groups))
		for g, t := range groups {
			out = append(out, usageRow{g, *t})
			*requests += t.count
		}
		sortUsage(out)
		for i := 0; i < len(out); i += usageBatchRows {
			past, err := writeUsage(tx, out[i:min(i+usageBatchRows, len(out))], numbers, time.Now())
			if err == nil && bump {
				err = bumpReports(tx, past...)
			}
			if err != nil {
				return err
			}
		}
		ids := make([]int64, len(legacy))
		for i, l := range legacy {
			ids[i] = l.ID
		}
		for i := 0; i < len(ids); i += 1000 {
			if err := tx.Where("id IN ?", ids[i:min(i+1000, len(ids))]).Delete(&APIUsage{}).Error; err != nil {
				return err
			}
		}
		*rows = len(legacy)
		return nil
	})
}

// drainLegacy is the store's drain, with its endpoint registry: what the flush runs.
func (s *Store) drainLegacy(ctx context.Context) (int64, error) {
	var one []int64
	if err := s.db.WithContext(ctx).Model(&APIUsage{}).Limit(1).Pluck("id", &one).Error; err != nil || len(one) == 0 {
		return 0, err
	}
	return drainLegacyUsage(s.db.WithContext(ctx), &s.endpoints, s.log, legacyDrainBatch, true)
}
