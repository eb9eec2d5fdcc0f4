package cmdutil

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"warroom/db"
	"warroom/textsafe"
)

// Exit codes scripts can rely on (listed in the README).
const (
	ExitOK              = 0
	ExitError           = 1 // anything not listed below
	ExitUsage           = 2 // unknown command, flag or argument
	ExitInvalid         = 3 // bad input: nothing was written
	ExitConflict        = 4 // someone else changed it first: nothing was written
	ExitNotFound        = 5 // no such incident, milestone or entry
	ExitTampered        = 6 // `warroom audit verify` found a broken chain
	ExitPendingApproval = 7 // high-risk: filed for a second person's approval, not done yet
)

// CodedError carries a specific exit code up to the root.
type CodedError struct {
	Code int
	Err  error
}

func (e *CodedError) Error() string { return e.Err.Error() }
func (e *CodedError) Unwrap() error { return e.Err }

// WithCode wraps err so the process exits with code.
func WithCode(code int, err error) error { return &CodedError{Code: code, Err: err} }

// UsageError is a mistake on the command line (exit 2).
func UsageError(format string, a ...any) error {
	return &CodedError{Code: ExitUsage, Err: fmt.Errorf(format, a...)}
}

// ExitCode is the process exit code for a command's error.
func ExitCode(err error) int {
	var coded *CodedError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &coded):
		return coded.Code
	case isCobraFlagCheck(err):
		return ExitUsage
	case errors.Is(err, db.ErrConflict):
		return ExitConflict
	case errors.Is(err, db.ErrInvalidInput), errors.Is(err, db.ErrCheckViolation), errors.Is(err, db.ErrNotNull):
		return ExitInvalid
	case errors.Is(err, db.ErrNotFound):
		return ExitNotFound
	}
	return ExitError
}

// isCobraFlagCheck recognises cobra's checks of flags after parsing (a
// required flag missing, flags of a group used together or not), which it
// returns as plain errors, by their fixed wording.
func isCobraFlagCheck(err error) bool {
	msg := err.Error()
	return strings.HasPrefix(msg, "required flag(s) ") || strings.HasPrefix(msg, "if any flags in the group ") ||
		strings.HasPrefix(msg, "at least one of the flags in the group ")
}

// PrintError prints a command's error. Errors quote what they refused (a
// CSV field, an approval's payload, a database message), so the text is
// sanitised like any other from the database: newlines kept, escape
// sequences, controls and bidi overrides removed.
func PrintError(w io.Writer, err error) {
	fmt.Fprintln(w, "warroom: "+textsafe.Sanitize(err.Error()))
}
