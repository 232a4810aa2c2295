package models

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/google/uuid"
)

// The usage spool: what a stop could not write to the database (it is down or frozen), kept in a
// file of SpoolDir for the next start, which writes it through the same batches and ids as any
// flush. So a replay counts each batch exactly once, even when a crash comes between its commit and
// the file's removal (the next start finds the ids there and only removes the file), or when two
// replicas that share the directory start at once.

// spoolPattern names spool files; spoolVersion is their format.
const (
	spoolPattern = "sharepanel-usage-spool-*.json"
	spoolVersion = 1
)

type spoolDoc struct {
	Version int          `json:"version"`
	Written time.Time    `json:"written_at"`
	Batches []spoolBatch `json:"batches"`
}

type spoolBatch struct {
	ID     string       `json:"id"`
	Groups []spoolGroup `json:"groups"`
}

type spoolGroup struct {
	UserID    int64     `json:"user_id"`
	KeyID     int64     `json:"key_id"`
	Endpoint  string    `json:"endpoint"`
	Day       int64     `json:"day"` // days since 1970-01-01, UTC
	Status    int       `json:"status"`
	Uncharged int64     `json:"uncharged,omitempty"` // of count, refused before the limiter (UsageRecord.Uncharged)
	Count     int64     `json:"count"`
	Micros    int64     `json:"micros"`
	Last      time.Time `json:"last"`
}

// spool writes the batches made here and not written, and the groups recorded since (as a batch of
// their own), to a new file in SpoolDir: written to a temporary name, synced, then renamed, so a
// file is there whole or not at all. It returns the file and the requests it holds (0, and no
// file, when nothing waits). Batches read from a spool file are still in theirs.
func (r *UsageRecorder) spool() (string, int, error) {
	r.mu.Lock()
	doc := spoolDoc{Version: spoolVersion, Written: time.Now().UTC()}
	n := 0
	add := func(id string, groups map[usageGroup]*usageTotals) {
		sb := spoolBatch{ID: id}
		for g, t := range groups {
			sb.Groups = append(sb.Groups, spoolGroup{UserID: g.userID, KeyID: g.keyID, Endpoint: g.endpoint, Day: g.day,
				Status: g.status, Uncharged: t.uncharged, Count: t.count, Micros: t.micros, Last: t.last})
			n += int(t.count)
		}
		doc.Batches = append(doc.Batches, sb)
	}
	for _, b := range r.unsent {
		if b.file == "" {
			add(b.id, b.groups)
		}
	}
	if len(r.groups) > 0 {
		add(uuid.NewString(), r.groups)
	}
	r.mu.Unlock()
	if n == 0 {
		return "", 0, nil
	}
	data, err := json.Marshal(doc)
	if err != nil {
		return "", n, err
	}
	if err := os.MkdirAll(r.SpoolDir, 0o700); err != nil {
		return "", n, fmt.Errorf("spool directory: %w", err)
	}
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	name := filepath.Join(r.SpoolDir, fmt.Sprintf("sharepanel-usage-spool-%s-%s.json", doc.Written.Format("20060102T150405.000000000Z"), hex.EncodeToString(rnd[:])))
	tmp := name + ".tmp"
	if err := writeSynced(tmp, data); err != nil {
		_ = os.Remove(tmp)
		return "", n, err
	}
	if err := os.Rename(tmp, name); err != nil {
		_ = os.Remove(tmp)
		return "", n, err
	}
	if d, err := os.Open(r.SpoolDir); err == nil { // the rename itself outlives a power cut
		_ = d.Sync()
		_ = d.Close()
	}
	r.spooledTotal.Add(int64(n))
	return name, n, nil
}

func writeSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	return errors.Join(err, f.Close())
}

// LoadSpool reads the spool files in SpoolDir into the batches to write, oldest file first; the
// next flush writes them (Run's first comes within the flush interval) and removes each file once
// all its batches are known written. A file that cannot be read is renamed *.bad and logged, never
// deleted. It returns the files and requests found.
func (r *UsageRecorder) LoadSpool() (files, requests int, err error) {
	paths, err := filepath.Glob(filepath.Join(r.SpoolDir, spoolPattern))
	if err != nil {
		return 0, 0, err
	}
	sort.Strings(paths) // named by time
	for _, path := range paths {
		batches, err := readSpool(path)
		if err != nil {
			r.log.Error("usage: unreadable spool file set aside", "file", path, "err", err)
			_ = os.Rename(path, path+".bad")
			continue
		}
		r.mu.Lock()
		if _, seen := r.spooled[path]; seen {
			r.mu.Unlock()
			continue
		}
		for _, b := range batches {
			b.file = path
			requests += int(b.requests())
		}
		r.unsent = append(r.unsent, batches...)
		if len(batches) > 0 && r.waitingSince.IsZero() {
			r.waitingSince = time.Now() // recorded before this start: waiting since then, at the latest
		}
		if len(batches) > 0 {
			r.spooled[path] = len(batches)
		}
		r.mu.Unlock()
		files++
		if len(batches) == 0 {
			r.removeSpool(path)
		}
	}
	return files, requests, nil
}

func readSpool(path string) ([]*usageBatch, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc spoolDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if doc.Version != spoolVersion {
		return nil, fmt.Errorf("spool format %d, this build reads %d", doc.Version, spoolVersion)
	}
	var out []*usageBatch
	for _, sb := range doc.Batches {
		if _, err := uuid.Parse(sb.ID); err != nil || len(sb.Groups) == 0 {
			return nil, fmt.Errorf("batch %q: bad id or no groups", sb.ID)
		}
		b := &usageBatch{id: sb.ID, groups: map[usageGroup]*usageTotals{}}
		for _, g := range sb.Groups {
			if g.Count <= 0 || g.Endpoint == "" || g.UserID <= 0 {
				return nil, fmt.Errorf("batch %s: bad group %+v", sb.ID, g)
			}
			t := &usageTotals{count: g.Count, micros: g.Micros, uncharged: g.Uncharged, last: g.Last}
			key := usageGroup{userID: g.UserID, keyID: g.KeyID, endpoint: g.Endpoint, day: g.Day, status: g.Status}
			if w := b.groups[key]; w != nil {
				w.add(*t)
			} else {
				b.groups[key] = t
			}
		}
		out = append(out, b)
	}
	return out, nil
}

// removeSpool removes a spool file whose batches are all written.
func (r *UsageRecorder) removeSpool(path string) {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		r.log.Warn("usage: could not remove a replayed spool file (replaying it again writes nothing)", "file", path, "err", err)
		return
	}
	r.log.Info("usage: spool file replayed", "file", path)
}
