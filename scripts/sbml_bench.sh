#!/bin/sh
# Side-by-side speed of holobiont's SBML engine and SUNDIALS CVODE (C) on the
# network40 model (40 species, 88 reactions; scripts/sbml_bench_gen.py), both at
# rtol 1e-6, atol 1e-9, 0..100 with 101 outputs, plus the SBML test-suite wall time.
# Needs: gcc, libsundials-dev.  Usage: scripts/sbml_bench.sh [REPS]
set -e
cd "$(dirname "$0")/.."
reps=${1:-200}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 scripts/sbml_bench_gen.py "$tmp/network40.xml" "$tmp/network40_cvode.c"
cmp -s "$tmp/network40.xml" sbml/testdata/bench/network40.xml || { echo "generated model differs from sbml/testdata/bench/network40.xml" >&2; exit 1; }
gcc -O2 -o "$tmp/cvode" "$tmp/network40_cvode.c" -lsundials_cvode -lsundials_nvecserial \
  -lsundials_sunmatrixdense -lsundials_sunlinsoldense -lsundials_sunnonlinsolfixedpoint -lm
echo "== SUNDIALS CVODE (C, -O2), $reps solves"
"$tmp/cvode" "$reps"
echo "== holobiont (Go), go test -bench"
go test ./sbmlsuite -run XXX -bench Network40 -benchtime "${reps}x" | grep Benchmark
