package db

import "database/sql"

// IDPtr is a nullable id column as a pointer (nil for NULL).
func IDPtr(v sql.NullInt64) *int64 {
	if !v.Valid {
		return nil
	}
	return &v.Int64
}

// NullID is a pointer id as a query argument (NULL for nil).
func NullID(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}
