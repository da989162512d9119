#!/usr/bin/python3
"""The peer side of the fit regression timing (benchmarks/fit.md): scikit-learn (Debian
python3-sklearn 1.2.1) solving the same block-penalised regressions as
`go test ./fit -bench 'Ridge$|ElasticNet$'`, on fit/testdata/peer/design.tsv (the glv-ridge
design of the Stein 2013 data: 68 rows, 13 columns, 11 responses).

    /usr/bin/python3 scripts/bench_fit_sklearn.py ridge|enet N [DESIGN.tsv]

ridge: Ridge(alpha=1, fit_intercept=False, solver="cholesky") on the columns scaled by
1/sqrt(lam_j) (lam = 2.25 interactions, 9 growth, 0.25 perturbation), all 11 responses in
one call, then the coefficients rescaled (what holobiont's solver returns).
enet: ElasticNet(alpha=0.5/n, l1_ratio=0.5, fit_intercept=False, tol=1e-10) once per
response (sklearn's multi-output ElasticNet fits the same 11 problems).
Runs N solves after one warm-up and prints microseconds per solve (in-process).
"""
import os
import sys
import time

import numpy as np
from sklearn.linear_model import ElasticNet, Ridge

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fit", "testdata", "peer")


def main():
    kind, n = sys.argv[1], int(sys.argv[2])
    path = sys.argv[3] if len(sys.argv) > 3 else os.path.join(HERE, "design.tsv")
    with open(path) as f:
        head = f.readline().rstrip("\n").split("\t")
    d = np.loadtxt(path, skiprows=1, delimiter="\t")
    xc = [i for i, h in enumerate(head) if h.startswith("x")]
    yc = [i for i, h in enumerate(head) if h.startswith("y")]
    X, Y = d[:, xc], d[:, yc]
    lam = np.array([{"a": 2.25, "g": 9.0, "e": 0.25}[head[i].split("_")[1]] for i in xc])
    s = np.sqrt(lam)

    def ridge():
        return Ridge(alpha=1.0, fit_intercept=False, solver="cholesky").fit(X / s, Y).coef_ / s

    def enet():
        return np.array([ElasticNet(alpha=0.5 / X.shape[0], l1_ratio=0.5, fit_intercept=False, tol=1e-10,
                                    max_iter=10**6).fit(X, Y[:, i]).coef_ for i in range(Y.shape[1])])

    fn = {"ridge": ridge, "enet": enet}[kind]
    fn()
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    dt = time.perf_counter() - t0
    print("sklearn %s: %.1f us per solve (%d solves)" % (kind, 1e6 * dt / n, n))


if __name__ == "__main__":
    sys.exit(main())
