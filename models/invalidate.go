package models

import (
	"context"
	"time"
)

// Invalidation names what a committed change made stale in the replicas' caches: one key (deleted,
// revoked), every key of one account (suspended, deleted, its plan or password changed), or the
// plans. Store.Invalidate applies it on this replica at once and hands it to the Broadcaster for
// the others.
type Invalidation struct {
	KeyID  int64 `json:"key,omitempty"`
	UserID int64 `json:"user,omitempty"`
	Plans  bool  `json:"plans,omitempty"`
}

// Broadcaster carries invalidations to every replica (revocation.Bus: Redis pub/sub). Each replica
// applies the ones it receives with Store.Forget.
type Broadcaster interface {
	Publish(ctx context.Context, inv Invalidation) error
}

// publishTimeout bounds one publication: the change is committed already, so a slow Redis must not
// hold the answer; a replica that missed it is degraded (short cache TTL) anyway.
const publishTimeout = time.Second

// Invalidate forgets what inv names on this replica and publishes it to the others. A failed
// publication is logged: the other replicas then apply the change within their key cache's TTL.
func (s *Store) Invalidate(ctx context.Context, inv Invalidation) {
	s.Forget(inv)
	if s.Broadcast == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), publishTimeout)
	defer cancel()
	if err := s.Broadcast.Publish(ctx, inv); err != nil && s.log != nil {
		s.log.Warn("invalidation not published: other replicas apply it within the key cache TTL", "err", err,
			"key_id", inv.KeyID, "user_id", inv.UserID, "plans", inv.Plans)
	}
}

// Forget applies an invalidation to this replica's caches only.
func (s *Store) Forget(inv Invalidation) {
	if inv.KeyID != 0 {
		s.Keys.ForgetKey(inv.KeyID)
	}
	if inv.UserID != 0 {
		s.Keys.ForgetUser(inv.UserID)
	}
	if inv.Plans {
		s.Plans.Invalidate()
	}
}
