#!/usr/bin/env python3
"""Golden files for package gsa and stats' KS test, from scipy (Debian python3-scipy 1.10):

gsa/testdata/sobol_scipy.txt   Sobol' points of scipy.stats.qmc.Sobol(1024, scramble=False) at indices 2^k - 1,
                               k = 1..16. The point of index 2^k - 1 is the k-th direction number of every
                               dimension (its Gray code has the single bit k-1), so this checks gsa's direction
                               numbers (Joe & Kuo 2008) and their recurrence in all 1024 dimensions. One line per
                               k: k, then the 1024 coordinates times 2^30 as integers.
gsa/testdata/sobol_scipy_first.txt  the first 256 points of scipy.stats.qmc.Sobol(5, scramble=False), times 2^30.
stats/testdata/ks_scipy.tsv    scipy.stats.kstest(x, cdf, method='asymp') for samples x of a few distributions:
                               name, n, D, p, then the sample.

    /usr/bin/python3 scripts/golden_gsa.py
"""
import numpy as np
from scipy.stats import qmc, kstest, norm, lognorm, uniform

np.random.seed(20260101)

with open("gsa/testdata/sobol_scipy.txt", "w") as f:
    f.write("# scipy %s qmc.Sobol(1024, scramble=False): point 2^k-1 times 2^30, k = 1..16\n" % __import__("scipy").__version__)
    for k in range(1, 17):
        s = qmc.Sobol(1024, scramble=False)
        s.fast_forward(2**k - 1)
        x = s.random(1)[0]
        f.write("%d %s\n" % (k, " ".join(str(int(round(v * 2**30))) for v in x)))

with open("gsa/testdata/sobol_scipy_first.txt", "w") as f:
    f.write("# scipy qmc.Sobol(5, scramble=False).random(256) times 2^30\n")
    s = qmc.Sobol(5, scramble=False)
    for row in s.random(256):
        f.write(" ".join(str(int(round(v * 2**30))) for v in row) + "\n")

cases = [
    ("normal(0.5,0.1) vs normal(0.5,0.1)", np.random.normal(0.5, 0.1, 200), norm(0.5, 0.1)),
    ("normal(0.55,0.1) vs normal(0.5,0.1)", np.random.normal(0.55, 0.1, 300), norm(0.5, 0.1)),
    ("lognormal vs lognormal(s=0.4,scale=2)", np.random.lognormal(np.log(2), 0.4, 50), lognorm(0.4, scale=2)),
    ("uniform(0,1.2) vs uniform(0,1)", np.random.uniform(0, 1.2, 1000), uniform(0, 1)),
    ("n=7 vs normal(0,1)", np.random.normal(0, 1, 7), norm(0, 1)),
]
with open("stats/testdata/ks_scipy.tsv", "w") as f:
    f.write("# scipy.stats.kstest(x, cdf, method='asymp'); dists: normal MEAN SD | lognormal MEDIAN SDLOG | uniform LO HI\n")
    params = [("normal", 0.5, 0.1), ("normal", 0.5, 0.1), ("lognormal", 2, 0.4), ("uniform", 0, 1), ("normal", 0, 1)]
    for (name, x, dist), (kind, a, b) in zip(cases, params):
        r = kstest(x, dist.cdf, method="asymp")
        f.write("%s\t%s\t%r\t%r\t%d\t%r\t%r\t%s\n" % (name, kind, a, b, len(x), r.statistic, r.pvalue, " ".join(repr(v) for v in x)))

# gsa/testdata/kde_scipy.txt: scipy.stats.gaussian_kde (Scott's factor) of 60 correlated 2-D points, evaluated at 6
# points. Lines: "pt x y" for the data, "eval x y density" for the evaluations.
from scipy.stats import gaussian_kde
pts = np.random.multivariate_normal([1.0, -2.0], [[1.0, 0.6], [0.6, 2.0]], 60)
kde = gaussian_kde(pts.T)
ev = np.array([[1.0, -2.0], [0.0, 0.0], [2.5, -1.0], [-1.0, -4.0], [1.2, -2.4], [4.0, 3.0]])
with open("gsa/testdata/kde_scipy.txt", "w") as f:
    f.write("# scipy.stats.gaussian_kde(pts.T) (bw_method='scott')\n")
    for p in pts:
        f.write("pt %r %r\n" % (p[0], p[1]))
    for e, d in zip(ev, kde(ev.T)):
        f.write("eval %r %r %r\n" % (e[0], e[1], d))
