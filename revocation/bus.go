// Package revocation carries cache invalidations between gateway replicas over a Redis pub/sub
// channel, so that deleting a key, suspending or deleting an account, or changing its plan or
// password takes effect on every replica at once, not within the key cache's TTL.
//
// The replica that makes a change publishes it (models.Store.Invalidate → Bus.Publish); every
// replica subscribes (Bus.Run) and forgets what each message names (models.Store.Forget). A
// message can be lost while a subscription is down, so the key cache is held degraded — short
// TTL, everything forgotten — from the start until the subscription is confirmed, and from the
// moment it is found down until it is back (each change of state logged once); on coming back,
// everything cached is forgotten again, since messages may have been missed meanwhile. A lost
// message therefore never extends a revoked key's life past the degraded TTL. Publishing and
// subscribing work alike on one Redis and on Redis Cluster (PUBLISH is broadcast to every node).
package revocation

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"time"

	"github.com/redis/go-redis/v9"

	"sharepanel/models"
)

// DefaultChannel is the channel of invalidations.
const DefaultChannel = "sharepanel:invalidations"

// Bus publishes and receives invalidations on one channel.
type Bus struct {
	client  redis.UniversalClient
	channel string
	log     *slog.Logger
	// HealthEvery is how long the subscription may stay silent before it is pinged; a ping not
	// answered within as long again marks it down. Default 1s.
	HealthEvery time.Duration
	// Retry is the pause between attempts to subscribe again while Redis is unreachable. Default
	// 200ms.
	Retry time.Duration
}

// New returns a bus on client's channel (DefaultChannel when empty). A nil logger discards.
func New(client redis.UniversalClient, channel string, log *slog.Logger) *Bus {
	if channel == "" {
		channel = DefaultChannel
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Bus{client: client, channel: channel, log: log, HealthEvery: time.Second, Retry: 200 * time.Millisecond}
}

// Publish implements models.Broadcaster. ctx carries the deadline.
func (b *Bus) Publish(ctx context.Context, inv models.Invalidation) error {
	msg, err := json.Marshal(inv)
	if err != nil {
		return err
	}
	return b.client.Publish(ctx, b.channel, msg).Err()
}

// Run subscribes and applies every invalidation received to store until ctx ends. It holds
// store's key cache degraded whenever the subscription is not known to be up (see the package
// documentation). Run is meant to be started once per store, in its own goroutine.
func (b *Bus) Run(ctx context.Context, store *models.Store) {
	store.Keys.SetDegraded(true)
	s := &subscription{bus: b, store: store}
	ps := b.client.Subscribe(ctx, b.channel)
	defer func() { _ = ps.Close() }()
	pinged := false
	for {
		msg, err := ps.ReceiveTimeout(ctx, b.HealthEvery)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() && s.up && !pinged {
				// Silent for a while: a ping tells a quiet channel from a dead connection.
				pinged = true
				pctx, cancel := context.WithTimeout(ctx, b.HealthEvery)
				err = ps.Ping(pctx)
				cancel()
				if err == nil {
					continue
				}
			}
			// Down: forget the connection and subscribe anew after a pause.
			s.down(err)
			pinged = false
			_ = ps.Close()
			select {
			case <-ctx.Done():
				return
			case <-time.After(b.Retry):
			}
			ps = b.client.Subscribe(ctx, b.channel)
			continue
		}
		pinged = false
		switch m := msg.(type) {
		case *redis.Subscription:
			if m.Kind == "subscribe" {
				s.upAgain()
			}
		case *redis.Message:
			var inv models.Invalidation
			if err := json.Unmarshal([]byte(m.Payload), &inv); err != nil {
				b.log.Warn("revocations: unreadable message ignored", "err", err)
				continue
			}
			store.Forget(inv)
		}
	}
}

// subscription is Run's state: whether the subscription is up, and whether it ever was.
type subscription struct {
	bus       *Bus
	store     *models.Store
	up, wasUp bool
	warned    bool // the first failure to subscribe was logged
}

// upAgain: the subscription is confirmed. Whatever was cached may have missed messages: forget it.
func (s *subscription) upAgain() {
	if s.up {
		return
	}
	s.up = true
	s.store.Keys.SetDegraded(false)
	s.store.Plans.Invalidate()
	if s.wasUp {
		s.bus.log.Info("revocations: subscription back; key cache TTL restored", "channel", s.bus.channel)
	} else {
		s.bus.log.Info("revocations: subscribed", "channel", s.bus.channel)
	}
	s.wasUp = true
}

// down: messages may be lost from now on; the key cache holds entries briefly until it is back.
func (s *subscription) down(err error) {
	if !s.up {
		if !s.wasUp && !s.warned {
			s.warned = true
			s.bus.log.Warn("revocations: cannot subscribe yet; key cache TTL short until subscribed", "channel", s.bus.channel, "err", err)
		}
		return
	}
	s.up = false
	s.store.Keys.SetDegraded(true)
	s.bus.log.Warn("revocations: subscription lost; key cache TTL shortened until it is back", "channel", s.bus.channel, "err", err)
}
