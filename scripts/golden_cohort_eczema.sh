#!/bin/sh
# Probiotic eczema effect size and power with the *measured* SCORAD (instrument noise SD 3), for
# examples/trial-probiotic-eczema.yaml (host-models.md §3.7, §8.11; Huang 2017 pooled SCORAD -3.07,
# 95% CI -6.12 to -0.03). An independent check of `holobiont trial`'s power curve (which computes the
# same measured endpoints inside the trial): this script simulates the trial population as plain
# cohorts (placebo, probiotic 1e9 CFU/day for 56 d; parameters and burn-in as in the trial example),
# reads the measured SCORAD from measurements.csv and does its own ANCOVA in Python:
#   1. the paired model effect: the same subjects (same seed) with and without the probiotic;
#   2. power at N total subjects in the trial's 3 arms (N/3 per arm) by drawing R replicate trials from
#      independent pools (placebo pool seed 101, probiotic pool seed 202) and testing the probiotic arm
#      against placebo by ANCOVA of the measured SCORAD change on measured baseline (two-sided 0.05).
#   nice sh scripts/golden_cohort_eczema.sh [POOL] [R] [holobiont binary]
set -eu
POOL=${1:-1200}
R=${2:-1000}
HB=${3:-holobiont}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mkdir "$W/scenarios"
printf 'name: placebo\nduration: 56\n' > "$W/scenarios/none.yaml"
printf 'name: probiotic 56 d\nduration: 56\ninterventions:\n  - {type: probiotic, name: p, taxon: gut.probiotic, dose: 3.0e-7, start: 0, duration: 56}\n' > "$W/scenarios/pro.yaml"
spec() { # name scenario seed
cat > "$W/$1.yaml" <<SPEC
name: eczema-$1
n: $POOL
seed: $3
scenario: scenarios/$2.yaml
burn_in: 730
chunk: 200
parameters:
  gamma_AB: {dist: lognormal, median: 40, sdlog: 0.8}
  kappa_B: {dist: lognormal, median: 0.0711, sdlog: 0.3}
  k_proT: {dist: lognormal, median: 0.06, sdlog: 0.5}
  W0: {dist: normal, mean: 0.75, sd: 0.08, lower: 0.3, upper: 1.0}
measurements:
  - {name: scorad, instrument: scorad, times: [0, 56]}
endpoints:
  - {name: easi0, variable: host.easi, time: 0}
  - {name: easi56, variable: host.easi, time: 56}
SPEC
"$HB" cohort "$W/$1.yaml" --out "$W/$1" --progress never >&2
}
spec placebo none 101
spec probiotic pro 202
spec paired_placebo none 202
python3 - "$W" "$R" <<'PY'
import csv, math, random, statistics as st, sys
W, R = sys.argv[1], int(sys.argv[2])
def subjects(d):
    return {x["subject"]: x for x in csv.DictReader(open(f"{W}/{d}/subjects.csv"))}
def scorad(d):
    m = {}
    for x in csv.DictReader(open(f"{W}/{d}/measurements.csv")):
        if x["measurement"] == "scorad":
            m.setdefault(x["subject"], {})[float(x["time"])] = float(x["value"])
    return [(v[0.0], v[56.0] - v[0.0]) for v in m.values()]
# 1. paired model effect (latent EASI-like, SCORAD = 103/72 EASI)
a, b = subjects("probiotic"), subjects("paired_placebo")
d = [(float(a[s]["easi56"]) - float(a[s]["easi0"])) - (float(b[s]["easi56"]) - float(b[s]["easi0"])) for s in a if float(b[s]["easi0"]) > 5]
print("paired model effect in subjects with eczema (EASI0 > 5): n %d, mean %.3f EASI = %.3f SCORAD, SD %.3f SCORAD"
      % (len(d), st.mean(d), st.mean(d) * 103 / 72, st.stdev(d) * 103 / 72))
print("fraction of the population with EASI0 > 5: %.3f" % (len(d) / len(a)))
# 2. power with measured SCORAD
def betacf(a, b, x):
    qab, qap, qam = a + b, a + 1, a - 1
    c, dd = 1.0, 1 - qab * x / qap
    dd = 1 / dd if abs(dd) > 1e-300 else 1e300
    h = dd
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        dd = 1 + aa * dd; c = 1 + aa / c; dd = 1 / dd; h *= dd * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        dd = 1 + aa * dd; c = 1 + aa / c; dd = 1 / dd; de = dd * c; h *= de
        if abs(de - 1) < 1e-14:
            break
    return h
def betai(a, b, x):
    if x <= 0: return 0.0
    if x >= 1: return 1.0
    bt = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log(1 - x))
    return bt * betacf(a, b, x) / a if x < (a + 1) / (a + b + 2) else 1 - bt * betacf(b, a, 1 - x) / b
def tp(t, df):  # two-sided p of Student t
    return betai(df / 2, 0.5, df / (df + t * t))
def solve3(A, y):
    import copy
    M = [row[:] + [v] for row, v in zip(A, y)]
    for i in range(3):
        p = max(range(i, 3), key=lambda r: abs(M[r][i])); M[i], M[p] = M[p], M[i]
        for r in range(3):
            if r != i:
                f = M[r][i] / M[i][i]
                M[r] = [u - f * v for u, v in zip(M[r], M[i])]
    return [M[i][3] / M[i][i] for i in range(3)]
def ancova(ctrl, trt):
    rows = [(1.0, b0, 0.0, y) for b0, y in ctrl] + [(1.0, b0, 1.0, y) for b0, y in trt]
    XtX = [[sum(r[i] * r[j] for r in rows) for j in range(3)] for i in range(3)]
    Xty = [sum(r[i] * r[3] for r in rows) for i in range(3)]
    beta = solve3(XtX, Xty)
    res = [r[3] - sum(beta[k] * r[k] for k in range(3)) for r in rows]
    df = len(rows) - 3
    s2 = sum(e * e for e in res) / df
    inv = [solve3(XtX, [1.0 if k == j else 0.0 for k in range(3)]) for j in range(3)]
    se = math.sqrt(s2 * inv[2][2])
    return beta[2], tp(beta[2] / se, df)
pc, pt = scorad("placebo"), scorad("probiotic")
rng = random.Random(7)
print("N\tper_arm\treplicates\tpower\tmean_effect_SCORAD")
for N in (60, 120, 240):
    k = N // 3
    sig, eff = 0, 0.0
    for _ in range(R):
        e, p = ancova(rng.sample(pc, k), rng.sample(pt, k))
        sig += p < 0.05; eff += e / R
    print("%d\t%d\t%d\t%.3f\t%.3f" % (N, k, R, sig / R, eff))
# null check: placebo pool against the (independent) paired-placebo pool; rejection rate should be ~0.05
pn = scorad("paired_placebo")
nul = sum(ancova(rng.sample(pc, 80), rng.sample(pn, 80))[1] < 0.05 for _ in range(R)) / R
print("null check (placebo vs placebo, 80 per arm): rejection rate %.3f" % nul)
print("measured SCORAD change in placebo: mean %.2f SD %.2f" % (st.mean(y for _, y in pc), st.stdev(y for _, y in pc)))
PY
