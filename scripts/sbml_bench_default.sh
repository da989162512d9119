#!/bin/sh
# Speed of the default gut-skin-brain model (one subject, 365 days, auto
# solver, rtol 1e-6, atol 1e-9, daily rows) for the working tree against the
# engine (system/, sim/) of a base revision, run alternately in one command so
# that both see the same machine load.
# Benchmarks: BenchmarkDefault in sim (solve, Outputs, RHS) and
# BenchmarkDefaultModel/auto/daily in modelfile.
# The machine is shared: each figure is the minimum over ROUNDS alternating runs
# (the least-disturbed run), printed at the end.
# Usage: scripts/sbml_bench_default.sh [BASE_REV [ROUNDS]]   (default 801c807, 6)
set -eu
cd "$(dirname "$0")/.."
rev=${1:-801c807}
rounds=${2:-6}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# base: this tree with system/ and sim/ from $rev (plus this benchmark)
mkdir "$tmp/base"
tar --exclude=.git --exclude='holobiont-out' -cf - . | tar -xf - -C "$tmp/base"
rm -rf "$tmp/base/system" "$tmp/base/sim"
git archive "$rev" system sim | tar -xf - -C "$tmp/base"
cp sim/default_bench_test.go "$tmp/base/sim/"
(cd "$tmp/base" && go test -c -o "$tmp/sim_base.test" ./sim && go test -c -o "$tmp/mf_base.test" ./modelfile)
go test -c -o "$tmp/sim_new.test" ./sim
go test -c -o "$tmp/mf_new.test" ./modelfile
i=0
while [ "$i" -lt "$rounds" ]; do
  i=$((i + 1))
  for v in base new; do
    (cd sim && "$tmp/sim_$v.test" -test.run XXX -test.bench 'BenchmarkDefault/' -test.benchtime 0.5s) | sed -n "s/^Benchmark/$v /p"
    (cd modelfile && "$tmp/mf_$v.test" -test.run XXX -test.bench 'BenchmarkDefaultModel/auto/daily$' -test.benchtime 0.5s) | sed -n "s/^Benchmark/$v /p"
  done
done | tee "$tmp/all.txt"
echo "== minimum ns/op over $rounds rounds (base = $rev, new = working tree)"
for b in Default/solve365 Default/outputs Default/rhs DefaultModel/auto/daily; do
  for v in base new; do
    grep "^$v $b-" "$tmp/all.txt" | awk -v v="$v" -v b="$b" 'BEGIN { m = 1e300 } { if ($4 < m) m = $4 } END { printf "%-4s %-24s %12.0f ns/op\n", v, b, m }'
  done
done
