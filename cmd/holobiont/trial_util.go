package main

import (
	"crypto/sha256"
	"encoding/hex"
	"runtime"
)

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// short abbreviates a hex hash for display.
func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

func numCPU() int { return runtime.GOMAXPROCS(0) }
