#!/usr/bin/python3
"""scipy DOP853 on the Stein 2013 mice at working tolerances (ode/testdata/stein2013_dop853.csv).

Hairer's DOP853 error estimator does not bound the global error by a small multiple of the tolerance on the
Stein 2013 gLV model (large steps near equilibria, 7th-order dense output between them). The ode tests
therefore hold our DOP853 to the accuracy and cost of the peer implementation instead of a fixed multiple:
for each (rtol, atol) this script records scipy's worst error over the 9 mice and all outputs (every 0.5 day),
scaled by rtol*|ref| + atol, against testdata/stein2013/reference_trajectories.csv (scipy DOP853 at rtol
1e-12, atol 1e-14), and its number of RHS evaluations (nfev, dense-output stages included). Model, schedule
and outputs are those of scripts/golden_stein2013.py (imported from it).

Usage: /usr/bin/python3 scripts/golden_ode_dop853.py   (writes ode/testdata/stein2013_dop853.csv atomically)
"""
import os
import sys
import tempfile

import numpy as np
import scipy
from scipy.integrate import solve_ivp

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import golden_stein2013 as g  # noqa: E402

ROOT = os.path.join(HERE, "..")
TOLS = [(1e-6, 1e-9), (1e-8, 1e-11), (1e-10, 1e-13)]


def main():
    names, M, mu, eps = g.read_params()
    icd = names.index("Clostridium_difficile")
    ref = {}
    with open(os.path.join(g.DIR, "reference_trajectories.csv")) as f:
        for line in f:
            if line.startswith("#") or line.startswith("mouse"):
                continue
            v = [float(x) for x in line.split(",")]
            ref[(int(v[0]), v[2])] = np.array(v[3:])
    tout = np.arange(0, g.T_END + g.DT_OUT / 2, g.DT_OUT)
    rows = []
    for rtol, atol in TOLS:
        worst, nfev = 0.0, 0
        for m in g.read_mice(names):
            x = m["x0"].copy()
            if m["population"] in (1, 3):
                x[icd] = max(x[icd], g.INOCULUM)
            for (a, b, u) in g.schedule(m):
                te = [t for t in tout if a < t <= b]
                s = solve_ivp(lambda t, y: y * (mu + M @ y + eps * u), (a, b), x, method="DOP853",
                              t_eval=te, rtol=rtol, atol=atol)
                assert s.success, s.message
                nfev += s.nfev
                for k, t in enumerate(s.t):
                    r = ref[(m["id"], float(t))]
                    worst = max(worst, float(np.max(np.abs(s.y[:, k] - r) / (rtol * np.abs(r) + atol))))
                x = s.y[:, -1].copy()
        rows.append((rtol, atol, worst, nfev))
        print("rtol %g atol %g: worst scaled error %.4g, nfev %d" % (rtol, atol, worst, nfev), file=sys.stderr)
    out = os.path.join(ROOT, "ode", "testdata", "stein2013_dop853.csv")
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(out), prefix=".stein2013_dop853.")
    with os.fdopen(fd, "w") as f:
        f.write("# scipy %s solve_ivp DOP853 on the 9 Stein 2013 mice (60 d, outputs every 0.5 d); error scaled by "
                "rtol*|ref|+atol against reference_trajectories.csv; scripts/golden_ode_dop853.py\n"
                % scipy.__version__)
        f.write("rtol,atol,max_scaled_error,nfev\n")
        for r in rows:
            f.write("%g,%g,%.6g,%d\n" % r)
    os.chmod(tmp, 0o644)
    os.replace(tmp, out)


if __name__ == "__main__":
    main()
