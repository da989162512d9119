"""The log-normal lines of the general-adult population spec (examples/cohort-general-adults.yaml), one reader and
writer for the two scripts that use them: scripts/fit_skin_severity.py fits and writes them, and
scripts/golden_models_gsb.py quotes them in the parameter notes of models/gut-skin-brain.yaml. A line reads

    <id>: {dist: lognormal, median: M, sdlog: S}    # comment

The cohort's own parser (cohort.Dist) draws from them; cohort/population_notes_test.go checks the notes against it.
Standard library only."""
import math
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC = os.path.join(ROOT, "examples", "cohort-general-adults.yaml")
SPEC_NAME = "examples/cohort-general-adults.yaml"  # as the notes name it


def _field(line, key):
    return float(line.split(key + ":")[1].split("}")[0].split(",")[0])


def lognormal(param, spec=SPEC):
    """(median, sdlog) of param's log-normal line in spec; exits naming the file when there is none."""
    for line in open(spec):
        s = line.strip()
        if s.startswith(param + ":") and "lognormal" in s:
            return _field(s, "median"), _field(s, "sdlog")
    sys.exit("%s: no log-normal line for %s" % (spec, param))


def write_lognormal(param, median, sdlog, spec=SPEC):
    """Rewrites param's line of spec with median and sdlog (4 significant digits), keeping its comment."""
    lines = open(spec).read().split("\n")
    for k, line in enumerate(lines):
        if line.strip().startswith(param + ":"):
            comment = line[line.index("#"):] if "#" in line else "# fitted: scripts/fit_skin_severity.py"
            body = "  %s: {dist: lognormal, median: %.4g, sdlog: %.4g}" % (param, median, sdlog)
            lines[k] = "%s %s" % (body.ljust(62), comment)
            break
    else:
        sys.exit("%s: no %s line" % (spec, param))
    with open(spec, "w") as f:
        f.write("\n".join(lines))


def ncdf(z):
    """Standard normal CDF."""
    return 0.5 * math.erfc(-z / math.sqrt(2))


def share_below(x, median, sdlog):
    """Share of a log-normal population (median, sdlog) below x."""
    return ncdf((math.log(x) - math.log(median)) / sdlog)
