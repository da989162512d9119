#!/bin/sh
# Calibrates the default model against its targets and applies the result (issue 14):
#   1. holobiont calibrate models/gut-skin-brain.targets.yaml (fit from the priors; report, ensemble);
#   2. scripts/golden_models_gsb_calibrated.json gets each fitted parameter that a fit target informs (|d residual /
#      d log10 parameter| >= 0.1 at the fit), with its 95% interval and the targets it names; the generator marks
#      those evidence C. Parameters no fit target informs stay at their prior and keep their S label;
#   3. models/gut-skin-brain.ensemble.tsv (the ensemble holobiont run --uncertainty uses) and
#      benchmarks/calibration-report.md (the report) are copied from the output;
#   4. sh scripts/regen_default_model.sh regenerates the model, its steady state and the kernels.
# The fit starts from the priors in the targets file, not from the model's values, so a rerun on the calibrated
# model reproduces it (the healthy steady state does not depend on the fitted gains: each acts on a deviation from
# baseline). Cost: about 1-2 CPU-minutes.
#   sh scripts/calibrate_default.sh [OUT]
#   sh scripts/calibrate_default.sh --report-only [OUT]
# --report-only runs step 1 and writes benchmarks/calibration-report.md from it, nothing else: the report of a
# rerun on the calibrated model (a rerun is not an exact fixed point, benchmarks/calibration.md), headed by the
# values the model holds and how far the rerun's fit lies from them; the model, its calibration file and the
# ensemble stay as they are (use it when a target is added or a role changes).
set -eu
cd "$(dirname "$0")/.."
report_only=0
if [ "${1:-}" = --report-only ]; then report_only=1; shift; fi
out=${1:-calibration}
go build -o /tmp/holobiont-calibrate ./cmd/holobiont
/tmp/holobiont-calibrate calibrate models/gut-skin-brain.targets.yaml --out "$out" --seed 1 --ensemble 100
if [ "$report_only" = 1 ]; then
  /usr/bin/python3 - "$out" <<'PY' > benchmarks/calibration-report.md
import json, sys
out = sys.argv[1]
cal = json.load(open(out + "/calibration.json"))
app = json.load(open("scripts/golden_models_gsb_calibrated.json"))
print("# Calibration report of the default model (issue 14)\n")
print("Made by `sh scripts/calibrate_default.sh --report-only` (holobiont calibrate models/gut-skin-brain.targets.yaml "
      "--seed 1 --ensemble 100, not applied): a rerun on the calibrated model. The model holds the values of the "
      "applied calibration (scripts/golden_models_gsb_calibrated.json); the rerun's fit below lies this far from them "
      "(a rerun is not an exact fixed point: benchmarks/calibration.md):\n")
print("| parameter | in the model | this rerun's fit | difference |")
print("|---|---|---|---|")
for p in cal["parameters"]:
    v = app.get(p["id"], {}).get("value")
    print("| %s | %s | %.4g | %s |" % (p["id"], "%.4g" % v if v else "-", p["best"], "%+.1f%%" % (100 * (p["best"] / v - 1)) if v else "-"))
print("".join(open(out + "/report.md").readlines()[1:]), end="")  # its line 2 is blank
PY
  exit 0
fi
/usr/bin/python3 - "$out/calibration.json" <<'PY'
import json, sys
cal = json.load(open(sys.argv[1]))
path = "scripts/golden_models_gsb_calibrated.json"
old = json.load(open(path))
keep = {k: v for k, v in old.items() if "holobiont calibrate" not in v["method"]}  # c_on, c_off: the patch grid search
cites = {t["id"]: t["citation"].split(" (")[0] for t in cal["targets"]}
for p in cal["parameters"]:
    if not p["informed_by"]:
        continue
    keep[p["id"]] = {"value": float("%.6g" % p["best"]),
                     "method": "holobiont calibrate models/gut-skin-brain.targets.yaml, seed 1; 95%% interval [%.3g, %.3g]" % (p["lower95"], p["upper95"]),
                     "targets": ["%s (%s)" % (t, cites[t]) for t in p["informed_by"]]}
json.dump(keep, open(path, "w"), indent=1, sort_keys=True)
open(path, "a").write("\n")
PY
cp "$out/ensemble.tsv" models/gut-skin-brain.ensemble.tsv
{ printf '# Calibration report of the default model (issue 14)\n\nMade by `sh scripts/calibrate_default.sh` (holobiont calibrate models/gut-skin-brain.targets.yaml --seed 1 --ensemble 100); the values below are those applied to models/gut-skin-brain.yaml.\n'; sed 1d "$out/report.md"; } > benchmarks/calibration-report.md
sh scripts/regen_default_model.sh
