package db

import (
	"fmt"
	"strconv"
	"time"
)

// Timestamps are stored on both engines as BIGINT microseconds since the Unix
// epoch (UTC). See docs/adr/0002-sql-portability.md.

// TS converts t for storage; the zero time is stored as NULL.
func TS(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

// TSp converts an optional time for storage.
func TSp(t *time.Time) any {
	if t == nil {
		return nil
	}
	return TS(*t)
}

// FromMicros converts a stored value back to a UTC time.
func FromMicros(v int64) time.Time { return time.UnixMicro(v).UTC() }

// Time scans a stored timestamp into *T (NULL gives the zero time).
func Time(dst *time.Time) *timeScanner { return &timeScanner{dst: dst} }

// TimePtr scans a nullable stored timestamp into **T.
func TimePtr(dst **time.Time) *timePtrScanner { return &timePtrScanner{dst: dst} }

type timeScanner struct{ dst *time.Time }

func (s *timeScanner) Scan(v any) error {
	if v == nil {
		*s.dst = time.Time{}
		return nil
	}
	n, err := asInt64(v)
	if err != nil {
		return err
	}
	*s.dst = FromMicros(n)
	return nil
}

type timePtrScanner struct{ dst **time.Time }

func (s *timePtrScanner) Scan(v any) error {
	if v == nil {
		*s.dst = nil
		return nil
	}
	n, err := asInt64(v)
	if err != nil {
		return err
	}
	t := FromMicros(n)
	*s.dst = &t
	return nil
}

func asInt64(v any) (int64, error) {
	switch x := v.(type) {
	case int64:
		return x, nil
	case int32:
		return int64(x), nil
	case float64:
		return int64(x), nil
	case []byte:
		return strconv.ParseInt(string(x), 10, 64)
	case string:
		return strconv.ParseInt(x, 10, 64)
	}
	return 0, fmt.Errorf("cannot scan %T as a timestamp", v)
}
