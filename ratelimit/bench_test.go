package ratelimit

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
)

// benchKeys are the callers of the many-keys benchmarks, built once so the loop measures Allow.
func benchKeys(n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = "key:" + strconv.Itoa(i)
	}
	return keys
}

func BenchmarkMemoryAllow(b *testing.B) {
	lim := Limits{PerMinute: 100, PerDay: 10_000}
	b.Run("single-key", func(b *testing.B) {
		m := NewMemory(MemoryOptions{})
		ctx := context.Background()
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := m.Allow(ctx, "key:1", lim); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
	b.Run("many-keys", func(b *testing.B) {
		m := NewMemory(MemoryOptions{})
		keys := benchKeys(10_000)
		ctx := context.Background()
		var next atomic.Uint64
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			i := next.Add(7919) // each goroutine starts elsewhere in the keys
			for pb.Next() {
				i++
				if _, err := m.Allow(ctx, keys[i%uint64(len(keys))], lim); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
	b.Run("over-max-entries", func(b *testing.B) { // every insertion evicts
		m := NewMemory(MemoryOptions{MaxEntries: 1000})
		keys := benchKeys(100_000)
		ctx := context.Background()
		var next atomic.Uint64
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			i := next.Add(7919)
			for pb.Next() {
				i++
				if _, err := m.Allow(ctx, keys[i%uint64(len(keys))], lim); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
}

// BenchmarkRedisAllow needs SHAREPANEL_TEST_REDIS_URL (and SHAREPANEL_TEST_REDIS_CLUSTER_ADDRS
// for the cluster); each iteration is one decision, one round trip.
func BenchmarkRedisAllow(b *testing.B) {
	for _, cluster := range []bool{false, true} {
		b.Run(map[bool]string{false: "redis", true: "redis-cluster"}[cluster], func(b *testing.B) {
			c := realRedisClient(b, cluster)
			prefix := "rlbench:" + randHex(b) + ":"
			b.Cleanup(func() { deleteKeys(b, c, prefix) })
			r := newTestRedis(b, c, prefix)
			keys := benchKeys(1000)
			ctx := context.Background()
			lim := Limits{PerMinute: 1_000_000, PerDay: 1_000_000_000}
			b.Run("serial", func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; b.Loop(); i++ {
					if _, err := r.Allow(ctx, keys[i%len(keys)], lim); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("parallel", func(b *testing.B) {
				var next atomic.Uint64
				b.SetParallelism(8) // a gateway has many requests waiting on Redis at once
				b.ReportAllocs()
				b.RunParallel(func(pb *testing.PB) {
					i := next.Add(7919)
					for pb.Next() {
						i++
						if _, err := r.Allow(ctx, keys[i%uint64(len(keys))], lim); err != nil {
							b.Fatal(err)
						}
					}
				})
			})
		})
	}
}
