package dbtest

import (
	"errors"
	"strings"
	"testing"

	"github.com/lib/pq"
)

// WantPG fails t unless err carries a PostgreSQL error with this SQLSTATE
// whose message contains msg. Two rules can share a code (the role check
// and the self-approval check are both 42501), so a rule's test names the
// rule, not only its class.
func WantPG(t testing.TB, err error, code, msg string) *pq.Error {
	t.Helper()
	var pe *pq.Error
	if !errors.As(err, &pe) {
		t.Fatalf("want SQLSTATE %s (%q), got %v", code, msg, err)
	}
	if string(pe.Code) != code || !strings.Contains(pe.Message, msg) {
		t.Fatalf("want SQLSTATE %s (%q), got %s: %s", code, msg, pe.Code, pe.Message)
	}
	return pe
}

// WantConstraint fails t unless err is a PostgreSQL error with this
// SQLSTATE naming constraint.
func WantConstraint(t testing.TB, err error, code, constraint string) {
	t.Helper()
	var pe *pq.Error
	if !errors.As(err, &pe) || string(pe.Code) != code || pe.Constraint != constraint {
		t.Fatalf("want SQLSTATE %s on constraint %s, got %v", code, constraint, err)
	}
}
