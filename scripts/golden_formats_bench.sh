#!/bin/sh
# Load-time and peak-memory benchmark for the table readers, side by side
# with biom-format 2.1.12 (Debian python3-biom-format) on the same files.
# Generates a 100,000-sample × 50,000-feature table at 0.5% fill (25 M
# non-zeros) in /tmp (never committed), then measures with GNU time:
#   holobiont analyze summarize FILE     (read + per-sample depth)
#   holobiont analyze alpha FILE --metrics observed,shannon   (read + alpha)
#   python3 -c 'biom.load_table(FILE).sum(axis="sample")'
# The machine is shared: CPU time (user + sys) is the steadier figure.
# Run from the repository root: sh scripts/golden_formats_bench.sh
# (PEER_JSON=0 skips biom-format on the JSON file, which needs > 10 GB and
# many minutes.)
set -eu
OUT=${BIGTABLE:-/tmp/bigtable}
go build -o /tmp/holobiont ./cmd/holobiont
[ -f "$OUT.biom.h5" ] && [ -f "$OUT.biom.json" ] || go run ./scripts/golden_formats_bigtable -out "$OUT" -formats hdf5,json
measure() { # label, command...
	label=$1; shift
	/usr/bin/time -f "%e %U %S %M" -o /tmp/gfb.time "$@" > /dev/null 2>/tmp/gfb.err || { echo "$label: FAILED: $(tail -1 /tmp/gfb.err)"; return 0; }
	read -r secs usr sys kb < /tmp/gfb.time
	echo "$label: $secs s wall, $usr s user + $sys s sys CPU, peak RSS $((kb / 1024)) MB"
}
for f in "$OUT.biom.h5" "$OUT.biom.json"; do
	measure "holobiont summarize $(basename "$f")" /tmp/holobiont analyze summarize "$f"
	measure "holobiont alpha observed,shannon $(basename "$f")" /tmp/holobiont analyze alpha "$f" --metrics observed,shannon --out /tmp/gfb_alpha.tsv
	[ "${PEER_JSON:-1}" = 0 ] && [ "${f%.json}" != "$f" ] && continue
	measure "biom-format load_table+sum $(basename "$f")" /usr/bin/python3 -c "import biom,sys; t=biom.load_table(sys.argv[1]); t.sum(axis='sample')" "$f"
done

# Newick: GlobalPatterns tree (19,216 tips), holobiont tree.ReadFile against
# scikit-bio 0.5.8 TreeNode.read (Debian python3-skbio), mean of repeated reads.
SHARED=${HOLOBIONT_SHARED:-../shared}
go test -run XXX -bench ReadFileGlobalPatterns -benchtime 20x ./tree/ | grep Benchmark
/usr/bin/python3 -c "
import time, skbio
p = '$SHARED/data/globalpatterns/GlobalPatterns_tree.nwk'
t = time.perf_counter()
for i in range(3):
    tr = skbio.TreeNode.read(p)
print('skbio TreeNode.read GlobalPatterns: %.3f s per read' % ((time.perf_counter() - t) / 3))"
