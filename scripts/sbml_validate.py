#!/usr/bin/python3
"""Validate SBML files with libsbml (Debian python3-sbml5).

Usage: scripts/sbml_validate.py FILE.xml [FILE.xml ...]
       scripts/sbml_validate.py --export-models [HOLOBIONT_BINARY]

With --export-models, every models/*.yaml is exported with `holobiont sbml
export` (the binary given, or `go run ./cmd/holobiont`) into a temporary
directory and validated; a file holobiont refuses as another kind of input
("...: this is a targets file, not a model") is listed as skipped, any other
export error fails. Runs libsbml's consistency checks (all
categories except units, which holobiont's free-text units cannot satisfy);
prints each error and exits non-zero if any file has an error (warnings are
printed but do not fail).
"""
import glob
import os
import subprocess
import sys
import tempfile

try:
    import libsbml
except ImportError:
    sys.exit("sbml_validate: needs libsbml for /usr/bin/python3: apt-get install -y python3-sbml5")


def validate(path):
    doc = libsbml.readSBMLFromFile(path)
    doc.setConsistencyChecks(libsbml.LIBSBML_CAT_UNITS_CONSISTENCY, False)
    doc.checkConsistency()
    errors = 0
    for i in range(doc.getNumErrors()):
        e = doc.getError(i)
        sev = e.getSeverity()
        if sev >= libsbml.LIBSBML_SEV_ERROR:
            errors += 1
            print(f"{path}:{e.getLine()}: error {e.getErrorId()}: {e.getMessage().strip()}")
        elif sev == libsbml.LIBSBML_SEV_WARNING:
            print(f"{path}:{e.getLine()}: warning {e.getErrorId()}: {e.getShortMessage().strip()}")
    m = doc.getModel()
    n = "no model" if m is None else f"{m.getNumSpecies()} species, {m.getNumParameters()} parameters, {m.getNumRules()} rules, {m.getNumReactions()} reactions, {m.getNumEvents()} events"
    print(f"{path}: L{doc.getLevel()}V{doc.getVersion()}, {n}: {errors} errors")
    return errors


def main(argv):
    if argv and argv[0] == "--export-models":
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        binary = argv[1:] or ["go", "run", "./cmd/holobiont"]
        with tempfile.TemporaryDirectory(prefix="sbml-validate-") as tmp:
            files = []
            for y in sorted(glob.glob(os.path.join(root, "models", "*.yaml"))):
                out = os.path.join(tmp, os.path.basename(y)[:-5] + ".xml")
                r = subprocess.run(binary + ["sbml", "export", y, "--out", out], cwd=root, capture_output=True, text=True)
                if r.returncode != 0 and ", not a model (use holobiont " in r.stderr:
                    print(f"skipped (not a model): {r.stderr.strip()}")
                    continue
                sys.stderr.write(r.stderr)
                if r.returncode != 0:
                    sys.exit(f"sbml_validate: holobiont sbml export {y} failed (exit {r.returncode})")
                files.append(out)
            bad = sum(validate(f) for f in files)
    else:
        if not argv:
            sys.exit(__doc__)
        bad = sum(validate(f) for f in argv)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main(sys.argv[1:])
