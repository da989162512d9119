#!/usr/bin/python3
"""Reference values for the ode package tests (ode/testdata/golden_ode.csv).

Peer: scipy.integrate.solve_ivp, method Radau (implicit Runge-Kutta, order 5),
rtol 1e-12 and tight absolute tolerances, analytic Jacobians.

Problems (same definitions as ode/problems_test.go):
  robertson: y1' = -0.04 y1 + 1e4 y2 y3, y3' = 3e7 y2^2, y2' = -y1' - y3';
             y(0) = (1, 0, 0); outputs t = 40, 4e10.
  vdpol1000: y1' = y2, y2' = mu (1 - y1^2) y2 - y1, mu = 1000;
             y(0) = (2, 0); outputs t = 400, 1200, 2000, 2800 (mid slow branches;
             relaxation jumps near t = 807, 1614, 2421).

Usage: /usr/bin/python3 scripts/golden_ode.py  (writes ode/testdata/golden_ode.csv atomically)
"""
import os
import sys
import tempfile

import numpy as np
import scipy
from scipy.integrate import solve_ivp


def rober(t, y):
    a = -0.04 * y[0] + 1e4 * y[1] * y[2]
    c = 3e7 * y[1] ** 2
    return [a, -a - c, c]


def rober_jac(t, y):
    return [[-0.04, 1e4 * y[2], 1e4 * y[1]],
            [0.04, -1e4 * y[2] - 6e7 * y[1], -1e4 * y[1]],
            [0.0, 6e7 * y[1], 0.0]]


MU = 1000.0


def vdp(t, y):
    return [y[1], MU * (1 - y[0] ** 2) * y[1] - y[0]]


def vdp_jac(t, y):
    return [[0.0, 1.0], [-2 * MU * y[0] * y[1] - 1, MU * (1 - y[0] ** 2)]]


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    out = os.path.join(root, "ode", "testdata", "golden_ode.csv")
    rows = []
    t_r = [40.0, 4e10]
    s = solve_ivp(rober, (0, t_r[-1]), [1.0, 0.0, 0.0], method="Radau", t_eval=t_r,
                  rtol=1e-12, atol=[1e-20, 1e-24, 1e-20], jac=rober_jac)
    assert s.success, s.message
    for k, t in enumerate(s.t):
        rows.append(("robertson", t, s.y[0, k], s.y[1, k], s.y[2, k]))
    t_v = [400.0, 1200.0, 2000.0, 2800.0]
    s = solve_ivp(vdp, (0, t_v[-1]), [2.0, 0.0], method="Radau", t_eval=t_v,
                  rtol=1e-12, atol=1e-12, jac=vdp_jac)
    assert s.success, s.message
    for k, t in enumerate(s.t):
        rows.append(("vdpol1000", t, s.y[0, k], s.y[1, k], float("nan")))
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(out), prefix=".golden_ode.")
    with os.fdopen(fd, "w") as f:
        f.write("# scipy %s solve_ivp Radau rtol=1e-12; scripts/golden_ode.py\n" % scipy.__version__)
        f.write("problem,t,y1,y2,y3\n")
        for r in rows:
            f.write("%s,%.17g,%.17g,%.17g,%.17g\n" % r)
    os.chmod(tmp, 0o644)
    os.replace(tmp, out)
    print("wrote", out, file=sys.stderr)


if __name__ == "__main__":
    main()
