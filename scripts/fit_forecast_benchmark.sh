#!/bin/sh
# The forecasting benchmark of benchmarks/fit.md: leave-one-subject-out forecasts of the three data sets
# of ../shared/data/forecast (protocol in its README) with every holobiont fit method, penalties chosen
# by inner cross-validation on the training subjects only; each method with equal interval weights
# (--dt-weight 0) and with the interval weight dt^0/1/2 chosen by the same inner CV (--dt-weight auto).
# Prints one markdown row per data set, method and weighting: median rmse_rel, median logrmse_rel, and
# the mean CPU and wall seconds per fold.
#
#   sh scripts/fit_forecast_benchmark.sh [SHARED_DIR]
set -eu
shared=${1:-$(dirname "$0")/../../shared}
bin=$(mktemp -d)/holobiont
go build -o "$bin" ./cmd/holobiont
out=$(mktemp -d)
echo "| data set | method | median rmse_rel | median logrmse_rel | held-out subjects | CPU s per fold | wall s per fold |"
echo "|---|---|---|---|---|---|---|"
for set in stein2013 bucci2016-cdiff-denoised bucci2016-diet; do
  for w in 0 auto; do
  for m in glv-ridge glv-elasticnet glv-relative clv alr-linear; do
    /usr/bin/time -f "%U %S %e" -o "$out/time" "$bin" fit "$shared/data/forecast/$set" --method "$m" --dt-weight "$w" --cv loso \
      --bootstrap 0 --out "$out/$set-$m" > "$out/log"
    line=$(tail -n 1 "$out/log")
    n=$(echo "$line" | sed 's/.* over \([0-9]*\) held-out.*/\1/')
    r=$(echo "$line" | sed 's/median rmse_rel \([0-9.]*\),.*/\1/')
    l=$(echo "$line" | sed 's/.*median logrmse_rel \([0-9.]*\) over.*/\1/')
    # fit + CV: n folds plus the final fit on all subjects
    [ "$w" = 0 ] || m="$m --dt-weight $w"
    awk -v set="$set" -v m="$m" -v r="$r" -v l="$l" -v n="$n" '{printf "| %s | %s | %s | %s | %d | %.2f | %.2f |\n", set, m, r, l, n, ($1+$2)/(n+1), $3/(n+1)}' "$out/time"
  done
  done
done
rm -rf "$out" "$(dirname "$bin")"
