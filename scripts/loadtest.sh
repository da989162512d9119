#!/bin/sh
# Bounded load test of holobiont serve on this machine (127.0.0.1 only; stops by itself): builds holobiont,
# starts `holobiont serve` on 127.0.0.1:18088 with a fresh SQLite store (or STORE=postgres://...), runs
# scripts/loadtest (50 clients submitting single runs and reading their results for 60 s by default), prints
# throughput, p50/p99 latency and errors, and stops the server. Results are in BENCHMARKS.md.
#   sh scripts/loadtest.sh                   # CLIENTS=50 DURATION=60s
#   CLIENTS=10 DURATION=10s sh scripts/loadtest.sh
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
go build -o "$tmp/holobiont" ./cmd/holobiont
go build -o "$tmp/loadtest" ./scripts/loadtest
"$tmp/holobiont" serve --addr 127.0.0.1:18088 --store "${STORE:-$tmp/data}" >"$tmp/serve.log" 2>&1 &
pid=$!
for i in $(seq 100); do
  curl -sf http://127.0.0.1:18088/api/health >/dev/null 2>&1 && break
  sleep 0.1
done
t0=$(date +%s.%N)
"$tmp/loadtest" -url http://127.0.0.1:18088 -clients "${CLIENTS:-50}" -duration "${DURATION:-60s}"
# The server's CPU time over its life (utime + stime from /proc, clock ticks), beside the test's wall time.
awk -v hz="$(getconf CLK_TCK)" -v t0="$t0" -v t1="$(date +%s.%N)" '{ printf "server CPU: %.1f s user + %.1f s system during %.1f s of load test (with start-up)\n", $14/hz, $15/hz, t1-t0 }' "/proc/$pid/stat"
