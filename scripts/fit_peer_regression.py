#!/usr/bin/python3
"""Golden files for fit/peer_test.go: the block-penalised ridge and elastic-net
regressions of fit/testdata/peer/design.tsv (the glv-ridge design of the Stein
2013 forecasting data, written by `HOLOBIONT_UPDATE_GOLDEN=1 go test ./fit -run
TestWritePeerDesign`) solved by scikit-learn (Debian python3-sklearn 1.2.1) and
R glmnet (Debian r-cran-glmnet 4.1-6).

    /usr/bin/python3 scripts/fit_peer_regression.py

holobiont's objectives (fit.Penalty): ridge  sum RSS + sum_j lam_j b_j^2;
elastic net  1/2 RSS + sum_j lam_j (rho |b_j| + (1 - rho)/2 b_j^2), lam_j the
penalty of column j's block (interactions, growth, perturbation).

  sklearn_ridge.tsv  Ridge(alpha=1, fit_intercept=False) on the columns scaled by
                     1/sqrt(lam_j) (then b_j = w_j / sqrt(lam_j)): lam = 2.25
                     interactions, 9 growth, 0.25 perturbation (Stein's D_lambda)
  sklearn_enet.tsv   ElasticNet(alpha=lam/n, l1_ratio=rho, fit_intercept=False,
                     tol=1e-14): sklearn minimises 1/(2n) RSS + alpha rho |w|_1 +
                     alpha (1-rho)/2 |w|^2, i.e. ours divided by n; one lam = 0.5
                     for all blocks (sklearn has no per-column penalty), rho = 0.5
  glmnet_enet.tsv    glmnet(alpha, lambda, penalty.factor, intercept=TRUE,
                     standardize=FALSE, thresh=1e-20) with per-block lam = 1
                     interactions, 0.05 perturbation and rho = 0.7, and the growth
                     column (all ones) as glmnet's unpenalised intercept (lam = 0:
                     glmnet drops constant columns, so a penalised column of ones
                     cannot be given to it). glmnet rescales penalty.factor to sum
                     to the number of columns and standardises y internally (by its
                     standard deviation c, 1/n), which rescales its ridge part;
                     y is therefore divided by c first, and the scaled problem
                     solved with lam' = lam (rho/c + 1 - rho),
                     rho' = (rho/c)/(rho/c + 1 - rho), b = c b'.
Each output row is one response: its coefficients in design-column order.
"""
import os
import subprocess
import sys

import numpy as np
from sklearn.linear_model import ElasticNet, Ridge

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fit", "testdata", "peer")


def read_design():
    path = os.path.join(HERE, "design.tsv")
    with open(path) as f:
        head = f.readline().rstrip("\n").split("\t")
    data = np.loadtxt(path, skiprows=1, delimiter="\t")
    xcols = [i for i, h in enumerate(head) if h.startswith("x")]
    ycols = [i for i, h in enumerate(head) if h.startswith("y")]
    blocks = [head[i].split("_")[1] for i in xcols]
    return data[:, xcols], data[:, ycols], blocks


def write(name, coef):
    with open(os.path.join(HERE, name), "w") as f:
        f.write("\t".join("b%d" % (j + 1) for j in range(coef.shape[1])) + "\n")
        for row in coef:
            f.write("\t".join(repr(float(v)) for v in row) + "\n")


def lam_of(blocks, a, g, e):
    return np.array([{"a": a, "g": g, "e": e}[b] for b in blocks])


def main():
    X, Y, blocks = read_design()
    n = X.shape[0]
    # Ridge with Stein's block penalties.
    lam = lam_of(blocks, 2.25, 9.0, 0.25)
    s = np.sqrt(lam)
    r = Ridge(alpha=1.0, fit_intercept=False, solver="cholesky").fit(X / s, Y)
    write("sklearn_ridge.tsv", r.coef_ / s)
    # Elastic net, one penalty for every block.
    lam1, rho = 0.5, 0.5
    coef = []
    for i in range(Y.shape[1]):
        m = ElasticNet(alpha=lam1 / n, l1_ratio=rho, fit_intercept=False, tol=1e-14, max_iter=10**7).fit(X, Y[:, i])
        coef.append(m.coef_)
    write("sklearn_enet.tsv", np.array(coef))
    # glmnet with per-block penalties; the growth column is the intercept.
    gcol = blocks.index("g")
    keep = [j for j in range(X.shape[1]) if j != gcol]
    lam = lam_of([blocks[j] for j in keep], 1.0, 0.0, 0.05)
    rho = 0.7
    rows = []
    tmp = os.path.join(HERE, ".glmnet_in.tsv")
    for i in range(Y.shape[1]):
        y = Y[:, i]
        c = np.std(y)
        lam_s = lam * (rho / c + 1 - rho)
        rho_s = (rho / c) / (rho / c + 1 - rho)
        pf = lam_s / lam_s.mean()
        lam_glm = lam_s.mean() / n
        np.savetxt(tmp, np.column_stack([y / c, X[:, keep]]), delimiter="\t")
        code = (
            "suppressMessages(library(glmnet)); d <- as.matrix(read.table('%s', sep='\\t')); "
            "f <- glmnet(d[, -1], d[, 1], family='gaussian', alpha=%r, lambda=%r, penalty.factor=c(%s), "
            "intercept=TRUE, standardize=FALSE, thresh=1e-20, maxit=1e8); "
            "cat(sprintf('%%.17g', as.numeric(coef(f))), sep='\\t')"
            % (tmp, rho_s, lam_glm, ",".join(repr(float(v)) for v in pf))
        )
        out = subprocess.run(["Rscript", "-e", code], check=True, capture_output=True, text=True).stdout
        b = [float(v) * c for v in out.split("\t")]
        row = [0.0] * X.shape[1]
        row[gcol] = b[0]
        for k, j in enumerate(keep):
            row[j] = b[k + 1]
        rows.append(row)
    os.remove(tmp)
    write("glmnet_enet.tsv", np.array(rows))
    print("wrote sklearn_ridge.tsv, sklearn_enet.tsv, glmnet_enet.tsv in", HERE)


if __name__ == "__main__":
    sys.exit(main())
