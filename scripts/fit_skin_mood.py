#!/usr/bin/env python3
"""Fit the skin-burden -> mood gains a_skinD and a_skinA of the default model (issue 14) to Cohen 2016.

Cohen 2016 (JAMA Dermatol 152:73; NHANES 2009-2012, 12,382 US adults, 351 with psoriasis): mean PHQ-9 4.54 (SD 5.7)
with psoriasis against 3.22 (SD 4.3) without, a difference of 1.32 points, 95% interval [0.72, 1.92] (the two
groups' standard errors combined). Target cohen2016_psoriasis_phq9 in models/gut-skin-brain.targets.yaml.

The model's statistic is the same contrast in the general-adult population of examples/cohort-general-adults.yaml
(its fitted lines, its seed): mean PHQ-9 of the subjects with psoriasis at the visit minus that of the rest. The
script runs that cohort (--n subjects, the spec's seed: common random numbers, so the contrast is smooth in the
gain) with a_skinD on a grid and a_skinA tied to it at an equal standardised effect, a_skinA = a_skinD x 3.41/3.52
(the general population's GAD-7 and PHQ-9 SDs, Loewe 2008 and Kocalevent 2013, as the Reichenberg targets use:
NHANES has no GAD-7, so no anxiety contrast of the same population exists), then solves the contrast = 1.32 by
linear interpolation between the bracketing grid points and checks the solution with one more cohort. It also
prints, never fits, the held-out comparisons: the eczema contrast against Chiesa Fuxench 2019's HADS differences
in SD units (its HADS differences over normative SDs of ~IQR / 1.35 of Breeman 2015's
norms, 3.7 and 4.1; the model's over its own SD of the subjects without eczema), and the psoriasis contrast in
PHQ-9 >= 10.

With --write it records a_skinD and a_skinA in scripts/golden_models_gsb_calibrated.json (evidence C, naming the
target) for the model generator; regenerate the model with python3 scripts/golden_models_gsb.py >
models/gut-skin-brain.yaml, then refit the population lines (scripts/fit_skin_severity.py --write --rounds 3),
since the gains move depression and anxiety prevalence.

    CGO_ENABLED=0 go build -o /tmp/hb ./cmd/holobiont
    python3 scripts/fit_skin_mood.py --bin /tmp/hb --n 20000 [--write]
"""
import argparse
import json
import os
import re
import statistics
import sys
import tempfile

from popspec import ROOT, SPEC, run_cohort

CALIB = os.path.join(ROOT, "scripts", "golden_models_gsb_calibrated.json")
TARGET, LO, HI = 1.32, 0.72, 1.92      # Cohen 2016, PHQ-9 points
TIE = 3.41 / 3.52                      # a_skinA / a_skinD: equal standardised effect (GAD-7 SD / PHQ-9 SD)
HADS_D, HADS_A = (5.83 - 3.62, 3.7), (7.03 - 4.73, 4.1)  # Chiesa Fuxench 2019 differences; SDs ~ IQR/1.35 of Breeman 2015's norms


def cohort(binary, n, gain, work):
    """Runs the general-adult cohort with the gains fixed and returns its subjects."""
    text = open(SPEC).read()
    text = re.sub(r"(?m)^n: \d+", "n: %d" % n, text, count=1)
    text = re.sub(r"(?m)^chunk: \d+", "chunk: 500", text, count=1)
    extra = "  a_skinD: {dist: fixed, value: %r}\n  a_skinA: {dist: fixed, value: %r}\n" % (gain, gain * TIE)
    text = re.sub(r"(?m)^(covariates:)", extra + r"\1", text, count=1)
    return run_cohort(binary, text, work, "adults-%g" % gain)


def contrast(rows, cond, score):
    """Mean score of the subjects with cond minus that of the rest, and the two groups' sizes."""
    a = [float(r[score]) for r in rows if r[cond] == "1"]
    b = [float(r[score]) for r in rows if r[cond] != "1"]
    return statistics.mean(a) - statistics.mean(b), len(a), len(b)


