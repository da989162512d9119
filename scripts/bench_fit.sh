#!/bin/sh
# Regression speed of holobiont fit against scikit-learn on the same design (benchmarks/fit.md): the
# block-penalised ridge and the elastic net of fit/testdata/peer/design.tsv (Stein 2013 glv-ridge design,
# 68 x 13, 11 responses), in-process time per solve, PAIRS alternating pairs (holobiont, then sklearn).
# Prints each pair and the ratios sklearn/holobiont.
#
#   sh scripts/bench_fit.sh [PAIRS]
set -eu
pairs=${1:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(mktemp -d)/fit.test
go test -c -o "$bin" ./fit
cd "$root/fit"
i=0
while [ $i -lt "$pairs" ]; do
  i=$((i + 1))
  ours=$("$bin" -test.run XXX -test.bench 'Ridge$|ElasticNet$' -test.benchtime 3000x | awk '/^BenchmarkRidge/{r=$3/1000} /^BenchmarkElasticNet/{e=$3/1000} END{print r, e}')
  sr=$(/usr/bin/python3 "$root/scripts/bench_fit_sklearn.py" ridge 300 | awk '{print $3}')
  se=$(/usr/bin/python3 "$root/scripts/bench_fit_sklearn.py" enet 30 | awk '{print $3}')
  echo "$ours $sr $se" | awk -v i=$i '{printf "pair %d: ridge %.1f us vs sklearn %.1f us (%.0fx); elastic net %.1f us vs sklearn %.1f us (%.0fx)\n", i, $1, $3, $3/$1, $2, $4, $4/$2}'
done
rm -rf "$(dirname "$bin")"
