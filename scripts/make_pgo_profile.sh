#!/bin/sh
# Regenerates cmd/holobiont/default.pgo, the CPU profile `go build ./cmd/holobiont` uses for profile-guided
# optimisation (Go's default -pgo=auto reads default.pgo in a main package's directory). The profile is of
# what users run, through the binary's own command line in one process (BenchmarkWorkload in
# cmd/holobiont/pgo_test.go): `holobiont run` of the default model and scenario 100 times, `holobiont cohort`
# of examples/cohort-general-adults.yaml at n = 500 12 times, `holobiont trial` of examples/trial-arms.yaml
# 3 times (about 8 CPU seconds each), taken from a build without PGO and merged with `go tool pprof -proto`.
# Regenerate after large engine changes (a stale profile costs speed, never correctness) and re-measure
# (BENCHMARKS.md, "default model"; benchmarks/run.md, "Issue 14, session 12: PGO").
#   sh scripts/make_pgo_profile.sh              # writes cmd/holobiont/default.pgo
#   sh scripts/make_pgo_profile.sh /tmp/x.pgo   # writes elsewhere
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/cmd/holobiont/default.pgo}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$root"
CGO_ENABLED=0 go test -pgo=off -c -o "$tmp/holobiont.test" ./cmd/holobiont
cd "$root/cmd/holobiont"
for w in run:100 cohort:12 trial:3; do
  name=${w%%:*}
  "$tmp/holobiont.test" -test.run '^$' -test.bench "^BenchmarkWorkload/$name\$" -test.benchtime "${w#*:}x" \
    -test.cpuprofile "$tmp/$name.pprof"
done
go tool pprof -proto "$tmp/run.pprof" "$tmp/cohort.pprof" "$tmp/trial.pprof" > "$tmp/merged.pprof"
mv "$tmp/merged.pprof" "$out"
go tool pprof -top -nodecount 15 "$out" | sed -n '1,25p'
