package pgserver

import "syscall"

// dieWithParent makes the kernel send an immediate-shutdown signal to a
// throwaway server when the test process that started it dies.
func dieWithParent(attr *syscall.SysProcAttr) {
	attr.Pdeathsig = syscall.SIGQUIT
}
