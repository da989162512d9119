#!/bin/sh
# Runs the tests like `go test ./...` and ends with one line saying what was skipped and why:
#   tests: 1234 passed, 0 failed, 25 skipped (25 need ../shared, which is absent: sbmlsuite 3, table 5, ...)
# `go test ./...` itself shows skips only with -v. Arguments are passed to go test (packages, -run, -short).
# HOLOBIONT_SHARED=/nonexistent sh scripts/test-summary.sh runs the tests as on a clone without ../shared.
set -eu
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then set -- ./...; fi
go test -json "$@" | go run ./scripts/testsummary
