package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

var (
	cpuProfile = flag.String("cpuprofile", "", "write a CPU profile of the measured commands to this file")
	memProfile = flag.String("memprofile", "", "write an allocation profile (after the measured commands) to this file")
)

// startProfile starts the CPU profile of one measured command (the last one measured
// is kept) and returns the function that stops it and writes the allocation profile.
// The simulator runs in the same process, so its share shows too: look at the
// launchready packages.
func startProfile() func() {
	var cpu *os.File
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil && pprof.StartCPUProfile(f) == nil {
			cpu = f
		} else {
			fmt.Fprintln(os.Stderr, "cpuprofile:", err)
		}
	}
	return func() {
		if cpu != nil {
			pprof.StopCPUProfile()
			cpu.Close()
		}
		if *memProfile != "" {
			f, err := os.Create(*memProfile)
			if err != nil {
				fmt.Fprintln(os.Stderr, "memprofile:", err)
				return
			}
			runtime.GC()
			if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
				fmt.Fprintln(os.Stderr, "memprofile:", err)
			}
			f.Close()
		}
	}
}
