#!/bin/sh
# What a model change costs per subject-year on today's engine: BenchmarkDefaultModel/auto/daily (one subject,
# 365 days of the default scenario, daily outputs; modelfile/bench_test.go) on HEAD's default model
# and on the default model and scenario as they were at OLD (a commit), both with HEAD's engine, in
# alternating pairs. Prints each run's subject-years per CPU-second (getrusage, the benchmark's own metric), RHS
# evaluations and steps per solve, and the median [min-max] of each side and of the old/new ratio. Both sides are
# built from HEAD (git archive), the old one with OLD's models/gut-skin-brain.yaml and its scenario.
#   sh scripts/bench_model_cost.sh 76ad111~1            # the model before issue 14 against today's (7 pairs)
#   sh scripts/bench_model_cost.sh 76ad111~1 9 1000     # 9 pairs of 1,000 solves each
set -eu
old=${1:?usage: bench_model_cost.sh OLD_COMMIT [PAIRS] [SOLVES]}
pairs=${2:-7}
solves=${3:-1000}
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# both sides are HEAD's engine; the old side gets OLD's default model and scenario
for side in old new; do
	mkdir -p "$tmp/$side"
	git -C "$root" archive HEAD | tar -x -C "$tmp/$side"
done
git -C "$root" show "$old:models/gut-skin-brain.yaml" > "$tmp/old/models/gut-skin-brain.yaml"
git -C "$root" show "$old:models/scenarios/gut-skin-brain.yaml" > "$tmp/old/models/scenarios/gut-skin-brain.yaml"
for side in old new; do
	(cd "$tmp/$side" && go test -c -o "$tmp/$side.test" ./modelfile)
done
run() { # side dir
	(cd "$2/modelfile" && "$tmp/$1.test" -test.run XXX -test.bench 'BenchmarkDefaultModel/auto/daily$' \
		-test.benchtime "${solves}x" | awk -v side="$1" '/^BenchmarkDefaultModel/ {
			for (i = 1; i <= NF; i++) { if ($i == "RHS/solve") r = $(i-1); if ($i == "steps/solve") s = $(i-1); if ($i == "subject-years/cpu-s") c = $(i-1) }
			print side, c, r, s }')
}
for i in $(seq "$pairs"); do
	run old "$tmp/old"
	run new "$tmp/new"
done | tee "$tmp/pairs"
awk '{ v[$1, ++n[$1]] = $2 }
function med(side, k, f,   a, i, j, t) { for (i = 1; i <= k; i++) a[i] = v[side, i]
	for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return sprintf(f " [" f "-" f "]", (k % 2) ? a[(k+1)/2] : (a[k/2] + a[k/2+1]) / 2, a[1], a[k]) }
END { k = n["new"]
	for (i = 1; i <= k; i++) v["ratio", i] = v["old", i] / v["new", i]
	print "old model: " med("old", k, "%.1f") " subject-years/cpu-s"
	print "new model: " med("new", k, "%.1f") " subject-years/cpu-s"
	print "old/new (the cost of the change): " med("ratio", k, "%.3f") " over " k " pairs" }' "$tmp/pairs"
