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

func numCPU() int { return runtime.GOMAXPROCS(0) }
