#!/usr/bin/python3
"""Peer timings for benchmarks/diversity.md (run by scripts/bench_diversity.sh).

    /usr/bin/python3 scripts/bench_diversity.py TABLE.biom.json TREE.nwk METRIC[,METRIC...]

Metrics: skbio-braycurtis (scikit-bio 0.5.8 beta_diversity on the dense
array), unweighted_fp64, weighted_unnormalized_fp64, weighted_normalized_fp64
(Striped UniFrac, python3-unifrac, OMP threads = all cores). scikit-bio is
timed on the in-memory dense array (loading excluded). Striped UniFrac is
called with file paths, as QIIME 2 calls it (its weighted functions accept
nothing else): a BIOM 2.1 copy of the table (TABLE.h5, written once,
untimed) and the Newick tree, so its time includes reading them. Prints one TSV line per metric: tool, metric,
samples, wall seconds, CPU seconds (user+sys of all threads).
"""
import os
import resource
import sys
import time

import numpy as np
import biom
from skbio import TreeNode


def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main():
    table_path, tree_path, metrics = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
    t = biom.load_table(table_path)
    n = t.shape[1]
    h5 = os.path.splitext(table_path)[0] + ".h5"
    if any(m != "skbio-braycurtis" for m in metrics) and not os.path.exists(h5):
        import h5py
        with h5py.File(h5, "w") as f:
            t.to_hdf5(f, "bench_diversity")
    for m in metrics:
        if m == "skbio-braycurtis":
            from skbio.diversity import beta_diversity
            X = t.matrix_data.T.toarray().astype(np.int64)
            ids = list(t.ids("sample"))
            s, c = time.perf_counter(), cpu()
            beta_diversity("braycurtis", X, ids=ids)
            el, ec = time.perf_counter() - s, cpu() - c
            print("scikit-bio\tbraycurtis\t%d\t%.3f\t%.3f" % (n, el, ec), flush=True)
        else:
            import unifrac
            f = getattr(unifrac, m)
            s, c = time.perf_counter(), cpu()
            f(h5, tree_path)
            el, ec = time.perf_counter() - s, cpu() - c
            print("striped-unifrac\t%s\t%d\t%.3f\t%.3f" % (m, n, el, ec), flush=True)


if __name__ == "__main__":
    main()
