package idempotency_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"sharepanel/handlers"
	"sharepanel/idempotency"
	"sharepanel/internal/testenv"
	"sharepanel/models"
	"sharepanel/ratelimit"
	"sharepanel/wire"
)

// Both stores are what the user API takes.
var (
	_ handlers.IdempotencyStore = (*idempotency.Redis)(nil)
	_ handlers.IdempotencyStore = (*models.IdempotencyRecords)(nil)
)

const (
	fpA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	fpB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
)

// The record's life on every Redis backend (miniredis; Redis and Redis Cluster when configured):
// claimed once, held while running, answered, kept for the TTL; claims of other tokens cannot
// answer or release it; a claim's lease ends.
func TestRedisRecords(t *testing.T) {
	for _, b := range testenv.RedisBackends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			const lease, ttl = 2 * time.Second, 24 * time.Hour
			s, err := idempotency.NewRedis(b.Client, idempotency.Options{Prefix: b.Prefix, Lease: lease, TTL: ttl, Timeout: 5 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			if k := s.Key(7, "h1"); k != b.Prefix+"{7:h1}" {
				t.Fatalf("key %q: its whole name must be the hash tag", k)
			}
			c, err := s.Claim(ctx, 7, "h1", fpA)
			if err != nil || !c.Claimed || len(c.Token) != 32 {
				t.Fatalf("first claim: %+v, %v", c, err)
			}
			if pttl := b.Client.PTTL(ctx, s.Key(7, "h1")).Val(); pttl <= 0 || pttl > lease {
				t.Fatalf("a claim's TTL %v, want its lease %v", pttl, lease)
			}
			held, err := s.Claim(ctx, 7, "h1", fpB)
			if err != nil || held.Claimed || held.Done || held.Fingerprint != fpA {
				t.Fatalf("claim while running: %+v, %v", held, err)
			}
			if other, err := s.Claim(ctx, 8, "h1", fpB); err != nil || !other.Claimed {
				t.Fatalf("another account's claim of the same hash: %+v, %v", other, err)
			}
			// Another token can neither answer nor give the claim up.
			if err := s.Complete(ctx, 7, "h1", strings.Repeat("0", 32), 200, []byte("x")); err == nil {
				t.Fatal("a stale token completed a claim")
			}
			if err := s.Release(ctx, 7, "h1", strings.Repeat("0", 32)); err != nil {
				t.Fatal(err)
			}
			body := []byte("{\"org_id\":1}\n\x00\xff|D" + fpB) // any bytes
			if err := s.Complete(ctx, 7, "h1", c.Token, 201, body); err != nil {
				t.Fatal(err)
			}
			got, err := s.Claim(ctx, 7, "h1", fpB)
			if err != nil || got.Claimed || !got.Done || got.Status != 201 || got.Fingerprint != fpA || !bytes.Equal(got.Body, body) {
				t.Fatalf("claim of an answered key: %+v, %v", got, err)
			}
			if pttl := b.Client.PTTL(ctx, s.Key(7, "h1")).Val(); pttl <= ttl-time.Minute || pttl > ttl {
				t.Fatalf("an answer's TTL %v, want %v", pttl, ttl)
			}
			// Releasing with the spent token does nothing to the answer.
			if err := s.Release(ctx, 7, "h1", c.Token); err != nil {
				t.Fatal(err)
			}
			if again, _ := s.Claim(ctx, 7, "h1", fpA); !again.Done {
				t.Fatalf("a released answer: %+v", again)
			}
			// A released claim frees the key.
			c2, _ := s.Claim(ctx, 7, "h2", fpA)
			if err := s.Release(ctx, 7, "h2", c2.Token); err != nil {
				t.Fatal(err)
			}
			if c3, err := s.Claim(ctx, 7, "h2", fpB); err != nil || !c3.Claimed {
				t.Fatalf("claim after a release: %+v, %v", c3, err)
			}
			// A claim whose lease ended (its replica died) is free.
			if b.Mini != nil {
				b.Mini.FastForward(lease)
				if c4, err := s.Claim(ctx, 7, "h2", fpA); err != nil || !c4.Claimed {
					t.Fatalf("claim after the lease: %+v, %v", c4, err)
				}
			}
		})
	}
}

// A Redis that does not answer is the 503 every dependency failure is, within the call's timeout.
func TestRedisUnavailable(t *testing.T) {
	client, err := ratelimit.NewRedisClient("redis://127.0.0.1:1/0")
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	s, err := idempotency.NewRedis(client, idempotency.Options{Timeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Claim(context.Background(), 1, "h", fpA)
	if wire.ErrorCode(err) != wire.EUNAVAILABLE || wire.ErrorMessage(err) != wire.UnavailableMessage {
		t.Fatalf("claim on a Redis that is not there: %v (%s)", err, wire.ErrorCode(err))
	}
	if _, err := idempotency.NewRedis(client, idempotency.Options{Prefix: "a{b}"}); err == nil {
		t.Fatal("a prefix with braces was accepted")
	}
}
