#!/usr/bin/env bash
# Runs every FuzzXxx target in the module once, one after another, for FUZZTIME each (default 10m) with
# PARALLEL fuzz workers (default 1) and at most MINIMIZE (default 5s) spent minimising each new input (go's
# default, 60s, stalls a slow target for minutes whenever it finds new coverage), and prints one TSV line per target:
#   package  target  seconds  execs  new_interesting  cpu_seconds  result
# A failing target leaves its crasher in that package's testdata/fuzz/<target>/ (go test's own behaviour); the
# script goes on to the next one and exits 1 at the end if any failed. The log of each run is kept in $LOGDIR.
#
#   FUZZTIME=10m PARALLEL=1 scripts/fuzz_all.sh > fuzz.tsv        # every target
#   FUZZTIME=30s scripts/fuzz_all.sh table modelfile              # only these packages
set -uo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-10m}
parallel=${PARALLEL:-1}
minimize=${MINIMIZE:-5s}
logdir=${LOGDIR:-$(mktemp -d)}
mkdir -p "$logdir"
echo "# fuzztime $fuzztime, $parallel worker(s), minimise $minimize, logs in $logdir, $(go version | cut -d' ' -f3), $(date -u +%FT%TZ)" >&2
printf 'package\ttarget\tseconds\texecs\tnew_interesting\tcpu_seconds\tresult\n'
failed=0
while read -r f; do
  pkg=$(dirname "$f")
  if [ $# -gt 0 ]; then
    keep=0; for p in "$@"; do [ "$pkg" = "./$p" ] && keep=1; done
    [ $keep = 1 ] || continue
  fi
  for t in $(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$f"); do
    log="$logdir/$(echo "${pkg#./}" | tr / _)_$t.log"
    start=$(date +%s)
    /usr/bin/time -f 'cpu %U %S' -o "$log.time" \
      go test -run '^$' -fuzz "^$t\$" -fuzztime "$fuzztime" -parallel "$parallel" -fuzzminimizetime "$minimize" "$pkg" > "$log" 2>&1
    rc=$?
    secs=$(( $(date +%s) - start ))
    last=$(grep -E 'fuzz: elapsed: .*execs: ' "$log" | tail -n 1)
    execs=$(sed -n 's/.*execs: \([0-9]*\).*/\1/p' <<<"$last")
    newi=$(sed -n 's/.*new interesting: \([0-9]*\).*/\1/p' <<<"$last")
    cpu=$(awk '/^cpu/ {printf "%.0f", $2 + $3}' "$log.time")
    res=ok; [ $rc = 0 ] || { res=FAIL; failed=1; }
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${pkg#./}" "$t" "$secs" "${execs:-0}" "${newi:-0}" "${cpu:-?}" "$res"
  done
done < <(grep -rl --include='*_test.go' '^func Fuzz' . | sort)
exit $failed
