#!/bin/sh
# Regenerates models/gut-skin-brain.yaml (scripts/golden_models_gsb.py) and its healthy steady state
# (scripts/golden_models_gsb_initial.json), the eczema patch fixture (modelfile/testdata/eczema_patches.yaml), then the Go kernels of the shipped models. The steady state takes
# three passes: the model's memory states (the eczema and psoriasis fronts) ratchet on start-up transients, so
# each pass starts nearer the steady state and the last one moves it only in the last digits (TestDefaultSteadyState checks it is steady); a rerun on an unchanged model therefore changes the last digits of the initial state: keep the committed files unless the model changed.
#   sh scripts/regen_default_model.sh
set -eu
cd "$(dirname "$0")/.."
for i in 1 2 3; do
  /usr/bin/python3 scripts/golden_models_gsb.py > models/gut-skin-brain.yaml
  HOLOBIONT_WRITE_STEADY=1 go test -count=1 -run '^TestDefaultSteadyState$' ./modelfile > /dev/null
done
/usr/bin/python3 scripts/golden_models_gsb.py > models/gut-skin-brain.yaml
/usr/bin/python3 scripts/golden_models_gsb.py --patch-test modelfile/testdata   # the patch fixture reads the steady state too
go test -count=1 -run '^TestDefaultSteadyState$' ./modelfile
go generate ./system/kernels
