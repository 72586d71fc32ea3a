package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"sync"
	"time"
)

// verifiedCache remembers, for a few minutes, that a password matched an
// account's stored hash, so that API clients sending Basic credentials on
// every request (as Zendesk clients do) do not cost an argon2id hash per
// request: on a small machine one hash is 60 ms of CPU at best and over a
// second when its 64 MiB must be faulted in again (docs/performance.md).
//
// An entry is an HMAC, under a random key held only in memory, of the
// stored hash and the password; nothing of the password is kept. Because
// the stored hash is in the key, a changed password can never hit an old
// entry, and the account's state (suspended, deactivated) is read on every
// check anyway. Only matches are remembered: a wrong password always pays
// the full hash, so the cache gives a guesser nothing.
type verifiedCache struct {
	key [32]byte
	ttl time.Duration
	max int

	mu      sync.Mutex
	entries map[[32]byte]time.Time // HMAC -> expiry
}

func newVerifiedCache(ttl time.Duration, max int) *verifiedCache {
	c := &verifiedCache{ttl: ttl, max: max, entries: map[[32]byte]time.Time{}}
	_, _ = rand.Read(c.key[:])
	return c
}

func (c *verifiedCache) mac(hash, password string) [32]byte {
	m := hmac.New(sha256.New, c.key[:])
	m.Write([]byte(hash))
	m.Write([]byte{0})
	m.Write([]byte(password))
	var out [32]byte
	copy(out[:], m.Sum(nil))
	return out
}

// hit reports whether password was found to match hash within the TTL.
func (c *verifiedCache) hit(hash, password string, now time.Time) bool {
	if c == nil {
		return false
	}
	k := c.mac(hash, password)
	c.mu.Lock()
	defer c.mu.Unlock()
	exp, ok := c.entries[k]
	if ok && !now.Before(exp) {
		delete(c.entries, k)
		return false
	}
	return ok
}

// remember records that password matched hash. When full, expired entries
// go first, and if none had expired, all of them (the cache only saves
// work, and a full cache under a flood of distinct sign-ins is worth less
// than its bound).
func (c *verifiedCache) remember(hash, password string, now time.Time) {
	if c == nil {
		return
	}
	k := c.mac(hash, password)
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		for e, exp := range c.entries {
			if !now.Before(exp) {
				delete(c.entries, e)
			}
		}
		if len(c.entries) >= c.max {
			clear(c.entries)
		}
	}
	c.entries[k] = now.Add(c.ttl)
}
