package db

import "sync"

// Versioned keeps one value built from the database at one version of a
// configuration (config_versions, bumped by triggers on every change). A
// transaction that read the current version gets the kept value while it
// is of that version, and otherwise builds it anew in that transaction. A
// built value is kept for other transactions only once its own commits (a
// rolled-back change leaves a version number that the next change uses
// again), and never replaces the value of a newer version. The zero value
// is empty and ready.
type Versioned[T any] struct {
	mu      sync.Mutex
	version int64
	value   T
	ok      bool
}

// Get returns the value of version, from the cache or from build (run in
// tx, whose version the caller read before building).
func (v *Versioned[T]) Get(tx *Tx, version int64, build func() (T, error)) (T, error) {
	v.mu.Lock()
	if v.ok && v.version == version {
		val := v.value
		v.mu.Unlock()
		return val, nil
	}
	v.mu.Unlock()
	val, err := build()
	if err != nil {
		var zero T
		return zero, err
	}
	tx.AfterCommit(func() {
		v.mu.Lock()
		defer v.mu.Unlock()
		if !v.ok || v.version <= version {
			v.version, v.value, v.ok = version, val, true
		}
	})
	return val, nil
}
