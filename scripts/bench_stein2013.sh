#!/bin/sh
# Side-by-side benchmark: holobiont ode (Go) vs SUNDIALS CVODE (C) on the Stein 2013 gLV problem
# (9 mice, 60 days, rtol 1e-6, atol 1e-9, daily outputs, clindamycin segment boundary).
# Needs: apt-get install -y libsundials-dev.  Usage: sh scripts/bench_stein2013.sh [REPS]
set -eu
cd "$(dirname "$0")/.."
REPS=${1:-300}
BIN=$(mktemp -d)
trap 'rm -rf "$BIN"' EXIT
cc -O2 -o "$BIN/stein2013_cvode" scripts/cvode/stein2013_cvode.c \
	-lsundials_cvode -lsundials_nvecserial -lsundials_sunmatrixdense -lsundials_sunlinsoldense -lm
go test -c -o "$BIN/ode.test" ./ode
echo "== $(date -u +%FT%TZ) $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== CVODE (C, SUNDIALS $(dpkg-query -W -f='${Version}' libsundials-dev 2>/dev/null || echo '?'), analytic Jacobian, dense LU)"
"$BIN/stein2013_cvode" testdata/stein2013 bdf "$REPS"
"$BIN/stein2013_cvode" testdata/stein2013 adams "$REPS"
echo "== holobiont ode (Go, one core); one op = 9 mouse-solves"
(cd ode && "$BIN/ode.test" -test.run '^$' -test.bench 'Stein2013' -test.benchtime "${REPS}x" -test.cpu 1 -test.benchmem) |
	grep Benchmark
echo "== CVODE at tighter tolerances (accuracy comparable to ours at rtol 1e-6)"
"$BIN/stein2013_cvode" testdata/stein2013 bdf "$REPS" 1e-8 1e-11
"$BIN/stein2013_cvode" testdata/stein2013 adams "$REPS" 1e-7 1e-10
echo "== CVODE again at rtol 1e-6 (drift check)"
"$BIN/stein2013_cvode" testdata/stein2013 bdf "$REPS"
