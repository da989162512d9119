#!/usr/bin/python3
"""Reference trajectories for the Stein et al. 2013 gLV model (C. difficile + clindamycin).

    dx_i/dt = x_i (mu_i + sum_j M_ij x_j + eps_i u(t))

Inputs (repo copies of ../shared/data/stein2013, see testdata/stein2013/README.md):
  testdata/stein2013/stein2013_glv_parameters.csv  M (rows = target i, columns = source j), mu, eps
  testdata/stein2013/stein2013_timeseries_S1.csv   9 mice: Population/Replicate/ID/time rows, densities
                                                   (1e11 16S copies/cm3) and the clindamycin signal row
Conventions (documented in testdata/stein2013/README.md):
  * time in days, densities in 1e11 16S rDNA copies per cm3;
  * initial state = each mouse's measured day-0 column;
  * u(t) = the clindamycin signal held constant from one sample time to the next (zero-order hold, the
    discretisation the parameters were fitted with): u = 1 on [0, 2) for the treated mice, else 0;
  * C. difficile challenge: mice of populations 1 and 3 start with x_Cdiff(0) = max(measured, 1e-5);
  * every change of u is a segment boundary (the integrator restarts there);
  * outputs at days 0, 0.5, 1, ..., 60.
Peer: scipy.integrate.solve_ivp DOP853, rtol 1e-12, atol 1e-14.

Usage: /usr/bin/python3 scripts/golden_stein2013.py   (writes testdata/stein2013/reference_trajectories.csv)
"""
import csv
import os
import sys
import tempfile

import numpy as np
import scipy
from scipy.integrate import solve_ivp

INOCULUM = 1e-5
T_END = 60.0
DT_OUT = 0.5
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
DIR = os.path.join(ROOT, "testdata", "stein2013")


def read_params():
    with open(os.path.join(DIR, "stein2013_glv_parameters.csv")) as f:
        rows = list(csv.reader(f))
    names, M, mu, eps = [], [], [], []
    for r in rows[1:]:
        if not r[0]:
            continue
        names.append(r[0])
        v = [float(x) for x in r[1:14]]
        M.append(v[:11])
        mu.append(v[11])
        eps.append(v[12])
    return names, np.array(M), np.array(mu), np.array(eps)


def read_mice(names):
    with open(os.path.join(DIR, "stein2013_timeseries_S1.csv")) as f:
        rows = {r[0]: r[1:] for r in csv.reader(f) if r}
    pop = [int(x) for x in rows["Population"]]
    mid = [int(x) for x in rows["ID"]]
    t = [float(x) for x in rows["time (in d)"]]
    u = [float(x) for x in rows["Clindamycin signal"]]
    Y = np.array([[float(x) for x in rows[n]] for n in names])
    mice = []
    for m in sorted(set(mid)):
        cols = [k for k in range(len(mid)) if mid[k] == m]
        cols.sort(key=lambda k: t[k])
        mice.append(dict(id=m, population=pop[cols[0]], times=[t[k] for k in cols],
                         u=[u[k] for k in cols], x0=Y[:, cols[0]].copy()))
    return mice


def schedule(mouse):
    """Zero-order hold of the signal: list of (start, end, u) pieces covering [0, T_END]."""
    pieces = []
    ts, us = mouse["times"], mouse["u"]
    for k in range(len(ts)):
        start = ts[k]
        end = ts[k + 1] if k + 1 < len(ts) else T_END
        if pieces and pieces[-1][2] == us[k]:
            pieces[-1] = (pieces[-1][0], end, us[k])
        else:
            pieces.append((start, end, us[k]))
    pieces[-1] = (pieces[-1][0], T_END, pieces[-1][2])
    return pieces


def main():
    names, M, mu, eps = read_params()
    icd = names.index("Clostridium_difficile")
    mice = read_mice(names)
    tout = np.arange(0, T_END + DT_OUT / 2, DT_OUT)
    out_rows = []
    for m in mice:
        x = m["x0"].copy()
        if m["population"] in (1, 3):
            x[icd] = max(x[icd], INOCULUM)
        traj = {0.0: x.copy()}
        for (a, b, u) in schedule(m):
            te = [t for t in tout if a < t <= b]
            s = solve_ivp(lambda t, y: y * (mu + M @ y + eps * u), (a, b), x, method="DOP853",
                          t_eval=te, rtol=1e-12, atol=1e-14)
            assert s.success, s.message
            for k, t in enumerate(s.t):
                traj[float(t)] = s.y[:, k].copy()
            x = s.y[:, -1].copy()
        for t in tout:
            out_rows.append([m["id"], m["population"], t] + list(traj[float(t)]))
    out = os.path.join(DIR, "reference_trajectories.csv")
    fd, tmp = tempfile.mkstemp(dir=DIR, prefix=".reference_trajectories.")
    with os.fdopen(fd, "w") as f:
        f.write("# Stein 2013 gLV, scipy %s solve_ivp DOP853 rtol=1e-12 atol=1e-14, "
                "u zero-order hold, C. difficile inoculum %g; scripts/golden_stein2013.py\n"
                % (scipy.__version__, INOCULUM))
        f.write(",".join(["mouse", "population", "time"] + names) + "\n")
        for r in out_rows:
            f.write("%d,%d,%g," % tuple(r[:3]) + ",".join("%.17g" % v for v in r[3:]) + "\n")
    os.chmod(tmp, 0o644)
    os.replace(tmp, out)
    for m in mice:
        last = [r for r in out_rows if r[0] == m["id"]][-1]
        print("mouse %d pop %d schedule %s Cdiff(60) %.4g" % (m["id"], m["population"], schedule(m), last[3 + icd]),
              file=sys.stderr)


if __name__ == "__main__":
    main()
