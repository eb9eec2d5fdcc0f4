package db

import (
	"errors"
	"fmt"
	"time"
)

// ErrConflict means someone else changed the row since it was read; the
// write was refused and nothing was overwritten.
var ErrConflict = errors.New("changed by someone else")

// ConflictError says who changed the row and when, so the person editing
// can decide whether to reload.
type ConflictError struct {
	What string // "milestone core-env"
	By   string
	At   time.Time
	// Done, when set, says what was done instead of "was changed by By".
	Done string
	// Then, when set, says what may be done about it.
	Then string
}

// Error says what happened, not what to do in one client: the console adds
// its own offer to reload, a script reads it again.
func (e *ConflictError) Error() string {
	done := e.Done
	if done == "" {
		done = "was changed by " + e.By
	}
	msg := fmt.Sprintf("%s %s at %s", e.What, done, e.At.Format("2006-01-02 15:04:05 MST"))
	if e.Then != "" {
		msg += "; " + e.Then
	}
	return msg
}

func (e *ConflictError) Unwrap() error { return ErrConflict }

// ConflictIn shows the time of the conflict err holds, if any, in loc: the
// database hands times over in UTC, people read them in the incident's zone.
func ConflictIn(err error, loc *time.Location) {
	var ce *ConflictError
	if loc != nil && errors.As(err, &ce) && !ce.At.IsZero() {
		ce.At = ce.At.In(loc)
	}
}

// FieldError is bad input, named by field, caught before anything is written.
type FieldError struct {
	Field  string
	Reason string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Reason }

func (e *FieldError) Unwrap() error { return ErrInvalidInput }

// Invalid builds a FieldError.
func Invalid(field, format string, args ...any) error {
	return &FieldError{Field: field, Reason: fmt.Sprintf(format, args...)}
}
