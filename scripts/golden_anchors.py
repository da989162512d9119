#!/usr/bin/python3
"""Reference values for the standalone anchor models (modelfile/testdata/golden_anchors.json).

Peer: scipy (solve_ivp LSODA / Radau at rtol 1e-10, fsolve), written from the published equations, not from
holobiont's code:

  gupta2007:   Gupta 2007 Theor Biol Med Model 4:8, scaled eqs. 9-12 (CellML parameter set;
               ../shared/reference/host-models.md section 1.1): the three steady states, and GR/cortisol along
               the figure-5 protocol (five f = 1 pulses) and after a single pulse.
  shmarov2022: Shmarov 2022 PLoS Comput Biol 18:e1010267, psor_v8_4.xml without drugs (section 2.5): the three
               steady states (by scanning the growth-factor level of the reduced steady-state equations), and
               the shipped scenario (stimulus 3000/day for 4 days at day 150, UVB course from day 300), plus a
               2-day stimulus that does not start a plaque.

Usage: /usr/bin/python3 scripts/golden_anchors.py   (writes modelfile/testdata/golden_anchors.json atomically)
"""
import json
import os
import tempfile

import numpy as np
import scipy
from scipy.integrate import solve_ivp
from scipy.optimize import brentq, fsolve

# ---- Gupta 2007 ----
G = dict(kcd=1.0, ki1=0.1, kad=10.0, ki2=0.1, kcr=0.05, krd=0.9, k=0.001)


def gupta_rhs(t, y, f):
    c, a, o, r = y
    p = G
    return [(1 + f(t)) / (1 + o / p["ki1"]) - p["kcd"] * c, c / (1 + o * r / p["ki2"]) - p["kad"] * a, a - o,
            (o * r) ** 2 / (p["k"] + (o * r) ** 2) + p["kcr"] - p["krd"] * r]


def gupta():
    out = {"steady": []}
    for guess in [(0.626, 0.0597, 0.0597, 0.081), (0.647, 0.0546, 0.0546, 0.339), (0.660, 0.0515, 0.0515, 0.548)]:
        s = fsolve(lambda y: gupta_rhs(0, y, lambda t: 0), guess, xtol=1e-13)
        out["steady"].append(dict(zip(["host.CRH", "host.ACTH", "host.cortisol", "host.GR"], map(float, s))))
    low = [out["steady"][0][k] for k in ["host.CRH", "host.ACTH", "host.cortisol", "host.GR"]]
    times = [1, 5, 10, 17, 20, 30, 60]
    for name, n in [("five_pulses", 5), ("one_pulse", 1)]:
        f = lambda t, n=n: 1.0 if any(4 * k <= t < 4 * k + 1 for k in range(n)) else 0.0
        s = solve_ivp(gupta_rhs, [0, 60], low, args=(f,), method="Radau", rtol=1e-10, atol=1e-13, max_step=0.01, dense_output=True)
        out[name] = {"times": times, "host.GR": [float(s.sol(t)[3]) for t in times], "host.cortisol": [float(s.sol(t)[2]) for t in times]}
    return out


# ---- Shmarov 2022 (psor_v8_4 without drugs) ----
S = dict(t20=1.51, il172=0.5, il1720=36.5, gf20=36.5, t_vm=6000.0, t_kp=3e12, d20=5.05e-7, uv_eff=0.16, a_base=0.0036,
         t_min=1556.09, sc_min=3947.21, ta_min=22224.4, dc_min=1563.06, a20=36.0, sc2gf=1.0, ta2gf=1.0, tnf20=36.5,
         tnf2=0.5, dc_act=1880.0, il232=1.0, il2320=36.5, t2=55.0, n=4.0, sc2=0.0017635, ta2=0.0017562, sc2ta=0.0015415,
         ta2d=0.0018063, sc20=1.8135e-5, ta20=3.7321e-6, desq=0.004752946)
NAMES = ["skin.IL23", "skin.T", "skin.IL17", "skin.TNF", "skin.GF", "skin.DC", "skin.SC", "skin.TA", "skin.D", "skin.A"]


