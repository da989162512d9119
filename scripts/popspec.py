"""The fitted susceptibility lines of the general-adult population spec (examples/cohort-general-adults.yaml), one
reader and writer for the two scripts that use them: scripts/fit_skin_severity.py fits and writes them, and
scripts/golden_models_gsb.py quotes them in the parameter notes of models/gut-skin-brain.yaml. A line reads

    <id>: {dist: lognormal, median: M, sdlog: S}    # comment
    <id>: {dist: gamma, shape: K, scale: T}         # comment

The cohort's own parser (cohort.Dist) draws from them; cohort/population_notes_test.go checks the notes against it.
run_cohort simulates a variant of the spec for the fitting scripts (fit_skin_severity.py, fit_skin_mood.py).
Standard library only."""
import csv
import math
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC = os.path.join(ROOT, "examples", "cohort-general-adults.yaml")
SPEC_NAME = "examples/cohort-general-adults.yaml"  # as the notes name it


def run_cohort(binary, text, work, name):
    """Writes spec text to WORK/NAME.yaml, runs `holobiont cohort` on it into WORK/NAME and returns subjects.csv's
    rows (dicts); exits naming the subject when one failed."""
    spec = os.path.join(work, name + ".yaml")
    with open(spec, "w") as f:
        f.write(text)
    out = os.path.join(work, name)
    subprocess.run([binary, "cohort", spec, "--out", out, "--progress", "never"], check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(out, "subjects.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        if r.get("status", "ok") != "ok":
            sys.exit("%s: subject %s failed (%s)" % (out, r["subject"], r["status"]))
    return rows


def _field(line, key):
    return float(line.split(key + ":")[1].split("}")[0].split(",")[0])


def lognormal(param, spec=SPEC):
    """(median, sdlog) of param's log-normal line in spec; exits naming the file when there is none."""
    for line in open(spec):
        s = line.strip()
        if s.startswith(param + ":") and "lognormal" in s:
            return _field(s, "median"), _field(s, "sdlog")
    sys.exit("%s: no log-normal line for %s" % (spec, param))


def population(param, spec=SPEC):
    """(family, a, b) of param's line in spec: ("lognormal", median, sdlog) or ("gamma", shape, scale); exits
    naming the file when there is neither."""
    for line in open(spec):
        s = line.strip()
        if s.startswith(param + ":") and "dist: lognormal" in s:
            return "lognormal", _field(s, "median"), _field(s, "sdlog")
        if s.startswith(param + ":") and "dist: gamma" in s:
            return "gamma", _field(s, "shape"), _field(s, "scale")
    sys.exit("%s: no log-normal or gamma line for %s" % (spec, param))


def write_line(param, family, a, b, spec=SPEC):
    """Rewrites param's line of spec as family with (a, b) = (median, sdlog) or (shape, scale), 4 significant
    digits, keeping its comment."""
    keys = {"lognormal": ("median", "sdlog"), "gamma": ("shape", "scale")}[family]
    lines = open(spec).read().split("\n")
    for k, line in enumerate(lines):
        if line.strip().startswith(param + ":"):
            comment = line[line.index("#"):] if "#" in line else "# fitted: scripts/fit_skin_severity.py"
            body = "  %s: {dist: %s, %s: %.4g, %s: %.4g}" % (param, family, keys[0], a, keys[1], b)
            lines[k] = "%s %s" % (body.ljust(62), comment)
            break
    else:
        sys.exit("%s: no %s line" % (spec, param))
    with open(spec, "w") as f:
        f.write("\n".join(lines))


def describe(family, a, b):
    """The distribution as the parameter notes quote it."""
    if family == "gamma":
        return "gamma, shape %.4g, scale %.4g" % (a, b)
    return "log-normal, median %.4g, sdlog %.4g" % (a, b)


def gamma_cdf(x, k, theta):
    """Regularised lower incomplete gamma P(k, x / theta): its power series, or for large x / theta the
    continued fraction of the upper one (Numerical Recipes' gcf, modified Lentz)."""
    z = x / theta
    if z <= 0:
        return 0.0
    lead = math.exp(k * math.log(z) - z - math.lgamma(k))
    if z < k + 1:
        term = total = 1.0 / k
        n = 0
        while term > 1e-16 * total and n < 10000:
            n += 1
            term *= z / (k + n)
            total += term
        return min(1.0, lead * total)
    b, c, d = z + 1 - k, 1e300, 1 / (z + 1 - k)
    h = d
    for i in range(1, 10000):
        an = -i * (i - k)
        b += 2
        d = an * d + b
        d = 1e-300 if abs(d) < 1e-300 else d
        c = b + an / c
        c = 1e-300 if abs(c) < 1e-300 else c
        d = 1 / d
        h *= d * c
        if abs(d * c - 1) < 1e-16:
            break
    return max(0.0, 1.0 - lead * h)


def ncdf(z):
    """Standard normal CDF."""
    return 0.5 * math.erfc(-z / math.sqrt(2))


def share_below(x, family, a, b):
    """Share of the population (family, a, b) as population returns it below x."""
    if family == "gamma":
        return gamma_cdf(x, a, b)
    return ncdf((math.log(x) - math.log(a)) / b)