def report(gain, rows):
    d, na, nb = contrast(rows, "psoriasis", "phq9")
    ps = [r for r in rows if r["psoriasis"] == "1"]
    rest = [r for r in rows if r["psoriasis"] != "1"]
    share = lambda s: 100.0 * sum(float(r["phq9"]) >= 10 for r in s) / len(s)
    ed, _, _ = contrast(rows, "eczema", "phq9")
    ea, _, _ = contrast(rows, "eczema", "gad7")
    # standardised on the model's own SD of the subjects without eczema (Chiesa's on Crawford's HADS norms)
    sd = lambda score: statistics.stdev(float(r[score]) for r in rows if r["eczema"] != "1")
    dep = 100.0 * sum(float(r["phq9"]) >= 10 for r in rows) / len(rows)
    anx = 100.0 * sum(float(r["gad7"]) >= 10 for r in rows) / len(rows)
    print("a_skinD %6.3f a_skinA %6.3f | psoriasis - rest PHQ-9 %5.2f (%d vs %d; PHQ-9 >= 10 %.1f%% vs %.1f%%) | "
          "eczema - rest PHQ-9 %.2f (%.2f SD; Chiesa %.2f), GAD-7 %.2f (%.2f SD; Chiesa %.2f) | "
          "depression %.2f%%, anxiety %.2f%%" % (gain, gain * TIE, d, na, nb, share(ps), share(rest), ed,
                                                 ed / sd("phq9"), HADS_D[0] / HADS_D[1], ea, ea / sd("gad7"),
                                                 HADS_A[0] / HADS_A[1], dep, anx), flush=True)
    return d


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default="holobiont")
    ap.add_argument("--n", type=int, default=20000, help="subjects per cohort (default 20,000)")
    ap.add_argument("--grid", default="5,10,15,20", help="a_skinD values to bracket the target")
    ap.add_argument("--work", default="")
    ap.add_argument("--write", action="store_true", help="record the fitted gains for the model generator")
    a = ap.parse_args()
    work = a.work or tempfile.mkdtemp(prefix="fit_skin_mood_")
    os.makedirs(work, exist_ok=True)
    grid = [float(x) for x in a.grid.split(",")]
    pts = [(g, report(g, cohort(a.bin, a.n, g, work))) for g in grid]
    for (g0, d0), (g1, d1) in zip(pts, pts[1:]):
        if (d0 - TARGET) * (d1 - TARGET) <= 0 and d1 != d0:
            gain = g0 + (TARGET - d0) * (g1 - g0) / (d1 - d0)
            break
    else:
        sys.exit("the grid %s does not bracket the target %.2f: contrasts %s" % (grid, TARGET, [d for _, d in pts]))
    gain = float("%.4g" % gain)
    d = report(gain, cohort(a.bin, a.n, gain, work))
    if not LO <= d <= HI:
        sys.exit("the interpolated gain %g gives %.2f, outside [%.2f, %.2f]" % (gain, d, LO, HI))
    print("fitted: a_skinD %g, a_skinA %.4g (contrast %.2f against %.2f [%.2f, %.2f])" % (gain, gain * TIE, d, TARGET, LO, HI))
    if a.write:
        calib = json.load(open(CALIB))
        method = "scripts/fit_skin_mood.py, %d general adults (examples/cohort-general-adults.yaml's seed)" % a.n
        calib["a_skinD"] = {"method": method, "value": gain,
                            "targets": ["cohen2016_psoriasis_phq9 (Cohen 2016 JAMA Dermatol 152:73)"]}
        calib["a_skinA"] = {"method": method + "; tied to a_skinD at an equal standardised effect (x 3.41/3.52)",
                            "value": float("%.4g" % (gain * TIE)),
                            "targets": ["cohen2016_psoriasis_phq9 (Cohen 2016 JAMA Dermatol 152:73), through the tie"]}
        with open(CALIB, "w") as f:
            json.dump(calib, f, indent=1, sort_keys=True)
            f.write("\n")
        print("wrote", CALIB)


if __name__ == "__main__":
    main()
