package main

import (
	"warroom/internal/cli/cmdutil"
)

// The root's tests run whole command lines through run(), as the binary
// does; these are the names they check exit codes and errors by.
const (
	exitOK              = cmdutil.ExitOK
	exitError           = cmdutil.ExitError
	exitUsage           = cmdutil.ExitUsage
	exitInvalid         = cmdutil.ExitInvalid
	exitConflict        = cmdutil.ExitConflict
	exitNotFound        = cmdutil.ExitNotFound
	exitPendingApproval = cmdutil.ExitPendingApproval
)

func printError(w interface{ Write([]byte) (int, error) }, err error) { cmdutil.PrintError(w, err) }
