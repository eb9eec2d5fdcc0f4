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
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("%s was changed by %s at %s - reload?", e.What, e.By, e.At.Format("2006-01-02 15:04:05 MST"))
}

func (e *ConflictError) Unwrap() error { return ErrConflict }

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
