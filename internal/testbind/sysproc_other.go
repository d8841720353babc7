//go:build !linux

package testbind

import "syscall"

// sysProcAttr: only Linux can tie named's life to the test binary's.
func sysProcAttr() *syscall.SysProcAttr { return nil }
