package testbind

import "syscall"

// sysProcAttr makes the kernel stop named when the test binary dies (a go test
// timeout, a kill), so no named outlives its test.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
