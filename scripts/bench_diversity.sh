#!/bin/sh
# Side-by-side diversity benchmarks for benchmarks/diversity.md.
#
#   scripts/bench_diversity.sh [N ...]        (default: 1000 2000)
#
# Needs Debian python3-skbio and python3-unifrac, and ../shared (or
# $HOLOBIONT_SHARED) for the GlobalPatterns table and tree. For each N it
# generates (once, deterministic, seed 1) an N-sample table drawn around the
# GlobalPatterns profiles (scripts/bench_diversity_gen), then runs, one after
# the other on the same table: scikit-bio 0.5.8 Bray-Curtis (only when
# BENCH_SKBIO=1, it takes ~20 s at N = 2000), Striped UniFrac fp64
# (unweighted, weighted unnormalized, weighted normalized) and holobiont's
# kernels (same metrics, table in memory), then the holobiont CLI end to end
# (read BIOM JSON, compute, write the TSV matrix). Output: tool, metric, N,
# wall s, CPU s.
set -e
cd "$(dirname "$0")/.."
SHARED=${HOLOBIONT_SHARED:-../shared}
GP=$SHARED/data/globalpatterns
TMP=${TMPDIR:-/tmp}
go build -o "$TMP/bench_diversity_gen" ./scripts/bench_diversity_gen
go build -o "$TMP/bench_diversity_holobiont" ./cmd/holobiont
PY=/usr/bin/python3
for n in ${*:-1000 2000}; do
	T=$TMP/bench_diversity_$n.biom.json
	[ -f "$T" ] || "$TMP/bench_diversity_gen" gen -gp "$GP/GlobalPatterns_otu_table.tsv" -n "$n" -seed 1 -out "$T"
	if [ "${BENCH_SKBIO:-0}" = 1 ]; then
		$PY scripts/bench_diversity.py "$T" "$GP/GlobalPatterns_tree.nwk" skbio-braycurtis
	fi
	"$TMP/bench_diversity_gen" time -table "$T" -tree "$GP/GlobalPatterns_tree.nwk" -metrics braycurtis
	for m in unweighted weighted_unnormalized weighted_normalized; do
		$PY scripts/bench_diversity.py "$T" "$GP/GlobalPatterns_tree.nwk" ${m}_fp64
		hm=$(echo $m | sed 's/weighted_unnormalized/weighted-unifrac/; s/weighted_normalized/weighted-unifrac-normalized/; s/^unweighted$/unweighted-unifrac/')
		"$TMP/bench_diversity_gen" time -table "$T" -tree "$GP/GlobalPatterns_tree.nwk" -metrics $hm
	done
	for m in braycurtis unweighted-unifrac weighted-unifrac; do
		s=$(date +%s.%N)
		tree=""
		case $m in *unifrac) tree="--tree $GP/GlobalPatterns_tree.nwk" ;; esac
		"$TMP/bench_diversity_holobiont" analyze beta "$T" --metric $m $tree --out "$TMP/bench_diversity_dm.tsv"
		e=$(date +%s.%N)
		printf 'holobiont-cli\t%s\t%s\t%.3f\t-\n' $m $n "$(echo "$e - $s" | bc)"
	done
done
