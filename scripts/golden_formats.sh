#!/bin/sh
# Goldens and interoperability checks for the table formats (table/, tree/,
# `holobiont analyze convert|summarize`).
#
# Needs Debian packages: python3-biom-format python3-h5py hdf5-tools
#   apt-get install -y --no-install-recommends python3-biom-format python3-h5py hdf5-tools
# Run from the repository root:  sh scripts/golden_formats.sh
# It writes table/testdata/golden/*_summary.txt (read by the Go tests) and
# prints the result of reading holobiont-written BIOM 2.1 HDF5 (and 1.0 JSON)
# files with biom-format, h5py and h5dump.
set -eu
PY=/usr/bin/python3            # Debian's python (the pyenv shim cannot see dist-packages)
SHARED=${HOLOBIONT_SHARED:-../shared}
G=table/testdata/golden
mkdir -p "$G"

# 1. `biom summarize-table` goldens.
biom summarize-table -i table/testdata/rich_sparse_otu_table.biom -o "$G/rich_sparse_summary.txt"
biom summarize-table -i "$SHARED/data/moving_pictures/moving_pictures_table.biom21.h5" -o "$G/moving_pictures_summary.txt"

# 2. HDF5 written by holobiont, read by biom-format / h5py / h5dump.
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
go build -o "$TMP/holobiont" ./cmd/holobiont
"$TMP/holobiont" analyze convert "$SHARED/data/moving_pictures/moving_pictures_table.biom.json" --to biom-hdf5 --out "$TMP/mp.biom"
"$TMP/holobiont" analyze convert table/testdata/rich_otu_table.tsv --to biom-hdf5 --out "$TMP/rich.biom"
"$TMP/holobiont" analyze convert "$SHARED/data/globalpatterns/GlobalPatterns.biom.json" --to biom-hdf5 --out "$TMP/gp.biom"
h5dump -H "$TMP/mp.biom" > /dev/null && echo "h5dump: mp.biom OK"
$PY scripts/golden_formats_hdf5_check.py "$SHARED/data/moving_pictures/moving_pictures_table.biom21.h5" "$TMP/mp.biom"
$PY scripts/golden_formats_hdf5_check.py table/testdata/rich_otu_table.tsv "$TMP/rich.biom"
"$TMP/holobiont" analyze convert table/testdata/rich_otu_table.tsv --to biom-json --out "$TMP/rich.json"
$PY scripts/golden_formats_hdf5_check.py table/testdata/rich_otu_table.tsv "$TMP/rich.json"
# (biom-format cannot load GlobalPatterns.biom.json itself: R biomformat wrote
# its sample metadata as lists; the TSV export is the reference.)
$PY scripts/golden_formats_hdf5_check.py "$SHARED/data/globalpatterns/GlobalPatterns_otu_table.tsv" "$TMP/gp.biom"
/usr/bin/python3 scripts/golden_formats_collapse.py "$SHARED/data/moving_pictures" > "$G/moving_pictures_genus.tsv"
