package models

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"sync/atomic"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Idempotency-Key records (issue 13). A write sent with an Idempotency-Key is claimed before its
// handler runs; the claim holds the request's fingerprint (its mode, action and parameters) and a
// token, and lasts a lease; once the handler has answered, the answer replaces the claim and is kept
// for a day. The HTTP layer decides what a record means (replay, 409, 422) and what the body is
// (it arrives encrypted); the two stores — this one in the database, and idempotency.Redis — only
// keep records, atomically.

// IdempotencyKey is one record: an account's Idempotency-Key, by its hash. Made by migration 7.
type IdempotencyKey struct {
	UserID      int64     `gorm:"primaryKey;autoIncrement:false"`
	KeyHash     string    `gorm:"primaryKey;size:64"`
	Fingerprint string    `gorm:"size:64;not null"`
	Token       string    `gorm:"size:32;not null;default:''"` // the claim's, while in progress; "" once done
	Status      int       `gorm:"not null;default:0"`          // 0 while in progress
	Body        []byte    `gorm:"type:mediumblob"`
	CreatedAt   time.Time `gorm:"not null"`
	ExpiresAt   time.Time `gorm:"not null;index:idx_idempotency_keys_expires_at"`
}

// TableName is idempotency_keys.
func (IdempotencyKey) TableName() string { return "idempotency_keys" }

// IdempotencyClaim is what claiming a key found.
type IdempotencyClaim struct {
	// Claimed: the key was free (or its record had expired) and is now this request's: run the
	// handler, then Complete or Release with Token.
	Claimed bool
	Token   string
	// Otherwise, the record that holds the key: the fingerprint of the request that made it, and
	// whether it is done (Status and Body are its answer) or still running.
	Fingerprint string
	Done        bool
	Status      int
	Body        []byte
}

// IdempotencyOptions are how long records last.
type IdempotencyOptions struct {
	TTL   time.Duration // a finished request's answer; default 24h
	Lease time.Duration // a claim whose request has not finished; default 1m
}

func (o IdempotencyOptions) withDefaults() IdempotencyOptions {
	if o.TTL <= 0 {
		o.TTL = 24 * time.Hour
	}
	if o.Lease <= 0 {
		o.Lease = time.Minute
	}
	return o
}

// NewIdemToken returns a fresh claim token.
func NewIdemToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// IdempotencyRecords keeps records in the database (idempotency_keys): the store when Redis is
// not configured. Expired records are deleted at most once an hour, by a claim, off its request.
type IdempotencyRecords struct {
	store     *Store
	opts      IdempotencyOptions
	lastPurge atomic.Int64 // Unix seconds
}

// NewIdempotencyRecords returns the database's record store.
func (s *Store) NewIdempotencyRecords(opts IdempotencyOptions) *IdempotencyRecords {
	r := &IdempotencyRecords{store: s, opts: opts.withDefaults()}
	r.lastPurge.Store(time.Now().Unix())
	return r
}

// idempotencyPurgeEvery is how often expired records are deleted.
const idempotencyPurgeEvery = time.Hour

// Claim takes the key for a request with fingerprint, or returns the record that holds it. An
// expired record (an answer older than the TTL, or a claim whose lease ended: its replica died
// mid-request) is taken over.
func (r *IdempotencyRecords) Claim(ctx context.Context, userID int64, keyHash, fingerprint string) (IdempotencyClaim, error) {
	r.maybePurge()
	db := r.store.db.WithContext(ctx)
	for range 3 {
		now := time.Now().UTC().Truncate(time.Second)
		token := NewIdemToken()
		row := IdempotencyKey{UserID: userID, KeyHash: keyHash, Fingerprint: fingerprint, Token: token,
			CreatedAt: now, ExpiresAt: now.Add(r.opts.Lease)}
		res := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
		if res.Error != nil {
			return IdempotencyClaim{}, res.Error
		}
		if res.RowsAffected == 1 {
			return IdempotencyClaim{Claimed: true, Token: token}, nil
		}
		// Held: by a committed row, which every connection sees.
		var held IdempotencyKey
		err := db.Where("user_id = ? AND key_hash = ?", userID, keyHash).Take(&held).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			continue // deleted meanwhile (released, or purged): try again
		}
		if err != nil {
			return IdempotencyClaim{}, err
		}
		if held.ExpiresAt.After(now) {
			return IdempotencyClaim{Fingerprint: held.Fingerprint, Done: held.Status != 0, Status: held.Status, Body: held.Body}, nil
		}
		res = db.Model(&IdempotencyKey{}).
			Where("user_id = ? AND key_hash = ? AND token = ? AND status = ? AND expires_at = ?", userID, keyHash, held.Token, held.Status, held.ExpiresAt).
			Updates(map[string]any{"fingerprint": fingerprint, "token": token, "status": 0, "body": nil, "created_at": now, "expires_at": now.Add(r.opts.Lease)})
		if res.Error != nil {
			return IdempotencyClaim{}, res.Error
		}
		if res.RowsAffected == 1 {
			return IdempotencyClaim{Claimed: true, Token: token}, nil
		}
		// Another request took the expired record over first: read it again.
	}
	return IdempotencyClaim{}, errors.New("idempotency: the record kept changing under three claims in a row")
}

// Complete replaces the claim (token) with the request's answer, kept for the TTL. A claim that is
// no longer this request's (its lease ended and another took the key) is left alone.
func (r *IdempotencyRecords) Complete(ctx context.Context, userID int64, keyHash, token string, status int, body []byte) error {
	now := time.Now().UTC().Truncate(time.Second)
	return r.store.db.WithContext(ctx).Model(&IdempotencyKey{}).
		Where("user_id = ? AND key_hash = ? AND token = ? AND status = 0", userID, keyHash, token).
		Updates(map[string]any{"token": "", "status": status, "body": body, "expires_at": now.Add(r.opts.TTL)}).Error
}

// Release gives the key up (the request's answer is not kept: a retry runs it again).
func (r *IdempotencyRecords) Release(ctx context.Context, userID int64, keyHash, token string) error {
	return r.store.db.WithContext(ctx).
		Where("user_id = ? AND key_hash = ? AND token = ? AND status = 0", userID, keyHash, token).
		Delete(&IdempotencyKey{}).Error
}

// PurgeExpiredIdempotency deletes the records whose time is over, and says how many.
func (s *Store) PurgeExpiredIdempotency(ctx context.Context) (int64, error) {
	res := s.db.WithContext(ctx).Where("expires_at <= ?", time.Now().UTC()).Delete(&IdempotencyKey{})
	return res.RowsAffected, res.Error
}

// maybePurge deletes expired records, in the background, once an idempotencyPurgeEvery.
func (r *IdempotencyRecords) maybePurge() {
	now := time.Now().Unix()
	last := r.lastPurge.Load()
	if now-last < int64(idempotencyPurgeEvery/time.Second) || !r.lastPurge.CompareAndSwap(last, now) {
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if n, err := r.store.PurgeExpiredIdempotency(ctx); err != nil {
			r.store.log.Warn("idempotency: deleting expired records failed", "err", err)
		} else if n > 0 {
			r.store.log.Debug("idempotency: expired records deleted", "records", n)
		}
	}()
}
