package ratelimit

import (
	"math"
	"time"
)

// The arithmetic of one decision. allow.lua repeats it line for line, so that Memory and Redis
// answer alike; change both together (the shared tests in suite_test.go hold them to it).
//
// Time is in integer microseconds. A token is tokenUnit units, and a bucket of PerMinute tokens
// refills PerMinute units per microsecond: a whole minute refills the whole bucket, fractions of
// a token are kept exactly, and every value stays an integer below 2^53, so Lua's doubles hold
// it without rounding.
const (
	tokenUnit = int64(time.Minute / time.Microsecond)
	dayMicros = int64(24 * time.Hour / time.Microsecond)
)

// state is what is stored for one caller.
type state struct {
	hasBucket bool
	tokens    int64 // in tokenUnit units, as of ts
	ts        int64 // µs of the last charge
	day       int64 // days since the Unix epoch that used counts
	used      int64
}

// verdict is the outcome of one decision, in the units above.
type verdict struct {
	allowed bool
	tokens  int64 // left in the bucket after the decision
	fullIn  int64 // µs until the bucket is full again
	used    int64 // requests charged today, after the decision
	retry   int64 // µs until the refusing window(s) allow one request; 0 when allowed
	now     int64 // µs
}

// evaluate decides one request at now. With charge false it only looks (Peek); with charge true
// and an allowed request it also returns the state to store.
func evaluate(s state, now int64, l Limits, charge bool) (verdict, state) {
	v := verdict{allowed: true, now: now}
	perMin, perDay := int64(l.PerMinute), int64(l.PerDay)

	if perMin > 0 {
		capacity := perMin * tokenUnit
		v.tokens = capacity
		if s.hasBucket {
			elapsed := min(max(now-s.ts, 0), tokenUnit) // a clock stepping back refills nothing
			v.tokens = min(capacity, s.tokens+elapsed*perMin)
		}
		if v.tokens < tokenUnit {
			v.allowed = false
			v.retry = ceilDiv(tokenUnit-v.tokens, perMin)
		}
	}

	today := now / dayMicros
	if perDay > 0 {
		if s.day == today {
			v.used = s.used
		}
		if v.used >= perDay {
			v.allowed = false
			v.retry = max(v.retry, (today+1)*dayMicros-now)
		}
	}

	if v.allowed && charge {
		if perMin > 0 {
			v.tokens -= tokenUnit
			s.tokens, s.ts, s.hasBucket = v.tokens, max(s.ts, now), true
		}
		if perDay > 0 {
			v.used++
			s.day, s.used = today, v.used
		}
	}
	if perMin > 0 {
		v.fullIn = ceilDiv(perMin*tokenUnit-v.tokens, perMin)
	}
	return v, s
}

// decision turns a verdict into the Decision callers see.
func (v verdict) decision(l Limits, backend string) Decision {
	now := time.UnixMicro(v.now).UTC()
	d := Decision{Allowed: v.allowed, Backend: backend}
	if l.PerMinute > 0 {
		d.Minute = Window{
			Limit:     l.PerMinute,
			Remaining: int(v.tokens / tokenUnit),
			Reset:     now.Add(time.Duration(v.fullIn) * time.Microsecond),
		}
	}
	if l.PerDay > 0 {
		d.Day = Window{
			Limit:     l.PerDay,
			Remaining: max(l.PerDay-int(v.used), 0), // a lowered plan can leave used above the limit
			Reset:     nextMidnight(now),
		}
	}
	if !v.allowed {
		d.RetryAfter = time.Duration(v.retry) * time.Microsecond
		d.stable = time.Duration(v.stable(l)) * time.Microsecond
	}
	return d
}

// stable is, for a refusal, how many µs the decision stays the same with nothing charged: the
// minute bucket's whole tokens change when the next one is complete (never, when it is full), and
// the day's count when the day turns. A refusing minute window's next token is its retry time.
func (v verdict) stable(l Limits) int64 {
	s := int64(math.MaxInt64)
	if perMin := int64(l.PerMinute); perMin > 0 && v.tokens < perMin*tokenUnit {
		next := (v.tokens/tokenUnit + 1) * tokenUnit
		s = ceilDiv(next-v.tokens, perMin)
	}
	if l.PerDay > 0 {
		s = min(s, (v.now/dayMicros+1)*dayMicros-v.now)
	}
	return s
}

// nextMidnight is the next 00:00 UTC strictly after t.
func nextMidnight(t time.Time) time.Time {
	return t.UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
}

func ceilDiv(a, b int64) int64 { return (a + b - 1) / b }
