#!/usr/bin/python3
"""Optimum of estimate/testdata/residual (a large-residual least-squares problem) from scipy.

The model x(t) = A·exp(−k·t) is written here from the problem's description, not from holobiont's code; the
measurements are read from estimate/testdata/residual/measurements.tsv (noise sd 1, linear scale), and the
parameters are estimated on their PEtab scale log10 within the bounds of parameters.tsv. scipy.optimize.least_squares
(trust-region reflective, xtol = ftol = gtol = 1e-15) is started from three points, which agree to 1e-7 (the best is written). Also printed:
the Gauss-Newton contraction at the optimum, the spectral radius of (JᵀJ)⁻¹S with S = Σ rᵢ∇²rᵢ, which says how
slowly the Fisher-information (Gauss-Newton) iteration converges there.

Usage: /usr/bin/python3 scripts/golden_estimate_residual.py   (writes estimate/testdata/residual/golden.tsv)
"""
import csv
import math
import os
import tempfile

import numpy as np
import scipy
from scipy.optimize import least_squares

DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "estimate", "testdata", "residual")

with open(os.path.join(DIR, "measurements.tsv")) as f:
    rows = list(csv.DictReader(f, delimiter="\t"))
t = np.array([float(r["time"]) for r in rows])
y = np.array([float(r["measurement"]) for r in rows])


def res(u):
    a, k = 10.0 ** u
    return a * np.exp(-k * t) - y


def jac(u):
    a, k = 10.0 ** u
    e = np.exp(-k * t)
    return np.column_stack([a * e * math.log(10), -a * k * t * e * math.log(10)])


lo, hi = np.log10([0.01, 0.001]), np.log10([100, 10])
sols = [least_squares(res, u0, jac=jac, bounds=(lo, hi), xtol=1e-15, ftol=1e-15, gtol=1e-15)
        for u0 in ([0.0, 0.0], [1.0, -1.0], [0.5, -0.5])]
sols.sort(key=lambda s: s.cost)
u = sols[0].x
for s in sols[1:]:
    assert np.max(np.abs(s.x - u)) < 1e-7, (s.x, u)
r = res(u)
chi2 = float(r @ r)
llh = -0.5 * len(y) * math.log(2 * math.pi) - 0.5 * chi2

# Gauss-Newton contraction: S = sum r_i Hess(r_i), by central differences of the analytic Jacobian
J = jac(u)
S = np.zeros((2, 2))
h = 1e-6
for j in range(2):
    e = np.zeros(2)
    e[j] = h
    dJ = (jac(u + e) - jac(u - e)) / (2 * h)
    S[:, j] = dJ.T @ r
rate = max(abs(np.linalg.eigvals(np.linalg.solve(J.T @ J, S))))

out = os.path.join(DIR, "golden.tsv")
fd, tmp = tempfile.mkstemp(dir=DIR)
with os.fdopen(fd, "w") as f:
    f.write(f"# scipy {scipy.__version__} least_squares (trf), xtol=ftol=gtol=1e-15; Gauss-Newton contraction {rate:.3f}\n")
    f.write("quantity\tvalue\n")
    f.write(f"log10_A\t{u[0]:.12g}\nlog10_k\t{u[1]:.12g}\nchi2\t{chi2:.12g}\nllh\t{llh:.12g}\n")
os.replace(tmp, out)
print(f"log10 A = {u[0]:.12g}, log10 k = {u[1]:.12g}, chi2 = {chi2:.12g}, llh = {llh:.12g}, GN contraction {rate:.3f}")
