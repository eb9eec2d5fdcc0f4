//go:build !linux

package pgserver

import "syscall"

// dieWithParent has no kernel support outside Linux: a throwaway server of
// a killed test process keeps running until stopped by hand, and its
// directory is swept once the server is gone.
func dieWithParent(*syscall.SysProcAttr) {}
