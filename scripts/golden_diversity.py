#!/usr/bin/python3
"""Golden values for holobiont's diversity package, from scikit-bio.

Run with Debian's python3 (the pyenv shim cannot see python3-skbio):

    apt-get install -y python3-skbio
    /usr/bin/python3 scripts/golden_diversity.py [SHARED_DIR]

SHARED_DIR defaults to ../shared beside the repository. Writes
diversity/testdata/golden_skbio.tsv: one line per vector, tab-separated:

    dataset  kind  name  v1  v2 ...

kind is "ids" (sample order), "alpha" (one value per sample), "beta"
(condensed upper triangle, row-major i<j, as scipy squareform) or "pcoa"
(eigvals_skbio, eigvals_raw, proportion, then coords_PCk for the axes whose
eigenvalue is positive and separated from its neighbours). Values are
printed with repr (17 significant digits); NaN marks an undefined value
(scikit-bio raised an error, e.g. ACE when every rare OTU is a singleton).

Definitions (scikit-bio 0.5.8): shannon with base=e (0.5.8 defaults to 2),
simpson, enspie (inverse Simpson), pielou_e, chao1 (bias_corrected True and
False), ace (rare_threshold=10), faith_pd, beta_diversity braycurtis and
jaccard (presence/absence), aitchison = Euclidean(clr(x + 1)),
unweighted_unifrac, weighted_unifrac (normalized True and False), pcoa
(method eigh) of the Bray-Curtis matrix.
"""
import os
import sys

import numpy as np
import scipy
import scipy.linalg
from scipy.spatial.distance import pdist, squareform
import skbio
from skbio import TreeNode
from skbio.diversity import alpha_diversity, beta_diversity
from skbio.diversity import alpha as A
from skbio.stats.composition import clr
from skbio.stats.ordination import pcoa

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def read_tsv_table(path):
    """Classic OTU table (features as rows) -> (sample ids, feature ids, counts[samples, features])."""
    ids, feats, rows = None, [], []
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#OTU ID"):
                ids = line.split("\t")[1:]
                if ids and ids[-1].lower() in ("taxonomy", "consensus lineage", "consensuslineage"):
                    ids = ids[:-1]
                continue
            if line.startswith("#") or not line:
                continue
            parts = line.split("\t")
            feats.append(parts[0])
            rows.append([float(x) for x in parts[1:1 + len(ids)]])
    return ids, feats, np.array(rows).T


def fmt(v):
    v = float(v)
    if np.isnan(v):
        return "NaN"
    return repr(v)


def emit(out, ds, kind, name, vals):
    out.write("\t".join([ds, kind, name] + [fmt(v) for v in vals]) + "\n")


def safe(f, *a, **k):
    try:
        return f(*a, **k)
    except ValueError:
        return float("nan")



def run(out, ds, table_path, tree_path):
    ids, feats, Cf = read_tsv_table(table_path)
    C = Cf.astype(np.int64)
    assert np.all(C == Cf), "counts must be integers"
    tree = TreeNode.read(tree_path, convert_underscores=False) if tree_path else None
    out.write("\t".join([ds, "ids", "samples"] + ids) + "\n")
    alpha = {
        "observed": [A.observed_otus(c) for c in C],
        "shannon": [A.shannon(c, base=np.e) for c in C],
        "shannon_base2": [A.shannon(c, base=2) for c in C],
        "simpson": [A.simpson(c) for c in C],
        "invsimpson": [A.enspie(c) for c in C],
        "pielou": [A.pielou_e(c) for c in C],
        "chao1": [A.chao1(c, bias_corrected=True) for c in C],
        "chao1_classic": [A.chao1(c, bias_corrected=False) for c in C],
        "ace": [safe(A.ace, c, rare_threshold=10) for c in C],
    }
    if tree is not None:
        alpha["faith-pd"] = list(alpha_diversity("faith_pd", C, ids=ids, otu_ids=feats, tree=tree))
    for k, v in alpha.items():
        emit(out, ds, "alpha", k, v)
    bc = beta_diversity("braycurtis", C, ids=ids)
    emit(out, ds, "beta", "braycurtis", bc.condensed_form())
    emit(out, ds, "beta", "jaccard", beta_diversity("jaccard", C, ids=ids).condensed_form())
    emit(out, ds, "beta", "aitchison", pdist(clr(C + 1.0), "euclidean"))
    if tree is not None:
        emit(out, ds, "beta", "unweighted-unifrac",
             beta_diversity("unweighted_unifrac", C, ids=ids, otu_ids=feats, tree=tree).condensed_form())
        emit(out, ds, "beta", "weighted-unifrac",
             beta_diversity("weighted_unifrac", C, ids=ids, otu_ids=feats, tree=tree,
                            normalized=False).condensed_form())
        emit(out, ds, "beta", "weighted-unifrac-normalized",
             beta_diversity("weighted_unifrac", C, ids=ids, otu_ids=feats, tree=tree,
                            normalized=True).condensed_form())
    # PCoA of Bray-Curtis.
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = pcoa(bc)
    ev = res.eigvals.values
    emit(out, ds, "pcoa", "eigvals_skbio", ev)
    emit(out, ds, "pcoa", "proportion", res.proportion_explained.values)
    D = bc.data
    E = -D * D / 2
    F = E - E.mean(axis=1, keepdims=True) - E.mean(axis=0, keepdims=True) + E.mean()
    raw = np.sort(scipy.linalg.eigh(F, eigvals_only=True))[::-1]
    emit(out, ds, "pcoa", "eigvals_raw", raw)
    coords = res.samples.values
    for k in range(len(ev)):
        if ev[k] <= 1e-8:
            continue
        gap = min(abs(ev[k] - ev[k - 1]) if k > 0 else np.inf,
                  abs(ev[k] - ev[k + 1]) if k + 1 < len(ev) else np.inf)
        if gap < 1e-6 * ev[0]:
            continue
        col = coords[:, k].copy()
        b = int(np.argmax(np.abs(col)))
        if col[b] < 0:
            col = -col
        emit(out, ds, "pcoa", "coords_PC%d" % (k + 1), col)


def main():
    shared = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "..", "shared")
    d = os.path.join(shared, "data")
    td = os.path.join(REPO, "diversity", "testdata")
    path = os.path.join(td, "golden_skbio.tsv")
    with open(path, "w") as out:
        out.write("# scikit-bio %s, numpy %s, scipy %s; generated by scripts/golden_diversity.py\n"
                  % (skbio.__version__, np.__version__, scipy.__version__))
        run(out, "esophagus", os.path.join(td, "esophagus_otu_table.tsv"), os.path.join(td, "esophagus_tree.nwk"))
        run(out, "qiime191", os.path.join(td, "qiime191_otu_table.tsv"), os.path.join(td, "qiime191_tree.nwk"))
        run(out, "gp500", os.path.join(d, "gp500", "GP500_otu_table.tsv"), os.path.join(d, "gp500", "GP500_tree.nwk"))
        run(out, "globalpatterns", os.path.join(d, "globalpatterns", "GlobalPatterns_otu_table.tsv"),
            os.path.join(d, "globalpatterns", "GlobalPatterns_tree.nwk"))
        run(out, "moving_pictures", os.path.join(d, "moving_pictures", "moving_pictures_table.tsv"),
            os.path.join(d, "moving_pictures", "moving_pictures_rooted_tree.nwk"))
    print("wrote", path)


if __name__ == "__main__":
    main()