def shm_rhs(t, y, stim, uv):
    il23, T, il17, tnf, gf, dc, sc, ta, d, a = y
    p, u = S, uv(t) * S["uv_eff"]
    L = il17 + tnf
    apT = u * (T - p["t_min"]) + p["a_base"] * T
    apDC = u * (dc - p["dc_min"]) + p["a_base"] * dc
    apSC = u * (sc - p["sc_min"]) + p["a_base"] * sc
    apTA = u * (ta - p["ta_min"]) + p["a_base"] * ta
    return [p["il232"] * dc - p["il2320"] * il23, p["t2"] * il23 - p["t20"] * T - apT, p["il172"] * T - p["il1720"] * il17,
            p["tnf2"] * T - p["tnf20"] * tnf, p["sc2gf"] * sc + p["ta2gf"] * ta - p["gf20"] * gf,
            p["t_vm"] * gf ** p["n"] / (p["t_kp"] + gf ** p["n"]) + p["dc_act"] + stim(t) - p["t20"] * dc - apDC,
            p["sc2"] * L * sc - p["sc20"] * sc ** 2 - apSC, p["ta2"] * L * ta + p["sc2ta"] * sc * L - p["ta20"] * ta ** 2 - apTA,
            p["ta2d"] * ta * L - p["d20"] * d ** 2 - p["a_base"] * d - p["desq"] * d, apT + apDC + apSC + apTA + p["a_base"] * d - p["a20"] * a]


def shm_state_from_gf(gf):
    """Steady state given the growth-factor level, from the reduced equations (no therapy, no stimulus)."""
    p = S
    dc = (p["t_vm"] * gf ** 4 / (p["t_kp"] + gf ** 4) + p["dc_act"]) / (p["t20"] + p["a_base"])
    il23 = dc / p["il2320"]
    T = p["t2"] * il23 / (p["t20"] + p["a_base"])
    il17, tnf = p["il172"] * T / p["il1720"], p["tnf2"] * T / p["tnf20"]
    L = il17 + tnf
    sc = max((p["sc2"] * L - p["a_base"]) / p["sc20"], 0.0)
    b, c = p["ta2"] * L - p["a_base"], p["sc2ta"] * sc * L
    ta = (b + np.sqrt(b * b + 4 * p["ta20"] * c)) / (2 * p["ta20"])
    e = p["a_base"] + p["desq"]
    d = (-e + np.sqrt(e * e + 4 * p["d20"] * p["ta2d"] * ta * L)) / (2 * p["d20"])
    a = p["a_base"] * (T + dc + sc + ta + d) / p["a20"]
    return [il23, T, il17, tnf, (sc + ta) / p["gf20"], dc, sc, ta, d, a]


def shmarov():
    out = {"steady": []}
    g = np.linspace(1, 20000, 400001)
    v = np.array([shm_state_from_gf(x)[4] - x for x in g])
    for i in np.where(np.sign(v[:-1]) != np.sign(v[1:]))[0]:
        root = brentq(lambda x: shm_state_from_gf(x)[4] - x, g[i], g[i + 1], xtol=1e-12)
        out["steady"].append(dict(zip(NAMES, map(float, shm_state_from_gf(root)))))
    healthy = [out["steady"][0][k] for k in NAMES]
    doses = [(0, 0.7), (2, 0.7), (4, 0.98), (7, 0.98), (9, 1.323), (11, 1.323), (14, 1.72), (16, 1.72), (18, 2.15), (21, 2.15),
             (23, 2.58), (25, 2.58), (28, 2.967), (30, 2.967), (32, 3.264), (35, 3.264)] + [(d, 3.427) for d in (37, 39, 42, 44, 46, 49, 51, 53, 56)]

    def uv(t):
        for d, x in doses:
            if 300 + d <= t < 301 + d:
                return x
        return 0.0
    times = [149, 160, 200, 299, 310, 330, 357, 500]
    for name, dur, u in [("stimulus4_uvb", 4, uv), ("stimulus2", 2, lambda t: 0.0)]:
        st = lambda t, dur=dur: 3000.0 if 150 <= t < 150 + dur else 0.0
        s = solve_ivp(shm_rhs, [0, 500], healthy, args=(st, u), method="LSODA", rtol=1e-10, atol=1e-8, max_step=0.05, dense_output=True)
        out[name] = {"times": times}
        for k in ["skin.SC", "skin.TA", "skin.T", "skin.DC", "skin.D"]:
            out[name][k] = [float(s.sol(t)[NAMES.index(k)]) for t in times]
    return out


def main():
    res = {"scipy": scipy.__version__, "gupta2007": gupta(), "shmarov2022": shmarov()}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "modelfile", "testdata", "golden_anchors.json")
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path))
    with os.fdopen(fd, "w") as f:
        json.dump(res, f, indent=1)
        f.write("\n")
    os.replace(tmp, path)
    print("wrote", path)


if __name__ == "__main__":
    main()
