package db

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"

	"warroom/glossary"
)

// Named errors for the PostgreSQL conditions callers act on. MapError wraps
// the driver error so errors.Is works and the server's message is kept.
var (
	ErrNotFound          = errors.New("not found")
	ErrUniqueViolation   = errors.New("already exists")
	ErrForeignKey        = errors.New("refers to a missing row")
	ErrCheckViolation    = errors.New("value not allowed")
	ErrNotNull           = errors.New("required value missing")
	ErrSerialization     = errors.New("concurrent update, retry")
	ErrPermissionDenied  = errors.New("permission denied")
	ErrInvalidInput      = errors.New("invalid input")
	ErrRaisedByDatabase  = errors.New("refused by the database")
	ErrConnectionFailure = errors.New("database connection lost")
	// ErrWrongState: the row is not in a state that allows this (an
	// approval request already decided or expired).
	ErrWrongState = errors.New("not possible in its current state")
	// ErrNeedsApproval: a high-risk operation done directly; it must be
	// requested and approved by a second person. The database says so with
	// its own SQLSTATE, WR001. It is a permission error too
	// (errors.Is(err, ErrPermissionDenied) holds).
	ErrNeedsApproval = fmt.Errorf("%w: needs a second authorisation", ErrPermissionDenied)
)

var codeErrors = map[pqerror.Code]error{
	"23505": ErrUniqueViolation,
	"23503": ErrForeignKey,
	"23514": ErrCheckViolation,
	"23502": ErrNotNull,
	"40001": ErrSerialization,
	"40P01": ErrSerialization,
	"42501": ErrPermissionDenied,
	"22P02": ErrInvalidInput,
	"22007": ErrInvalidInput,
	"22008": ErrInvalidInput,
	"22003": ErrInvalidInput,
	"P0001": ErrRaisedByDatabase,
	"P0002": ErrNotFound,        // no_data_found, raised by the approval functions
	"22023": ErrInvalidInput,    // invalid_parameter_value
	"42710": ErrUniqueViolation, // duplicate_object (a role name taken)
	"55000": ErrWrongState,      // object_not_in_prerequisite_state
	"WR001": ErrNeedsApproval,   // warroom_refuse_unapproved (migration 00017)
	"WR002": ErrConflict,        // an approval request someone decided first (migration 00020)
}

// MappedError keeps the named error and the server's own error together.
type MappedError struct {
	Kind error
	PG   *pq.Error
}

// constraintWords say what a constraint's refusal means, for those whose
// failing row (PostgreSQL's detail) would tell a user nothing.
var constraintWords = map[string]string{
	"fund_not_overdrawn":     "the fund would be overdrawn: what is pledged may not fall below what is committed to claims and paid out",
	"fund_counters_positive": "the fund's totals may not go below zero",
	"claims_not_overpaid":    "a claim may not be paid more than its amount",
	"funds_pkey":             "the incident already has a compensation fund; change it with `warroom fund set`",
}

func (e *MappedError) Error() string {
	msg := e.PG.Message
	// PostgreSQL's own refusal names only the table; say it in the
	// glossary's words and where to look, keeping the table for whoever
	// reads the grants.
	if table, ok := strings.CutPrefix(msg, "permission denied for table "); ok && e.Kind == ErrPermissionDenied {
		msg = fmt.Sprintf("permission denied: your login's role does not cover %s (table %s); `warroom user list` shows each login's role",
			glossary.TableNoun(table).Many, table)
	}
	if fn, ok := strings.CutPrefix(msg, "permission denied for function "); ok && e.Kind == ErrPermissionDenied {
		msg = fmt.Sprintf("permission denied: your login's role may not do this (function %s); `warroom user list` shows each login's role", fn)
	}
	if words, ok := constraintWords[e.PG.Constraint]; ok {
		msg = words
	} else if e.PG.Detail != "" {
		msg += " (" + e.PG.Detail + ")"
	}
	if e.PG.Constraint != "" {
		msg += fmt.Sprintf(" [constraint %s]", e.PG.Constraint)
	}
	// "permission denied: permission denied for table x" says it twice:
	// the server's message is enough when it already starts with the kind.
	if kind := e.Kind.Error(); !strings.HasPrefix(msg, kind) {
		msg = kind + ": " + msg
	}
	return msg
}

func (e *MappedError) Unwrap() []error { return []error{e.Kind, e.PG} }

// MapError turns driver errors into the named errors above; nil stays nil
// and unknown errors pass through unchanged.
func MapError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		if kind, ok := codeErrors[pqErr.Code]; ok {
			return &MappedError{Kind: kind, PG: pqErr}
		}
		if pqErr.Code.Class() == "08" || pqErr.Code.Class() == "57" {
			return &MappedError{Kind: ErrConnectionFailure, PG: pqErr}
		}
	}
	// A socket that died mid-query surfaces as one of these, not a pq.Error.
	var opErr *net.OpError
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.As(err, &opErr) {
		return fmt.Errorf("%w: %w", ErrConnectionFailure, err)
	}
	return err
}
