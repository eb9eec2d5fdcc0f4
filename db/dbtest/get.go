package dbtest

import (
	"testing"

	"github.com/jmoiron/sqlx"
)

// Get runs a one-value query and fails t on any error, so a read that
// fails cannot leave a zero value for the assertion after it to accept.
func Get[T any](t testing.TB, q sqlx.Queryer, query string, args ...any) T {
	t.Helper()
	var v T
	if err := sqlx.Get(q, &v, query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return v
}
