#!/bin/sh
# Side-by-side PERMANOVA benchmark: scikit-bio 0.5.8 (Debian python3-skbio)
# vs holobiont, 999 permutations on n = 2,000 samples, 4 groups, same
# distance matrix, same machine, one run. Usage (from the repo root):
#   sh scripts/bench_stats.sh [n]
# Prints wall-clock and CPU seconds for each tool (the machine is shared, so
# CPU seconds are the steadier figure), timing the PERMANOVA call alone
# for scikit-bio and the whole CLI (reading the 2000x2000 TSV included) for
# holobiont.
set -e
N=${1:-2000}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
go build -o "$DIR/holobiont" ./cmd/holobiont
/usr/bin/python3 - "$N" "$DIR" <<'PY'
import sys, time
import numpy as np
from scipy.spatial.distance import pdist, squareform
from skbio import DistanceMatrix
from skbio.stats.distance import permanova
n, d = int(sys.argv[1]), sys.argv[2]
rng = np.random.default_rng(1)
groups = np.array(["g%d" % (i % 4) for i in range(n)])
pts = rng.normal(size=(n, 10)) + 0.1 * (np.arange(n) % 4)[:, None]
ids = ["s%d" % i for i in range(n)]
dm = DistanceMatrix(squareform(pdist(pts)), ids)
dm.write(d + "/dm.tsv")
with open(d + "/md.tsv", "w") as f:
    f.write("sample-id\tgroup\n")
    for i, g in zip(ids, groups):
        f.write(f"{i}\t{g}\n")
t, c = time.perf_counter(), time.process_time()
r = permanova(dm, list(groups), permutations=999)
el, cpu = time.perf_counter() - t, time.process_time() - c
print(f"skbio {__import__('skbio').__version__} permanova n={n} 999 perms: wall {el:.3f} s, cpu {cpu:.3f} s  F={r['test statistic']:.10g} p={r['p-value']}")
PY
for P in 0 999; do
  /usr/bin/time -f "%e %U %S" -o "$DIR/t$P" "$DIR/holobiont" analyze permanova "$DIR/dm.tsv" --metadata "$DIR/md.tsv" \
    --column group --permutations $P --seed 1 --out "$DIR/r$P.json"
done
F=$(grep '"statistic"' "$DIR/r999.json" | tr -d ' ,')
PV=$(grep '"p_value"' "$DIR/r999.json" | tr -d ' ,')
read W0 U0 S0 < "$DIR/t0"
read W1 U1 S1 < "$DIR/t999"
echo "holobiont permanova n=$N 999 perms, whole CLI (reads the TSV): wall $W1 s, cpu $(echo "$U1 + $S1" | bc) s  $F $PV"
echo "holobiont same with 0 perms (I/O + setup only): wall $W0 s, cpu $(echo "$U0 + $S0" | bc) s"
echo "holobiont permutation part (999 - 0): wall $(echo "$W1 - $W0" | bc) s, cpu $(echo "$U1 + $S1 - $U0 - $S0" | bc) s"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
# In-process kernel timing (same n, 4 groups, 999 permutations, both cores).
go test -run XXX -bench 'Permanova2000x4Groups' -benchtime 3x ./stats/ | grep Benchmark
