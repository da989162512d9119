#!/usr/bin/python3
"""Golden values for stats.WilcoxonRankSum, RankSum.Test and KruskalWallis
from scipy (Debian python3-scipy). Writes stats/testdata/ranktests_scipy.tsv.

Run: /usr/bin/python3 scripts/golden_ranktests.py > stats/testdata/ranktests_scipy.tsv

Wilcoxon cases use R's rules, which scipy reproduces with an explicit method:
exact when both samples have < 50 values and no ties, otherwise the normal
approximation with tie and continuity corrections. W (R's statistic) is
scipy's U of the first sample. Tolerance in the Go test: 1e-12 relative.
"""
import numpy as np
from scipy import stats

rng = np.random.default_rng(20261206)
rows = []


def fmt(v):
    return repr(float(v))


def wil(name, x, y, alt):
    x, y = np.asarray(x, float), np.asarray(y, float)
    ties = len(np.unique(np.concatenate([x, y]))) < len(x) + len(y)
    exact = len(x) < 50 and len(y) < 50 and not ties
    method = "exact" if exact else "asymptotic"
    r = stats.mannwhitneyu(x, y, alternative=alt, method=method, use_continuity=True)
    rows.append(["wilcoxon", name, alt, ",".join(map(fmt, x)), ",".join(map(fmt, y)), fmt(r.statistic), fmt(r.pvalue), "0"])


def kw(name, groups):
    r = stats.kruskal(*groups)
    x = [v for g in groups for v in g]
    lab = [i for i, g in enumerate(groups) for _ in g]
    rows.append(["kruskal", name, "two-sided", ",".join(map(fmt, x)), ",".join(map(str, lab)), fmt(r.statistic), fmt(r.pvalue), str(len(groups) - 1)])


wil("small-exact", [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30], [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29], "two-sided")
wil("small-exact-greater", [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30], [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.07, 3.14, 1.28], "greater")
wil("ties", [1, 2, 2, 3, 4, 5, 5, 5, 6], [3, 3, 4, 6, 7, 7, 8, 9], "two-sided")
wil("ties-less", [1, 2, 2, 3, 4, 5, 5, 5, 6], [3, 3, 4, 6, 7, 7, 8, 9], "less")
wil("unbalanced-exact", np.round(rng.normal(size=3), 6), np.round(rng.normal(1, size=40), 6), "two-sided")
wil("large-normal", np.round(rng.normal(size=60), 6), np.round(rng.normal(0.4, size=55), 6), "two-sided")
wil("large-greater", np.round(rng.normal(0.3, size=70), 6), np.round(rng.normal(size=52), 6), "greater")
kw("three", [[2.9, 3.0, 2.5, 2.6, 3.2], [3.8, 2.7, 4.0, 2.4], [2.8, 3.4, 3.7, 2.2, 2.0]])
kw("ties", [[1, 1, 2, 3], [2, 2, 4, 5, 5], [1, 3, 3, 6]])
kw("four-random", [list(np.round(rng.normal(m, size=k), 6)) for m, k in [(0, 8), (0.5, 12), (1, 6), (0, 15)]])

print("# scripts/golden_ranktests.py, scipy", __import__("scipy").__version__)
print("test\tcase\talternative\tx\ty_or_groups\tstatistic\tp\tdf")
for r in rows:
    print("\t".join(r))
