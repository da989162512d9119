package testutil

import (
	"math"
	"syscall"
)

// CPUSeconds returns the process's user + system CPU time in seconds (NaN
// when getrusage fails), for benchmarks on a shared machine, where wall
// time overstates the cost per core.
func CPUSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return math.NaN()
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}
