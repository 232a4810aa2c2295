package models

import "sync"

// keptCache is a replica's bounded map of what it read from the database and may serve again
// while a check says it still holds (kept reports: reports.go; kept seeks: seeks.go). Entries are
// replaced whole, never changed. Each counts its keptSize toward max; when a new entry would go
// over it, whichever entries come first in the map are dropped.
type keptCache[K comparable, V keptEntry] struct {
	mu      sync.Mutex
	entries map[K]V
	used    int // keptSize of the entries, all together
	max     int
}

// keptEntry is what a keptCache holds: comparable (drop compares entries) and sized.
type keptEntry interface {
	comparable
	keptSize() int
}

func newKeptCache[K comparable, V keptEntry](max int) keptCache[K, V] {
	return keptCache[K, V]{entries: map[K]V{}, max: max}
}

func (c *keptCache[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.entries[k]
	return v, ok
}

// put keeps v as k's entry. join, when not nil, makes the entry from v and the one kept before
// (if any), under the cache's lock.
func (c *keptCache[K, V]) put(k K, v V, join func(v, old V) V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.entries[k]; ok {
		if join != nil {
			v = join(v, old)
		}
		c.used -= old.keptSize()
		delete(c.entries, k)
	}
	for key, e := range c.entries { // over the bound: drop whichever come first
		if c.used+v.keptSize() <= c.max {
			break
		}
		c.used -= e.keptSize()
		delete(c.entries, key)
	}
	c.entries[k] = v
	c.used += v.keptSize()
}

// drop forgets k's entry if it is still v (another request may have kept a newer one).
func (c *keptCache[K, V]) drop(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.entries[k]; ok && old == v {
		c.used -= old.keptSize()
		delete(c.entries, k)
	}
}
