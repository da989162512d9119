#!/usr/bin/python3
"""Stein et al. 2013's own ridge fit, recomputed with NumPy from their Dataset S1 sheets
(../shared/data/stein2013: Y the design, F the finite-difference log-derivatives, D_lambda
the penalties 2.25 interactions / 9 growth / 0.25 clindamycin): M = F Y^T (Y Y^T + D)^-1,
compared with their published parameters (sheet MmuE, 5 significant digits).

    /usr/bin/python3 scripts/fit_stein2013_ridge.py [SHARED_DIR]

The Go test TestStein2013Ridge (fit/stein_test.go) makes the same comparison with
holobiont's block-penalised ridge solver. Tolerance in both: |ours - published| <=
1e-4 |published| + 1e-5 (the published values have 5 significant digits); the script
prints the largest difference relative to |published| + 0.1 (4e-5 measured).
"""
import csv
import os
import sys

import numpy as np


def sheet(path):
    names, rows = [], []
    with open(path) as f:
        for rec in csv.reader(f):
            if len(rec) < 2 or not rec[0]:
                continue
            try:
                vals = [float(c) for c in rec[1:]]
            except ValueError:
                continue
            names.append(rec[0])
            rows.append(vals)
    return names, np.array(rows, dtype=object)


def main():
    shared = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared")
    d = os.path.join(shared, "data", "stein2013")
    yn, y = sheet(os.path.join(d, "stein2013_S1_sheet_Y.csv"))
    fn, f = sheet(os.path.join(d, "stein2013_S1_sheet_F.csv"))
    yn, y = yn[-13:], np.array([list(r) for r in y[-13:]], dtype=float)
    fn, f = fn[-11:], np.array([list(r) for r in f[-11:]], dtype=float)
    assert yn[:11] == fn
    D = np.diag([2.25] * 11 + [9.0, 0.25])
    M = f @ y.T @ np.linalg.inv(y @ y.T + D)
    mn, mm = sheet(os.path.join(d, "stein2013_S1_sheet_MmuE.csv"))
    idx = {n: i for i, n in enumerate(yn[:11])}
    worst, bad = 0.0, 0
    for r, name in enumerate(mn[:11]):
        i = idx[name]
        pub = list(mm[r])
        ours = [M[i, idx[s]] for s in mn[:11]] + [M[i, 11], M[i, 12]]
        for o, p in zip(ours, pub):
            worst = max(worst, abs(o - p) / (abs(p) + 0.1))
            if abs(o - p) > 1e-4 * abs(p) + 1e-5:
                bad += 1
    print("143 parameters; %d outside |diff| <= 1e-4 |published| + 1e-5; largest |diff|/(|published| + 0.1) = %.2g" % (bad, worst))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
