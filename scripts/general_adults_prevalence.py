#!/usr/bin/env python3
"""Prevalence and severity of each condition in a virtual population (examples/cohort-general-adults.yaml)
against published figures; prints the Markdown table of benchmarks/prevalence.md.
  holobiont cohort examples/cohort-general-adults.yaml --out adults
  /usr/bin/python3 scripts/general_adults_prevalence.py adults/subjects.csv
Standard library only. 95% intervals are Wilson score intervals of the simulated proportion."""
import csv
import math
import sys

# condition: (published prevalence, source, published severity split of cases or None, split source,
# published moderate-or-severe share or None)
PUBLISHED = {
    "eczema": (0.073, "Chiesa Fuxench 2019 (US adults)", (0.601, 0.289, 0.110), "Chiesa Fuxench 2019: mild/moderate/severe", 0.399),
    "psoriasis": (0.030, "Armstrong 2021 (US adults)", None, "", 0.17),  # Kurd 2009: ~17% moderate-to-severe
    "acne": (0.075, "Goulden 1999 (clinical facial acne > 25 y, mean of 3% men / 12% women)", None, "", None),
    "rosacea": (0.0546, "Gether 2018 (meta-analysis)", None, "", None),
    # depression grades: 1 PHQ-9 10-14, 2 15-19, 3 >= 20; MMWR 2018 67:287 (same NHANES data): 2.9% of 8.0% >= 15
    "depression": (0.081, "Brody 2018 (NHANES PHQ-9 >= 10)", None, "", 2.9 / 8.0),
    # anxiety grades: 2 GAD-7 10-14, 3 >= 15; Loewe 2008: ~1% >= 15 of ~5% >= 10
    "anxiety": (0.05, "Loewe 2008 (GAD-7 >= 10, general population)", (0.0, 0.8, 0.2), "Loewe 2008: ~4% 10-14, ~1% >= 15", None),
}


def wilson(k, n):
    if n == 0:
        return float("nan"), float("nan")
    z = 1.959964
    p = k / n
    c = (p + z * z / (2 * n)) / (1 + z * z / n)
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return c - h, c + h


def main(path):
    with open(path, newline="") as f:
        rows = [r for r in csv.DictReader(f) if r.get("status", "ok") == "ok"]
    n = len(rows)
    print("%d subjects (%s)\n" % (n, path))
    print("| condition | simulated prevalence [95% CI] | published | cases mild / moderate / severe | published split | moderate or severe: simulated / published |")
    print("|---|---|---|---|---|---|")
    for c, (pub, src, split, ssrc, pms) in PUBLISHED.items():
        cases = [r for r in rows if float(r[c]) == 1]
        k = len(cases)
        lo, hi = wilson(k, n)
        g = [sum(1 for r in cases if int(float(r[c + "_severity"])) == i) for i in (1, 2, 3)]
        gs = " / ".join("%.0f%%" % (100 * x / k) if k else "-" for x in g)
        ps = " / ".join("%.0f%%" % (100 * x) for x in split) if split else "-"
        if ssrc:
            ps += " (" + ssrc + ")"
        ms = "%.0f%%" % (100 * (g[1] + g[2]) / k) if k else "-"
        ms += " / %.0f%%" % (100 * pms) if pms is not None else " / -"
        print("| %s | %.2f%% [%.2f, %.2f] (%d) | %.1f%% (%s) | %s | %s | %s |" % (c, 100 * k / n, 100 * lo, 100 * hi, k, 100 * pub, src, gs, ps, ms))
    mood_scores(rows)
    # co-occurrence: depression and anxiety among people with and without a visible skin condition
    skin = [r for r in rows if any(float(r[c]) == 1 for c in ("eczema", "psoriasis", "acne", "rosacea"))]
    clear = [r for r in rows if r not in skin]
    print("\n| mood among | n | depression | anxiety |")
    print("|---|---|---|---|")
    for name, grp in (("any skin condition", skin), ("no skin condition", clear)):
        m = len(grp)
        if m:
            d = sum(float(r["depression"]) for r in grp) / m
            a = sum(float(r["anxiety"]) for r in grp) / m
            print("| %s | %d | %.1f%% | %.1f%% |" % (name, m, 100 * d, 100 * a))


# the mood score distribution: fit points (F) of scripts/fit_skin_severity.py and compared ones (C: never fitted,
# but not held out either: the gamma family of D0 and A0 was chosen after the log-normal missed them, session 10)
MOOD_BANDS = {
    "phq9": ("PHQ-9", "MMWR 2018 67:287 (NHANES 2013-2016)", [(0, 5, 0.763, "F"), (5, 10, 0.156, ""), (10, 15, 0.051, ""), (15, 99, 0.029, "C")], None),
    "gad7": ("GAD-7", "Loewe 2008 (German adults)", [(10, 99, 0.05, "F"), (15, 99, 0.01, "C")], 2.95),
}


def mood_scores(rows):
    """Share of the population in each published score band, and the mean score, against the published ones."""
    n = len(rows)
    print("\n| score | band | simulated | published | role in the fit |")
    print("|---|---|---|---|---|")
    for col, (name, src, bands, mean) in MOOD_BANDS.items():
        x = [float(r[col]) for r in rows]
        for lo, hi, pub, role in bands:
            k = sum(1 for v in x if lo <= v < hi)
            band = "%d-%d" % (lo, hi - 1) if hi < 99 else ">= %d" % lo
            print("| %s | %s | %.1f%% | %.1f%% (%s) | %s |" % (name, band, 100 * k / n, 100 * pub, src,
                                                        {"F": "fitted", "H": "held out", "C": "compared"}.get(role, "-")))
        if mean is not None:
            print("| %s | mean | %.2f | %.2f (%s) | fitted |" % (name, sum(x) / n, mean, src))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
