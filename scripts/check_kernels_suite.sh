#!/bin/sh
# Compares the generated-kernel path with the expression interpreter on every SBML Test Suite case in ../shared
# (issue 13): writes Go kernels for the shipped models and all suite cases (holobiont's own model compiler,
# system.WriteKernels), builds the sbmlsuite test with them in place of system/kernels/kernels_gen.go
# (go test -overlay: the source tree is not touched) and runs TestKernelsSuite, which requires every case to run
# all its hot evaluations on kernels and to give the interpreter's bits (outputs and step counts).
#   sh scripts/check_kernels_suite.sh
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go test -count=1 -run '^TestKernelsSuite$' ./sbmlsuite -args -write-kernels "$tmp/kernels_gen.go" >/dev/null
printf '{"Replace": {"%s": "%s"}}\n' "$(pwd)/system/kernels/kernels_gen.go" "$tmp/kernels_gen.go" > "$tmp/overlay.json"
echo "kernels: $(grep -c '^func k' "$tmp/kernels_gen.go") functions, $(wc -l < "$tmp/kernels_gen.go") lines"
status=0
HOLOBIONT_SUITE_KERNELS=1 go test -count=1 -overlay "$tmp/overlay.json" -run '^TestKernelsSuite$' -v ./sbmlsuite > "$tmp/log" 2>&1 || status=$?
grep -E '^(---|ok|FAIL)|kernels_test' "$tmp/log" | tail -20
exit $status
