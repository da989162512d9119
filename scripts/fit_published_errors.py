#!/usr/bin/python3
"""The cLV study's published held-out predictions (Joseph et al. 2020, tyjo/clv
pub-results at c184cd5, MIT) for the forecasting benchmark, as testdata for
fit/published_test.go, which recomputes the published median errors of
../shared/data/forecast/README.md with holobiont's metric functions.

    /usr/bin/python3 scripts/fit_published_errors.py CLV_REPO SHARED_DIR

CLV_REPO is a checkout of github.com/tyjo/clv (pub-results/ holds one pickle per
data set, fold and method: a list with the held-out subject's predicted relative
abundances, samples x taxa, first row unset). SHARED_DIR is ../shared (for the
subject order, times and taxon names of data/forecast). Writes
fit/testdata/published/<set>.tsv.gz with columns subject, time, taxon and one
column per method (clv glv glv-ra alr lra; 8 significant digits), and prints
the medians.
"""
import csv
import gzip
import math
import os
import pickle
import statistics
import sys
from collections import OrderedDict

import numpy as np  # noqa: F401  (the pickles hold numpy arrays)

SETS = [("stein2013", "stein_prediction_parameters-{}-{}"),
        ("bucci2016-cdiff-denoised", "bucci_cdiff_predictions-{}-{}"),
        ("bucci2016-diet", "bucci_diet_predictions-{}-{}")]
METHODS = ["clv", "glv", "glv-ra", "alr", "lra"]


def load_long(path):
    subj = OrderedDict()
    taxa = []
    with open(os.path.join(path, "abundance.tsv")) as f:
        for row in csv.DictReader(f, delimiter="\t"):
            s = subj.setdefault(row["subject"], OrderedDict())
            s.setdefault(float(row["time"]), []).append(float(row["abundance"]))
            if row["taxon"] not in taxa:
                taxa.append(row["taxon"])
    return subj, taxa


def main():
    repo, shared = sys.argv[1], sys.argv[2]
    out_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fit", "testdata", "published")
    os.makedirs(out_dir, exist_ok=True)
    for name, pattern in SETS:
        subj, taxa = load_long(os.path.join(shared, "data", "forecast", name))
        ids = list(subj)
        preds = {}
        for m in METHODS:
            for k, sid in enumerate(ids):
                with open(os.path.join(repo, "pub-results", pattern.format(k, m)), "rb") as f:
                    preds[(m, sid)] = pickle.load(f, encoding="latin1")[0]
        with gzip.open(os.path.join(out_dir, name + ".tsv.gz"), "wt") as f:
            f.write("subject\ttime\ttaxon\t" + "\t".join(METHODS) + "\n")
            for sid in ids:
                times = sorted(subj[sid])
                for k, t in enumerate(times):
                    for i, tx in enumerate(taxa):
                        f.write("%s\t%r\t%s\t%s\n" % (sid, t, tx, "\t".join("%.8g" % float(preds[(m, sid)][k][i]) for m in METHODS)))
        for m in METHODS:
            rm = []
            for sid in ids:
                times = sorted(subj[sid])
                obs = [np.array(subj[sid][t]) / sum(subj[sid][t]) for t in times]
                p = preds[(m, sid)]
                rm.append(math.sqrt(np.mean([(obs[k] - p[k]) ** 2 for k in range(1, len(times))])))
            print(name, m, "median rmse_rel %.3f" % statistics.median(rm))


if __name__ == "__main__":
    sys.exit(main())
